"""Residents' side of moderation: report an item."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from participate.core.access import authorize, current_actor
from participate.core.errors import PermissionDenied, ValidationFailed
from participate.core.transaction import run_form
from participate.moderation import policy, services
from participate.moderation.forms import ReportForm
from participate.moderation.reportables import Reportable, reportable

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


def _reported(kind_name: str, item_id: int) -> tuple[Reportable, Any]:
    kind = reportable(kind_name)
    if kind is None:
        abort(404)
    return kind, authorize(kind.load(item_id), see=kind.can_view)


@bp.app_template_global("report_url")
def report_url(kind: str, item: Any) -> str | None:
    """Where the current person reports `item` (a proposal, a comment), or None when they may not: every
    page offers "Report" through this one check."""
    if not policy.can_report(current_actor(), kind, item):
        return None
    return url_for("moderation.report", kind=kind, item_id=item.id)


@bp.route("/report/<kind>/<int:item_id>", methods=["GET", "POST"])
@login_required
def report(kind: str, item_id: int):
    found, item = _reported(kind, item_id)
    actor = current_actor()
    refusal = policy.report_refusal(actor, found, item)
    if refusal:
        raise PermissionDenied(refusal)
    form = ReportForm()
    return run_form(
        form,
        lambda: services.report_item(actor, found, item, form.reason.data, form.text.data or ""),
        done=lambda _r: (_("Thank you. The moderators will look at it."), found.url(item)),
        render=lambda: render_template(
            "moderation/report.html",
            form=form,
            kind=found,
            item=item,
            excerpt=found.short_excerpt(item),
            url=found.url(item),
            already=services.has_reported(actor, found, item),
        ),
        error_field=lambda error: form.text if isinstance(error, ValidationFailed) else None,
    )
