"""What every facilitator screen of a panel does first and last: load the panel named in the address (404
when it is not that process's, then the access check), link to another screen of the same panel, and send a
CSV download. (Rendering a page inside the Panels tab is `panels.manage.render_panel`: only view modules may
import the process screens' `render_section`.)"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response, abort, url_for

from participate.core.access import ObjectCheck, authorize
from participate.extensions import db
from participate.panels.models import Panel

SECTION = "panels"


def load_panel(slug: str, panel_id: int, *, see: ObjectCheck, act: ObjectCheck) -> Panel:
    panel = db.session.get(Panel, panel_id)
    if panel is None or panel.process.slug != slug:
        abort(404)
    return authorize(panel, see=see, act=act)


def link(endpoint: str, panel: Panel, **values: Any) -> str:
    return url_for(endpoint, slug=panel.process.slug, panel_id=panel.id, **values)


def csv_download(text: str | Iterable[str], filename: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
