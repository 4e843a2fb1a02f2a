"""Facilitators' screens after the pool closes: selection runs and their comparison, publishing the
lottery, recording the public draw, the confirmation calls, replacements and the exports."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, request, url_for
from flask_babel import gettext as _

from participate.core.access import authorize, current_actor
from participate.core.forms import ButtonForm
from participate.core.transaction import run_form
from participate.extensions import db
from participate.panels import draw_policy, seats, selection
from participate.panels.draw_forms import DrawForm, ReplaceForm, RunForm, SeatStatusForm
from participate.panels.draw_views import fairness_context
from participate.panels.models import PANEL_STATUS_LABELS, Panel
from participate.panels.selection_models import SEAT_STATUS_LABELS, SeatStatus
from participate.processes.manage import render_section

bp = Blueprint("panels_draw_manage", __name__, url_prefix="/manage/processes")
SECTION = "panels"


def _load(slug: str, panel_id: int) -> Panel:
    panel = db.session.get(Panel, panel_id)
    if panel is None or panel.process.slug != slug:
        abort(404)
    return authorize(panel, see=draw_policy.can_view_panel, act=draw_policy.can_run_selection)


def _here(panel: Panel, endpoint: str = "selection_overview", **values: Any) -> str:
    return url_for(f"panels_draw_manage.{endpoint}", slug=panel.process.slug, panel_id=panel.id, **values)


def _selection_page(
    panel: Panel, run_form_: RunForm | None = None, draw_form: DrawForm | None = None, **forms: Any
) -> str:
    runs = selection.runs_of(panel)
    return render_section(
        panel.process,
        SECTION,
        status_labels=PANEL_STATUS_LABELS,
        template="panels/manage/selection.html",
        panel=panel,
        runs=runs,
        jobs=selection.jobs_of(runs),
        may_select=selection.may_select(panel),
        lottery=selection.lottery_of(panel),
        draw=selection.draw_of(panel),
        run_form=run_form_ or RunForm(formdata=None),
        draw_form=draw_form or DrawForm(formdata=None),
        publish_form=forms.get("publish_form") or ButtonForm(formdata=None),
        publishable=selection.PUBLISHABLE,
    )


@bp.get("/<slug>/panels/<int:panel_id>/selection")
def selection_overview(slug: str, panel_id: int):
    return _selection_page(_load(slug, panel_id))


@bp.post("/<slug>/panels/<int:panel_id>/selection/runs")
def start_run(slug: str, panel_id: int):
    panel = _load(slug, panel_id)
    form = RunForm()
    return run_form(
        form,
        lambda: selection.start_run(
            current_actor(),
            panel,
            selection.RunInput(
                algorithm=form.algorithm.data or "",
                deadline_seconds=form.deadline_seconds.data,
                lottery_size=int(form.lottery_size.data or 0),
            ),
        ),
        done=lambda run: (_("The selection has started."), url_for("jobs.detail", job_id=run.job_id)),
        render=lambda: _selection_page(panel, run_form_=form),
    )


@bp.get("/<slug>/panels/<int:panel_id>/selection/runs/<int:run_id>")
def run_detail(slug: str, panel_id: int, run_id: int):
    panel = _load(slug, panel_id)
    run = selection.find_run(panel, run_id)
    if run is None:
        abort(404)
    return render_section(
        panel.process,
        SECTION,
        status_labels=PANEL_STATUS_LABELS,
        template="panels/manage/run.html",
        panel=panel,
        run=run,
        **(fairness_context(run) if run.done else {}),
    )


@bp.post("/<slug>/panels/<int:panel_id>/selection/runs/<int:run_id>/publish")
def publish(slug: str, panel_id: int, run_id: int):
    panel = _load(slug, panel_id)
    run = selection.find_run(panel, run_id)
    if run is None:
        abort(404)
    form = ButtonForm()
    return run_form(
        form,
        lambda: selection.publish_lottery(current_actor(), panel, run),
        done=lambda _l: (_("The lottery is published. It can never be replaced."), _here(panel)),
        render=lambda: _selection_page(panel, publish_form=form),
    )


@bp.post("/<slug>/panels/<int:panel_id>/draw")
def draw(slug: str, panel_id: int):
    panel = _load(slug, panel_id)
    form = DrawForm()
    return run_form(
        form,
        lambda: selection.record_draw(
            current_actor(),
            panel,
            selection.DrawInput(
                seed=form.seed.data or "", event=form.event.data or "", witnesses=form.witnesses.data or ""
            ),
        ),
        done=lambda _d: (_("The panel is drawn."), _here(panel, "seats_overview")),
        render=lambda: _selection_page(panel, draw_form=form),
    )


# --- after the draw -----------------------------------------------------------------------------------


def _status_form(seat: Any, formdata: Any = None) -> SeatStatusForm:
    form = SeatStatusForm(prefix=f"seat-{seat.id}", formdata=formdata)
    allowed = seats.NEXT_STATUSES[SeatStatus(seat.status)]
    form.status.choices = [(s.value, str(SEAT_STATUS_LABELS[s])) for s in allowed]
    return form


def _seats_page(
    panel: Panel, failed: dict[int, SeatStatusForm] | None = None, replace_form: ReplaceForm | None = None
) -> str:
    listing = seats.seat_list(panel)
    forms = {seat.id: (failed or {}).get(seat.id) or _status_form(seat) for seat in listing.active}
    return render_section(
        panel.process,
        SECTION,
        status_labels=PANEL_STATUS_LABELS,
        template="panels/manage/seats.html",
        panel=panel,
        draw=selection.draw_of(panel),
        listing=listing,
        forms=forms,
        reserves=seats.reserves_left(panel),
        replace_form=replace_form or ReplaceForm(formdata=None),
    )


@bp.get("/<slug>/panels/<int:panel_id>/seats")
def seats_overview(slug: str, panel_id: int):
    return _seats_page(_load(slug, panel_id))


@bp.post("/<slug>/panels/<int:panel_id>/seats/<int:seat_id>")
def seat_status(slug: str, panel_id: int, seat_id: int):
    panel = _load(slug, panel_id)
    seat = seats.find_seat(panel, seat_id)
    if seat is None:
        abort(404)
    form = _status_form(seat, formdata=request.form)
    return run_form(
        form,
        lambda: seats.set_status(current_actor(), panel, seat, form.status.data or "", form.note.data or ""),
        done=lambda _s: (_("The seat's status is saved."), _here(panel, "seats_overview")),
        render=lambda: _seats_page(panel, failed={seat.id: form}),
    )


@bp.post("/<slug>/panels/<int:panel_id>/seats/replace")
def replace(slug: str, panel_id: int):
    panel = _load(slug, panel_id)
    form = ReplaceForm()
    return run_form(
        form,
        lambda: seats.replace_vacated(current_actor(), panel, form.note.data or ""),
        done=lambda made: (
            _("%(n)d replacement(s) from the reserves; every quota still holds.", n=len(made)),
            _here(panel, "seats_overview"),
        ),
        render=lambda: _seats_page(panel, replace_form=form),
    )


def _csv(text: str, name: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<slug>/panels/<int:panel_id>/export/selected.csv")
def export_selected(slug: str, panel_id: int):
    panel = _load(slug, panel_id)
    return _csv(seats.selected_csv(current_actor(), panel), f"panel-{panel.id}-selected.csv")


@bp.get("/<slug>/panels/<int:panel_id>/export/remaining.csv")
def export_remaining(slug: str, panel_id: int):
    panel = _load(slug, panel_id)
    return _csv(seats.remaining_csv(current_actor(), panel), f"panel-{panel.id}-remaining.csv")
