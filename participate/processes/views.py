from flask import render_template
from flask_login import current_user

from participate.processes import bp, services
from participate.processes.models import phase_label
from participate.timeutil import today


@bp.get("/")
def index():
    return render_template("processes/index.html", processes=services.list_public_processes(), today=today())


@bp.get("/<slug>")
def detail(slug: str):
    viewer = current_user if current_user.is_authenticated else None
    process = services.get_visible_process(slug, viewer)
    return render_template(
        "processes/detail.html",
        process=process,
        timeline=services.timeline(process),
        current_label=phase_label(process.current_phase(today())),
    )
