"""Administration: users and roles, the audit log, and the dashboard that leads to each domain's screens."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The users, roles, audit log and dashboard screens."""
    from participate.admin import views

    app.register_blueprint(views.bp)
