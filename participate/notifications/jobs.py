"""The nightly phase check as a background task (`notifications.phase_changes`) and `flask
notify-phase-changes`: phases also change by date at midnight, with nobody pressing a button."""

from __future__ import annotations

from participate.core.after_commit import commit, rollback
from participate.core.tasks import task
from participate.notifications import services


@task("notifications.phase_changes")
def notify_phase_changes() -> int:
    """Announce each followed process's new phase once; emails leave after the commit. Returns how many
    processes changed phase."""
    try:
        changed = services.publish_phase_changes()
        commit()
    except Exception:
        rollback()
        raise
    return changed
