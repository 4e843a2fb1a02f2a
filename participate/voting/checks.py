"""The vote's part of a process's checklist (participate.processes.checks): its budgets against the
process's and the districts' budgets, the proposals on each ballot against the ballot's budget, the census
an eligibility by census needs, and settings a ballot cannot be cast under."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from participate.eligibility.models import CensusEntry, Eligibility
from participate.extensions import db
from participate.processes.checks import Finding, Level, add_check, money
from participate.processes.models import Phase, Process
from participate.voting.models import DistrictScope
from participate.voting.services import budgets_of, candidates, settings_of


@add_check
def vote_budgets_within_total(process: Process, on: date) -> Iterable[Finding]:
    total = sum(b.budget_minor for b in budgets_of(process))
    if total > process.budget_minor:
        yield Finding(
            Level.BLOCK,
            _(
                "The vote's budgets add up to %(budgets)s, more than the process budget of %(total)s.",
                budgets=money(process, total),
                total=money(process, process.budget_minor),
            ),
            "vote",
        )


@add_check
def vote_budgets_match_districts(process: Process, on: date) -> Iterable[Finding]:
    """What residents are told a district has (its budget on the Districts tab) is what its ballots share."""
    for district in process.districts:
        budgets = [b for b in budgets_of(process) if b.district_id == district.id]
        if not budgets:
            continue
        voted = sum(b.budget_minor for b in budgets)
        values = {
            "district": district.name,
            "voted": money(process, voted),
            "shown": money(process, district.budget_minor),
        }
        if voted > district.budget_minor:
            yield Finding(
                Level.BLOCK,
                _(
                    "%(district)s's vote budget of %(voted)s is more than the %(shown)s residents are told "
                    "the district has.",
                    **values,
                ),
                "vote",
            )
        elif voted < district.budget_minor:
            yield Finding(
                Level.WARN,
                _(
                    "%(district)s's vote budget of %(voted)s is less than the %(shown)s residents are told "
                    "the district has.",
                    **values,
                ),
                "vote",
            )


@add_check
def proposals_fit_their_ballot(process: Process, on: date) -> Iterable[Finding]:
    for budget in budgets_of(process):
        for proposal in candidates(budget):
            if proposal.effective_cost > budget.budget_minor:
                yield Finding(
                    Level.BLOCK_VOTE,
                    _(
                        "“%(title)s” costs %(cost)s, more than the %(budget)s of the ballot it is on "
                        "(%(ballot)s): it can never be funded. Adjust its cost or mark it not feasible.",
                        title=proposal.title,
                        cost=money(process, proposal.effective_cost),
                        budget=money(process, budget.budget_minor),
                        ballot=budget.name,
                    ),
                    "proposals",
                )


@add_check
def ballots_have_enough_proposals(process: Process, on: date) -> Iterable[Finding]:
    if process.current_phase(on) not in (None, Phase.PROPOSALS, Phase.DELIBERATION, Phase.PANEL):
        return  # the list is settled once the vote opens
    for budget in budgets_of(process):
        count = len(candidates(budget))
        if count == 0:
            yield Finding(
                Level.BLOCK_VOTE,
                _("The ballot %(ballot)s has no feasible proposals on it yet.", ballot=budget.name),
                "proposals",
            )
        elif count < budget.min_choices:
            yield Finding(
                Level.BLOCK_VOTE,
                _(
                    "The ballot %(ballot)s asks for at least %(least)d choices but has %(count)d "
                    "proposals on it.",
                    ballot=budget.name,
                    least=budget.min_choices,
                    count=count,
                ),
                "vote",
            )


@add_check
def census_loaded(process: Process, on: date) -> Iterable[Finding]:
    settings = settings_of(process)
    if settings is None or settings.eligibility != Eligibility.CENSUS.value:
        return
    entries = db.session.scalar(
        select(func.count()).select_from(CensusEntry).where(CensusEntry.process_id == process.id)
    )
    if not entries:
        yield Finding(
            Level.BLOCK_VOTE,
            _("Residents vote after checking against the census, but no census is loaded."),
            "vote",
        )


@add_check
def vote_is_set_up(process: Process, on: date) -> Iterable[Finding]:
    budgets = budgets_of(process)
    has_vote_phase = process.window(Phase.VOTING) is not None
    if has_vote_phase and not budgets:
        yield Finding(Level.BLOCK_VOTE, _("The process has a voting phase but no vote budget."), "vote")
    if budgets and not has_vote_phase:
        yield Finding(Level.WARN, _("The vote has budgets but the process has no voting phase."), "schedule")
    settings = settings_of(process)
    district_budgets = [b for b in budgets if b.district_id is not None]
    if settings is not None and settings.district_scope == DistrictScope.OWN.value and district_budgets:
        for budget in budgets:
            if budget.district_id is None:
                yield Finding(
                    Level.WARN,
                    _(
                        "Residents vote only on their own district's budgets, so the city-wide budget "
                        "%(ballot)s is on nobody's ballot.",
                        ballot=budget.name,
                    ),
                    "vote",
                )
        covered = {b.district_id for b in district_budgets}
        for district in process.districts:
            if district.id not in covered:
                yield Finding(
                    Level.WARN,
                    _("Residents of %(district)s have no budget to vote on.", district=district.name),
                    "vote",
                )
