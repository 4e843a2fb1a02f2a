"""Flask-Login wiring: who the session belongs to, and where visitors go when a page needs a login."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import lazy_gettext as _l

from participate.accounts.models import User
from participate.core.error_pages import render_error
from participate.core.negotiation import wants_json
from participate.extensions import db, login_manager

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        return render_error(403, "Authentication required.")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
