"""A resident reports a proposal; a moderator hides it with a public reason — in the browser, with axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe_check import assert_accessible
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")


def test_a_report_reaches_the_moderators_who_hide_the_proposal(page, browser, live_server):
    open_process = live_server.demo_pages["proposals"]
    log_in(page, "resident@demo.participate.example")
    page.goto(open_process + "/proposals/?q=picnic")
    page.get_by_role("link", name=re.compile("Picnic tables by the pond")).click()
    proposal_url = page.url
    page.get_by_role("link", name="Report").click()
    assert_accessible(page)
    page.get_by_label("Spam").check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("status")).to_contain_text("The moderators will look at it")

    staff = browser.new_context(base_url=live_server.live_url, locale="en-GB").new_page()
    log_in(staff, "staff@demo.participate.example")
    staff.goto(open_process)
    staff.get_by_role("link", name="Manage this process").click()
    staff.get_by_role("navigation", name="Sections of this process").get_by_role(
        "link", name="Moderation"
    ).click()
    assert_accessible(staff)
    item = staff.locator("li.moderation-item").filter(has_text="Picnic tables by the pond")
    item.get_by_label("Reason shown to the public").fill("A duplicate of another proposal.")
    item.get_by_role("button", name=re.compile("^Hide")).click()
    expect(staff.get_by_role("status")).to_contain_text("It is hidden")
    assert_accessible(staff)

    page.goto(proposal_url)
    expect(page.get_by_text("Hidden by moderation: A duplicate of another proposal.")).to_be_visible()
