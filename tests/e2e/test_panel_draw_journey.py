"""The demo's drawn panel in a browser: the verify page recomputes the draw with Web Crypto, and its answer
is the command-line verifier's on several seeds; the public pages pass axe in Swedish and fit 390 px (the
facilitator's journey in tests/e2e/journeys walks them, and the facilitators' screens, in English)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

from participate.cli.sortition import verify_draw_command
from tests.e2e.axe_check import assert_accessible

pytestmark = pytest.mark.xdist_group("e2e")

SEEDS = [
    None,  # the recorded seed, already in the field
    "1 2 3 4 5 6",
    "Lotto 2027-02-13: 3 11 19 24 30 33 35",
    "Tärningar inför vittnen: Åsa, Björn – 6 6 1",
    "",
    "  spaces around  ",
]


def _drawn_panel(app) -> tuple[int, str, dict]:
    from sqlalchemy import select

    from participate.extensions import db
    from participate.panels.models import Panel, PanelStatus

    with app.app_context():
        # the demo's seated panel: other tests on this live server seat panels of their own
        panel = db.session.scalars(
            select(Panel).where(Panel.status == PanelStatus.SEATED.value).order_by(Panel.id)
        ).first()
        lottery = app.test_client().get(f"/api/v1/panels/{panel.id}/lottery").get_json()
        return panel.id, panel.process.slug, lottery


def _cli(lottery: dict, seed: str, tmp_path) -> dict:
    path = tmp_path / "lottery.json"
    path.write_text(json.dumps(lottery), encoding="utf-8")
    outcome = CliRunner().invoke(verify_draw_command, ["--lottery", str(path), "--seed", seed])
    assert outcome.exit_code == 0, outcome.output
    return json.loads(outcome.output)


def test_the_browser_recomputes_the_draw_exactly_as_the_command_line_verifier(page, live_server, tmp_path):
    panel_id, _slug, lottery = _drawn_panel(live_server)
    page.goto(f"/panels/{panel_id}/verify")
    assert_accessible(page)
    recorded = page.locator("#seed").input_value()
    result = page.locator("#verify-result")
    for seed in SEEDS:
        if seed is not None:
            page.locator("#seed").fill(seed)
        seed = recorded if seed is None else seed
        page.get_by_role("button", name="Verify in my browser").click()
        expect(result).to_have_attribute("data-computed-by", "browser")
        expected = _cli(lottery, seed, tmp_path)
        assert result.get_attribute("data-sha256") == lottery["sha256"]
        assert int(result.get_attribute("data-index")) == expected["index"], seed
        assert result.get_attribute("data-panel") == " ".join(expected["panel"]), seed
        expect(result).to_contain_text("The downloaded lottery has the published hash.")
        assert page.url.endswith(f"/panels/{panel_id}/verify")  # computed here, not by the server
        if seed == recorded:
            expect(result).to_contain_text("Same panel as the recorded draw.")
    assert_accessible(page)


def test_a_lottery_whose_hash_is_wrong_is_called_out(page, live_server):
    panel_id, _slug, lottery = _drawn_panel(live_server)
    tampered = {**lottery, "panels": [list(reversed(lottery["panels"][0])), *lottery["panels"][1:]]}
    page.route(f"**/api/v1/panels/{panel_id}/lottery", lambda route: route.fulfill(json=tampered))
    page.goto(f"/panels/{panel_id}/verify")
    page.get_by_role("button", name="Verify in my browser").click()
    expect(page.locator("#verify-result")).to_contain_text("does NOT have the published hash")


@pytest.mark.parametrize("language", ["sv"])  # English at 390 px: the facilitator's journey
def test_the_public_pages_pass_axe_and_fit_390_px(browser, live_server, language):
    panel_id, slug, _lottery = _drawn_panel(live_server)
    context = browser.new_context(
        base_url=live_server.live_url, viewport={"width": 390, "height": 800}, locale=language
    )
    context.set_extra_http_headers({"Accept-Language": language})
    page = context.new_page()
    for path in (f"/processes/{slug}/panels/{panel_id}", f"/processes/{slug}/panels/{panel_id}/fairness",
                 f"/panels/{panel_id}/verify"):  # fmt: skip
        page.goto(path)
        assert_accessible(page)
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), path
    page.goto(f"/panels/{panel_id}/verify")
    page.locator("#seed").fill("2 2 2")
    page.locator("#verify-form button").click()
    word = "Beräknat i din webbläsare" if language == "sv" else "Computed in your browser"
    expect(page.locator("#verify-result")).to_contain_text(word)
    context.close()
