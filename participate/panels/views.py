"""Public pages of a citizens' panel: its page (aggregates only), registration, and withdrawal from the
link in the confirmation email."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, abort, current_app, render_template, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from participate.core.access import authorize, current_actor
from participate.core.errors import ServiceError, ValidationFailed
from participate.core.mail import send_email
from participate.core.security import no_store
from participate.core.transaction import attempt
from participate.extensions import db, limiter
from participate.panels import dashboard, invitations, policy, respondents, support, workspace_policy
from participate.panels.forms import WithdrawForm, registration_form
from participate.panels.meeting_public import public_meetings
from participate.panels.models import PANEL_STATUS_LABELS, Panel, PanelStatus, RegistrationMode, Respondent
from participate.panels.setup import panels_of

bp = Blueprint("panels", __name__)
PAGE = "/processes/<slug>/panels/<int:panel_id>"


def process_part(process: Any, actor: Any, on: Any) -> dict[str, Any]:
    """The panels part of a process's public page (participate.panels.register adds it)."""
    return {"panels": [p for p in panels_of(process) if policy.can_view_panel(actor, p)]}


def _register_limit() -> str:
    return str(current_app.config.get("PANEL_REGISTER_RATE_LIMIT", "10 per minute;60 per hour"))


def _panel(slug: str, panel_id: int) -> Panel:
    panel = db.session.get(Panel, panel_id)
    if panel is None or panel.process.slug != slug:
        abort(404)
    return authorize(panel, see=policy.can_view_panel)


def _clock() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="panels/form-started")


def _too_quick(stamp: str | None) -> bool:
    """A person takes longer than a few seconds to fill in the form; a script does not."""
    try:
        started = float(_clock().loads(stamp or ""))
    except (BadSignature, ValueError, TypeError):
        return True
    return time.time() - started < float(current_app.config.get("PANEL_FORM_MIN_SECONDS", 3))


@bp.get(PAGE)
def detail(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    return render_template(
        "panels/detail.html",
        panel=panel,
        process=panel.process,
        status_labels=PANEL_STATUS_LABELS,
        counts=dashboard.pool_counts(panel),
        letters=invitations.letters_count(panel),
        recruiting=policy.is_recruiting(panel),
        can_manage=policy.can_manage_panel(current_actor(), panel),
        workspace=workspace_policy.can_use_workspace(current_actor(), panel),
        has_report=support.has_report(panel),
        **public_meetings(panel),
    )


def _confirmation(panel: Panel, respondent: Respondent, withdraw_url: str) -> None:
    if not respondent.email:
        return
    body = render_template(
        "panels/email/registered.txt", panel=panel, respondent=respondent, withdraw_url=withdraw_url
    )
    send_email(respondent.email, _("You are registered for %(title)s", title=panel.title), body)


@bp.route(PAGE + "/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    if panel.status != PanelStatus.RECRUITING.value:
        return render_template("panels/closed.html", panel=panel, process=panel.process), 410
    form = registration_form(panel)
    needs_code = panel.registration_mode == RegistrationMode.INVITATION.value
    failed = False
    if form.is_submitted():
        if form.website.data:  # the honeypot: a bot gets the same page a person would, and nothing is kept
            return no_store(render_template("panels/registered.html", panel=panel, process=panel.process))
        if form.validate():
            if _too_quick(form.started.data):
                form.form_errors.append(
                    _("That was very quick. Please check your answers and send the form again.")
                )
            else:
                outcome = attempt(lambda: _register(panel, form))
                if not isinstance(outcome, ServiceError):
                    respondent, token = outcome
                    return no_store(
                        render_template(
                            "panels/registered.html",
                            panel=panel,
                            process=panel.process,
                            respondent=respondent,
                            withdraw_url=None if respondent.email else _withdraw_url(panel, token),
                        )
                    )
                form.form_errors.append(outcome.message)
        failed = True
    form.started.data = _clock().dumps(str(time.time()))
    body = render_template(
        "panels/register.html", panel=panel, process=panel.process, form=form, needs_code=needs_code
    )
    return no_store(body, 400 if failed else 200)


def _withdraw_url(panel: Panel, token: str) -> str:
    return url_for("panels.withdraw", slug=panel.process.slug, panel_id=panel.id, token=token, _external=True)


def _register(panel: Panel, form: Any) -> tuple[Respondent, str]:
    data = respondents.RegistrationInput(
        answers=form.answers(panel),
        name=form.name.data or "",
        email=form.email.data or "",
        phone=form.phone.data or "",
        address=form.address.data or "",
        postcode=form.postcode.data or "",
        district=form.district.data or "",
        support_needs=form.support_needs.data or "",
        consent=bool(form.consent.data),
        code=form.code.data or "",
    )
    respondent, token = respondents.register(panel, data)
    _confirmation(panel, respondent, _withdraw_url(panel, token))
    return respondent, token


@bp.route(PAGE + "/withdraw/<token>", methods=["GET", "POST"])
def withdraw(slug: str, panel_id: int, token: str):
    panel = _panel(slug, panel_id)
    respondent = respondents.by_withdraw_token(panel, token)
    form = WithdrawForm()
    if respondent is None:
        return no_store(
            render_template("panels/withdrawn.html", panel=panel, process=panel.process, unknown=True), 404
        )
    if form.validate_on_submit():
        outcome = attempt(lambda: respondents.withdraw(panel, respondent))
        if isinstance(outcome, ValidationFailed):
            abort(400)
        return no_store(
            render_template("panels/withdrawn.html", panel=panel, process=panel.process, unknown=False)
        )
    return no_store(
        render_template(
            "panels/withdraw.html", panel=panel, process=panel.process, respondent=respondent, form=form
        )
    )
