from flask import Blueprint

bp = Blueprint("processes", __name__, url_prefix="/processes")

from participate.processes import views  # noqa: E402,F401
