"""A resident confirms they may vote in a process: against the census (identity number and birth year)
or, under account eligibility, by declaring their district. The census form is rate-limited so it cannot
be used to find out who is in the census."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from participate.core.access import authorize, current_actor
from participate.core.clock import today
from participate.core.errors import ServiceError
from participate.core.transaction import attempt, run_form
from participate.eligibility import policy, services
from participate.eligibility.forms import AccountVerifyForm, CensusVerifyForm
from participate.eligibility.models import Eligibility
from participate.extensions import limiter
from participate.processes import policy as process_policy
from participate.processes.models import Process
from participate.processes.services import find_by_slug

bp = Blueprint("vote_verify", __name__)


def _verify_limit() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT", "10 per hour")


def _verify_limit_per_address() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT_PER_ADDRESS", "60 per hour")


def _per_person() -> str:
    actor = current_actor()
    return f"user:{actor.id}" if actor is not None else (request.remote_addr or "unknown")


def _per_address() -> str:
    return request.remote_addr or "unknown"


def _vote_path(process: Process) -> str:
    return f"/processes/{process.slug}/vote"


def _page(process: Process, form: Any, **context: Any) -> str:
    actor = current_actor()
    settings = services.terms_of(process)
    return render_template(
        "eligibility/verify.html",
        process=process,
        form=form,
        refusal=policy.verification_refusal(actor, process, settings),
        registration=services.registration_of(actor, process),
        census=policy.checks_census(settings),
        min_age=settings.min_age if settings else None,
        vote_path=_vote_path(process),
        **context,
    )


@bp.route("/processes/<slug>/vote/verify", methods=["GET", "POST"])
@login_required
@limiter.limit(_verify_limit, methods=["POST"], key_func=_per_person)
@limiter.limit(_verify_limit_per_address, methods=["POST"], key_func=_per_address)
def verify(slug: str):
    process = authorize(find_by_slug(slug), see=process_policy.can_view)
    actor, settings = current_actor(), services.terms_of(process)
    if settings is not None and settings.eligibility == Eligibility.ACCOUNT.value:
        account_form = AccountVerifyForm.for_process(process)
        return run_form(
            account_form,
            lambda: services.register_by_account(actor, process, account_form.district_id()),
            done=lambda _r: (_("You are registered to vote in this process."), _vote_path(process)),
            render=lambda: _page(process, account_form),
        )
    form = CensusVerifyForm()
    if form.validate_on_submit():
        outcome = attempt(
            lambda: services.verify_census(
                actor, process, form.identity_number.data, form.birth_year.data, today()
            )
        )
        if isinstance(outcome, ServiceError):
            form.form_errors.append(outcome.message)
        else:
            if outcome.registration is not None:
                flash(_("Thank you: you are registered to vote in this process."), "success")
                return redirect(_vote_path(process))
            return _page(process, CensusVerifyForm(formdata=None), claimed=True)
    failed = form.is_submitted() and bool(form.errors)
    return _page(process, form), 400 if failed else 200
