from flask import Blueprint, current_app, jsonify, redirect, request, session, url_for
from sqlalchemy import text

from participate.core.forms import LanguageForm
from participate.core.urls import safe_next
from participate.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except Exception:  # the point of a health check is to report any failure as data
        current_app.logger.exception("Health check: database unreachable")
        db.session.rollback()
        return jsonify({"status": "error", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page's link says; send them to the icon."""
    return redirect(url_for("static", filename="favicon.svg"))


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
    return redirect(safe_next(form.next.data or request.referrer) or url_for("home.index"))
