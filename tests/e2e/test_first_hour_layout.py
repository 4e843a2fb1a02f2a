"""What a phone and the eye meet in the first hour (issue 18, defect 11): every staff section in sight at
390 px, total rows shaded end to end, panels without blank bands, an icon on every page."""

import re

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")


def test_every_staff_section_is_in_sight_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.live_url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, "staff@demo.participate.example")
    page.goto(live_server.demo_pages["voting_manage"] + "/results")
    tabs = page.locator(".tabs a")
    assert tabs.count() >= 8
    for index in range(tabs.count()):
        box = tabs.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, tabs.nth(
            index
        ).inner_text()
    context.close()


def test_total_rows_and_panels_have_no_half_shading_or_blank_bands(page, live_server):
    log_in(page, "staff@demo.participate.example")
    page.goto(live_server.demo_pages["results"] + "/results")
    total = page.locator("tr.total-row")
    assert total.count() >= 1
    colours = total.first.evaluate(
        "row => [...row.children].map(cell => getComputedStyle(cell).backgroundColor === 'rgba(0, 0, 0, 0)'"
        " ? getComputedStyle(row).backgroundColor : getComputedStyle(cell).backgroundColor)"
    )
    assert len(set(colours)) == 1, colours
    page.goto("/proposals/1")
    answer = page.locator("section[aria-labelledby=answer-title]")
    assert answer.count() == 1
    if answer.count():
        gaps = answer.evaluate(
            "panel => [getComputedStyle(panel.firstElementChild).marginTop,"
            " getComputedStyle(panel.lastElementChild.lastElementChild || panel.lastElementChild).marginBottom]"
        )
        assert gaps == ["0px", "0px"], gaps
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon and page.request.get(icon).ok and page.request.get("/favicon.ico").ok
    assert re.search(r"svg", page.request.get("/favicon.ico").headers["content-type"])
