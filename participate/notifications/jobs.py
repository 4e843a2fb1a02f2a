"""The nightly phase check as a job kind (`notifications.phase_changes`) and `flask notify-phase-changes`:
phases also change by date at midnight, with nobody pressing a button."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participate.core.after_commit import commit
from participate.jobs.registry import Progress, job_kind
from participate.notifications import services

PHASE_CHANGES_JOB = "notifications.phase_changes"


def notify_phase_changes() -> int:
    """Announce each followed process's new phase once; emails leave after the commit. Returns how many
    processes changed phase."""
    changed = services.publish_phase_changes()
    commit()
    return changed


def _back(_params: dict[str, Any]) -> tuple[str, str]:
    return _("Back to the dashboard"), url_for("admin.dashboard")


@job_kind(
    PHASE_CHANGES_JOB,
    label=_l("Announce phase changes to followers"),
    template="notifications/_phase_changes_job.html",
    back=_back,
)
def phase_changes_job(params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    return {"changed": notify_phase_changes()}
