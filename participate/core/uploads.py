"""Uploads: every request is capped by MAX_CONTENT_LENGTH; views marked @accepts_uploads get more.

The larger cap must be set before anything reads the body, and CSRF protection reads the form in its
own before-request hook, so `init_app` runs first of all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request

UPLOAD_MARK = "_participate_accepts_uploads"


def accepts_uploads(view: Callable[..., Any]) -> Callable[..., Any]:
    setattr(view, UPLOAD_MARK, True)
    return view


def init_app(app: Flask) -> None:
    @app.before_request
    def raise_the_cap_for_uploads() -> None:
        view = current_app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, UPLOAD_MARK, False):
            request.max_content_length = current_app.config["MAX_UPLOAD_LENGTH"]
