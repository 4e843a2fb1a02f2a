"""The front page: what is happening in the council now. It belongs to no domain, so core stays a kernel."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from participate.home import views  # noqa: E402,F401
