from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _

from participate.core.access import authorize, current_actor
from participate.core.clock import today
from participate.core.parts import PageParts
from participate.processes import geo, policy, services
from participate.processes.models import District

bp = Blueprint("processes", __name__, url_prefix="/processes")
# Other domains add a part to a process's public page: (template, context(process, actor, on) -> dict).
PAGE_PARTS = PageParts()
add_page_part = PAGE_PARTS.add


@bp.get("/")
def index():
    actor, on = current_actor(), today()
    processes = services.list_public_processes()
    steps = {process.id: services.next_step(process, actor, on) for process in processes}
    return render_template("processes/index.html", processes=processes, steps=steps, today=on)


@bp.get("/<slug>")
def detail(slug: str):
    process = authorize(services.find_by_slug(slug), see=policy.can_view)
    actor, on = current_actor(), today()
    return render_template(
        "processes/detail.html",
        process=process,
        timeline=services.timeline(process, on),
        current_label=services.phase_now(process, on).summary,
        next_step=services.next_step(process, actor, on),
        can=policy.flags(actor, process),
        parts=PAGE_PARTS.contexts(process, actor, on),
        district_map=geo.draw_map(
            services.district_areas(process, _proposals_of),
            [],
            map_id="process-map",
            title=_("Map of the districts of %(process)s", process=process.title),
            description=_("Each district links to its proposals; the table below lists the same districts."),
        ),
        district_url=_proposals_of,
    )


def _proposals_of(district: District) -> str:
    return url_for("proposals.index", slug=district.process.slug, district=district.id)
