"""Moderators' screens: the "Moderation" tab of a process (the queue and its actions) and, for staff,
the list of blocked accounts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from participate.accounts.services import find_user
from participate.core.access import current_actor, load, requires
from participate.core.forms import ButtonForm
from participate.core.transaction import run_form
from participate.moderation import policy, services
from participate.moderation.forms import BlockForm, HideForm, ModerationSettingsForm
from participate.moderation.reportables import Reportable, reportable
from participate.processes import policy as process_policy
from participate.processes.manage import render_section
from participate.processes.models import Process

bp = Blueprint("moderation_manage", __name__, url_prefix="/manage")
# The tab of the process screens; participate.moderation.register(app) adds it.
SECTION = ("moderation", _l("Moderation"), "moderation_manage.queue")


def _process(process_id: int, act: Any = policy.can_moderate) -> Process:
    return load(Process, process_id, see=process_policy.can_view, act=act)


def _item(process: Process, kind_name: str, item_id: int) -> tuple[Reportable, Any]:
    kind = reportable(kind_name)
    item = kind.load(item_id) if kind is not None else None
    if kind is None or item is None or kind.process_of(item).id != process.id:
        abort(404)
    return kind, item


def _hide_form(key: str) -> HideForm:
    return HideForm(prefix=f"hide-{key}")


def _block_form(key: str) -> BlockForm:
    return BlockForm(prefix=f"block-{key}")


def _settings_form(process: Process) -> ModerationSettingsForm:
    form = ModerationSettingsForm(prefix="settings")
    if not form.is_submitted():
        form.hide_after_reports.data = services.hide_after(process)
    return form


def _queue_page(process: Process, failed: FlaskForm | None = None, failed_key: str = "") -> str:
    listing = services.queue(process, request.args.get("page", 1, type=int))
    hide_forms: dict[str, FlaskForm] = {entry.key: _hide_form(entry.key) for entry in listing.items}
    block_forms: dict[str, FlaskForm] = {entry.key: _block_form(entry.key) for entry in listing.items}
    if isinstance(failed, HideForm):
        hide_forms[failed_key] = failed
    elif isinstance(failed, BlockForm):
        block_forms[failed_key] = failed
    settings = failed if isinstance(failed, ModerationSettingsForm) else _settings_form(process)
    return render_section(
        process,
        "moderation",
        "moderation/queue.html",
        listing=listing,
        hide_forms=hide_forms,
        block_forms=block_forms,
        button=failed if isinstance(failed, ButtonForm) else ButtonForm(),
        settings_form=settings,
        can=policy.flags(current_actor(), process),
    )


def _back(process: Process) -> str:
    return url_for("moderation_manage.queue", process_id=process.id)


@bp.get("/processes/<int:process_id>/moderation")
def queue(process_id: int):
    return _queue_page(_process(process_id))


@bp.post("/processes/<int:process_id>/moderation/settings")
def settings(process_id: int):
    process = _process(process_id, act=policy.can_change_settings)
    form = _settings_form(process)
    return run_form(
        form,
        lambda: services.set_hide_after(current_actor(), process, form.hide_after_reports.data),
        done=lambda _r: (_("The moderation settings are saved."), _back(process)),
        render=lambda: _queue_page(process, form),
    )


@bp.post("/processes/<int:process_id>/moderation/<kind>/<int:item_id>/hide")
def hide(process_id: int, kind: str, item_id: int):
    process = _process(process_id)
    found, item = _item(process, kind, item_id)
    key = f"{found.kind}-{item_id}"
    form = _hide_form(key)
    return run_form(
        form,
        lambda: services.hide_item(current_actor(), found, item, form.reason.data),
        done=lambda _r: (_("It is hidden; the public sees your reason."), _back(process)),
        render=lambda: _queue_page(process, form, key),
    )


def _queue_button(process_id: int, kind: str, item_id: int, use_case: Any, message: str) -> Any:
    """An action on one reported item that is only a button: show it again, dismiss its reports."""
    process = _process(process_id)
    found, item = _item(process, kind, item_id)
    form = ButtonForm()
    return run_form(
        form,
        lambda: use_case(current_actor(), found, item),
        done=lambda _r: (message, _back(process)),
        render=lambda: _queue_page(process, form),
    )


@bp.post("/processes/<int:process_id>/moderation/<kind>/<int:item_id>/unhide")
def unhide(process_id: int, kind: str, item_id: int):
    return _queue_button(process_id, kind, item_id, services.unhide_item, _("It is shown again."))


@bp.post("/processes/<int:process_id>/moderation/<kind>/<int:item_id>/dismiss")
def dismiss(process_id: int, kind: str, item_id: int):
    return _queue_button(process_id, kind, item_id, services.dismiss_reports, _("The reports are dismissed."))


@bp.post("/processes/<int:process_id>/moderation/<kind>/<int:item_id>/block-author")
def block_author(process_id: int, kind: str, item_id: int):
    process = _process(process_id, act=policy.can_block_in)
    found, item = _item(process, kind, item_id)
    key = f"{found.kind}-{item_id}"
    form = _block_form(key)
    author_id = found.author_id(item)
    return run_form(
        form,
        lambda: services.block_user(
            current_actor(), find_user(author_id) if author_id else None, form.reason.data
        ),
        done=lambda person: (
            _("%(name)s is blocked: they can read but no longer take part.", name=person.display_name),
            _back(process),
        ),
        render=lambda: _queue_page(process, form, key),
    )


def _blocked_page(button: ButtonForm | None = None) -> str:
    return render_template(
        "moderation/blocked.html",
        listing=services.blocked_users(request.args.get("page", 1, type=int)),
        button=button or ButtonForm(),
    )


@bp.get("/moderation/blocked")
@requires(policy.can_block)
def blocked():
    return _blocked_page()


@bp.post("/moderation/blocked/<int:user_id>/unblock")
@requires(policy.can_block)
def unblock(user_id: int):
    form = ButtonForm()
    return run_form(
        form,
        lambda: services.unblock_user(current_actor(), find_user(user_id)),
        done=lambda person: (
            _("%(name)s is no longer blocked.", name=person.display_name),
            url_for("moderation_manage.blocked"),
        ),
        render=lambda: _blocked_page(form),
    )
