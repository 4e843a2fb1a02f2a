"""The demo climate panel's workspace in a browser at 390 px: a member drafts a recommendation, a
facilitator opens a support round, the member votes, the facilitator closes it and publishes the report.
Every page passes axe and nothing scrolls sideways; the report also in Swedish and in its printable form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from participate.demo import DEMO_DOMAIN
from tests.e2e.axe_check import assert_accessible
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")
NARROW = {"width": 390, "height": 844}
TITLE = "Drinking fountains in every park"


def _seated_panel(app) -> tuple[int, str]:
    from sqlalchemy import select

    from participate.extensions import db
    from participate.panels.models import Panel, PanelStatus

    with app.app_context():
        # the demo's seated panel: other tests on this live server seat panels of their own
        panel = db.session.scalars(
            select(Panel).where(Panel.status == PanelStatus.SEATED.value).order_by(Panel.id)
        ).first()
        return panel.id, panel.process.slug


def _check(page) -> None:
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), (
        page.url
    )


def _person(browser, live_server, email: str, language: str = "en-GB"):
    context = browser.new_context(base_url=live_server.live_url, viewport=NARROW, locale=language)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, email)
    return context, page


def test_a_recommendation_from_draft_to_the_published_report(browser, live_server):
    panel_id, slug = _seated_panel(live_server)
    member_context, member = _person(browser, live_server, f"member@{DEMO_DOMAIN}")
    staff_context, staff = _person(browser, live_server, f"staff@{DEMO_DOMAIN}")

    member.goto(f"/processes/{slug}/panels/{panel_id}")
    member.get_by_role("link", name="Members' workspace").click()
    expect(member.get_by_role("heading", level=1)).to_contain_text("Workspace of")
    _check(member)
    member.get_by_role("link", name="Draft a recommendation").click()
    _check(member)
    member.get_by_label("Title").fill(TITLE)
    member.get_by_label("Recommendation").fill("Install a drinking fountain in every park by 2028.")
    member.get_by_role("button", name="Save").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(TITLE)
    _check(member)
    recommendation_url = member.url

    staff.goto(f"/processes/{slug}/panels/{panel_id}/workspace")
    _check(staff)
    staff.get_by_label(TITLE).check()
    staff.get_by_role("button", name="Open the support round").click()
    expect(staff.get_by_text("is open", exact=False).first).to_be_visible()
    _check(staff)

    member.goto(recommendation_url)
    member.get_by_label("Support", exact=True).check()
    member.get_by_role("button", name="Save my vote").click()
    expect(member.get_by_text("You chose: Support")).to_be_visible()
    _check(member)

    staff.get_by_role("button", name="Close support round", exact=False).click()
    expect(staff.get_by_text("closed and counted", exact=False)).to_be_visible()
    staff.get_by_role("button", name="Publish the report").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Recommendations of")
    _check(staff)
    article = staff.locator("article", has_text=TITLE)
    expect(article).to_contain_text("Adopted")
    expect(article).to_contain_text("1 support, 0 can live with it, 0 oppose")
    staff.get_by_role("link", name="Printable version").click()
    _check(staff)
    member_context.close()
    staff_context.close()


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_report_passes_axe_and_fits_390_px(browser, live_server, language):
    panel_id, slug = _seated_panel(live_server)
    context = browser.new_context(base_url=live_server.live_url, viewport=NARROW, locale=language)
    context.set_extra_http_headers({"Accept-Language": language})
    page = context.new_page()
    for path in (f"/processes/{slug}/panels/{panel_id}/recommendations",
                 f"/processes/{slug}/panels/{panel_id}/recommendations/print"):  # fmt: skip
        page.goto(path)
        _check(page)
    expect(page.locator(".minority-statement").first).to_be_visible()
    context.close()
