"""Observers' side of a panel's meetings: the public materials, as downloads."""

from __future__ import annotations

from flask import Blueprint, abort

from participate.core.access import authorize, current_actor
from participate.extensions import db
from participate.panels import materials, policy
from participate.panels.meeting_models import MaterialKind
from participate.panels.models import Panel
from participate.panels.workspace_policy import can_use_workspace

bp = Blueprint("panels_meetings", __name__)


@bp.get("/processes/<slug>/panels/<int:panel_id>/materials/<int:material_id>")
def material(slug: str, panel_id: int, material_id: int):
    """A public document of a panel anyone may see; members-only ones exist only for the panel's members
    and facilitators."""
    panel = db.session.get(Panel, panel_id)
    if panel is None or panel.process.slug != slug:
        abort(404)
    authorize(panel, see=policy.can_view_panel)
    found = materials.find_material(panel, material_id)
    if found is None or found.kind != MaterialKind.DOCUMENT.value:
        abort(404)
    actor = current_actor()
    if not found.public and not (policy.can_manage_panel(actor, panel) or can_use_workspace(actor, panel)):
        abort(404)
    return materials.material_download(found)
