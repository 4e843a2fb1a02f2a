"""One place that turns errors into pages or JSON. Nobody ever sees a traceback."""

from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template
from flask.globals import request_ctx
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from participate.core.after_commit import rollback
from participate.core.errors import ServiceError
from participate.core.negotiation import wants_json

TITLES = {
    400: _l("Bad request"),
    403: _l("Forbidden"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Request too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}
MESSAGES = {
    400: _l("The request could not be understood. Please check the form and try again."),
    403: _l("You do not have permission to see this page."),
    404: _l("We could not find that page. It may have moved or never existed."),
    405: _l("That action is not allowed here."),
    409: _l("That change conflicts with the current state. Please reload and try again."),
    413: _l("What you sent is too large. If you attached a file, choose a smaller one."),
    429: _l("Too many attempts. Please wait a minute and try again."),
    500: _l("An unexpected error happened on our side. It has been logged; please try again later."),
}


def render_error(code: int, message: str | None = None):
    title = TITLES.get(code, TITLES[500])
    message = message or str(MESSAGES.get(code, MESSAGES[500]))
    if request_ctx.url_adapter is None:
        # The request named a host outside TRUSTED_HOSTS: no page of this site can be linked to.
        with force_locale("en"):
            return Response(f"{title}\n", mimetype="text/plain"), code
    if wants_json():
        # The "error" field is a stable English name that API clients can match on; the message is translated.
        with force_locale("en"):
            error_name = str(title)
        return jsonify({"error": error_name, "status": code, "message": message}), code
    return render_template("errors/error.html", code=code, title=str(title), message=message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _("This form has expired or was not sent from this site. Please try again."))

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        rollback()
        return render_error(error.status_code, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code >= 500:
            rollback()
        body, status = render_error(code)
        response = make_response(body, status)
        # What the error itself says in headers stays: Allow on a 405, Retry-After on a 429.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        rollback()
        app.logger.exception("Unhandled error")
        return render_error(InternalServerError.code)
