from flask import Blueprint, render_template

from participate.core.access import current_actor
from participate.core.clock import today
from participate.processes.services import list_public_processes, next_step

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    actor, on = current_actor(), today()
    processes = list_public_processes()[:6]
    steps = {process.id: next_step(process, actor, on) for process in processes}
    return render_template("home/index.html", processes=processes, steps=steps)
