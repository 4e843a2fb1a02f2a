from flask import Blueprint, render_template

from participate.processes.services import list_public_processes

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template("home/index.html", processes=list_public_processes()[:6])
