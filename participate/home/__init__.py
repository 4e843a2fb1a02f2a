"""The front page: what is happening in the council now. It belongs to no domain, so core stays a kernel."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The front page."""
    from participate.home import views

    app.register_blueprint(views.bp)
