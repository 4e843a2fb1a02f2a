"""WCAG 2.2 AA 1.4.10 Reflow: at 320 CSS pixels wide (a phone, or 1280 px zoomed to 400%) no page of the demo
scrolls sideways, even with the wider text spacing of 1.4.12 that a reader may set. Only a table or the tabs
may scroll, inside their own box, and a keyboard can reach it. axe-core checks none of this."""

import pytest

from participate.demo import DEMO_DOMAIN
from tests.demo_pages import crawl, log_in_as
from tests.e2e.axe_check import OVERFLOWING, wait_until_styled
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")

# WCAG 1.4.12's test: what a reader's own style sheet may set.
TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important }"
    " p { margin-bottom: 2em !important }"
)
# Boxes that scroll sideways but that a keyboard cannot reach (WCAG 2.1.1: neither the box nor anything in
# it takes the focus, so the arrow keys cannot scroll it).
_UNREACHABLE = """() => [...document.querySelectorAll(".tabs, .table-scroll")]
  .filter(e => e.scrollWidth > e.clientWidth && e.tabIndex < 0 && !e.querySelector("a[href], button, input, select, textarea"))
  .map(e => `${e.className} "${e.textContent.trim().slice(0, 30)}"`)"""


@pytest.mark.parametrize(
    ("role", "language"),
    [(None, "en"), ("resident", "en"), ("admin", "en"), ("resident", "sv")],  # Swedish words are longer
    ids=lambda value: value or "visitor",
)
def test_no_page_scrolls_sideways_on_a_narrow_screen(browser, live_server, role, language):
    client = live_server.test_client()
    context = browser.new_context(
        base_url=live_server.live_url,
        viewport={"width": 320, "height": 640},
        bypass_csp=True,
    )
    page = context.new_page()
    if role:
        log_in_as(client, role)
        log_in(page, f"{role}@{DEMO_DOMAIN}")
    context.set_extra_http_headers({"Accept-Language": language})
    pages, _, _ = crawl(client)
    assert len(pages) > 20
    overflowing, unreachable = {}, {}
    for path in pages:
        response = page.goto(path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        wait_until_styled(page)
        page.add_style_tag(content=TEXT_SPACING)
        if found := page.evaluate(OVERFLOWING):
            overflowing[path] = found
        if found := page.evaluate(_UNREACHABLE):
            unreachable[path] = found
    context.close()
    assert overflowing == {}
    assert unreachable == {}
