"""Alternates chosen in advance after the draw: the suggested dropout rates (10%, or estimated from past
panels' confirmation records), the facilitator's own rates, replacements that take them first, the fallback
to the reserve list, and the paged alternates and reserves lists on the confirmation-call screen."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from participate.audit.models import AuditEntry
from participate.extensions import db
from participate.panels import alternates, seats, selection
from participate.panels.selection_models import PanelAlternates
from tests.conftest import login, post_form
from tests.factories import make_process
from tests.panels.drawn import make_closed_pool
from tests.panels.test_selection_and_draw import drawn, facilitator_of


@pytest.fixture
def setup(app):
    process = make_process()
    panel = make_closed_pool(process)
    return process, panel, facilitator_of(process)


def _decline(panel, actor, seat, status="declined"):
    seats.set_status(actor, panel, seat, status, "On the phone")


def test_the_draw_chooses_alternates_with_10_percent_when_no_past_panel_has_records(setup):
    _process, panel, facilitator = setup
    draw = drawn(panel, facilitator)
    chosen = alternates.alternates_of(panel)
    assert chosen.source == "default" and chosen.records == 0
    assert {rate for _f, _v, rate in chosen.rates} == {0.1}
    assert chosen.expected_dropouts == pytest.approx(0.1 * panel.size)
    assert len(chosen.members) == alternates.MIN_ALTERNATES  # twice 0.6 expected dropouts is fewer
    assert not set(chosen.members) & set(draw.members)
    assert all(m in draw.reserves for m in chosen.members)  # nobody on the panel or their housemates
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "panel.alternates_chosen")
    ).scalar_one()
    assert json.loads(entry.data)["alternates"] == chosen.members


def test_rates_are_estimated_from_past_panels_confirmation_records(setup):
    process, panel, facilitator = setup
    past = make_closed_pool(process)
    drawn(past, facilitator)
    answers = {pid: values for pid, values, _h in selection.lottery_of(past).run.inputs["people"]}
    women = 0
    for seat in seats.seat_list(past).active:
        if answers[seat.respondent.pseudonym][0] == "woman":
            _decline(past, facilitator, seat)
            women += 1
        else:
            seats.set_status(facilitator, past, seat, "confirmed")
    db.session.commit()
    assert women and alternates.past_records(panel)
    drawn(panel, facilitator, seed="9 9 9")
    chosen = alternates.alternates_of(panel)
    assert chosen.source == "estimated" and chosen.records == past.size
    # women dropped out in the past panel and men did not: a woman's rate is much higher
    assert chosen.rate_of("gender", "woman") > 0.5 > chosen.rate_of("gender", "man")
    # the overall rate, smoothed in, keeps every rate strictly between 0 and 1
    assert all(0 < rate < 1 for _f, _v, rate in chosen.rates)


def test_no_alternate_fits_so_the_reserves_fill_the_seat_with_a_clear_message(app, setup):
    process, panel, facilitator = setup
    drawn(panel, facilitator)
    alternates.alternates_of(panel).members = []  # as if every alternate had moved away
    leaving = seats.seat_list(panel).active[0]
    _decline(panel, facilitator, leaving)
    db.session.commit()
    client = app.test_client()
    login(client, facilitator.email)
    base = f"/manage/processes/{process.slug}/panels/{panel.id}"
    response = post_form(client, f"{base}/seats/replace", {"note": "Moved"}, token_from=f"{base}/seats")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No alternates could fill these seats within the quotas, so the reserve list was used" in page
    replaced = seats.seat_list(panel).active
    assert len(replaced) == panel.size
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "panel.replaced")).scalar_one()
    assert json.loads(entry.data)["from"] == "reserves"


def test_the_facilitator_chooses_again_with_their_own_rates_and_bad_rates_change_nothing(app, setup):
    process, panel, facilitator = setup
    drawn(panel, facilitator)
    client = app.test_client()
    login(client, facilitator.email)
    base = f"/manage/processes/{process.slug}/panels/{panel.id}"
    page = client.get(f"{base}/seats").get_data(as_text=True)
    assert "Alternates, in calling order" in page and "a dropout rate of 10% for everyone" in page
    fields = re.findall(r'name="(rate_\d+)"[^>]*value="([^"]*)"', page)
    assert len(fields) == 5 and {value for _name, value in fields} == {"10"}
    before = list(alternates.alternates_of(panel).members)
    bad = post_form(
        client,
        f"{base}/seats/alternates",
        {**{name: "10" for name, _v in fields}, "rate_0": "150", "count": "4"},
        token_from=f"{base}/seats",
    )
    assert bad.status_code == 400 and "must be between 0 and 100%" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert alternates.alternates_of(panel).source == "default"
    assert alternates.alternates_of(panel).members == before
    ok = post_form(
        client,
        f"{base}/seats/alternates",
        {**{name: "10" for name, _v in fields}, "rate_0": "30", "count": "5"},
        token_from=f"{base}/seats",
    )
    assert ok.status_code == 302, ok.get_data(as_text=True)[:2000]
    db.session.expire_all()
    chosen = db.session.execute(select(PanelAlternates)).scalar_one()
    assert chosen.source == "facilitator" and len(chosen.members) == 5
    assert chosen.rate_of("gender", "woman") == pytest.approx(0.3)
    assert "for the dropout rates you entered" in client.get(f"{base}/seats").get_data(as_text=True)


def test_reserves_and_alternates_beyond_the_first_30_are_paged_on_the_screen(app):
    process = make_process()
    panel = make_closed_pool(process, people=90)
    facilitator = facilitator_of(process)
    draw = drawn(panel, facilitator)
    alternates.choose(facilitator, panel, None, 40)
    db.session.commit()
    client = app.test_client()
    login(client, facilitator.email)
    base = f"/manage/processes/{process.slug}/panels/{panel.id}/seats"
    reserves = seats.reserves_left(panel)
    assert len(reserves) > 60
    first = client.get(base).get_data(as_text=True)
    assert reserves[0].pseudonym in first and reserves[30].pseudonym not in first.split("reserves-title")[1]
    assert "Pages of reserves" in first and "Pages of alternates" in first
    second = client.get(f"{base}?reserves=2").get_data(as_text=True).split("reserves-title")[1]
    assert reserves[30].pseudonym in second and reserves[0].pseudonym not in second
    assert 'start="31"' in second
    waiting = alternates.still_waiting(panel)
    assert len(waiting) == 40 and waiting[0] in draw.reserves
    later = client.get(f"{base}?alternates=2").get_data(as_text=True)
    section = later.split("alternates-title")[1].split("reserves-title")[0]
    assert waiting[30] in section and waiting[0] not in section
