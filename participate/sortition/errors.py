"""Errors of the sortition engine.

Every message is written for a facilitator: it names the file row, person, feature or quota at fault and
never contains a traceback or solver jargon.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class SortitionError(Exception):
    """Base class: anything the engine refuses to do, with a message safe to show."""


class InputError(SortitionError):
    """The features or people data are malformed (unknown value, missing feature, duplicate id, ...)."""


@dataclass(frozen=True)
class QuotaChange:
    """One quota of the suggested relaxation: `feature`/`value` from `old_min..old_max` to `new_min..new_max`."""

    feature: str
    value: str
    old_min: int
    old_max: int
    new_min: int
    new_max: int

    def describe(self) -> str:
        return f"{self.feature}={self.value}: {self.old_min}-{self.old_max} -> {self.new_min}-{self.new_max}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "value": self.value,
            "min": self.old_min,
            "max": self.old_max,
            "new_min": self.new_min,
            "new_max": self.new_max,
        }


class InfeasibleQuotas(SortitionError):
    """No panel meets every quota.

    `conflicting` lists the (feature, value) quotas involved in the conflict; `relaxation` is the smallest
    change within each quota's min_flex/max_flex that makes a panel possible (None if even the flexible
    bounds do not allow one).
    """

    def __init__(
        self,
        message: str,
        *,
        conflicting: tuple[tuple[str, str], ...] = (),
        relaxation: tuple[QuotaChange, ...] | None = None,
    ) -> None:
        super().__init__(message)
        self.conflicting = conflicting
        self.relaxation = relaxation

    def as_dict(self) -> dict[str, Any]:
        return {
            "infeasible": True,
            "error": str(self),
            "conflicting_quotas": [{"feature": f, "value": v} for f, v in self.conflicting],
            "suggested_relaxation": (
                None if self.relaxation is None else [change.as_dict() for change in self.relaxation]
            ),
        }


class LotteryError(SortitionError):
    """A published lottery file is malformed or its SHA-256 does not match its panels."""
