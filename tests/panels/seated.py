"""A seated panel whose confirmed members joined the workspace, built straight in the database."""

from __future__ import annotations

from sqlalchemy import select

from participate.core.clock import utcnow
from participate.extensions import db
from participate.panels.models import PanelStatus, Respondent
from participate.panels.recommendation_models import PanelMember
from participate.panels.selection_models import PanelSeat, SeatStatus
from tests.conftest import login
from tests.factories import make_user
from tests.panels.drawn import make_closed_pool
from tests.panels.helpers import facilitated_process


def seated_panel(members: int = 5, *, joined: int | None = None):
    """(panel, facilitator, member users): `members` confirmed seats, the first `joined` linked to accounts."""
    process, facilitator = facilitated_process()
    size = max(members, 6)  # the test pool's quotas need a few people
    panel = make_closed_pool(process, people=size, size=size, status=PanelStatus.SEATED)
    respondents = list(
        db.session.execute(select(Respondent).where(Respondent.panel_id == panel.id)).scalars()
    )
    respondents = respondents[:members]
    users = []
    for n, respondent in enumerate(respondents):
        seat = PanelSeat(panel_id=panel.id, respondent_id=respondent.id, status=SeatStatus.CONFIRMED.value)
        db.session.add(seat)
        db.session.flush()
        if joined is None or n < joined:
            user = make_user()
            db.session.add(
                PanelMember(panel_id=panel.id, seat_id=seat.id, user_id=user.id, joined_at=utcnow())
            )
            users.append(user)
    db.session.commit()
    return panel, facilitator, users


def client_of(app, user):
    client = app.test_client()
    login(client, user.email)
    return client


def workspace_url(panel, rest: str = "") -> str:
    return f"/processes/{panel.process.slug}/panels/{panel.id}/workspace{rest}"


def report_url(panel, rest: str = "") -> str:
    return f"/processes/{panel.process.slug}/panels/{panel.id}/recommendations{rest}"
