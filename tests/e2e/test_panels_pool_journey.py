"""An invited resident registers for the demo's recruiting panel in Swedish on a 390 px phone, with the
code from their letter; the facilitator then reads the pool dashboard and the letters on the same phone.
Every page is checked with axe and must not scroll sideways."""

from __future__ import annotations

import pytest

from tests.e2e.axe_check import assert_accessible
from tests.e2e.conftest import log_in
from tests.e2e.axe_check import OVERFLOWING as _OVERFLOWING

pytestmark = pytest.mark.xdist_group("e2e")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def letter(live_server):
    """The demo's recruiting panel and the code of a letter nobody has answered yet."""
    from sqlalchemy import select

    from participate.extensions import db
    from participate.panels import codes
    from participate.panels.models import Invitation, Panel, PanelStatus

    with live_server.app_context():
        panel = db.session.scalar(select(Panel).where(Panel.status == PanelStatus.RECRUITING.value))
        invitation = db.session.scalar(
            select(Invitation)
            .where(Invitation.panel_id == panel.id, Invitation.registrations_used == 0)
            .limit(1)
        )
        code = codes.shown_code(codes.invitation_code(panel.id, invitation.batch_id, invitation.address_id))
        path = f"/processes/{panel.process.slug}/panels/{panel.id}"
        manage = f"/manage/processes/{panel.process.slug}/panels/{panel.id}"
    live_server.config["PANEL_FORM_MIN_SECONDS"] = 0
    yield path, manage, code
    live_server.config.pop("PANEL_FORM_MIN_SECONDS")


def _fits(page) -> None:
    assert page.evaluate(_OVERFLOWING) == []


def test_register_in_swedish_on_a_phone(browser, live_server, letter):
    path, _manage, code = letter
    context = browser.new_context(base_url=live_server.live_url, viewport=PHONE, locale="sv-SE")
    context.set_extra_http_headers({"Accept-Language": "sv"})
    page = context.new_page()
    page.goto(path)
    assert_accessible(page)
    _fits(page)
    page.get_by_role("link", name="Anmäl dig till panelen").click()
    page.get_by_role("heading", name="Anmäl dig till medborgarpanelen").wait_for()
    assert_accessible(page)
    _fits(page)
    page.get_by_label("Koden i ditt brev").fill(code.lower())
    page.get_by_role(
        "group", name="Which gender do you identify with? / Vilket kön identifierar du dig med?"
    ).get_by_label("Vill inte svara").check()
    page.get_by_label("16–29").check()
    page.get_by_label("Oxie").check()
    page.get_by_label("Ditt namn").fill("Sara Lindqvist")
    page.get_by_label("E-post").fill("sara.lindqvist@example.se")
    page.get_by_label("Gatuadress").fill("Ystadvägen 12")
    page.get_by_label("Jag godkänner").check()
    page.get_by_role("button", name="Skicka min anmälan").click()
    page.get_by_role("heading", name="Tack för din anmälan").wait_for()
    assert_accessible(page)
    _fits(page)
    context.close()


def test_facilitator_reads_the_dashboard_on_a_phone(browser, live_server, letter):
    _path, manage, _code = letter
    context = browser.new_context(base_url=live_server.live_url, viewport=PHONE)
    page = context.new_page()
    log_in(page, "facilitator@demo.participate.example")
    for rest in ("", "/pool", "/invitations", "/respondents"):
        page.goto(manage + rest)
        assert_accessible(page)
        _fits(page)
    page.goto(manage + "/pool")
    assert page.get_by_text("Short by").count() >= 1
    context.close()
