"""The one mechanism of the browser journeys (tests/e2e/journeys): a person's walk through the site, one
page after another, in one browser context at a given width.

Every document the browser shows is checked before the person moves on: axe-core (WCAG 2.0–2.2 A and AA)
and no sideways scrolling (WCAG 1.4.10, measured at the journey's width, and on the phone at 320 px too). The journey keeps count of the
documents the main frame loaded; a page someone walked past without `check()` fails the journey at its
end, so "axe on every page visited" cannot quietly stop being true when a step is added.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urldefrag

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.axe_check import OVERFLOWING, assert_accessible
from tests.e2e.failures import keep_failure

# The widths each journey is walked at: a laptop, and a phone (390 CSS pixels, an iPhone 12 to 15).
WIDTHS = [pytest.param(1280, id="desktop"), pytest.param(390, id="390px")]
PHONE_HEIGHT, DESKTOP_HEIGHT = 844, 800
NARROWEST = 320  # WCAG 1.4.10 Reflow: 320 CSS pixels (1280 px at 400% zoom)


class Journey:
    """`page` is the person's tab. Use `goto`, or act and then `check()` the page the action led to."""

    def __init__(self, page: Page, width: int, who: str) -> None:
        self.page, self.width, self.who = page, width, who
        self.visited: list[str] = []  # every document checked, in order (for the failure report)
        self._unchecked: str | None = None
        self._skipped: list[str] = []
        self._last = ""
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame) -> None:
        if frame != self.page.main_frame:
            return
        url, fragment = urldefrag(frame.url)
        if fragment and url == self._last:
            return  # a jump inside the same document (the skip link, a table of contents)
        if self._unchecked is not None:
            self._skipped.append(self._unchecked)
        self._unchecked, self._last = frame.url, url

    def check(self) -> None:
        """axe and reflow on the page now shown; call after every step that loads a page."""
        assert_accessible(self.page)
        self._fits(self.width)
        if self.width < 600:  # on the phone also at WCAG 1.4.10's own 320 px, without loading it again
            viewport = self.page.viewport_size
            self.page.set_viewport_size({"width": NARROWEST, "height": viewport["height"]})
            try:
                self._fits(NARROWEST)
            finally:
                self.page.set_viewport_size(viewport)
        self.visited.append(self.page.url)
        self._unchecked = None

    def _fits(self, width: int) -> None:
        overflowing = self.page.evaluate(OVERFLOWING)
        assert overflowing == [], f"{self.page.url} scrolls sideways at {width} px: {overflowing}"

    def goto(self, path: str) -> None:
        self.page.goto(path)
        self.check()

    def follow(self, link: Locator) -> None:
        """Click a link or button that loads a page, then check that page."""
        with self.page.expect_navigation():
            link.click()
        self.check()

    def press(self, key: str) -> None:
        """A key that loads a page (Enter on a focused link or submit button), then check that page."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.check()

    def status(self, text: str | re.Pattern[str]) -> None:
        expect(self.page.get_by_role("status").first).to_contain_text(text)

    def h1(self, text: str | re.Pattern[str]) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(text)

    def finish(self) -> None:
        """Every page the person saw was checked."""
        missed = self._skipped + ([self._unchecked] if self._unchecked else [])
        assert missed == [], f"pages shown without an axe and reflow check: {missed}"


@contextmanager
def journey(
    browser, base_url: str, width: int, who: str, *, keep_as: str, **context_options
) -> Iterator[Journey]:
    """A fresh browser context (no cookies) at `width` for one person. When the block ends, every page
    must have been checked; when it fails, the page as shown (screenshot and HTML) is kept under
    FAILURES with the name `keep_as`-`who`."""
    height = PHONE_HEIGHT if width < 600 else DESKTOP_HEIGHT
    context_options.setdefault("locale", "en-GB")
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": height}, **context_options
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    walk = Journey(page, width, who)
    try:
        yield walk
        walk.finish()
    except BaseException:
        keep_failure(page, f"{keep_as}-{who}")
        raise
    finally:
        context.close()


def log_in(walk: Journey, email: str, password: str = "demo-password-2026") -> None:
    walk.goto("/accounts/login")
    walk.page.get_by_label("Email address").fill(email)
    walk.page.get_by_label(re.compile(r"^Password")).fill(password)
    walk.follow(walk.page.get_by_role("button", name="Log in"))


def log_out(walk: Journey) -> None:
    walk.follow(walk.page.get_by_role("button", name="Log out"))
