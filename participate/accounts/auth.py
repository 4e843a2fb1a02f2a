"""Flask-Login wiring: who the session belongs to, and where visitors go when a page needs a login."""

from __future__ import annotations

from flask import Flask, Response, current_app, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from participate.accounts import services
from participate.accounts.models import User
from participate.core.error_pages import render_error
from participate.core.negotiation import wants_json
from participate.core.numbers import whole_number
from participate.extensions import db, login_manager

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """`session_id` is "user id:session version:login token", from the session or the remember-me cookie.

    All three must hold: the account is active, its password has not changed since (the version), and the
    login session behind the token exists, belongs to this account and has not been ended by a logout.
    """
    parts = session_id.split(":")
    if len(parts) != 3:
        return None
    user_id, version, token = parts
    row_id, session_version = whole_number(user_id), whole_number(version)
    if row_id is None or session_version is None or not token:
        return None
    user = db.session.get(User, row_id)
    if user is None or not user.is_active or user.session_version != session_version:
        return None
    login_session = services.find_login_session(user.id, token)
    if login_session is None:
        return None
    services.touch_login_session(login_session)
    user.login_token = token
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        return render_error(403, "Authentication required.")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def renew_remember_cookie_on_use(app: Flask) -> None:
    """A remember-me cookie that opened this request is set again for another REMEMBER_COOKIE_DURATION.

    Flask-Login's REMEMBER_COOKIE_REFRESH_EACH_REQUEST would also give a cookie to everyone who did not
    tick "Keep me logged in"; this renews only the cookies people asked for. Registered after
    Flask-Login, so it runs before Flask-Login's own after-request step, which then writes the cookie.
    """

    @app.after_request
    def _renew(response: Response) -> Response:
        cookie_name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        if (
            cookie_name in request.cookies
            and "_remember" not in session
            and "_user_id" in session
            and current_user.is_authenticated
        ):
            session["_remember"] = "set"
        return response
