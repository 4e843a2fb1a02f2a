"""A resident's ballot: fill it in, review it, cast it and keep the receipt; anyone can check a receipt.

The ballot works without JavaScript (a rank list per proposal); static/js/ranked-ballot.js turns a ranked
ballot into two lists with buttons and drag and drop, and keeps the same fields filled in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from participate.core.access import authorize, current_actor
from participate.core.clock import today
from participate.core.errors import ServiceError
from participate.core.security import no_store
from participate.core.transaction import USER_FACING_ERRORS, attempt
from participate.extensions import db, limiter
from participate.processes import policy as process_policy
from participate.processes.services import find_by_slug
from participate.processes.views import add_page_part
from participate.proposals.models import Proposal
from participate.voting import policy, services
from participate.voting.forms import (
    CAST,
    CHANGE,
    REVIEW,
    BallotForm,
    BudgetBallot,
    ReceiptForm,
    budget_ballot,
    carried,
    read_ballot,
    values_of,
)
from participate.voting.models import BallotType
from participate.voting.statements import statement_for, statements_for

bp = Blueprint("voting", __name__)


def _vote_part(process: Any, actor: Any, on: Any) -> dict[str, Any]:
    settings = services.settings_of(process)
    return {
        "open": policy.is_open(process, settings, on),
        "closed": settings is not None and settings.closed_at is not None,
    }


add_page_part("voting/_process_part.html", _vote_part)


@bp.app_template_global("proposal_statement")
def proposal_statement(proposal: Any) -> str | None:
    """The statement shown beside the proposal on the ballot, for its own page too (a citizens' panel's)."""
    return statement_for(proposal)


def _receipt_limit() -> str:
    return str(current_app.config["RECEIPT_CHECK_RATE_LIMIT"])


def _process(slug: str) -> Any:
    return authorize(find_by_slug(slug), see=process_policy.can_view)


def _ballots(
    actor: Any,
    budgets: list[Any],
    values: Callable[[Any], Mapping[str, str]],
    *,
    statements: bool = True,
    voted: bool = True,
) -> list[BudgetBallot]:
    """The ballots as a page shows them; `statements` (the panels' beside each proposal) and `voted`
    (whether the voter has voted on it) only for the pages that show them."""
    ballots = []
    for budget in budgets:
        proposals = services.candidates(budget)
        ballots.append(
            budget_ballot(
                budget,
                proposals,
                values(budget),
                statements=statements_for(proposals) if statements else None,
                voted=voted and services.has_voted(actor, budget),
            )
        )
    return ballots


def _read(ballots: list[BudgetBallot], data: Mapping[str, str]) -> dict[int, list[Any]] | None:
    """Each non-empty ballot's choices, checked; None when one has an error (set on that ballot). An
    empty ballot is not cast (the voter leaves that budget alone), but at least one must be filled in."""
    choices: dict[int, list[Any]] = {}
    for ballot in ballots:
        try:
            chosen = read_ballot(ballot.budget, [line.proposal for line in ballot.lines], data)
            if chosen:
                services.check_choices(ballot.budget, chosen, [line.proposal for line in ballot.lines])
                choices[ballot.budget.id] = chosen
        except USER_FACING_ERRORS as error:
            ballot.error = error.message
    if not choices and not any(ballot.error for ballot in ballots):
        ballots[0].error = _("Choose at least one proposal before you review your vote.")
    return None if any(ballot.error for ballot in ballots) else choices


def _ballot_page(process: Any, form: BallotForm, ballots: list[BudgetBallot], status: int = 200) -> Any:
    return no_store(
        render_template(
            "voting/ballot.html",
            process=process,
            form=form,
            ballots=ballots,
            errors=[(b.budget, b.error) for b in ballots if b.error] + [(None, e) for e in form.form_errors],
            ranked=BallotType.RANKED.value,
            approval=BallotType.APPROVAL.value,
        ),
        status,
    )


def _refused(process: Any, refusal: str) -> Any:
    page = render_template("voting/refused.html", process=process, refusal=refusal)
    return page, 200 if request.method == "GET" else 403


@bp.route("/processes/<slug>/vote", methods=["GET", "POST"])
@login_required
def ballot(slug: str):
    process = _process(slug)
    actor, on = current_actor(), today()
    registration = services.registration_of(actor, process)
    settings = services.settings_of(process)
    refusal = services.ballot_refusal(settings, actor, process, registration, on)
    if refusal and registration is None and refusal == policy.unregistered_refusal():
        return render_template(
            "voting/verify_first.html", process=process, verify_url=f"/processes/{slug}/vote/verify"
        )
    if refusal or registration is None:
        return _refused(process, refusal or policy.unregistered_refusal())
    budgets = services.budgets_under(settings, process, registration.district_id)
    if not budgets:
        refusal = _("There is no budget on your ballot in this process.")
        return render_template("voting/refused.html", process=process, refusal=refusal)
    form = BallotForm()
    action = request.form.get("action") if form.validate_on_submit() else None
    if action not in (REVIEW, CHANGE, CAST):
        return _ballot_page(
            process,
            form,
            _ballots(actor, budgets, lambda b: values_of(b, services.current_choices(actor, b))),
        )
    data = request.form.to_dict()
    if action == CHANGE:
        return _ballot_page(process, form, _ballots(actor, budgets, lambda _budget: data))
    # Review and cast show no statements; a cast, not whether the voter had voted.
    ballots = _ballots(actor, budgets, lambda _budget: data, statements=False, voted=action == REVIEW)
    choices = _read(ballots, data)
    if choices is None:
        shown = _ballots(actor, budgets, lambda _budget: data)
        for ballot, read in zip(shown, ballots, strict=True):
            ballot.error = read.error
        return _ballot_page(process, form, shown, 400)
    if action == REVIEW:
        page = render_template(
            "voting/review.html", process=process, form=form, ballots=ballots, carried=carried(data, ballots),
            ranked=BallotType.RANKED.value, points=BallotType.POINTS.value,
        )  # fmt: skip
        return no_store(page)

    def cast_and_show() -> str:
        receipts = [
            (
                b.budget,
                services.cast_ballot(actor, b.budget, choices[b.budget.id], on, registration=registration),
            )
            for b in ballots
            if b.budget.id in choices
        ]
        # Shown from the objects as they are before the commit: read again after it, they would cost
        # a cast half a dozen queries more, and the page is sent only if the commit succeeds.
        return render_template("voting/cast.html", process=process, receipts=receipts)

    cast = attempt(cast_and_show)
    if isinstance(cast, ServiceError):
        form.form_errors.append(cast.message)
        return _ballot_page(process, form, _ballots(actor, budgets, lambda _budget: data), 400)
    return no_store(cast)


def _named(check: services.ReceiptCheck) -> list[tuple[str, int | None]]:
    """The proposals a ballot chose, by title, in its order (with the points on a points ballot)."""
    named: list[tuple[str, int | None]] = []
    for choice in check.choices or []:
        pid, points = (choice[0], choice[1]) if isinstance(choice, list) else (choice, None)
        proposal = db.session.get(Proposal, pid)
        named.append((proposal.title if proposal else _("A proposal no longer shown"), points))
    return named


@bp.route("/processes/<slug>/vote/receipt", methods=["GET", "POST"])
@limiter.limit(_receipt_limit, methods=["POST"])
def receipt(slug: str):
    """The code comes in a POST only: a code in a URL would be written to logs and browser history."""
    process = _process(slug)
    form = ReceiptForm()
    check = services.check_receipt(process, form.code.data) if form.validate_on_submit() else None
    page = render_template(
        "voting/receipt.html",
        process=process,
        form=form,
        check=check,
        choices=_named(check) if check and check.found else [],
        ranked=check is not None
        and check.budget is not None
        and check.budget.ballot_type == BallotType.RANKED.value,
    )
    return no_store(page, 400 if form.errors else 200)
