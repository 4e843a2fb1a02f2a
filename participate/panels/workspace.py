"""The members' workspace (blueprint `panels_workspace`): for the panel's seated members and its
facilitators only. The agenda and materials, the private discussion, the recommendations with their
history, discussion, support votes and minority statements; for facilitators, the members' invitations,
the support rounds and publishing the report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from participate.core.access import authorize, current_actor
from participate.core.errors import ServiceError
from participate.core.forms import ButtonForm
from participate.core.mail import send_email
from participate.core.security import no_store
from participate.core.transaction import attempt, run_form
from participate.extensions import db
from participate.panels import members, policy, recommendations, support, workspace_policy
from participate.panels.models import Panel
from participate.panels.recommendation_models import (
    RECOMMENDATION_STATUS_LABELS,
    SUPPORT_LEVEL_LABELS,
    Recommendation,
    RecommendationStatus,
    SupportLevel,
)
from participate.panels.recommendations import AMENDABLE
from participate.panels.workspace_forms import (
    MinorityStatementForm,
    OpenRoundForm,
    RecommendationForm,
    VoteForm,
)
from participate.panels.workspace_parts import workspace_parts

bp = Blueprint("panels_workspace", __name__)
PAGE = "/processes/<slug>/panels/<int:panel_id>/workspace"
ITEM = PAGE + "/recommendations/<int:recommendation_id>"


def _panel(slug: str, panel_id: int, act: Any = workspace_policy.can_use_workspace) -> Panel:
    panel = db.session.get(Panel, panel_id)
    if panel is None or panel.process.slug != slug:
        abort(404)
    return authorize(panel, see=policy.can_view_panel, act=act)


def _recommendation(panel: Panel, recommendation_id: int) -> Recommendation:
    found = recommendations.find(panel, recommendation_id)
    if found is None:
        abort(404)
    return found


def _home(panel: Panel) -> str:
    return url_for("panels_workspace.home", slug=panel.process.slug, panel_id=panel.id)


def _item_url(panel: Panel, recommendation: Recommendation) -> str:
    return url_for(
        "panels_workspace.recommendation",
        slug=panel.process.slug,
        panel_id=panel.id,
        recommendation_id=recommendation.id,
    )


def _open_round_form(panel: Panel, form: OpenRoundForm | None = None) -> OpenRoundForm:
    form = form or OpenRoundForm()
    form.recommendations.choices = [
        (r.id, r.title)
        for r in recommendations.recommendations_of(panel)
        if RecommendationStatus(r.status) in AMENDABLE and not r.is_published
    ]
    return form


def _home_page(panel: Panel, **forms: Any) -> str:
    actor = current_actor()
    all_recommendations = recommendations.recommendations_of(panel)
    open_round = support.open_round_of(panel)
    facilitator = workspace_policy.can_facilitate(actor, panel)
    return render_template(
        "panels/workspace/home.html",
        panel=panel,
        process=panel.process,
        parts=workspace_parts(panel, actor),
        recommendations=[r for r in all_recommendations if r.status != RecommendationStatus.WITHDRAWN.value],
        withdrawn=[r for r in all_recommendations if r.status == RecommendationStatus.WITHDRAWN.value],
        status_labels=RECOMMENDATION_STATUS_LABELS,
        open_round=open_round,
        my_votes=support.my_votes(actor, panel, open_round),
        votes_cast=support.votes_cast(open_round) if open_round else {},
        level_labels=SUPPORT_LEVEL_LABELS,
        is_member=workspace_policy.is_member(actor, panel),
        facilitator=facilitator,
        member_count=len(members.active_members(panel)),
        open_round_form=forms.get("open_round_form") or (_open_round_form(panel) if facilitator else None),
        close_form=forms.get("close_form") or ButtonForm(),
        publish_form=forms.get("publish_form") or ButtonForm(),
        has_report=any(r.is_published for r in all_recommendations),
        unpublished=[
            r for r in all_recommendations if r.status in ("adopted", "not_adopted") and not r.is_published
        ],
    )


@bp.get(PAGE)
def home(slug: str, panel_id: int):
    return no_store(_home_page(_panel(slug, panel_id)))


@bp.route(PAGE + "/recommendations/new", methods=["GET", "POST"])
def new(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    form = RecommendationForm()
    del form.note
    return run_form(
        form,
        lambda: recommendations.draft(
            current_actor(),
            panel,
            recommendations.RecommendationInput(title=form.title.data or "", text=form.text.data or ""),
        ),
        done=lambda rec: (_("The recommendation is saved as a draft."), _item_url(panel, rec)),
        render=lambda: render_template(
            "panels/workspace/edit.html", panel=panel, process=panel.process, form=form, recommendation=None
        ),
    )


def _item_page(panel: Panel, recommendation: Recommendation, **forms: Any) -> str:
    actor = current_actor()
    open_round = support.open_round_of(panel)
    in_round = open_round is not None and recommendation.status == RecommendationStatus.IN_VOTE.value
    is_member = workspace_policy.is_member(actor, panel)
    vote_form = forms.get("vote_form") or VoteForm()
    mine = support.my_votes(actor, panel, open_round).get(recommendation.id) if in_round else None
    if mine and not vote_form.is_submitted():
        vote_form.level.data = mine
    return render_template(
        "panels/workspace/recommendation.html",
        panel=panel,
        process=panel.process,
        recommendation=recommendation,
        status_labels=RECOMMENDATION_STATUS_LABELS,
        level_labels=SUPPORT_LEVEL_LABELS,
        result=support.last_result(recommendation),
        open_round=open_round if in_round else None,
        my_vote=mine,
        is_member=is_member,
        facilitator=workspace_policy.can_facilitate(actor, panel),
        amendable=RecommendationStatus(recommendation.status) in AMENDABLE
        and not recommendation.is_published,
        vote_form=vote_form if in_round and is_member else None,
        minority_form=forms.get("minority_form") or MinorityStatementForm(),
        withdraw_form=forms.get("withdraw_form") or ButtonForm(),
        can_add_minority=is_member
        and recommendation.status in ("adopted", "not_adopted")
        and not recommendation.is_published,
    )


@bp.get(ITEM)
def recommendation(slug: str, panel_id: int, recommendation_id: int):
    panel = _panel(slug, panel_id)
    return no_store(_item_page(panel, _recommendation(panel, recommendation_id)))


@bp.route(ITEM + "/edit", methods=["GET", "POST"])
def edit(slug: str, panel_id: int, recommendation_id: int):
    panel = _panel(slug, panel_id)
    item = _recommendation(panel, recommendation_id)
    form = RecommendationForm(obj=item)
    return run_form(
        form,
        lambda: recommendations.amend(
            current_actor(),
            panel,
            item,
            recommendations.RecommendationInput(
                title=form.title.data or "", text=form.text.data or "", note=form.note.data or ""
            ),
        ),
        done=lambda rec: (
            _("The amendment is saved as version %(n)d.", n=rec.version),
            _item_url(panel, rec),
        ),
        render=lambda: render_template(
            "panels/workspace/edit.html", panel=panel, process=panel.process, form=form, recommendation=item
        ),
    )


@bp.get(ITEM + "/history")
def history(slug: str, panel_id: int, recommendation_id: int):
    panel = _panel(slug, panel_id)
    item = _recommendation(panel, recommendation_id)
    return no_store(
        render_template(
            "panels/workspace/history.html",
            panel=panel,
            process=panel.process,
            recommendation=item,
            versions=recommendations.versions_of(item),
        )
    )


@bp.post(ITEM + "/withdraw")
def withdraw(slug: str, panel_id: int, recommendation_id: int):
    panel = _panel(slug, panel_id)
    item = _recommendation(panel, recommendation_id)
    form = ButtonForm()
    return run_form(
        form,
        lambda: recommendations.withdraw(current_actor(), panel, item),
        done=lambda _r: (_("The recommendation is withdrawn."), _home(panel)),
        render=lambda: _item_page(panel, item, withdraw_form=form),
    )


@bp.post(ITEM + "/vote")
def vote(slug: str, panel_id: int, recommendation_id: int):
    panel = _panel(slug, panel_id)
    item = _recommendation(panel, recommendation_id)
    form = VoteForm()
    return run_form(
        form,
        lambda: support.cast_vote(current_actor(), panel, item, form.level.data or ""),
        done=lambda vote: (
            _("Your vote is saved: %(level)s.", level=SUPPORT_LEVEL_LABELS[SupportLevel(vote.level)]),
            _item_url(panel, item),
        ),
        render=lambda: _item_page(panel, item, vote_form=form),
    )


@bp.post(ITEM + "/minority")
def minority(slug: str, panel_id: int, recommendation_id: int):
    panel = _panel(slug, panel_id)
    item = _recommendation(panel, recommendation_id)
    form = MinorityStatementForm()
    return run_form(
        form,
        lambda: recommendations.add_minority_statement(current_actor(), panel, item, form.text.data or ""),
        done=lambda _s: (_("The minority statement is added."), _item_url(panel, item)),
        render=lambda: _item_page(panel, item, minority_form=form),
    )


# --- facilitators --------------------------------------------------------------------------------


@bp.post(PAGE + "/rounds")
def open_round(slug: str, panel_id: int):
    panel = _panel(slug, panel_id, act=workspace_policy.can_facilitate)
    form = _open_round_form(panel, OpenRoundForm())
    return run_form(
        form,
        lambda: support.open_round(
            current_actor(),
            panel,
            list(form.recommendations.data or []),
            int(form.threshold_percent.data or 0),
        ),
        done=lambda r: (_("Support round %(n)d is open.", n=r.number), _home(panel)),
        render=lambda: _home_page(panel, open_round_form=form),
    )


@bp.post(PAGE + "/rounds/close")
def close_round(slug: str, panel_id: int):
    panel = _panel(slug, panel_id, act=workspace_policy.can_facilitate)
    form = ButtonForm()
    return run_form(
        form,
        lambda: support.close_round(current_actor(), panel),
        done=lambda r: (_("Support round %(n)d is closed and counted.", n=r.number), _home(panel)),
        render=lambda: _home_page(panel, close_form=form),
    )


@bp.post(PAGE + "/publish")
def publish(slug: str, panel_id: int):
    panel = _panel(slug, panel_id, act=workspace_policy.can_facilitate)
    form = ButtonForm()
    return run_form(
        form,
        lambda: support.publish_report(current_actor(), panel),
        done=lambda n: (
            _("The report is published with %(n)d recommendations.", n=n),
            url_for("panels_report.report", slug=panel.process.slug, panel_id=panel.id),
        ),
        render=lambda: _home_page(panel, publish_form=form),
    )


def _members_page(panel: Panel, form: ButtonForm, links: list[tuple[Any, str]] | None = None) -> str:
    linked = {member.seat_id: member for member in members.members_of(panel)}
    return render_template(
        "panels/workspace/members.html",
        panel=panel,
        process=panel.process,
        seats=members.confirmed_seats(panel),
        linked=linked,
        form=form,
        links=links or [],
    )


@bp.get(PAGE + "/members")
def members_page(slug: str, panel_id: int):
    panel = _panel(slug, panel_id, act=workspace_policy.can_facilitate)
    return no_store(_members_page(panel, ButtonForm()))


def _join_url(panel: Panel, token: str) -> str:
    return url_for(
        "panels_workspace.join", slug=panel.process.slug, panel_id=panel.id, token=token, _external=True
    )


def _invitation_email(panel: Panel, link: str) -> tuple[str, str]:
    """Subject and body, in the council's language (accounts keep no language choice)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = "\n\n".join(
            [
                _("Hello,"),
                _(
                    "You are a member of the citizens' panel “%(title)s”. The panel's workspace holds the agenda, "
                    "the materials, the members' discussion and the recommendations you will write and vote on.",
                    title=panel.title,
                ),
                _("Open this link, sign in or create an account, and accept:") + "\n" + link,
                _("The link is personal: do not pass it on."),
            ]
        )
        return _("Your workspace on %(title)s", title=panel.title), body + "\n"


def _send_invitations(panel: Panel, invited: list[members.Invited]) -> list[tuple[Any, str]]:
    """Email each link; return the links of the members who gave no email, for the facilitator to hand over."""
    by_hand = []
    for item in invited:
        respondent, link = item.member.seat.respondent, _join_url(panel, item.token)
        if respondent.email:
            send_email(respondent.email, *_invitation_email(panel, link))
        else:
            by_hand.append((item.member.seat, link))
    return by_hand


@bp.post(PAGE + "/members")
def invite(slug: str, panel_id: int):
    panel = _panel(slug, panel_id, act=workspace_policy.can_facilitate)
    form = ButtonForm()
    if not form.validate_on_submit():
        return no_store(_members_page(panel, form), 400)
    outcome = attempt(
        lambda: _send_invitations(
            panel, members.invite(current_actor(), panel, members.confirmed_seats(panel))
        )
    )
    if isinstance(outcome, ServiceError):
        form.form_errors.append(outcome.message)
        return no_store(_members_page(panel, form), 400)
    return no_store(_members_page(panel, ButtonForm(), outcome))


@bp.route(PAGE + "/join/<token>", methods=["GET", "POST"])
def join(slug: str, panel_id: int, token: str):
    panel = _panel(slug, panel_id, act=lambda actor, _panel: actor is not None)
    member = members.by_token(panel, token)
    if member is None:
        return no_store(
            render_template("panels/workspace/join.html", panel=panel, process=panel.process), 404
        )
    form = ButtonForm()
    return run_form(
        form,
        lambda: members.accept(current_actor(), panel, token),
        done=lambda _m: (_("Welcome to the panel's workspace."), _home(panel)),
        render=lambda: no_store(
            render_template(
                "panels/workspace/join.html", panel=panel, process=panel.process, member=member, form=form
            )
        ),
    )
