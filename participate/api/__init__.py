"""The public, read-only JSON API under /api/v1/, described by /api/v1/openapi.json (OpenAPI 3.1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The JSON API and its OpenAPI document."""
    from participate.api import views

    app.register_blueprint(views.bp)
