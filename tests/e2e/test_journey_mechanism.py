"""The journeys' own guarantees (tests/e2e/journey.py): a page shown without a check fails the journey, a
page that scrolls sideways fails the check, and a failed journey leaves its screenshot and HTML behind."""

import pytest

from tests.e2e import failures
from tests.e2e.journey import journey

pytestmark = pytest.mark.xdist_group("e2e")
# A box 600 px wide, set through the CSSOM (the page's CSP refuses style attributes).
WIDE_BOX = """() => { const box = document.createElement("div"); box.style.width = "600px";
box.style.height = "4px"; document.querySelector("main").append(box); }"""


def test_a_page_walked_past_without_a_check_fails_the_journey(browser, live_server, tmp_path, monkeypatch):
    monkeypatch.setattr(failures, "FAILURES", tmp_path)
    unchecked = r"without an axe and reflow check: \['http://[^']+/accounts/login'\]"
    with (
        pytest.raises(AssertionError, match=unchecked),
        journey(browser, live_server.live_url, 390, "visitor", keep_as="mechanism") as walk,
    ):
        walk.page.goto("/accounts/login")  # not checked
        walk.page.goto("/accounts/forgot#main")
        walk.check()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mechanism-visitor.html", "mechanism-visitor.png"]
    assert "/accounts/forgot" in (tmp_path / "mechanism-visitor.html").read_text(encoding="utf-8")


def test_a_jump_inside_the_page_is_not_a_new_page(browser, live_server):
    with journey(browser, live_server.live_url, 1280, "visitor", keep_as="mechanism") as walk:
        walk.goto("/accounts/forgot")
        walk.page.keyboard.press("Tab")
        walk.page.keyboard.press("Enter")  # the skip link: /accounts/forgot#main
        assert walk.page.url.endswith("#main")
    assert len(walk.visited) == 1


def test_a_page_wider_than_the_phone_fails_the_check(browser, live_server, tmp_path, monkeypatch):
    monkeypatch.setattr(failures, "FAILURES", tmp_path)
    with (
        pytest.raises(AssertionError, match="scrolls sideways at 390 px"),
        journey(browser, live_server.live_url, 390, "visitor", keep_as="wide") as walk,
    ):
        walk.page.goto("/accounts/forgot")
        walk.page.evaluate(WIDE_BOX)
        walk.check()
