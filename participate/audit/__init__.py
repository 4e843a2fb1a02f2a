"""Append-only, hash-chained record of every action that changes an outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The chain check (a job kind) and the audit entries of the domains below audit (events)."""
    from participate.audit import jobs, subscribers  # noqa: F401  (a job kind; event subscribers)
