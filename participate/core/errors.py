"""Errors that services raise. Their messages are safe to show to the person who caused them."""

from __future__ import annotations


class ServiceError(Exception):
    """A use case refused: the message explains why in words a resident understands."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationFailed(ServiceError):
    status_code = 400


class PermissionDenied(ServiceError):
    status_code = 403


class NotFound(ServiceError):
    status_code = 404


class Conflict(ServiceError):
    status_code = 409


class IllegalTransition(Conflict):
    """A state machine refused to move (a process phase, a ballot, a panel)."""
