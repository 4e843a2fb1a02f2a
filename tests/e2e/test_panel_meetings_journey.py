"""A facilitator runs the demo's seated panel at 390 px wide: adds and edits a meeting, records attendance,
ticks the support checklist, plans the tables and prints them, adds a PDF, reads the stipends; every
screen passes axe and nothing scrolls sideways. Observers see the meetings in Swedish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from participate.demo import DEMO_DOMAIN
from participate.panels.demo_meetings import tiny_pdf
from tests.e2e.axe_check import assert_accessible
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")

FITS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _seated_panel(app) -> tuple[int, str, int]:
    from sqlalchemy import select

    from participate.core.clock import utcnow
    from participate.extensions import db
    from participate.panels import meetings
    from participate.panels.models import Panel, PanelStatus

    with app.app_context():
        # the demo's seated panel: other tests on this live server seat panels of their own
        panel = db.session.scalars(
            select(Panel).where(Panel.status == PanelStatus.SEATED.value).order_by(Panel.id)
        ).first()
        held = [m for m in meetings.meetings_of(panel) if m.starts_at < utcnow()]
        return panel.id, panel.process.slug, held[0].id


def _check(page, path: str) -> None:
    assert_accessible(page)
    assert page.evaluate(FITS), path


def test_a_facilitator_runs_the_meetings_at_390_px(browser, live_server, tmp_path):
    panel_id, slug, held_id = _seated_panel(live_server)
    context = browser.new_context(base_url=live_server.live_url, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, f"staff@{DEMO_DOMAIN}")
    base = f"/manage/processes/{slug}/panels/{panel_id}"

    page.goto(f"{base}/meetings")
    _check(page, "meetings")
    page.get_by_role("link", name="Add a meeting").click()
    _check(page, "new meeting")
    page.get_by_role("button", name="Save the meeting").click()  # nothing filled in
    expect(page.locator(".error-summary")).to_contain_text("Give the date and time the meeting starts.")
    _check(page, "new meeting with errors")
    page.get_by_label("Starts").fill("2027-05-08T10:00")
    page.get_by_label("Place", exact=True).fill("Malmö City Hall")
    page.get_by_label("Agenda (Markdown)").fill("1. Final report\n2. **Thanks**")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_text("The meeting is saved.")).to_be_visible()
    _check(page, "meeting")
    page.get_by_role("link", name="Edit or delete the meeting").click()
    page.get_by_label("Place", exact=True).fill("Husie community centre")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_text("Husie community centre").first).to_be_visible()

    page.goto(f"{base}/meetings/{held_id}")
    _check(page, "held meeting")
    first = page.locator(".attendance-mark").first
    first.get_by_label("Excused").check()
    page.get_by_role("button", name="Save the attendance").click()
    expect(page.get_by_text("Attendance saved for")).to_be_visible()
    expect(page.locator(".attendance-mark").first.get_by_label("Excused")).to_be_checked()

    boxes = page.locator(".checklist input[type=checkbox]")
    if boxes.count():
        boxes.first.check()
        page.get_by_role("button", name="Save the checklist").click()
        expect(page.get_by_text("The checklist is saved")).to_be_visible()

    page.get_by_label("Seed", exact=False).fill("dice 6 1 4")
    page.get_by_role("button", name="Plan the tables").click()
    expect(page.get_by_text("tables planned.")).to_be_visible()
    _check(page, "meeting with tables")
    page.get_by_role("link", name="Printable table plan").click()
    expect(page.get_by_role("heading", name="Table 1")).to_be_visible()
    _check(page, "printable table plan")

    pdf = tmp_path / "evidence.pdf"
    pdf.write_bytes(tiny_pdf("Evidence", ["A test document"]))
    page.goto(f"{base}/meetings/{held_id}")
    page.locator("#title").fill("Evidence from the journey")
    page.get_by_label("PDF file", exact=False).set_input_files(str(pdf))
    page.get_by_label("Public", exact=False).check()
    page.get_by_role("button", name="Add the material").click()
    expect(page.get_by_text("“Evidence from the journey” is added.")).to_be_visible()
    _check(page, "meeting with material")

    page.goto(f"{base}/stipends")
    _check(page, "stipends")
    expect(page.get_by_role("link", name="Download the payroll (CSV)")).to_be_visible()
    context.close()


def test_observers_see_the_meetings_in_swedish_at_390_px(browser, live_server):
    panel_id, slug, _held = _seated_panel(live_server)
    context = browser.new_context(
        base_url=live_server.live_url, viewport={"width": 390, "height": 800}, locale="sv"
    )
    context.set_extra_http_headers({"Accept-Language": "sv"})
    page = context.new_page()
    page.goto(f"/processes/{slug}/panels/{panel_id}")
    expect(page.get_by_role("heading", name="Möten")).to_be_visible()
    expect(page.get_by_role("heading", name="Informationsmaterial")).to_be_visible()
    expect(page.get_by_text("Draft recommendations")).to_have_count(0)
    _check(page, "public panel page")
    context.close()
