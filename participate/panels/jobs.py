"""The selection job: the engine on a run's frozen pool, its progress on the job's bar, the facilitator's
time limit as the engine's deadline. It owns its transaction, as a job does; every run is kept."""

from __future__ import annotations

import random
import time
from typing import Any

from flask_babel import lazy_gettext as _l

from participate.core.after_commit import commit
from participate.core.clock import utcnow
from participate.core.errors import ValidationFailed
from participate.extensions import db
from participate.jobs.registry import Progress, job_kind
from participate.panels.selection import SELECT_JOB, pool_from_snapshot
from participate.panels.selection_models import RunStatus, SelectionRun
from participate.sortition import SortitionError, deadline_after, round_lottery, select_panel

LEGACY_SAMPLES = 1000
SOLVING_SHARE = 0.9  # of the progress bar; the rounding to M panels takes the rest


def _fail(run_id: int, message: str) -> None:
    db.session.rollback()
    run = db.session.get(SelectionRun, run_id)
    if run is not None:
        run.status, run.message, run.finished_at = RunStatus.FAILED.value, message, utcnow()
        commit()


@job_kind(SELECT_JOB, label=_l("Select the panel"))
def select_job(params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    run = db.session.get(SelectionRun, int(params["run_id"]))
    if run is None:
        raise ValidationFailed("The selection run no longer exists.")
    run_id = run.id
    pool = pool_from_snapshot(run.inputs)
    panel_size = int(run.inputs["panel_size"])
    started = time.monotonic()

    def report(fraction: float, message: str) -> None:
        progress(SOLVING_SHARE * fraction, f"{run.algorithm}: {message}")

    try:
        selection = select_panel(
            pool,
            panel_size,
            algorithm=run.algorithm,
            rng=random.Random(run.inputs_sha256),  # the legacy method's draws, repeatable from the inputs
            legacy_samples=LEGACY_SAMPLES,
            progress=report,
            deadline=deadline_after(run.deadline_seconds),
        )
        progress(SOLVING_SHARE, f"Rounding to a lottery of {run.lottery_size} panels")
        lottery = round_lottery(selection.distribution, selection.probabilities, size=run.lottery_size)
    except SortitionError as error:
        _fail(run_id, str(error))
        raise ValidationFailed(str(error)) from error
    except Exception:
        _fail(run_id, "An unexpected error stopped this run; it has been logged.")
        raise
    run.status = RunStatus.DONE.value
    run.finished_at = utcnow()
    run.seconds = round(time.monotonic() - started, 3)
    run.optimal = selection.optimal
    run.message = selection.message
    run.min_probability = selection.min_probability
    run.gini = selection.gini
    run.geometric_mean = selection.geometric_mean
    run.probabilities = dict(selection.probabilities)
    run.lottery_panels = [list(p) for p in lottery.panels]
    run.lottery_sha256 = lottery.sha256
    run.lottery_max_deviation = lottery.max_deviation
    run.stats = {**selection.stats, "panels_in_distribution": len(selection.panels)}
    commit()
    return {
        "run": run_id,
        "algorithm": run.algorithm,
        "optimal": selection.optimal,
        "minimum probability": round(selection.min_probability, 6),
        "seconds": run.seconds,
        "lottery sha256": lottery.sha256,
    }
