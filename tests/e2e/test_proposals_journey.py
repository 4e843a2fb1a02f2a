"""Residents submit and support proposals; staff review them — in the browser, checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe_check import assert_accessible
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")


def test_a_resident_submits_a_proposal_supports_another_and_staff_review_it(page, browser, live_server):
    open_process = live_server.demo_pages["proposals"]
    log_in(page, "resident@demo.participate.example")
    page.goto(open_process)
    page.get_by_role("link", name="Submit a proposal").first.click()
    assert_accessible(page)
    page.get_by_label("Title").fill("A bench by the bus stop on Eriksfältsgatan")
    similar = page.locator("#similar-proposals")
    expect(similar).to_contain_text("Benches along the Fosie walking loop")  # shown while typing
    page.get_by_label("Summary in one sentence").fill("Somewhere to sit while waiting for the bus")
    page.get_by_label("Estimated cost").fill("15 000")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Your proposal is published")
    expect(page.get_by_role("heading", level=1)).to_have_text("A bench by the bus stop on Eriksfältsgatan")
    assert_accessible(page)
    mine = page.url

    page.goto(open_process + "/proposals/?q=benches")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Benches along the Fosie walking loop")).click()
    page.get_by_role("button", name="Support this proposal").click()
    expect(page.get_by_role("status")).to_contain_text("You support this proposal")
    expect(page.get_by_role("button", name="Withdraw my support")).to_be_visible()
    page.get_by_label("Your comment").fill("Yes please: my mother walks this loop every day.")
    # the new comment's stance (the demo's comments on this proposal have reply forms with their own)
    page.locator("#new-comment-stance-in_favour").check()
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment-card").filter(has_text="my mother walks this loop")).to_be_visible()
    assert_accessible(page)

    staff = browser.new_context(base_url=live_server.live_url, locale="en-GB").new_page()
    log_in(staff, "staff@demo.participate.example")
    staff.goto(mine)
    staff.get_by_role("link", name="Review").click()
    assert_accessible(staff)
    staff.get_by_label("Decision").select_option("feasible")
    staff.get_by_label("Public answer").fill("The bus company agrees; we will build it in spring.")
    staff.get_by_role("button", name="Save the decision").click()
    expect(staff.get_by_role("status")).to_contain_text("The decision is saved")
    assert_accessible(staff)
    page.goto(mine)
    expect(page.get_by_text("The bus company agrees")).to_be_visible()
    expect(page.get_by_text("Feasible").first).to_be_visible()


def test_with_a_tile_server_a_click_on_the_map_fills_the_location(page, live_server):
    live_server.config["MAP_TILE_URL"] = live_server.live_url + "/static/no-tiles/{z}/{x}/{y}.png"
    try:
        log_in(page, "resident@demo.participate.example")
        page.goto(live_server.demo_pages["proposals"] + "/proposals/new")
        page.locator(".location-map").click(position={"x": 120, "y": 90})
        latitude = page.get_by_label("Latitude (optional)")
        expect(latitude).not_to_have_value("")
        assert -90 <= float(latitude.input_value()) <= 90
        assert_accessible(page)
    finally:
        live_server.config["MAP_TILE_URL"] = None
