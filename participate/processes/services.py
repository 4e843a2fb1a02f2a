"""Process use cases: create, edit, schedule phases, advance, publish. Staff actions are audited."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from participate.accounts.models import User
from participate.accounts.services import find_user_by_email
from participate.audit.services import record_on_process
from participate.core.clock import today
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.core.events import publish
from participate.core.locks import take_turns_on
from participate.core.numbers import row_by_id
from participate.core.templating import format_day
from participate.core.unique import add_unique
from participate.extensions import db
from participate.processes import checks, geo, policy
from participate.processes.models import (
    District,
    Phase,
    PhaseWindow,
    Process,
    ProcessRole,
    ProcessRoleName,
    phase_index,
    phase_label,
)


@dataclass(frozen=True)
class ProcessInput:
    title: str
    summary: str
    description: str
    budget_minor: int
    currency: str
    language: str = "en"


@dataclass(frozen=True)
class DistrictInput:
    name: str
    budget_minor: int
    id: int | None = None  # the district this edits; None: the one of the same name, else a new one


@dataclass(frozen=True)
class WindowInput:
    phase: Phase
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class TimelineStep:
    phase: Phase
    label: str
    starts_on: date
    ends_on: date
    state: str  # "done", "current" or "upcoming"
    # Why the state differs from the dates: "ended_early" (closed, or moved past, before its last day),
    # "skipped" (moved past before it began), "started_early" (moved to before its first day); or None.
    note: str | None = None


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Only council staff can manage processes."))


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:100] or "process"


def _unique_slug(title: str) -> str:
    base = slugify(title)
    taken = set(db.session.execute(select(Process.slug).where(Process.slug.like(f"{base}%"))).scalars())
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _validate_details(data: ProcessInput) -> None:
    if not data.title.strip():
        raise ValidationFailed(_("A process needs a title."))
    if data.budget_minor < 0:
        raise ValidationFailed(_("The budget cannot be negative."))
    if data.language not in ("en", "sv"):
        raise ValidationFailed(_("Choose English or Swedish."))
    if not re.fullmatch(r"[A-Z]{3}", data.currency):
        raise ValidationFailed(_("Use a three-letter currency code such as SEK or EUR."))


def create_process(actor: User, data: ProcessInput) -> Process:
    _require(policy.can_create(actor))
    _validate_details(data)
    process = Process(
        slug=_unique_slug(data.title),
        title=data.title.strip(),
        summary=data.summary.strip(),
        description=data.description,
        budget_minor=data.budget_minor,
        currency=data.currency,
        language=data.language,
        created_by_id=actor.id,
    )
    if not add_unique(process):
        raise Conflict(_("Another process was created with the same address at the same moment. Try again."))
    record_on_process(
        "process.created",
        actor=actor,
        process_id=process.id,
        data={"title": process.title, "budget_minor": process.budget_minor, "currency": process.currency},
    )
    return process


def update_process(actor: User, process: Process, data: ProcessInput) -> None:
    _require(policy.can_manage(actor, process))
    _validate_details(data)
    if data.budget_minor < process.district_budget_total:
        raise ValidationFailed(_("The total budget cannot be smaller than the districts' budgets together."))
    blocked = checks.blocking_now(process, today())
    before = {"title": process.title, "budget_minor": process.budget_minor, "currency": process.currency}
    process.title = data.title.strip()
    process.summary = data.summary.strip()
    process.description = data.description
    process.budget_minor = data.budget_minor
    process.currency = data.currency
    process.language = data.language
    db.session.flush()
    checks.refuse_new_blocks(process, today(), blocked)
    after = {"title": process.title, "budget_minor": process.budget_minor, "currency": process.currency}
    record_on_process(
        "process.updated",
        actor=actor,
        process_id=process.id,
        data={"before": before, "after": after},
    )


def configure_in_turn(process: Process) -> None:
    """Staff changing one process's configuration (its districts, phase dates, roles, and the other domains'
    settings of it) take turns: each save reads what is there, then replaces or adds rows a unique
    constraint allows once, and starts from what the save before it committed."""
    take_turns_on(process, "process configuration")


def set_districts(actor: User, process: Process, districts: list[DistrictInput]) -> None:
    _require(policy.can_manage(actor, process))
    configure_in_turn(process)
    names = [d.name.strip() for d in districts]
    if any(not name for name in names):
        raise ValidationFailed(_("Every district needs a name."))
    if len({name.casefold() for name in names}) != len(names):
        raise ValidationFailed(_("Two districts have the same name."))
    if any(d.budget_minor < 0 for d in districts):
        raise ValidationFailed(_("A district budget cannot be negative."))
    if sum(d.budget_minor for d in districts) > process.budget_minor:
        raise ValidationFailed(_("The districts' budgets together exceed the process budget."))
    blocked = checks.blocking_now(process, today())
    _edit_districts_in_place(process, districts)
    db.session.expire(process, ["districts"])
    checks.refuse_new_blocks(process, today(), blocked)
    record_on_process(
        "process.districts_set",
        actor=actor,
        process_id=process.id,
        data={"districts": [{"name": d.name.strip(), "budget_minor": d.budget_minor} for d in districts]},
    )


def _edit_districts_in_place(process: Process, districts: list[DistrictInput]) -> None:
    """Update each existing district (found by id, else by name), add the new ones, and remove the others,
    unless something refers to them: proposals, budgets and census entries keep their district."""
    by_id = {d.id: d for d in process.districts}
    by_name = {d.name.casefold(): d for d in process.districts}
    kept: dict[int, tuple[District, DistrictInput]] = {}  # by district id: each district edited once
    added: list[DistrictInput] = []
    for row in districts:
        match = by_id.get(row.id) if row.id is not None else by_name.get(row.name.strip().casefold())
        if match is None or match.id in kept:
            added.append(row)
        else:
            kept[match.id] = (match, row)
    removed = [d for d in process.districts if d.id not in kept]
    if (in_use := _first_referenced(removed)) is not None:
        raise ValidationFailed(
            _(
                "%(name)s cannot be removed: proposals, budgets or census entries belong to it. "
                "Rename it instead.",
                name=in_use.name,
            )
        )
    for district in removed:
        process.districts.remove(district)
    db.session.flush()
    # names are unique per process: a swap of two names must not meet the constraint halfway
    for district, row in kept.values():
        if district.name != row.name.strip():
            district.name = f"{district.id}\u2009(renaming)"
    db.session.flush()
    for district, row in kept.values():
        district.name, district.budget_minor = row.name.strip(), row.budget_minor
    for row in added:
        process.districts.append(District(name=row.name.strip(), budget_minor=row.budget_minor))
    db.session.flush()


def set_boundaries(actor: User, process: Process, raw: bytes) -> list[str]:
    """Give the districts a GeoJSON file names their outlines, all of them or none (processes.geo checks
    the whole file first). Returns the names of the districts given an outline."""
    _require(policy.can_manage(actor, process))
    configure_in_turn(process)
    if not process.districts:
        raise ValidationFailed(_("Add the districts first: the file's features are matched to them by name."))
    found = geo.read_boundaries(raw, [d.name for d in process.districts])
    for district in process.districts:
        if district.name in found:
            district.boundary = json.dumps(found[district.name], separators=(",", ":"))
    db.session.flush()
    record_on_process(
        "process.boundaries_set", actor=actor, process_id=process.id, data={"districts": sorted(found)}
    )
    return sorted(found)


def district_areas(process: Process, url: Any = None) -> list[geo.Area]:
    """The districts that have an outline, for geo.draw_map; `url(district)` makes each a link."""
    return [
        geo.Area(d.name, url(d) if url else None, geo.polygons_of(d.boundary), d.id)
        for d in process.districts
        if d.boundary
    ]


def _first_referenced(districts: list[District]) -> District | None:
    """The first of `districts` that a row of another table refers to, or None: one query per referring
    column, found from the schema's foreign keys so that this domain need not know the others."""
    ids = [d.id for d in districts]
    if not ids:
        return None
    referred: set[int] = set()
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == District.__tablename__ and table.name != District.__tablename__:
                referred.update(db.session.scalars(select(key.parent).where(key.parent.in_(ids)).distinct()))
    return next((d for d in districts if d.id in referred), None)


def set_schedule(
    actor: User, process: Process, windows: list[WindowInput], *, on: date | None = None
) -> None:
    """Replace the phase dates. Phases may be skipped, must not overlap, and the process may not move back."""
    _require(policy.can_manage(actor, process))
    configure_in_turn(process)
    on = on or today()
    ordered = sorted(windows, key=lambda w: phase_index(w.phase))
    if len({w.phase for w in ordered}) != len(ordered):
        raise ValidationFailed(_("Each phase can appear only once."))
    for window in ordered:
        if window.ends_on < window.starts_on:
            raise ValidationFailed(
                _("The %(phase)s phase ends before it starts.", phase=phase_label(window.phase))
            )
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later.starts_on <= earlier.ends_on:
            raise ValidationFailed(
                _(
                    "The %(later)s phase must start after the %(earlier)s phase ends.",
                    later=phase_label(later.phase),
                    earlier=phase_label(earlier.phase),
                )
            )
    before = process.current_phase(on)
    enabled_after = {w.phase for w in ordered}
    if process.phase_override and Phase(process.phase_override) not in enabled_after:
        raise ValidationFailed(_("The process is in a phase that this schedule would remove."))
    old = [(w.phase, w.starts_on, w.ends_on) for w in process.windows()]
    blocked = checks.blocking_now(process, on)
    process.phases.clear()
    db.session.flush()
    for w in ordered:
        process.phases.append(PhaseWindow(phase=w.phase.value, starts_on=w.starts_on, ends_on=w.ends_on))
    db.session.flush()
    if phase_index(process.current_phase(on)) < phase_index(before):
        raise ValidationFailed(
            _("These dates would move the process back from the %(phase)s phase.", phase=phase_label(before))
        )
    checks.refuse_new_blocks(process, on, blocked)
    record_on_process(
        "process.schedule_set",
        actor=actor,
        process_id=process.id,
        data={
            "before": [[p, str(s), str(e)] for p, s, e in old],
            "after": [[w.phase.value, str(w.starts_on), str(w.ends_on)] for w in ordered],
        },
    )


def advance_phase(actor: User, process: Process, phase: Phase | str, *, on: date | None = None) -> None:
    _require(policy.can_manage(actor, process))
    on = on or today()
    before = process.current_phase(on)
    if process.published and Phase(phase) is Phase.VOTING:
        checks.refuse_if_blocked(process, on, opening_vote=True, action=_("The vote cannot open"))
    process.advance_to(phase, on)
    db.session.flush()
    record_on_process(
        "process.phase_advanced",
        actor=actor,
        process_id=process.id,
        data={"from": before.value if before else None, "to": Phase(phase).value},
    )
    publish("process.phase_changed", process=process, phase=Phase(phase))


def set_published(actor: User, process: Process, published: bool, *, on: date | None = None) -> None:
    _require(policy.can_manage(actor, process))
    on = on or today()
    if published:
        checks.refuse_if_blocked(
            process,
            on,
            opening_vote=checks.opens_vote(process, on),
            action=_("The process cannot be published"),
        )
    process.published = published
    db.session.flush()
    record_on_process(
        "process.published" if published else "process.unpublished",
        actor=actor,
        process_id=process.id,
    )


def list_public_processes() -> list[Process]:
    return list(
        db.session.execute(
            select(Process).where(Process.published.is_(True)).order_by(Process.created_at.desc())
        ).scalars()
    )


def list_all_processes() -> list[Process]:
    return list(db.session.execute(select(Process).order_by(Process.created_at.desc())).scalars())


def find_process(process_id: int | str) -> Process | None:
    return row_by_id(Process, process_id)


def find_by_slug(slug: str) -> Process | None:
    # One process: its districts cost the same one query read when first used as read eagerly, and many
    # pages (a ballot cast among them) never use them.
    query = select(Process).where(Process.slug == slug).options(lazyload(Process.districts))
    return db.session.execute(query).scalar_one_or_none()


def grant_process_role(actor: User, process: Process, email: str, role: str) -> ProcessRole:
    _require(policy.can_manage(actor, process))
    if role not in {r.value for r in ProcessRoleName}:
        raise ValidationFailed(_("Unknown role."))
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        raise ValidationFailed(_("No account uses this email address. Ask the person to register first."))
    if role in process.roles_of(user):
        raise Conflict(_("%(name)s already has this role.", name=user.display_name))
    grant = ProcessRole(process_id=process.id, user_id=user.id, role=role)
    if not add_unique(grant):
        raise Conflict(_("This role was granted at the same moment by someone else."))
    db.session.expire(process, ["roles"])
    record_on_process(
        "process.role_granted",
        actor=actor,
        process_id=process.id,
        data={"user_id": user.id, "role": role},
    )
    return grant


def revoke_process_role(actor: User, process: Process, grant_id: int) -> User:
    """Returns the person who lost the role."""
    _require(policy.can_manage(actor, process))
    configure_in_turn(process)
    grant = next((g for g in process.roles if g.id == grant_id), None)
    if grant is None:
        raise Conflict(_("This role had already been removed."))
    process.roles.remove(grant)
    db.session.flush()
    record_on_process(
        "process.role_revoked",
        actor=actor,
        process_id=process.id,
        data={"user_id": grant.user_id, "role": grant.role},
    )
    return grant.user


# A phase may end before its window's last day: staff close a vote early. The domain that owns the phase
# says when (voting registers its vote's closing); the processes domain cannot know it otherwise.
PHASE_ENDINGS: dict[Phase, Callable[[Process], date | None]] = {}


def add_phase_ending(phase: Phase, ended_on: Callable[[Process], date | None]) -> None:
    PHASE_ENDINGS[phase] = ended_on


@dataclass(frozen=True)
class PhaseNow:
    """What is happening in a process now: the one answer the process page, the cards, the timeline,
    the staff screens and the API all show.

    `phase` is the current phase (None before the first); `ended_on` the day it ended when it has (its
    last day passed, or it was closed early), None while it runs; `following` the next enabled phase.
    """

    phase: Phase | None
    window: PhaseWindow | None
    ended_on: date | None
    following: PhaseWindow | None

    @property
    def running(self) -> bool:
        return self.phase is not None and self.ended_on is None

    @property
    def label(self) -> str:
        return phase_label(self.phase)

    @property
    def summary(self) -> str:
        """The phase in a few words: "voting", "voting (ended)"."""
        if self.phase is None or self.running:
            return self.label
        return _("%(phase)s (ended)", phase=self.label)


def phase_now(
    process: Process, on: date | None = None, *, ended_early: Callable[[Process], date | None] | None = None
) -> PhaseNow:
    """`ended_early`: the current phase's early end, when the caller has just read it (by default the
    domain that ends the phase is asked: add_phase_ending)."""
    on = on or today()
    current = process.current_phase(on)
    if current is None:
        return PhaseNow(None, None, None, process.windows()[0] if process.phases else None)
    window = process.window(current)
    assert window is not None, "a process is only ever in one of its enabled phases"
    later = [w for w in process.windows() if phase_index(w.phase) > phase_index(current)]
    ended_on = None
    if current is not Phase.RESULTS:
        ending = ended_early or PHASE_ENDINGS.get(current)
        closed_on = ending(process) if ending else None
        if closed_on is not None and closed_on <= on:
            ended_on = min(closed_on, window.ends_on)
        elif on > window.ends_on:
            ended_on = window.ends_on
    return PhaseNow(current, window, ended_on, later[0] if later else None)


def in_phase(process: Process, phase: Phase, on: date | None = None) -> bool:
    """The process is in `phase` and the phase is still running (not ended by its dates or closed)."""
    now = phase_now(process, on)
    return now.phase is phase and now.running


def _step(window: PhaseWindow, now: PhaseNow, on: date) -> TimelineStep:
    index, current = phase_index(window.phase), phase_index(now.phase)
    note = None
    if index < current or (index == current and not now.running):
        state = "done"
        if window.starts_on > on:
            note = "skipped"
        elif window.ends_on > on:
            note = "ended_early"
    elif index == current:
        state, note = "current", ("started_early" if window.starts_on > on else None)
    else:
        state = "upcoming"
    return TimelineStep(
        Phase(window.phase), phase_label(window.phase), window.starts_on, window.ends_on, state, note
    )


def timeline(process: Process, on: date | None = None) -> list[TimelineStep]:
    on = on or today()
    now = phase_now(process, on)
    return [_step(window, now, on) for window in process.windows()]


@dataclass(frozen=True)
class NextStep:
    """What a resident can do now in a process, worded for its public page and its card.

    kind: the current phase's value, "upcoming" before the first phase, or "between" when the current
    phase has ended and the next one has not started yet. `action` is "log_in" when a visitor must log
    in to take part now; None otherwise.
    """

    kind: str
    label: str
    headline: str
    detail: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    action: str | None = None


def _opening(window: PhaseWindow) -> str:
    """One sentence about a phase that has not started yet."""
    phase = Phase(window.phase)
    if phase is Phase.VOTING:
        return _("Voting opens on %(date)s.", date=format_day(window.starts_on))
    if phase is Phase.RESULTS:
        return _("Results will be published on %(date)s.", date=format_day(window.starts_on))
    if phase is Phase.PROPOSALS:
        return _("Proposals open on %(date)s.", date=format_day(window.starts_on))
    if phase is Phase.DELIBERATION:
        return _("Deliberation on the proposals starts on %(date)s.", date=format_day(window.starts_on))
    return _("The citizen panel meets from %(date)s.", date=format_day(window.starts_on))


_TAKES_PART_ONLINE = {Phase.PROPOSALS, Phase.DELIBERATION, Phase.VOTING}


def next_step(process: Process, actor: User | None, on: date | None = None) -> NextStep:
    """The call to action for the current phase: what is happening, until when, and what comes next."""
    on = on or today()
    now = phase_now(process, on)
    current = now.phase
    if current is None:
        first = now.following
        if first is None:
            return NextStep("upcoming", phase_label(None), _("The dates of this process are not set yet."))
        return NextStep(
            "upcoming",
            phase_label(None),
            _("Opens on %(date)s.", date=format_day(first.starts_on)),
            detail=_opening(first),
            starts_on=first.starts_on,
            ends_on=first.ends_on,
        )
    window, following = now.window, now.following
    assert window is not None
    detail = _opening(following) if following else None
    label = phase_label(current)
    if now.ended_on is not None and following is not None:
        return NextStep(
            "between",
            now.summary,
            _("The %(phase)s phase ended on %(date)s.", phase=label, date=format_day(now.ended_on)),
            detail=detail,
            starts_on=following.starts_on,
            ends_on=following.ends_on,
        )
    if now.ended_on is not None:
        return NextStep(
            "closed",
            now.summary,
            _("This process ended on %(date)s.", date=format_day(now.ended_on)),
            starts_on=window.starts_on,
            ends_on=window.ends_on,
        )
    until = format_day(window.ends_on)
    headlines = {
        Phase.PROPOSALS: _("Proposals are open until %(date)s.", date=until),
        Phase.DELIBERATION: _("Residents are discussing the proposals until %(date)s.", date=until),
        Phase.PANEL: _(
            "A citizen panel, drawn by lot, is weighing the proposals until %(date)s.", date=until
        ),
        Phase.VOTING: _("Voting is open until %(date)s.", date=until),
        Phase.RESULTS: _("The results are published."),
    }
    action = "log_in" if actor is None and current in _TAKES_PART_ONLINE else None
    return NextStep(
        current.value,
        label,
        headlines[current],
        detail=detail,
        starts_on=window.starts_on,
        ends_on=window.ends_on,
        action=action,
    )


def count_by_district(counted: Any, district_id: Any, *where: Any) -> list[tuple[str | None, int]]:
    """How many rows of `counted`'s table (its id column) fall in each district, by district name; rows
    with no district are counted under None. `district_id` is the table's district column."""
    rows = db.session.execute(
        select(District.name, func.count(counted))
        .select_from(counted.class_)
        .outerjoin(District, District.id == district_id)
        .where(*where)
        .group_by(District.name)
        .order_by(District.name)
    ).all()
    return [(name, count) for name, count in rows]
