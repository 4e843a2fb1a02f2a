from flask import Blueprint, render_template

from participate.core.access import authorize, current_actor
from participate.core.clock import today
from participate.processes import policy, services
from participate.processes.models import phase_label

bp = Blueprint("processes", __name__, url_prefix="/processes")


@bp.get("/")
def index():
    return render_template("processes/index.html", processes=services.list_public_processes(), today=today())


@bp.get("/<slug>")
def detail(slug: str):
    process = authorize(services.find_by_slug(slug), see=policy.can_view)
    actor = current_actor()
    return render_template(
        "processes/detail.html",
        process=process,
        timeline=services.timeline(process),
        current_label=phase_label(process.current_phase(today())),
        can=policy.flags(actor, process),
    )
