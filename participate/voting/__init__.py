"""The vote: setup and the "Vote" tab, eligibility, the ballot, and its secrecy (docs/ballot-secrecy.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The ballot, the "Vote" tab and the verification pages."""
    from participate.processes.manage import add_section
    from participate.voting import manage, verify, views

    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(verify.bp)
    add_section(*manage.SECTION)
