from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/accounts")

from participate.accounts import views  # noqa: E402,F401
