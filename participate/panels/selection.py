"""Selection runs, the published lottery and the public draw: the use cases around the sortition engine.

A run freezes the pool (pseudonyms, answers, a hash of each household key) into its `inputs` and hashes
them; the engine then works on that copy in a background job (panels/jobs.py). Publishing picks one run's
lottery for good; the draw turns a public seed into one of its panels, exactly as the engine's
`verify_draw` does, and seats the people on it.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.core.errors import Conflict, IllegalTransition, ValidationFailed
from participate.core.locks import locked
from participate.core.unique import add_unique
from participate.extensions import db
from participate.jobs.models import Job
from participate.jobs.services import start_job
from participate.panels.models import Panel, PanelStatus, Respondent
from participate.panels.pool import pool_for_engine
from participate.panels.selection_models import (
    PanelDraw,
    PanelSeat,
    PublishedLottery,
    RunStatus,
    SelectionRun,
)
from participate.panels.setup import record_on_panel, require_manager
from participate.sortition import (
    Feature,
    LotteryError,
    Person,
    Pool,
    Quota,
    deadline_after,
    reserve_list,
    round_lottery,
    select_panel,
    verify_draw,
)

SELECT_JOB = "panels.select"
ALGORITHMS = ("leximin", "maximin", "legacy")
PUBLISHABLE = ("leximin", "maximin")
DEFAULT_LOTTERY_SIZE = 1000
MAX_DEADLINE_SECONDS = 3600


# --- the frozen pool ---------------------------------------------------------------------------------


def _household(key: str) -> str:
    # Equal keys stay equal, which is all the household rule needs; the address itself stays behind.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20] if key else ""


def pool_snapshot(panel: Panel) -> dict[str, Any]:
    features, people = pool_for_engine(panel)
    return {
        "panel_size": panel.size,
        "features": [
            {"name": f.name, "quotas": [[q.value, q.min, q.max] for q in f.quotas]} for f in features
        ],
        "people": [[p.id, list(p.values), _household(p.address)] for p in people],
    }


def snapshot_sha256(snapshot: dict[str, Any]) -> str:
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pool_from_snapshot(snapshot: dict[str, Any]) -> Pool:
    features = tuple(
        Feature(f["name"], tuple(Quota(f["name"], value, lo, hi) for value, lo, hi in f["quotas"]))
        for f in snapshot["features"]
    )
    return Pool(
        features, tuple(Person(pid, tuple(values), house) for pid, values, house in snapshot["people"])
    )


# --- runs ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunInput:
    algorithm: str
    deadline_seconds: int | None
    lottery_size: int = DEFAULT_LOTTERY_SIZE


def may_select(panel: Panel) -> bool:
    """Selection runs need a closed pool: the inputs must not move under the facilitator's feet."""
    return panel.is_at_least(PanelStatus.POOL_CLOSED)


def start_run(actor: User | None, panel: Panel, data: RunInput) -> SelectionRun:
    require_manager(actor, panel)
    if not may_select(panel):
        raise IllegalTransition(_("Close the pool before you run a selection."))
    if data.algorithm not in ALGORITHMS:
        raise ValidationFailed(_("Choose one of the offered methods."))
    if data.deadline_seconds is not None and not 0 < data.deadline_seconds <= MAX_DEADLINE_SECONDS:
        raise ValidationFailed(
            _("The time limit must be between 1 and %(n)d seconds.", n=MAX_DEADLINE_SECONDS)
        )
    if not 1 <= data.lottery_size <= 10000:
        raise ValidationFailed(_("The lottery must hold between 1 and 10,000 panels."))
    snapshot = pool_snapshot(panel)
    if len(snapshot["people"]) < panel.size:
        raise ValidationFailed(
            _(
                "The pool holds %(n)d people who answered every question, fewer than the %(size)d seats.",
                n=len(snapshot["people"]),
                size=panel.size,
            )
        )
    run = SelectionRun(
        panel_id=panel.id,
        algorithm=data.algorithm,
        deadline_seconds=data.deadline_seconds,
        lottery_size=data.lottery_size,
        started_by_id=getattr(actor, "id", None),
        inputs=snapshot,
        inputs_sha256=snapshot_sha256(snapshot),
        pool_size=len(snapshot["people"]),
    )
    db.session.add(run)
    db.session.flush()
    job = start_job(actor, SELECT_JOB, {"run_id": run.id, "panel_id": panel.id})
    run.job_id = job.id
    record_on_panel(
        "panel.selection_started",
        actor,
        panel,
        **{
            "run_id": run.id,
            "algorithm": run.algorithm,
            "inputs": run.inputs_sha256,
        },
    )
    return run


LEGACY_SAMPLES = 1000
SOLVING_SHARE = 0.9  # of the progress bar; the rounding to M panels takes the rest


def compute_run(
    run: SelectionRun, progress: Callable[[float, str], None], *, legacy_samples: int = LEGACY_SAMPLES
) -> dict[str, Any]:
    """Run the engine on the run's frozen pool and store what it found (flushed, not committed).
    Raises the engine's SortitionError (infeasible quotas, bad input) for the caller to record."""
    pool = pool_from_snapshot(run.inputs)
    started = time.monotonic()

    def report(fraction: float, message: str) -> None:
        progress(SOLVING_SHARE * fraction, f"{run.algorithm}: {message}")

    chosen = select_panel(
        pool,
        int(run.inputs["panel_size"]),
        algorithm=run.algorithm,
        rng=random.Random(run.inputs_sha256),  # the legacy method's draws, repeatable from the inputs
        legacy_samples=legacy_samples,
        progress=report,
        deadline=deadline_after(run.deadline_seconds),
    )
    progress(SOLVING_SHARE, f"Rounding to a lottery of {run.lottery_size} panels")
    lottery = round_lottery(chosen.distribution, chosen.probabilities, size=run.lottery_size)
    run.status = RunStatus.DONE.value
    run.finished_at = utcnow()
    run.seconds = round(time.monotonic() - started, 3)
    run.optimal = chosen.optimal
    run.message = chosen.message
    run.min_probability = chosen.min_probability
    run.gini = chosen.gini
    run.geometric_mean = chosen.geometric_mean
    run.probabilities = dict(chosen.probabilities)
    run.lottery_panels = [list(p) for p in lottery.panels]
    run.lottery_sha256 = lottery.sha256
    run.lottery_max_deviation = lottery.max_deviation
    run.stats = {**chosen.stats, "panels_in_distribution": len(chosen.panels)}
    db.session.flush()
    return {
        "run": run.id,
        "algorithm": run.algorithm,
        "optimal": chosen.optimal,
        "minimum probability": round(chosen.min_probability, 6),
        "seconds": run.seconds,
        "lottery sha256": lottery.sha256,
    }


def fail_run(run: SelectionRun, message: str) -> None:
    run.status, run.message, run.finished_at = RunStatus.FAILED.value, message, utcnow()
    db.session.flush()


def runs_of(panel: Panel) -> list[SelectionRun]:
    return list(
        db.session.execute(
            select(SelectionRun).where(SelectionRun.panel_id == panel.id).order_by(SelectionRun.id.desc())
        ).scalars()
    )


def jobs_of(runs: list[SelectionRun]) -> dict[int, Job]:
    ids = [run.job_id for run in runs if run.job_id is not None]
    if not ids:
        return {}
    return {job.id: job for job in db.session.execute(select(Job).where(Job.id.in_(ids))).scalars()}


def find_run(panel: Panel, run_id: int) -> SelectionRun | None:
    run = db.session.get(SelectionRun, run_id)
    return run if run is not None and run.panel_id == panel.id else None


def comparison_run(run: SelectionRun) -> SelectionRun | None:
    """The newest finished legacy run on the same inputs: the unfair method, for comparison."""
    return db.session.execute(
        select(SelectionRun)
        .where(
            SelectionRun.panel_id == run.panel_id,
            SelectionRun.algorithm == "legacy",
            SelectionRun.status == RunStatus.DONE.value,
            SelectionRun.inputs_sha256 == run.inputs_sha256,
        )
        .order_by(SelectionRun.id.desc())
        .limit(1)
    ).scalar_one_or_none()


# --- the published lottery -------------------------------------------------------------------------


def lottery_of(panel: Panel) -> PublishedLottery | None:
    return db.session.execute(
        select(PublishedLottery).where(PublishedLottery.panel_id == panel.id)
    ).scalar_one_or_none()


def lottery_document(lottery: PublishedLottery) -> dict[str, Any]:
    """The engine's lottery object, as published: hashed as ../shared/docs/sortition.md says."""
    return {"size": lottery.size, "sha256": lottery.sha256, "panels": lottery.run.lottery_panels or []}


def publish_lottery(actor: User | None, panel: Panel, run: SelectionRun) -> PublishedLottery:
    require_manager(actor, panel)
    panel = locked(panel)
    if run.panel_id != panel.id or not run.done or not run.lottery_panels or not run.lottery_sha256:
        raise ValidationFailed(_("Only a finished selection run of this panel can be published."))
    if run.algorithm not in PUBLISHABLE:
        raise ValidationFailed(_("The legacy method is shown for comparison only; publish a fair lottery."))
    if run.inputs_sha256 != snapshot_sha256(pool_snapshot(panel)):
        raise ValidationFailed(_("The pool or the quotas changed after this run; run the selection again."))
    if lottery_of(panel) is not None or panel.status != PanelStatus.POOL_CLOSED.value:
        raise Conflict(_("This panel's lottery is already published; it can never be replaced."))
    lottery = PublishedLottery(
        panel_id=panel.id,
        run_id=run.id,
        size=len(run.lottery_panels),
        sha256=run.lottery_sha256,
        published_by_id=getattr(actor, "id", None),
    )
    if not add_unique(lottery):
        raise Conflict(_("This panel's lottery is already published; it can never be replaced."))
    panel.status = PanelStatus.LOTTERY_PUBLISHED.value
    record_on_panel(
        "panel.lottery_published",
        actor,
        panel,
        **{"run_id": run.id, "size": lottery.size, "sha256": lottery.sha256},
    )
    _start_comparison(actor, panel, run)
    return lottery


def _start_comparison(actor: User | None, panel: Panel, run: SelectionRun) -> None:
    """The fairness page compares with the legacy method on the same pool: start that run now if the
    facilitators have not (a job of its own, so the fair selection never waits for the slow method)."""
    same_inputs = select(SelectionRun.id).where(
        SelectionRun.panel_id == panel.id,
        SelectionRun.algorithm == "legacy",
        SelectionRun.status != RunStatus.FAILED.value,
        SelectionRun.inputs_sha256 == run.inputs_sha256,
    )
    if db.session.execute(same_inputs.limit(1)).first() is None:
        start_run(actor, panel, RunInput("legacy", None, run.lottery_size))


# --- the draw --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawInput:
    seed: str
    event: str
    witnesses: str


def draw_of(panel: Panel) -> PanelDraw | None:
    return db.session.execute(select(PanelDraw).where(PanelDraw.panel_id == panel.id)).scalar_one_or_none()


def respondents_by_pseudonym(panel: Panel, pseudonyms: Iterable[str]) -> dict[str, Respondent]:
    wanted = list(pseudonyms)
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Respondent).where(Respondent.panel_id == panel.id, Respondent.pseudonym.in_(wanted))
    ).scalars()
    return {r.pseudonym: r for r in rows}


def record_draw(actor: User | None, panel: Panel, data: DrawInput) -> PanelDraw:
    require_manager(actor, panel)
    seed = data.seed.strip()
    witnesses = "\n".join(line.strip() for line in data.witnesses.splitlines() if line.strip())
    if not seed:
        raise ValidationFailed(_("Enter the seed from the public event."))
    if not witnesses:
        raise ValidationFailed(_("Name at least one witness of the public event."))
    panel = locked(panel)
    lottery = lottery_of(panel)
    if lottery is None:
        raise IllegalTransition(_("Publish the lottery before the draw."))
    if draw_of(panel) is not None or panel.status != PanelStatus.LOTTERY_PUBLISHED.value:
        raise Conflict(_("This panel has been drawn already; a draw can never be repeated."))
    try:
        drawn = verify_draw(lottery_document(lottery), seed)
    except LotteryError as error:  # the stored lottery no longer hashes to what was published
        raise Conflict(str(error)) from error
    pool = pool_from_snapshot(lottery.run.inputs)
    draw = PanelDraw(
        panel_id=panel.id,
        lottery_id=lottery.id,
        seed=seed,
        event=data.event.strip(),
        witnesses=witnesses,
        draw_index=drawn.index,
        members=list(drawn.panel),
        reserves=list(reserve_list(pool, drawn.panel, seed=seed)),
        drawn_by_id=getattr(actor, "id", None),
    )
    if not add_unique(draw):
        raise Conflict(_("This panel has been drawn already; a draw can never be repeated."))
    people = respondents_by_pseudonym(panel, drawn.panel)
    for pseudonym in drawn.panel:
        if pseudonym in people:  # an erased respondent keeps their row, so this holds but for bad data
            db.session.add(PanelSeat(panel_id=panel.id, respondent_id=people[pseudonym].id))
    db.session.flush()
    panel.status = PanelStatus.DRAWN.value
    record_on_panel(
        "panel.drawn",
        actor,
        panel,
        lottery_sha256=lottery.sha256,
        seed=seed,
        event=draw.event,
        witnesses=draw.witness_names,
        index=drawn.index,
        members=list(drawn.panel),
    )
    return draw


def seat_count(panel: Panel) -> int:
    return int(db.session.scalar(select(func.count(PanelSeat.id)).where(PanelSeat.panel_id == panel.id)) or 0)


@dataclass(frozen=True)
class SeedCheck:
    index: int | None
    panel: tuple[str, ...]
    error: str = ""


def check_seed(lottery: PublishedLottery, seed: str) -> SeedCheck:
    """What a seed draws from a published lottery, recomputed here (the verify page without JavaScript)."""
    try:
        drawn = verify_draw(lottery_document(lottery), seed)
    except LotteryError as error:
        return SeedCheck(None, (), str(error))
    return SeedCheck(drawn.index, drawn.panel)
