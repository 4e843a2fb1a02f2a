from flask import render_template

from participate.home import bp
from participate.processes.services import list_public_processes


@bp.get("/")
def index():
    return render_template("home/index.html", processes=list_public_processes()[:6])
