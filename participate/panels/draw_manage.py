"""Facilitators' screens after the pool closes: selection runs and their comparison, publishing the
lottery, recording the public draw, the confirmation calls with the alternates chosen in advance,
replacements and the exports."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from participate.core.access import current_actor
from participate.core.forms import ButtonForm
from participate.core.numbers import whole_number
from participate.core.pagination import page_of
from participate.core.transaction import run_form
from participate.panels import alternates, draw_policy, screens, seats, selection
from participate.panels.draw_forms import (
    AlternatesForm,
    DrawForm,
    ReplaceForm,
    RunForm,
    SeatStatusForm,
    alternates_form,
)
from participate.panels.draw_views import fairness_context
from participate.panels.manage import render_panel
from participate.panels.models import Panel
from participate.panels.pool import PREFER_NOT_TO_SAY
from participate.panels.selection_models import SEAT_STATUS_LABELS, SeatStatus

bp = Blueprint("panels_draw_manage", __name__, url_prefix="/manage/processes")
SECTION = screens.SECTION
LIST_PAGE = 30  # alternates and reserves shown per page


def _load(slug: str, panel_id: int) -> Panel:
    return screens.load_panel(
        slug, panel_id, see=draw_policy.can_view_panel, act=draw_policy.can_run_selection
    )


def _here(panel: Panel, endpoint: str = "selection_overview", **values: Any) -> str:
    return screens.link(f"panels_draw_manage.{endpoint}", panel, **values)


def _selection_page(
    panel: Panel, run_form_: RunForm | None = None, draw_form: DrawForm | None = None, **forms: Any
) -> str:
    runs = selection.runs_of(panel)
    return render_panel(
        panel,
        "selection",
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
    return render_panel(
        panel,
        "run",
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
        lambda: alternates.draw_panel(
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


def _value_label(panel: Panel, feature: str, value: str) -> str:
    found = next((f for f in panel.features if f.name == feature), None)
    if value == PREFER_NOT_TO_SAY:
        return f"{found.label if found else feature}: {_('Prefer not to say')}"
    label = next((v.label for v in found.values if v.value == value), value) if found else value
    return f"{found.label if found else feature}: {label}"


def _alternates_form(panel: Panel, *, submitted: bool = False) -> AlternatesForm | None:
    pool, chosen = alternates.pool_of(panel), alternates.alternates_of(panel)
    if pool is None:
        return None
    suggested = alternates.suggested_rates(panel, pool).rates if chosen is None else {}
    values = []
    for f in pool.features:
        for v in f.values:
            rate = chosen.rate_of(f.name, v) if chosen is not None else suggested.get((f.name, v))
            values.append((f.name, v, _value_label(panel, f.name, v), rate or 0.0))
    count = len(chosen.members) if chosen is not None else 0
    return alternates_form(values, count, submitted=submitted)


def _seats_page(
    panel: Panel,
    failed: dict[int, SeatStatusForm] | None = None,
    replace_form: ReplaceForm | None = None,
    alternates_form_: AlternatesForm | None = None,
) -> str:
    listing = seats.seat_list(panel)
    forms = {seat.id: (failed or {}).get(seat.id) or _status_form(seat) for seat in listing.active}
    chosen = alternates.alternates_of(panel)
    return render_panel(
        panel,
        "seats",
        draw=selection.draw_of(panel),
        listing=listing,
        forms=forms,
        chosen=chosen,
        expected_dropouts=format_decimal(round(chosen.expected_dropouts, 1)) if chosen else "",
        alternates=page_of(
            alternates.waiting_people(panel), whole_number(request.args.get("alternates")) or 1, LIST_PAGE
        ),
        reserves=page_of(
            seats.reserves_left(panel), whole_number(request.args.get("reserves")) or 1, LIST_PAGE
        ),
        replace_form=replace_form or ReplaceForm(formdata=None),
        alternates_form=alternates_form_ or _alternates_form(panel),
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
        done=lambda done: (_replaced_message(done), _here(panel, "seats_overview")),
        render=lambda: _seats_page(panel, replace_form=form),
    )


def _replaced_message(done: seats.Replacements) -> str:
    if not done.fell_back:
        return _("%(n)d replacement(s) from the alternates; every quota still holds.", n=len(done.made))
    return _(
        "No alternates could fill these seats within the quotas, so the reserve list was used: "
        "%(n)d replacement(s), %(r)d of them from the reserves; every quota still holds.",
        n=len(done.made),
        r=done.from_reserves,
    )


@bp.post("/<slug>/panels/<int:panel_id>/seats/alternates")
def choose_alternates(slug: str, panel_id: int):
    panel = _load(slug, panel_id)
    form = _alternates_form(panel, submitted=True)
    if form is None:
        abort(404)

    def use_case() -> Any:
        pool = alternates.pool_of(panel)
        assert pool is not None
        entered = {(f, v): field.data or "" for f, v, field in form.rates}
        rates = alternates.parse_percentages(pool, entered)
        return alternates.choose(current_actor(), panel, rates, form.count.data)

    return run_form(
        form,
        use_case,
        done=lambda chosen: (
            _("%(n)d alternates chosen for your dropout rates.", n=len(chosen.members)),
            _here(panel, "seats_overview"),
        ),
        render=lambda: _seats_page(panel, alternates_form_=form),
    )


@bp.get("/<slug>/panels/<int:panel_id>/export/selected.csv")
def export_selected(slug: str, panel_id: int):
    panel = _load(slug, panel_id)
    return screens.csv_download(seats.selected_csv(current_actor(), panel), f"panel-{panel.id}-selected.csv")


@bp.get("/<slug>/panels/<int:panel_id>/export/remaining.csv")
def export_remaining(slug: str, panel_id: int):
    panel = _load(slug, panel_id)
    return screens.csv_download(
        seats.remaining_csv(current_actor(), panel), f"panel-{panel.id}-remaining.csv"
    )
