"""One place that turns errors into pages or JSON. Nobody ever sees a traceback."""

from __future__ import annotations

from flask import Flask, jsonify, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from participate.core.negotiation import wants_json
from participate.errors import ServiceError
from participate.extensions import db

TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Page not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    429: "Too many requests",
    500: "Something went wrong",
}


def _explain(code: int) -> str:
    messages = {
        400: _("The request could not be understood. Please check the form and try again."),
        403: _("You do not have permission to see this page."),
        404: _("We could not find that page. It may have moved or never existed."),
        405: _("That action is not allowed here."),
        409: _("That change conflicts with the current state. Please reload and try again."),
        413: _("The upload is too large."),
        429: _("Too many attempts. Please wait a minute and try again."),
        500: _("An unexpected error happened on our side. It has been logged; please try again later."),
    }
    return messages.get(code, messages[500])


def _title(code: int) -> str:
    titles = {
        400: _("Bad request"),
        403: _("Forbidden"),
        404: _("Page not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("Request too large"),
        429: _("Too many requests"),
        500: _("Something went wrong"),
    }
    return titles.get(code, titles[500])


def render_error(code: int, message: str | None = None):
    message = message or _explain(code)
    if wants_json():
        return jsonify({"error": TITLES.get(code, TITLES[500]), "status": code, "message": message}), code
    return render_template("errors/error.html", code=code, title=_title(code), message=message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _("This form has expired or was not sent from this site. Please try again."))

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        db.session.rollback()
        return render_error(error.status_code, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code >= 500:
            db.session.rollback()
        return render_error(code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_error(InternalServerError.code)
