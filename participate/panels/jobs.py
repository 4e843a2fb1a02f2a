"""The selection job: the engine on a run's frozen pool, its progress on the job's bar, the facilitator's
time limit as the engine's deadline. It owns its transaction, as a job does; every run is kept, failed
ones too (with the engine's explanation)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participate.core.after_commit import commit
from participate.core.errors import ValidationFailed
from participate.extensions import db
from participate.jobs.registry import Progress, job_kind
from participate.panels.models import Panel
from participate.panels.selection import SELECT_JOB, compute_run, fail_run
from participate.panels.selection_models import SelectionRun
from participate.sortition import SortitionError


def _fail(run_id: int, message: str) -> None:
    db.session.rollback()
    run = db.session.get(SelectionRun, run_id)
    if run is not None:
        fail_run(run, message)
        commit()


def _back(params: dict[str, Any]) -> tuple[str, str]:
    run = db.session.get(SelectionRun, int(params["run_id"]))
    if run is None:
        return _("Back to the processes"), url_for("processes.index")
    panel = db.session.get(Panel, run.panel_id)
    if panel is None:
        return _("Back to the processes"), url_for("processes.index")
    return _("Back to the selection"), url_for(
        "panels_draw_manage.selection_overview", slug=panel.process.slug, panel_id=panel.id
    )


@job_kind(SELECT_JOB, label=_l("Select the panel"), template="panels/_select_job.html", back=_back)
def select_job(params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    run = db.session.get(SelectionRun, int(params["run_id"]))
    if run is None:
        raise ValidationFailed(_("The selection run no longer exists."))
    run_id = run.id
    try:
        summary = compute_run(run, progress)
    except SortitionError as error:
        _fail(run_id, str(error))
        raise ValidationFailed(str(error)) from error
    except Exception:
        _fail(run_id, "An unexpected error stopped this run; it has been logged.")
        raise
    commit()
    return summary
