"""One axe-core check for every browser test: WCAG 2.0–2.2 A and AA rules on the page as shown."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_AA = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
_axe = Axe()

# A click that submits a form returns before the new page has its stylesheet; axe on an unstyled page
# reports every link as too small a target. So wait until every stylesheet of the current document is in.
_STYLED = "document.readyState === 'complete' && [...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.sheet)"  # noqa: E501


def wait_until_styled(page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_function(_STYLED)


def assert_accessible(page) -> None:
    wait_until_styled(page)
    results = _axe.run(page, options={"runOnly": WCAG_AA})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def visit_accessible(page, path: str) -> None:
    """Open `path` (`{proposals}` and the like name the demo's pages) and check it."""
    page.goto(path.format(**page.demo_pages) if "{" in path else path)
    assert_accessible(page)


# Elements past the right edge, leaving out those inside a box that scrolls on its own.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest(".tabs, .table-scroll"))
    .slice(0, 3)
    .map(e => `${e.tagName.toLowerCase()}.${e.className} "${(e.tagName === "INPUT" ? e.value : e.textContent).trim().slice(0, 30)}"`);
}"""
