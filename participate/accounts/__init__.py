"""People and their accounts: registration, login, confirmation, password reset, profile, global roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The accounts pages and the login manager's user loader."""
    from participate.accounts import auth, views  # noqa: F401  (auth sets the login manager's loader)

    app.register_blueprint(views.bp)
