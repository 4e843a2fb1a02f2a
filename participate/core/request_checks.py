"""Checks every request passes before its view runs."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import gettext as _

from participate.core.error_pages import render_error

NUL = "\x00"


def _has_nul() -> bool:
    if NUL in request.path:
        return True
    for source in (request.args, request.form):
        for key, values in source.lists():
            if NUL in key or any(NUL in value for value in values):
                return True
    return False


def register_request_checks(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters() -> Any:
        """PostgreSQL text cannot hold a NUL character (its driver raises, where SQLite would store it), and
        nobody types one: text holding one is refused with a message before any view reads or writes it."""
        if _has_nul():
            return render_error(
                400,
                _(
                    "What you sent contains a null character, which cannot be stored (it usually comes from "
                    "text pasted out of another program). Remove it and try again."
                ),
            )
        return None
