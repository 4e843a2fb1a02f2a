"""The demo's council answers: every state, one implementation done, one overdue answer and one overdue
implementation, on a panel with the recommendations the demo publishes."""

from __future__ import annotations

from datetime import timedelta

from participate.core.clock import today, utcnow
from participate.extensions import db
from participate.panels import answers
from participate.panels.demo_answers import PLANS, seed_council_answers, seed_statements
from participate.panels.models import PanelStatus
from participate.panels.recommendation_models import Recommendation
from participate.voting.statements import statement_for
from tests.factories import make_proposal, make_user
from tests.panels.helpers import facilitated_process, make_panel, text


def test_the_demo_answers_cover_every_state_and_flag_the_late_ones(app, client):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, status=PanelStatus.SEATED)
    staff = make_user("staff")
    for n in range(len(PLANS) + 1):
        db.session.add(
            Recommendation(
                panel_id=panel.id,
                title=f"Recommendation {n}",
                text="Text",
                status="adopted",
                published_at=utcnow() - timedelta(days=12),
            )
        )
    db.session.commit()
    assert seed_council_answers(staff, panel) == len(PLANS)
    db.session.commit()
    items = answers.items(panel, today())
    decisions = [i.answer.decision if i.answer else None for i in items]
    assert set(decisions) == {"accepted", "partly", "not_accepted", None}
    assert {i.tracking.status for i in items if i.tracking} == {"in_progress", "done"}
    assert [i.overdue for i in items].count(answers.Overdue.ANSWER) == 1
    assert [i.overdue for i in items].count(answers.Overdue.IMPLEMENTATION) == 1
    (done,) = [i for i in items if i.tracking and i.tracking.status == "done"]
    assert done.answer.accepted and done.tracking.progress == 100 and done.overdue is None
    assert len(done.milestones) >= 2 and all(m.on < today() for m in done.milestones)
    page = text(client.get(f"/processes/{process.slug}/what-the-council-did"))
    assert page.count("Overdue") == 2 and "Accepted in part" in page and "Not accepted" in page
    assert page.count("Done, 100%") == 1 and all(m.text in page for m in done.milestones)


def test_the_demo_statements_go_to_two_feasible_proposals(app):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, status=PanelStatus.SEATED)
    chosen = [make_proposal(process, status="feasible") for _ in range(3)]
    make_proposal(process, status="submitted")
    assert seed_statements(make_user("staff"), panel) == 2
    db.session.commit()
    assert sum(statement_for(p) is not None for p in chosen) == 2
