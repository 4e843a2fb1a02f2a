"""The panel's statements on proposals, in the Panels tab: the feasible proposals of the process, and for
each the statement the facilitators publish on the panel's behalf (write, edit, withdraw)."""

from __future__ import annotations

from flask import Blueprint, abort, url_for
from flask_babel import gettext as _

from participate.core.access import authorize, current_actor
from participate.core.forms import ButtonForm
from participate.core.transaction import run_form
from participate.extensions import db
from participate.panels import policy, statements
from participate.panels.models import PANEL_STATUS_LABELS, Panel, PanelStatus
from participate.panels.statement_forms import StatementForm
from participate.processes.manage import render_section

bp = Blueprint("panel_statements", __name__, url_prefix="/manage/processes")
PAGE = "/<slug>/panels/<int:panel_id>/statements"


def _panel(slug: str, panel_id: int) -> Panel:
    panel = db.session.get(Panel, panel_id)
    if panel is None or panel.process.slug != slug:
        abort(404)
    return authorize(panel, see=policy.can_view_panel, act=policy.can_manage_panel)


def _list_url(panel: Panel) -> str:
    return url_for("panel_statements.index", slug=panel.process.slug, panel_id=panel.id)


@bp.get(PAGE)
def index(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    return render_section(
        panel.process,
        "panels",
        "panels/manage/statements.html",
        panel=panel,
        status_labels=PANEL_STATUS_LABELS,
        proposals=statements.feasible_proposals(panel),
        statements=statements.statements_of(panel),
        seated=panel.status == PanelStatus.SEATED.value,
    )


@bp.route(PAGE + "/<int:proposal_id>", methods=["GET", "POST"])
def edit(slug: str, panel_id: int, proposal_id: int):
    panel = _panel(slug, panel_id)
    proposal = statements.feasible_proposal(panel, proposal_id)
    existing = statements.statement_on(panel, proposal)
    form = StatementForm()
    if existing is not None and not form.is_submitted():
        form.text.data = existing.text
    return run_form(
        form,
        lambda: statements.save_statement(current_actor(), panel, proposal, form.text.data or ""),
        done=lambda _s: (_("The panel's statement is published."), _list_url(panel)),
        render=lambda: render_section(
            panel.process,
            "panels",
            "panels/manage/statement.html",
            panel=panel,
            status_labels=PANEL_STATUS_LABELS,
            proposal=proposal,
            existing=existing,
            form=form,
            withdraw_form=ButtonForm(),
            seated=panel.status == PanelStatus.SEATED.value,
        ),
    )


@bp.post(PAGE + "/<int:proposal_id>/withdraw")
def withdraw(slug: str, panel_id: int, proposal_id: int):
    panel = _panel(slug, panel_id)
    proposal = statements.feasible_proposal(panel, proposal_id)
    form = ButtonForm()
    return run_form(
        form,
        lambda: statements.withdraw_statement(current_actor(), panel, proposal),
        done=lambda _r: (_("The panel's statement is withdrawn."), _list_url(panel)),
        render=lambda: abort(400),
    )
