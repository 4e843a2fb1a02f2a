"""The council's answers, in the Panels tab, for council staff: the panel's published recommendations,
the answer to each (decision, reasons, deadline) and the tracking of its implementation, with the same
forms funded proposals are tracked with."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, url_for
from flask_babel import gettext as _

from participate.core.access import authorize, current_actor
from participate.core.clock import today
from participate.core.forms import ButtonForm
from participate.core.transaction import run_form
from participate.extensions import db
from participate.panels import answers, policy
from participate.panels.answer_forms import AnswerForm, AnswersDueForm
from participate.panels.models import PANEL_STATUS_LABELS, Panel
from participate.panels.recommendation_models import Recommendation
from participate.processes.manage import render_section
from participate.results.forms import MilestoneForm, TrackingForm
from participate.results.manage import delete_milestone_button
from participate.results.tracking import TrackingInput

bp = Blueprint("panel_answers", __name__, url_prefix="/manage/processes")
PAGE = "/<slug>/panels/<int:panel_id>/answers"


@bp.app_template_global("can_answer_panel")
def can_answer_panel(panel: Panel) -> bool:
    return policy.can_answer(current_actor(), panel)


@bp.app_template_global("decision_label")
def decision_label(decision: str) -> str:
    return answers.decision_label(decision)


def _panel(slug: str, panel_id: int) -> Panel:
    panel = db.session.get(Panel, panel_id)
    if panel is None or panel.process.slug != slug:
        abort(404)
    return authorize(panel, see=policy.can_view_panel, act=policy.can_answer)


def _list_url(panel: Panel) -> str:
    return url_for("panel_answers.index", slug=panel.process.slug, panel_id=panel.id)


def _answer_url(panel: Panel, recommendation: Recommendation) -> str:
    return url_for(
        "panel_answers.answer",
        slug=panel.process.slug,
        panel_id=panel.id,
        recommendation_id=recommendation.id,
    )


def _index(panel: Panel, due_form: AnswersDueForm | None = None) -> str:
    if due_form is None:
        due_form = AnswersDueForm(formdata=None)
        due_form.answers_due.data = panel.answers_due
    return render_section(
        panel.process,
        "panels",
        "panels/manage/answers.html",
        panel=panel,
        status_labels=PANEL_STATUS_LABELS,
        items=answers.items(panel, today()),
        due_form=due_form,
        answer_days=answers.ANSWER_DAYS,
    )


@bp.get(PAGE)
def index(slug: str, panel_id: int):
    return _index(_panel(slug, panel_id))


@bp.post(PAGE + "/due")
def due(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    form = AnswersDueForm()
    return run_form(
        form,
        lambda: answers.set_answers_due(current_actor(), panel, form.answers_due.data),
        done=lambda _r: (_("The deadline for the answers is saved."), _list_url(panel)),
        render=lambda: _index(panel, form),
    )


def _tracking_form(recommendation: Recommendation) -> TrackingForm:
    form = TrackingForm()
    if not form.is_submitted():
        item = answers.tracking.tracking_of("recommendation", [recommendation.id]).get(recommendation.id)
        form.status.data = item.status if item else "planned"
        form.progress.data = item.progress if item else 0
    return form


def _answer_page(panel: Panel, recommendation: Recommendation, **forms: Any) -> str:
    existing = answers.answers_of([recommendation.id]).get(recommendation.id)
    form = forms.get("answer_form")
    if form is None:
        form = AnswerForm(formdata=None)
        if existing is not None:
            form.decision.data, form.reasons.data = existing.decision, existing.reasons
            form.deadline.data = existing.deadline
    return render_section(
        panel.process,
        "panels",
        "panels/manage/answer.html",
        panel=panel,
        status_labels=PANEL_STATUS_LABELS,
        recommendation=recommendation,
        existing=existing,
        due=answers.answer_due(panel, recommendation),
        answer_form=form,
        tracking_form=forms.get("tracking_form") or _tracking_form(recommendation),
        milestone_form=forms.get("milestone_form") or MilestoneForm(formdata=None),
        milestones=answers.tracking.milestones_of("recommendation", [recommendation.id])[recommendation.id],
        delete_form=ButtonForm(),
        delete_milestone_url=lambda m: url_for(
            "panel_answers.delete_milestone",
            slug=panel.process.slug,
            panel_id=panel.id,
            recommendation_id=recommendation.id,
            milestone_id=m.id,
        ),
    )


def _recommendation(slug: str, panel_id: int, recommendation_id: int) -> tuple[Panel, Recommendation]:
    panel = _panel(slug, panel_id)
    return panel, answers.answerable_one(panel, recommendation_id)


@bp.route(PAGE + "/<int:recommendation_id>", methods=["GET", "POST"])
def answer(slug: str, panel_id: int, recommendation_id: int):
    panel, recommendation = _recommendation(slug, panel_id, recommendation_id)
    form = AnswerForm()
    if not form.is_submitted():
        return _answer_page(panel, recommendation)
    return run_form(
        form,
        lambda: answers.answer(
            current_actor(),
            panel,
            recommendation,
            answers.AnswerInput(form.decision.data or "", form.reasons.data or "", form.deadline.data),
        ),
        done=lambda _a: (_("The council's answer is published."), _answer_url(panel, recommendation)),
        render=lambda: _answer_page(panel, recommendation, answer_form=form),
    )


@bp.post(PAGE + "/<int:recommendation_id>/tracking")
def tracking(slug: str, panel_id: int, recommendation_id: int):
    panel, recommendation = _recommendation(slug, panel_id, recommendation_id)
    form = _tracking_form(recommendation)
    return run_form(
        form,
        lambda: answers.set_tracking(
            current_actor(),
            panel,
            recommendation,
            TrackingInput(status=form.status.data or "", progress=int(form.progress.data or 0)),
        ),
        done=lambda _t: (_("The progress is saved."), _answer_url(panel, recommendation)),
        render=lambda: _answer_page(panel, recommendation, tracking_form=form),
    )


@bp.post(PAGE + "/<int:recommendation_id>/milestones")
def milestone(slug: str, panel_id: int, recommendation_id: int):
    panel, recommendation = _recommendation(slug, panel_id, recommendation_id)
    form = MilestoneForm()
    return run_form(
        form,
        lambda: answers.add_milestone(
            current_actor(), panel, recommendation, form.on.data, form.text.data or ""
        ),
        done=lambda _m: (_("The milestone is added."), _answer_url(panel, recommendation)),
        render=lambda: _answer_page(panel, recommendation, milestone_form=form),
    )


@bp.post(PAGE + "/<int:recommendation_id>/milestones/<int:milestone_id>/delete")
def delete_milestone(slug: str, panel_id: int, recommendation_id: int, milestone_id: int):
    panel, recommendation = _recommendation(slug, panel_id, recommendation_id)
    return delete_milestone_button(
        lambda: answers.delete_milestone(current_actor(), panel, recommendation, milestone_id),
        _answer_url(panel, recommendation),
    )
