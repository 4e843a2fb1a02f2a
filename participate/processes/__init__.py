"""Participatory processes: budget, districts, phases, per-process roles; public pages and staff screens."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The public process pages and the staff screens, whose tabs the domains above add."""
    from participate.processes import manage, views

    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
