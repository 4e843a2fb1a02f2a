"""axe-core on the vote's staff screens (settings and budgets, census, conflicts, codes, kiosk) and the
residents' verification page, including forms showing their errors. Nothing here writes to the demo."""

import pytest
from playwright.sync_api import expect

from tests.e2e.axe_check import assert_accessible, visit_accessible
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")


def test_vote_staff_screens_and_verification_page(page, live_server):
    page.demo_pages = live_server.demo_pages
    log_in(page, "admin@demo.participate.example")
    for path in [
        "/manage/processes/1/vote",
        "/manage/processes/1/vote/budget",
        "/manage/processes/1/vote/census",
        "/manage/processes/1/vote/conflicts",
        "/manage/processes/1/vote/codes",
        "/manage/processes/1/vote/kiosk",
        "{voting_manage}/vote/kiosk",  # a census vote: the kiosk's poll book
        "{voting}/vote/verify",
    ]:
        visit_accessible(page, path)


def test_vote_forms_with_errors(page, live_server):
    log_in(page, "admin@demo.participate.example")
    page.goto("/manage/processes/1/vote/budget")
    page.get_by_role("button", name="Save budget").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    assert_accessible(page)


def test_kiosk_check_in_with_an_error(page, live_server):
    log_in(page, "staff@demo.participate.example")
    page.goto(live_server.demo_pages["voting_manage"] + "/vote/kiosk")
    page.get_by_label("Personal identity number").fill("20050615-4321")
    page.get_by_label("Year of birth").fill("1999")  # the wrong year: nothing is written
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(".error-summary")).to_contain_text("nobody with that identity number")
    assert_accessible(page)
