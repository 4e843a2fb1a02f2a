"""`flask panels purge`: people not seated lose their personal data after the panel's date; seated ones keep it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from participate.extensions import db
from participate.panels.models import PanelStatus, Respondent, RespondentStatus
from participate.panels.selection_models import PanelSeat, SeatStatus
from tests.factories import make_process
from tests.panels.drawn import make_closed_pool


def test_purge_erases_everyone_but_the_seated_after_the_date(app, runner):
    panel = make_closed_pool(make_process(), people=10, status=PanelStatus.SEATED)
    panel.purge_after = date(2027, 6, 30)
    people = db.session.scalars(select(Respondent).order_by(Respondent.id)).all()
    db.session.add(
        PanelSeat(panel_id=panel.id, respondent_id=people[0].id, status=SeatStatus.CONFIRMED.value)
    )
    db.session.add(PanelSeat(panel_id=panel.id, respondent_id=people[1].id, status=SeatStatus.DECLINED.value))
    early = make_closed_pool(
        make_process(), people=3, status=PanelStatus.RECRUITING
    )  # not drawn: never purged
    early.purge_after = date(2027, 1, 1)
    db.session.commit()

    result = runner.invoke(args=["panels", "purge", "--on", "2027-06-30"])
    assert "No panel is due" in result.output
    result = runner.invoke(args=["panels", "purge", "--on", "2027-07-01"])
    assert result.exit_code == 0 and "9 people's personal data erased" in result.output, result.output
    db.session.expire_all()
    kept = db.session.get(Respondent, people[0].id)
    assert kept.status == RespondentStatus.REGISTERED and kept.name == "Person 0" and kept.answers
    declined = db.session.get(Respondent, people[1].id)
    assert declined.status == RespondentStatus.ERASED and declined.email == "" and not declined.answers
    assert all(r.name for r in db.session.scalars(select(Respondent).where(Respondent.panel_id == early.id)))
    # running again erases nobody new
    assert "0 people" in runner.invoke(args=["panels", "purge", "--on", "2027-07-02"]).output
