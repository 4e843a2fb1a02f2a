"""A seated panel built straight in the database (the draw is tested elsewhere): confirmed seats for the
first `members` people of a closed pool, some with support needs, and the process's facilitator."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from participate.core.clock import utcnow
from participate.extensions import db
from participate.panels import meetings
from participate.panels.models import PanelStatus, Respondent
from participate.panels.selection_models import PanelSeat
from tests.panels.drawn import make_closed_pool
from tests.panels.helpers import facilitated_process

NEEDS = {0: "Childcare for two children; wheelchair access", 3: "Arabic interpreter", 5: "Taxi from Oxie"}


def make_seated_panel(members: int = 14, stipend_minor: int = 50000):
    process, facilitator = facilitated_process()
    panel = make_closed_pool(process, people=members + 6, size=members, status=PanelStatus.SEATED)
    panel.stipend_minor = stipend_minor
    people = db.session.scalars(
        select(Respondent).where(Respondent.panel_id == panel.id).order_by(Respondent.id)
    ).all()
    for n, respondent in enumerate(people[:members]):
        respondent.support_needs = NEEDS.get(n, "")
        db.session.add(PanelSeat(panel_id=panel.id, respondent_id=respondent.id, status="confirmed"))
    db.session.commit()
    return process, facilitator, panel


def meeting_input(days: int = -7, **changes) -> meetings.MeetingInput:
    values = {
        "starts_at": (utcnow() + timedelta(days=days)).replace(microsecond=0, second=0),
        "ends_at": None,
        "place": "Malmö City Hall, room 3",
        "video_link": "",
        "video_link_public": False,
        "agenda": "1. Welcome\n2. **Evidence** on heat pumps",
    }
    values.update(changes)
    return meetings.MeetingInput(**values)


def seats_of(panel) -> list[PanelSeat]:
    return meetings.members(panel)
