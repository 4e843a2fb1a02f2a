"""Council staff answer a panel's recommendation in the browser; a resident reads "What the council did"
on a phone (390 px): the answers, the tracking, the overdue flags, no sideways scrolling, and axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.axe_check import assert_accessible
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")


def _panel_with_answers(app) -> tuple[str, int, int]:
    from participate.accounts.models import User
    from participate.core.clock import utcnow
    from participate.extensions import db
    from participate.panels.demo_answers import PLANS, seed_council_answers
    from participate.panels.models import PanelStatus
    from participate.panels.recommendation_models import Recommendation
    from tests.panels.helpers import facilitated_process, make_panel

    with app.app_context():
        process, facilitator = facilitated_process()
        panel = make_panel(process, facilitator, status=PanelStatus.SEATED, title="Climate panel")
        titles = [f"Recommendation {n + 1}: cooler school yards" for n in range(len(PLANS) + 2)]
        for title in titles:
            db.session.add(
                Recommendation(
                    panel_id=panel.id,
                    title=title,
                    text="Plant trees in every school yard.",
                    status="adopted",
                    published_at=utcnow() - timedelta(days=12),
                )
            )
        db.session.commit()
        staff = db.session.query(User).filter_by(email="staff@demo.participate.example").one()
        seed_council_answers(staff, panel)
        db.session.commit()
        last = db.session.query(Recommendation).filter_by(title=titles[-1]).one()
        return process.slug, panel.id, last.id


def test_staff_answer_and_a_resident_reads_what_the_council_did_on_a_phone(page, live_server):
    slug, panel_id, recommendation_id = _panel_with_answers(live_server)
    log_in(page, "staff@demo.participate.example")
    page.goto(f"/manage/processes/{slug}/panels/{panel_id}/answers/{recommendation_id}")
    assert_accessible(page)
    page.get_by_label("Accepted in part").check()
    page.get_by_label("Reasons (Markdown)").fill("We start with the **three largest** school yards.")
    page.get_by_label("Done by (required unless not accepted)").fill("2031-06-30")
    page.get_by_role("button", name="Publish the answer").click()
    expect(page.get_by_text("The council's answer is published.")).to_be_visible()
    page.get_by_label("In progress").check()
    page.get_by_label("Progress (percent, 0 to 100)").fill("15")
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_text("The progress is saved.")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/processes/{slug}/what-the-council-did")
    expect(page.get_by_role("heading", name="What the council did", level=1)).to_be_visible()
    answered = page.locator(f"#recommendation-{recommendation_id}")
    expect(answered).to_contain_text("Accepted in part")
    expect(answered).to_contain_text("In progress, 15%")
    expect(page.get_by_text("Overdue")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
