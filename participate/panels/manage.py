"""The Panels tab of a process's management screens, for that process's facilitators: the panel, its
features and quotas, the address lottery and letters, the respondents and the pool dashboard."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participate.core.access import authorize, current_actor, load
from participate.core.after_commit import commit
from participate.core.errors import ValidationFailed
from participate.core.forms import ButtonForm
from participate.core.numbers import row_by_id, whole_number
from participate.core.pagination import paginate
from participate.core.security import no_store
from participate.core.transaction import run_form
from participate.core.uploads import accepts_uploads
from participate.extensions import db
from participate.panels import csvfile, dashboard, invitations, policy, respondents, screens, setup
from participate.panels.forms import (
    CensusQuotaForm,
    DrawForm,
    EraseForm,
    FeatureForm,
    FeaturesUploadForm,
    PanelForm,
    PeopleUploadForm,
    RegisterUploadForm,
    StatusForm,
    SuggestForm,
)
from participate.panels.models import (
    ALGORITHM_LABELS,
    PANEL_STATUS_LABELS,
    REGISTRATION_MODE_LABELS,
    InvitationBatch,
    Panel,
    PanelFeature,
    PanelStatus,
    Respondent,
)
from participate.processes import policy as process_policy
from participate.processes import services as process_services
from participate.processes.manage import render_section
from participate.processes.models import Process

bp = Blueprint("panels_manage", __name__, url_prefix="/manage/processes")
SECTION = ("panels", _l("Panels"), "panels_manage.section")

PAGE = "/<slug>/panels/<int:panel_id>"
RESPONDENTS_PER_PAGE = 100


def _process(slug: str) -> Process:
    return authorize(
        process_services.find_by_slug(slug), see=process_policy.can_view, act=policy.can_create_panel
    )


def _panel(slug: str, panel_id: int) -> Panel:
    return screens.load_panel(slug, panel_id, see=policy.can_view_panel, act=policy.can_manage_panel)


def render_panel(panel: Panel, template: str, **context: Any) -> str:
    """A page of `panel` inside the process's Panels tab; `template` is a name under
    templates/panels/manage/, without ".html". The panels' other management screens use it too."""
    return render_section(
        panel.process,
        screens.SECTION,
        f"panels/manage/{template}.html",
        panel=panel,
        status_labels=PANEL_STATUS_LABELS,
        **context,
    )


def _to(endpoint: str, panel: Panel, **values: Any) -> str:
    return screens.link(f"panels_manage.{endpoint}", panel, **values)


@bp.get("/<int:process_id>/panels")
def section(process_id: int):
    """The tab's address in the process screens (which name processes by id); the panels live under the slug."""
    process = load(Process, process_id, see=process_policy.can_view, act=policy.can_create_panel)
    return redirect(url_for("panels_manage.index", slug=process.slug))


@bp.get("/<slug>/panels")
def index(slug: str):
    process = _process(slug)
    return render_section(
        process,
        "panels",
        "panels/manage/index.html",
        panels=setup.panels_of(process),
        status_labels=PANEL_STATUS_LABELS,
    )


@bp.route("/<slug>/panels/new", methods=["GET", "POST"])
def new(slug: str):
    process = _process(slug)
    form = PanelForm()
    form.stipend.currency = process.currency
    return run_form(
        form,
        lambda: setup.create_panel(current_actor(), process, form.to_input()),
        done=lambda panel: (
            _("The panel is created. Now add the features you will ask."),
            _to("overview", panel),
        ),
        render=lambda: render_section(process, "panels", "panels/manage/edit.html", form=form, panel=None),
    )


def _overview(
    panel: Panel, status_form: StatusForm | None = None, features_form: FeaturesUploadForm | None = None
) -> str:
    return render_panel(
        panel,
        "overview",
        status_form=status_form or StatusForm(),
        features_form=features_form or FeaturesUploadForm(),
        census_form=CensusQuotaForm(),
        problems=setup.quota_problems(panel),
        counts=dashboard.pool_counts(panel),
        letters=invitations.letters_count(panel),
        algorithm_labels=ALGORITHM_LABELS,
        mode_labels=REGISTRATION_MODE_LABELS,
        moves=[target for (source, target) in sorted(setup.MOVES) if source == panel.status],
    )


@bp.get(PAGE)
def overview(slug: str, panel_id: int):
    return _overview(_panel(slug, panel_id))


@bp.route(PAGE + "/edit", methods=["GET", "POST"])
def edit(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    form = PanelForm()
    form.stipend.currency = panel.process.currency
    if not form.is_submitted():
        form.fill(panel)
    return run_form(
        form,
        lambda: setup.update_panel(current_actor(), panel, form.to_input()),
        done=lambda _p: (_("The panel is saved."), _to("overview", panel)),
        render=lambda: render_panel(panel, "edit", form=form),
    )


@bp.post(PAGE + "/status")
def status(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    form = StatusForm()
    target = form.target.data or ""
    if target not in {s.value for s in PanelStatus}:
        abort(400)
    return run_form(
        form,
        lambda: setup.move(current_actor(), panel, target),
        done=lambda _p: (
            _("The panel is now “%(status)s”.", status=PANEL_STATUS_LABELS[PanelStatus(target)]),
            _to("overview", panel),
        ),
        render=lambda: _overview(panel, form),
    )


def _feature(panel: Panel, feature_id: int | None) -> PanelFeature | None:
    if feature_id is None:
        return None
    feature = row_by_id(PanelFeature, feature_id)
    if feature is None or feature.panel_id != panel.id:
        abort(404)
    return feature


@bp.route(PAGE + "/features/new", methods=["GET", "POST"], defaults={"feature_id": None})
@bp.route(PAGE + "/features/<int:feature_id>", methods=["GET", "POST"])
def feature(slug: str, panel_id: int, feature_id: int | None):
    panel = _panel(slug, panel_id)
    existing = _feature(panel, feature_id)
    form = FeatureForm()
    if existing is not None and not form.is_submitted():
        form.name.data = existing.name
        form.label.data = existing.label
        form.allow_prefer_not_to_say.data = existing.allow_prefer_not_to_say
        form.values.data = setup.values_text(existing)
    return run_form(
        form,
        lambda: setup.save_feature(current_actor(), panel, form.to_input(), existing),
        done=lambda saved: (
            _("The feature “%(label)s” is saved.", label=saved.label),
            _to("overview", panel),
        ),
        render=lambda: render_panel(panel, "feature", form=form, feature=existing, delete_form=ButtonForm()),
        error_field=lambda _error: form.values,
    )


@bp.post(PAGE + "/features/<int:feature_id>/delete")
def delete_feature(slug: str, panel_id: int, feature_id: int):
    panel = _panel(slug, panel_id)
    existing = _feature(panel, feature_id)
    assert existing is not None
    form = ButtonForm()
    return run_form(
        form,
        lambda: setup.delete_feature(current_actor(), panel, existing),
        done=lambda _r: (_("The feature is deleted."), _to("overview", panel)),
        render=lambda: render_panel(panel, "feature", form=FeatureForm(), feature=existing, delete_form=form),
    )


@bp.post(PAGE + "/features/import")
@accepts_uploads
def import_features(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    form = FeaturesUploadForm()
    return run_form(
        form,
        lambda: setup.import_features(current_actor(), panel, form.file.data.read()),
        done=lambda n: (_("%(n)d features imported.", n=n), _to("overview", panel)),
        render=lambda: _overview(panel, features_form=form),
    )


@bp.post(PAGE + "/quotas/census")
def census_quotas(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    form = CensusQuotaForm()
    return run_form(
        form,
        lambda: setup.quotas_from_census(current_actor(), panel, form.tolerance.data or 0),
        done=lambda n: (_("%(n)d quotas computed from census shares.", n=n), _to("overview", panel)),
        render=lambda: redirect(_to("overview", panel)),
    )


# Invitations ----------------------------------------------------------------------------------------


def _invitations_page(panel: Panel, **forms: Any) -> str:
    suggest = SuggestForm(request.args)
    suggested = None
    if request.args and suggest.validate():
        try:
            rate = float((suggest.response_rate.data or "").replace(",", ".").rstrip("%"))
            suggested = invitations.suggested_letters(panel.size, rate, suggest.per_seat.data or 5)
        except (ValueError, ValidationFailed) as error:
            suggest.response_rate.errors = [
                getattr(error, "message", _("Write a percentage such as 3 or 2.5."))
            ]
    registers = invitations.registers_of(panel)
    draw_form = forms.get("draw_form") or DrawForm()
    draw_form.register_id.choices = [(r.id, f"{r.name} ({r.address_count})") for r in registers]
    if suggested and not draw_form.is_submitted():
        draw_form.size.data = suggested
    return render_panel(
        panel,
        "invitations",
        registers=registers,
        batches=dashboard.batch_rates(panel),
        upload_form=forms.get("upload_form") or RegisterUploadForm(),
        draw_form=draw_form,
        suggest=suggest,
        suggested=suggested,
    )


@bp.get(PAGE + "/invitations")
def invitations_page(slug: str, panel_id: int):
    return _invitations_page(_panel(slug, panel_id))


@bp.post(PAGE + "/registers")
@accepts_uploads
def upload_register(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    form = RegisterUploadForm()
    return run_form(
        form,
        lambda: invitations.import_register(
            current_actor(), panel, form.name.data or form.file.data.filename or "", form.file.data.read()
        ),
        done=lambda register: (
            _("%(n)d addresses imported.", n=register.address_count),
            _to("invitations_page", panel),
        ),
        render=lambda: _invitations_page(panel, upload_form=form),
    )


@bp.post(PAGE + "/batches")
def draw(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    form = DrawForm()
    form.register_id.choices = [(r.id, r.name) for r in invitations.registers_of(panel)]
    return run_form(
        form,
        lambda: invitations.draw_batch(
            current_actor(),
            panel,
            invitations.DrawInput(
                register_id=form.register_id.data or 0,
                size=form.size.data or 0,
                seed=form.seed.data or "",
                stratified=bool(form.stratified.data),
                weights=invitations.parse_weights(form.weights.data or ""),
            ),
        ),
        done=lambda batch: (
            _("%(n)d addresses drawn with the seed “%(seed)s”.", n=batch.size, seed=batch.seed),
            _to("invitations_page", panel),
        ),
        render=lambda: _invitations_page(panel, draw_form=form),
    )


def _batch(panel: Panel, batch_id: int) -> InvitationBatch:
    batch = db.session.get(InvitationBatch, batch_id)
    if batch is None or batch.panel_id != panel.id:
        abort(404)
    return batch


def _registration_url(panel: Panel) -> str:
    return url_for("panels.register", slug=panel.process.slug, panel_id=panel.id, _external=True)


@bp.get(PAGE + "/batches/<int:batch_id>/letters")
def letters(slug: str, panel_id: int, batch_id: int):
    """One A4 page per letter, to print from the browser; `?lang=sv` for Swedish."""
    panel = _panel(slug, panel_id)
    batch = _batch(panel, batch_id)
    lang = request.args.get("lang", "en")
    if lang not in ("en", "sv"):
        abort(404)
    setup.record_on_panel("panel.letters_printed", current_actor(), panel, batch=batch.id, language=lang)
    commit()
    with force_locale(lang):
        body = render_template(
            "panels/manage/letters.html",
            panel=panel,
            batch=batch,
            letters=invitations.letters(panel, batch),
            registration_url=_registration_url(panel),
            lang=lang,
        )
    return no_store(body)


@bp.get(PAGE + "/batches/<int:batch_id>/mail-merge.csv")
def mail_merge(slug: str, panel_id: int, batch_id: int):
    panel = _panel(slug, panel_id)
    batch = _batch(panel, batch_id)
    setup.record_on_panel("panel.mail_merge_exported", current_actor(), panel, batch=batch.id)
    commit()
    url = _registration_url(panel)
    rows = (
        [letter.address, letter.postcode, letter.district, letter.code, url]
        for letter in invitations.letters(panel, batch)
    )
    return screens.csv_download(
        csvfile.write(["address", "postcode", "district", "code", "registration_url"], rows),
        f"panel-{panel.id}-letters-{batch.id}.csv",
    )


# The pool -------------------------------------------------------------------------------------------


@bp.get(PAGE + "/pool")
def pool(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    return render_panel(
        panel,
        "pool",
        quotas=dashboard.quota_table(panel),
        districts=dashboard.district_rates(panel),
        batches=dashboard.batch_rates(panel),
        counts=dashboard.pool_counts(panel),
        check=dashboard.feasibility(panel),
    )


def _respondents_page(panel: Panel, **forms: Any) -> Any:
    page = paginate(
        select(Respondent).where(Respondent.panel_id == panel.id).order_by(Respondent.id),
        whole_number(request.args.get("page")) or 1,
        RESPONDENTS_PER_PAGE,
    )
    earlier = {r.duplicate_of_id for r in page.items if r.duplicate_of_id}
    rows = select(Respondent.id, Respondent.pseudonym).where(Respondent.id.in_(earlier))
    originals = {row.id: row.pseudonym for row in db.session.execute(rows)} if earlier else {}
    return no_store(
        render_panel(
            panel,
            "respondents",
            page=page,
            originals=originals,
            import_form=forms.get("import_form") or PeopleUploadForm(),
            erase_form=forms.get("erase_form") or EraseForm(),
        ),
        400 if any(f.errors for f in forms.values()) else 200,
    )


@bp.get(PAGE + "/respondents")
def respondents_page(slug: str, panel_id: int):
    return _respondents_page(_panel(slug, panel_id))


@bp.post(PAGE + "/respondents/import")
@accepts_uploads
def import_people(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    form = PeopleUploadForm()
    return run_form(
        form,
        lambda: respondents.import_people(current_actor(), panel, form.file.data.read()),
        done=lambda n: (_("%(n)d respondents imported.", n=n), _to("respondents_page", panel)),
        render=lambda: _respondents_page(panel, import_form=form),
    )


@bp.post(PAGE + "/respondents/erase")
def erase(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    form = EraseForm()

    def use_case() -> None:
        target = db.session.execute(
            select(Respondent).where(
                Respondent.panel_id == panel.id, Respondent.pseudonym == (form.respondent.data or "")
            )
        ).scalar_one_or_none()
        if target is None:
            raise ValidationFailed(_("This person is not in the pool."))
        respondents.withdraw_for(current_actor(), panel, target, form.reason.data or "")

    return run_form(
        form,
        use_case,
        done=lambda _r: (
            _("The person is withdrawn and their details erased."),
            _to("respondents_page", panel),
        ),
        render=lambda: _respondents_page(panel, erase_form=form),
    )
