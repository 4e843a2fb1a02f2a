"""Staff set up the vote: its settings, its budgets (ballot type, constraints, counting rule) and the paper
voting codes. Use cases flush, never commit, take the acting person and write the audit entry.

A budget is frozen once anyone has voted on it (voter_roll rows exist) or the vote has closed: the
ballots already cast were cast under its rules."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask_babel import gettext as _
from sqlalchemy import func, null, select

from participate.accounts.models import User
from participate.audit.services import record_on_process
from participate.core.clock import today
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.core.unique import add_unique
from participate.counting import COMPLETIONS, RULES, SATISFACTIONS, rules_for, satisfactions_for
from participate.eligibility.models import Eligibility
from participate.eligibility.services import registrations_count
from participate.extensions import db
from participate.processes import checks
from participate.processes.models import Process
from participate.processes.services import configure_in_turn
from participate.voting import policy
from participate.voting.models import (
    PABULIB_VOTE_TYPE,
    BallotType,
    DistrictScope,
    VoteBudget,
    VoterRoll,
    VoteSettings,
)
from participate.voting.services import between_casts, budgets_of, settings_of

DEFAULT_RULE, DEFAULT_SAT, DEFAULT_COMPLETION = "mes", "cost-points", "add1u"
# The rules staff may pick (the engine has more; these are the ones the issue asks for).
OFFERED_RULES = ("mes", "greedy", "ear")


def _require_manager(actor: User, process: Process) -> None:
    if not policy.can_manage_vote(actor, process):
        raise PermissionDenied(_("Only council staff can set up a vote."))


def _refuse_when_closed(settings: VoteSettings | None) -> None:
    if settings is not None and settings.closed_at is not None:
        raise Conflict(_("The vote has closed: its setup can no longer change."))


@dataclass(frozen=True)
class SettingsInput:
    eligibility: str
    district_scope: str
    min_age: int | None


def save_settings(actor: User, process: Process, data: SettingsInput) -> VoteSettings:
    _require_manager(actor, process)
    configure_in_turn(process)
    if data.eligibility not in {e.value for e in Eligibility}:
        raise ValidationFailed(_("Choose how residents show they may vote."))
    if data.district_scope not in {s.value for s in DistrictScope}:
        raise ValidationFailed(_("Choose which budgets residents vote on."))
    if data.min_age is not None and not 0 <= data.min_age <= 120:
        raise ValidationFailed(_("The minimum age must be between 0 and 120."))
    settings = settings_of(process)
    _refuse_when_closed(settings)
    blocked = checks.blocking_now(process, today())
    if settings is None:
        settings = VoteSettings(process_id=process.id)
        db.session.add(settings)
    elif settings.eligibility != data.eligibility and registrations_count(process):
        raise Conflict(
            _(
                "Residents have already registered under the current eligibility rule, "
                "so it can no longer change."
            )
        )
    settings.eligibility = data.eligibility
    settings.district_scope = data.district_scope
    settings.min_age = data.min_age
    db.session.flush()
    checks.refuse_new_blocks(process, today(), blocked)
    record_on_process(
        "vote.settings_saved",
        actor=actor,
        process_id=process.id,
        data={
            "eligibility": data.eligibility,
            "district_scope": data.district_scope,
            "min_age": data.min_age,
        },
    )
    return settings


@dataclass(frozen=True)
class BudgetInput:
    name: str
    district_id: int | None
    budget_minor: int
    ballot_type: str = BallotType.RANKED.value
    min_choices: int = 1
    max_choices: int | None = None
    spending_cap: bool = False
    points_total: int | None = None
    rule: str = DEFAULT_RULE
    sat: str | None = DEFAULT_SAT
    completion: str | None = DEFAULT_COMPLETION


def _ballot_word(ballot_type: str) -> str:
    return {
        BallotType.RANKED.value: _("ranked"),
        BallotType.APPROVAL.value: _("approval"),
        BallotType.POINTS.value: _("points"),
    }.get(ballot_type, ballot_type)


def check_budget(process: Process, data: BudgetInput) -> BudgetInput:
    """The input as it will be stored (completion "none" for rules other than mes), or ValidationFailed
    naming the first thing to fix."""
    name = data.name.strip()
    if not name:
        raise ValidationFailed(_("Give the budget a name."))
    if data.district_id is not None and data.district_id not in {d.id for d in process.districts}:
        raise ValidationFailed(_("Choose one of this process's districts, or none for a city-wide budget."))
    if data.budget_minor <= 0:
        raise ValidationFailed(_("The budget must be more than zero."))
    points_total = _checked_ballot(data)
    vote_type = PABULIB_VOTE_TYPE[BallotType(data.ballot_type)]
    _check_rule(data, vote_type)
    sat = _checked_satisfaction(data, vote_type)
    completion = _checked_completion(data)
    return replace(data, name=name, points_total=points_total, sat=sat, completion=completion)


def _checked_ballot(data: BudgetInput) -> int | None:
    """The ballot's type and number of choices; the points each voter shares out (None unless points)."""
    if data.ballot_type not in {t.value for t in BallotType}:
        raise ValidationFailed(_("Choose a ballot type."))
    if data.min_choices < 0:
        raise ValidationFailed(_("The least number of choices cannot be negative."))
    if data.max_choices is not None and data.max_choices < max(data.min_choices, 1):
        raise ValidationFailed(_("The most choices must be at least the least choices, and at least 1."))
    if data.ballot_type != BallotType.POINTS.value:
        return None
    if not data.points_total or data.points_total <= 0:
        raise ValidationFailed(_("A points ballot needs the number of points each voter shares out."))
    return data.points_total


def _check_rule(data: BudgetInput, vote_type: str) -> None:
    if data.rule not in RULES or data.rule not in OFFERED_RULES:
        raise ValidationFailed(_("Choose a counting rule."))
    if data.rule not in {r.name for r in rules_for(vote_type)}:
        raise ValidationFailed(
            _(
                "The rule %(rule)s does not count %(ballot)s ballots: choose another rule or ballot type.",
                rule=RULES[data.rule].label,
                ballot=_ballot_word(data.ballot_type),
            )
        )


def _checked_satisfaction(data: BudgetInput, vote_type: str) -> str | None:
    info = RULES[data.rule]
    sat = data.sat or None
    if not info.uses_satisfaction:
        if sat is not None:
            raise ValidationFailed(
                _("The rule %(rule)s uses no satisfaction measure: choose none.", rule=info.label)
            )
        return None
    if sat is None or sat not in SATISFACTIONS:
        raise ValidationFailed(_("The rule %(rule)s needs a satisfaction measure.", rule=info.label))
    if sat not in {s.name for s in satisfactions_for(vote_type)}:
        raise ValidationFailed(
            _(
                "The satisfaction measure %(sat)s does not apply to %(ballot)s ballots.",
                sat=SATISFACTIONS[sat].label,
                ballot=_ballot_word(data.ballot_type),
            )
        )
    return sat


def _checked_completion(data: BudgetInput) -> str:
    completion = data.completion or "none"
    if completion not in COMPLETIONS:
        raise ValidationFailed(_("Choose a completion method."))
    if data.rule != "mes" and completion != "none":
        raise ValidationFailed(
            _("A completion method applies only to the Method of Equal Shares: choose none.")
        )
    return completion


def has_votes(budget: VoteBudget) -> bool:
    return (
        db.session.execute(select(VoterRoll.id).where(VoterRoll.budget_id == budget.id)).first() is not None
    )


def budget_lock(budget: VoteBudget) -> str | None:
    """Why this budget can no longer change, or None."""
    return _lock(settings_of(budget.process), has_votes(budget))


def _lock(settings: VoteSettings | None, voted: bool) -> str | None:
    if settings is not None and settings.closed_at is not None:
        return _("The vote has closed: its budgets can no longer change.")
    if voted:
        return _("People have already voted on this budget, so it can no longer change or be deleted.")
    return None


def budgets_with_locks(process: Process) -> list[tuple[VoteBudget, str | None, int]]:
    """Each budget, why it can no longer change (or None) and how many have voted on it, for the Vote tab:
    one grouped count instead of a lock and a turnout query per budget."""
    budgets = budgets_of(process)
    voters = dict(
        db.session.execute(
            select(VoterRoll.budget_id, func.count())
            .where(VoterRoll.budget_id.in_([b.id for b in budgets]))
            .group_by(VoterRoll.budget_id)
        ).all()
    )
    settings = settings_of(process)
    return [(b, _lock(settings, voters.get(b.id, 0) > 0), voters.get(b.id, 0)) for b in budgets]


def _fill(budget: VoteBudget, data: BudgetInput) -> None:
    budget.name = data.name
    budget.district_id = data.district_id
    budget.budget_minor = data.budget_minor
    budget.ballot_type = data.ballot_type
    budget.min_choices = data.min_choices
    budget.max_choices = data.max_choices
    budget.spending_cap = data.spending_cap
    budget.points_total = data.points_total
    budget.rule = data.rule
    # None would let the column's default ("cost-points") fill in on insert: write an explicit NULL.
    budget.sat = data.sat if data.sat is not None else null()
    budget.completion = data.completion or "none"


def _audit_data(budget: VoteBudget) -> dict[str, object]:
    return {
        "budget_id": budget.id,
        "name": budget.name,
        "district_id": budget.district_id,
        "budget_minor": budget.budget_minor,
        "ballot_type": budget.ballot_type,
        "min_choices": budget.min_choices,
        "max_choices": budget.max_choices,
        "spending_cap": budget.spending_cap,
        "points_total": budget.points_total,
        "rule": budget.rule,
        "sat": budget.sat,
        "completion": budget.completion,
    }


def _name_taken() -> Conflict:
    return Conflict(_("This process already has a budget with that name."))


def add_budget(actor: User, process: Process, data: BudgetInput) -> VoteBudget:
    _require_manager(actor, process)
    configure_in_turn(process)
    settings = settings_of(process)
    _refuse_when_closed(settings)
    checked = check_budget(process, data)
    blocked = checks.blocking_now(process, today())
    if settings is None:  # the first budget sets the vote up with the default settings
        db.session.add(VoteSettings(process_id=process.id))
    budget = VoteBudget(process_id=process.id)
    _fill(budget, checked)
    if not add_unique(budget):
        raise _name_taken()
    checks.refuse_new_blocks(process, today(), blocked)
    record_on_process(
        "vote.budget_added",
        actor=actor,
        process_id=process.id,
        data=_audit_data(budget),
    )
    return budget


def update_budget(actor: User, budget: VoteBudget, data: BudgetInput) -> VoteBudget:
    process = budget.process
    _require_manager(actor, process)
    between_casts(process.id)
    lock = budget_lock(budget)
    if lock:
        raise Conflict(lock)
    blocked = checks.blocking_now(process, today())
    _fill(budget, check_budget(process, data))
    # The unique name is the constraint's to guard, as in add_budget: a rename racing another one gets
    # the same message instead of an IntegrityError.
    if not add_unique(budget):
        raise _name_taken()
    checks.refuse_new_blocks(process, today(), blocked)
    record_on_process(
        "vote.budget_changed",
        actor=actor,
        process_id=process.id,
        data=_audit_data(budget),
    )
    return budget


def delete_budget(actor: User, budget: VoteBudget) -> str:
    process = budget.process
    _require_manager(actor, process)
    between_casts(process.id)
    lock = budget_lock(budget)
    if lock:
        raise Conflict(lock)
    name = budget.name
    data = _audit_data(budget)
    db.session.delete(budget)
    db.session.flush()
    record_on_process("vote.budget_deleted", actor=actor, process_id=process.id, data=data)
    return name
