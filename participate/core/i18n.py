"""Locale choice: the visitor's explicit choice, then the browser's preference, then English."""

from flask import current_app, has_request_context, request, session


def select_locale() -> str:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():  # command line and background jobs
        return default
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    return request.accept_languages.best_match(languages) or default
