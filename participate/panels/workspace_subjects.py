"""The workspace's private threads: one for the panel's workspace and one per recommendation, seen and
joined only by the panel's members and facilitators (the deliberation component asks these kinds), and
a notification to the members of every new post."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from participate.accounts.models import User
from participate.core.events import subscribe
from participate.deliberation.subjects import SubjectKind, register_subject
from participate.extensions import db
from participate.notifications import services as notifications
from participate.notifications.models import Kind
from participate.panels import members, workspace_policy
from participate.panels.models import Panel
from participate.panels.recommendation_models import Recommendation, RecommendationStatus

WORKSPACE = "panel_workspace"
RECOMMENDATION = "recommendation"


def workspace_url(panel: Panel) -> str:
    return url_for("panels_workspace.home", slug=panel.process.slug, panel_id=panel.id)


def recommendation_url(recommendation: Recommendation) -> str:
    panel = recommendation.panel
    return url_for(
        "panels_workspace.recommendation",
        slug=panel.process.slug,
        panel_id=panel.id,
        recommendation_id=recommendation.id,
    )


def _workspace_refusal(actor: User | None, panel: Panel) -> str | None:
    if not workspace_policy.can_use_workspace(actor, panel):
        return _("Only the panel's members and facilitators take part in this discussion.")
    return None


def _recommendation_refusal(actor: User | None, recommendation: Recommendation) -> str | None:
    if recommendation.status == RecommendationStatus.WITHDRAWN.value:
        return _("This recommendation was withdrawn, so its discussion is closed.")
    return _workspace_refusal(actor, recommendation.panel)


register_subject(
    SubjectKind(
        name=WORKSPACE,
        load=lambda ident: db.session.get(Panel, ident),
        can_view=workspace_policy.can_use_workspace,
        comment_refusal=_workspace_refusal,
        can_facilitate=workspace_policy.can_facilitate,
        process_of=lambda panel: panel.process,
        url=workspace_url,
        title=lambda panel: _("Workspace of %(panel)s", panel=panel.title),
    )
)
register_subject(
    SubjectKind(
        name=RECOMMENDATION,
        load=lambda ident: db.session.get(Recommendation, ident),
        can_view=lambda actor, rec: workspace_policy.can_use_workspace(actor, rec.panel),
        comment_refusal=_recommendation_refusal,
        can_facilitate=lambda actor, rec: workspace_policy.can_facilitate(actor, rec.panel),
        process_of=lambda rec: rec.panel.process,
        url=recommendation_url,
        title=lambda rec: rec.title,
    )
)


def _panel_of(subject_type: str, subject_id: int) -> Panel | None:
    if subject_type == WORKSPACE:
        return db.session.get(Panel, subject_id)
    if subject_type == RECOMMENDATION:
        recommendation = db.session.get(Recommendation, subject_id)
        return recommendation.panel if recommendation is not None else None
    return None


@subscribe("comment.posted")
def tell_the_members(comment: Any, url: str, **_: Any) -> None:
    """Every member who joined hears of a new post in the workspace (never its own author)."""
    panel = _panel_of(comment.thread.subject_type, comment.thread.subject_id)
    if panel is None:
        return
    data = {"name": notifications.display_name(comment.author_id), "panel": panel.title}
    for member in members.active_members(panel):
        if member.user_id != comment.author_id:
            notifications.notify(member.user_id, Kind.PANEL_POST, data, url)
