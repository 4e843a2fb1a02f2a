"""A click on the map fills a proposal's location (submitting, supporting and reviewing proposals are
walked by the journeys in tests/e2e/journeys)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.axe_check import assert_accessible
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")


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
