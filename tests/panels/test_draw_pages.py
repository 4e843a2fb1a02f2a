"""The pages and the API around the lottery and the draw: what the public sees (pseudonyms and aggregates
only), what the facilitators see, the whole flow through the browser's forms, and Swedish."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from sqlalchemy import select

from participate.accounts.models import Role
from participate.extensions import db
from participate.panels import seats, selection
from participate.panels.models import PanelStatus
from participate.panels.selection_models import PanelDraw, PanelSeat, SelectionRun
from participate.sortition import draw_index, verify_draw
from tests.concurrency import posts_at_once, races
from tests.conftest import csrf_token, login, post_form
from tests.factories import make_process, make_user
from tests.panels.drawn import make_closed_pool
from tests.panels.test_selection_and_draw import drawn, facilitator_of, published, run_selection


@pytest.fixture
def setup(app):
    process = make_process()
    panel = make_closed_pool(process)
    return process, panel, facilitator_of(process)


def logged_in(app, user):
    client = app.test_client()
    login(client, user.email)
    return client


PERSONAL = re.compile(r"Person \d+|person\d+@example\.org|\+4670000|Storgatan|Kungsgatan")


def test_the_whole_flow_in_the_browser_from_a_closed_pool_to_a_seated_panel_with_one_replacement(app, setup):
    process, panel, facilitator = setup
    client = logged_in(app, facilitator)
    base = f"/manage/processes/{process.slug}/panels/{panel.id}"
    page = client.get(f"{base}/selection")
    assert page.status_code == 200 and "Run the selection" in page.get_data(as_text=True)
    # a comparison run with the legacy method, then the fair one
    for algorithm in ("legacy", "leximin"):
        response = post_form(
            client,
            f"{base}/selection/runs",
            {"algorithm": algorithm, "deadline_seconds": "60", "lottery_size": "1000"},
            token_from=f"{base}/selection",
        )
        assert response.status_code == 302
        job_page = client.get(response.headers["Location"])
        assert job_page.status_code == 200 and "Finished" in job_page.get_data(as_text=True)
    legacy, fair = sorted(
        db.session.execute(select(SelectionRun)).scalars(), key=lambda r: r.algorithm == "leximin"
    )
    listing = client.get(f"{base}/selection").get_data(as_text=True)
    assert f"#{legacy.id}" in listing and f"#{fair.id}" in listing and "Publish this lottery" in listing
    detail = client.get(f"{base}/selection/runs/{fair.id}").get_data(as_text=True)
    assert "<svg" in detail and "line-legacy" in detail  # the legacy probabilities on the same chart
    # the legacy lottery may not be published
    refused = post_form(client, f"{base}/selection/runs/{legacy.id}/publish", token_from=f"{base}/selection")
    assert refused.status_code == 400 and "comparison only" in refused.get_data(as_text=True)
    assert (
        post_form(
            client, f"{base}/selection/runs/{fair.id}/publish", token_from=f"{base}/selection"
        ).status_code
        == 302
    )
    again = post_form(client, f"{base}/selection/runs/{fair.id}/publish", token_from=f"{base}/selection")
    assert again.status_code == 400 and "can never be replaced" in again.get_data(as_text=True)
    # the draw: missing witnesses are refused with a message and nothing is written
    bad = post_form(
        client, f"{base}/draw", {"seed": "1 2 3", "witnesses": ""}, token_from=f"{base}/selection"
    )
    assert bad.status_code == 400 and selection.draw_of(panel) is None
    ok = post_form(
        client,
        f"{base}/draw",
        {"seed": "5 3 6 6 1 2", "event": "Dice at the town hall", "witnesses": "Anna Berg\nOla Ek"},
        token_from=f"{base}/selection",
    )
    assert ok.status_code == 302 and ok.headers["Location"].endswith(f"{base}/seats")
    draw = selection.draw_of(panel)
    assert draw.draw_index == draw_index("5 3 6 6 1 2", 1000)
    repeat = post_form(
        client, f"{base}/draw", {"seed": "1", "witnesses": "X"}, token_from=f"{base}/selection"
    )
    assert repeat.status_code == 400 and selection.draw_of(panel).seed == "5 3 6 6 1 2"
    # confirmation calls: one declines, one replacement, everyone confirms
    calls = client.get(f"{base}/seats").get_data(as_text=True)
    assert "Person" in calls  # the facilitators see who to call
    active = seats.seat_list(panel).active
    first = active[0]
    for status in ("contacted", "declined"):
        response = post_form(
            client,
            f"{base}/seats/{first.id}",
            {f"seat-{first.id}-status": status, f"seat-{first.id}-note": "Moving away"},
            token_from=f"{base}/seats",
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    response = post_form(client, f"{base}/seats/replace", {"note": "Declined"}, token_from=f"{base}/seats")
    assert response.status_code == 302
    for seat in seats.seat_list(panel).active:
        response = post_form(
            client,
            f"{base}/seats/{seat.id}",
            {f"seat-{seat.id}-status": "confirmed"},
            token_from=f"{base}/seats",
        )
        assert response.status_code == 302
    db.session.expire_all()
    assert panel.status == PanelStatus.SEATED.value
    replacements = (
        db.session.execute(select(PanelSeat).where(PanelSeat.replaces_id.is_not(None))).scalars().all()
    )
    assert len(replacements) == 1 and replacements[0].replaces_id == first.id
    exported = client.get(f"{base}/export/selected.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert (
        exported.get_data(as_text=True).count("\n") == 1 + panel.size + 1
    )  # header, seats and the replaced one


def test_the_fairness_page_is_public_once_published_and_shows_no_personal_data(app, setup, client):
    process, panel, facilitator = setup
    url = f"/processes/{process.slug}/panels/{panel.id}/fairness"
    run_selection(panel, facilitator, algorithm="legacy")
    assert client.get(url).status_code == 404
    lottery = published(panel, facilitator)
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert not PERSONAL.search(html)
    assert lottery.sha256 in html and "<svg" in html and "line-fair" in html and "line-legacy" in html
    probabilities = lottery.run.probabilities
    for pseudonym in probabilities:
        assert pseudonym in html
    assert html.count("<tr>") >= len(probabilities)
    assert "Largest gap" in html


def test_the_verify_page_recomputes_a_seed_on_the_server_without_javascript(app, setup, client):
    process, panel, facilitator = setup
    draw = drawn(panel, facilitator, seed="7 7 7")
    page = client.get(f"/panels/{panel.id}/verify").get_data(as_text=True)
    assert "verify-draw.js" in page and 'value="7 7 7"' in page and "participate verify-draw" in page
    assert all(pid in page for pid in draw.members)
    checked = client.get(f"/panels/{panel.id}/verify", query_string={"seed": "another public seed"}).get_data(
        as_text=True
    )
    index = draw_index("another public seed", 1000)
    assert f"{index} / 1000" in checked
    assert not PERSONAL.search(page) and not PERSONAL.search(checked)


def test_the_api_lists_panels_with_lottery_draw_and_quotas_and_no_personal_data(app, setup, client):
    process, panel, facilitator = setup
    draft_panel = make_closed_pool(process, status=PanelStatus.DRAFT)
    before = client.get("/api/v1/panels").get_json()
    assert [p["id"] for p in before["panels"]] == [panel.id]
    assert before["panels"][0]["draw"] is None and before["panels"][0]["lottery_url"] is None
    assert client.get(f"/api/v1/panels/{draft_panel.id}").status_code == 404
    assert client.get(f"/api/v1/panels/{panel.id}/lottery").status_code == 404
    draw = drawn(panel, facilitator, seed="witnessed: 2 4 6")
    document = client.get(f"/api/v1/panels/{panel.id}").get_json()
    assert set(document) == {
        "id",
        "process_id",
        "title",
        "size",
        "status",
        "lottery_url",
        "lottery_sha256",
        "draw",
        "quotas",
    }
    assert document["process_id"] == process.id and document["status"] == "drawn" and document["size"] == 6
    assert document["draw"] == {"seed": "witnessed: 2 4 6", "index": draw.draw_index, "panel": draw.members}
    lottery = client.get(document["lottery_url"]).get_json()
    assert set(lottery) == {"size", "sha256", "panels"} and lottery["sha256"] == document["lottery_sha256"]
    again = verify_draw(lottery, document["draw"]["seed"])  # a stranger's check, from the API alone
    assert again.index == document["draw"]["index"] and list(again.panel) == document["draw"]["panel"]
    quotas = {(q["feature"], q["value"]): q for q in document["quotas"]}
    assert set(quotas) == {
        ("gender", "woman"),
        ("gender", "man"),
        ("age", "16-34"),
        ("age", "35-64"),
        ("age", "65+"),
    }
    snapshot = selection.lottery_of(panel).run.inputs
    answers = {pid: values for pid, values, _h in snapshot["people"]}
    counted = Counter(v for pid in draw.members for v in answers[pid])
    for (_feature, value), quota in quotas.items():
        assert quota["selected"] == counted[value] and quota["min"] <= quota["selected"] <= quota["max"]
    everything = json.dumps(client.get("/api/v1/panels").get_json()) + json.dumps(lottery)
    assert not PERSONAL.search(everything)


def test_no_resident_or_other_facilitator_sees_a_persons_data(app, setup):
    process, panel, facilitator = setup
    drawn(panel, facilitator)
    base = f"/manage/processes/{process.slug}/panels/{panel.id}"
    other = facilitator_of(make_process())
    for user in (make_user(), other):
        client = logged_in(app, user)
        for path in ("/selection", "/seats", "/export/selected.csv", "/export/remaining.csv"):
            assert client.get(base + path).status_code == 403, (user, path)
        seat = seats.seats_of(panel)[0]
        response = post_form(
            client, f"{base}/seats/{seat.id}", {f"seat-{seat.id}-status": "declined"}, token_from="/"
        )
        assert response.status_code == 403
    db.session.expire_all()
    assert all(s.status == "selected" for s in seats.seats_of(panel))
    anonymous = app.test_client()
    assert anonymous.get(base + "/seats").status_code in (302, 401)


def test_the_pages_in_swedish(app, setup):
    process, panel, facilitator = setup
    drawn(panel, facilitator)
    client = logged_in(app, facilitator)
    client.set_cookie("lang", "sv")
    headers = {"Accept-Language": "sv"}
    base = f"/manage/processes/{process.slug}/panels/{panel.id}"
    checks = {
        f"/processes/{process.slug}/panels/{panel.id}/fairness": "Hur rättvis är lotteriet?",
        f"/panels/{panel.id}/verify": "Kontrollera lottningen",
        f"{base}/selection": "Urval och lottning",
        f"{base}/seats": "Bekräftelsesamtal",
    }
    for path, text in checks.items():
        html = client.get(path, headers=headers).get_data(as_text=True)
        assert text in html, path


def test_staff_from_the_council_see_the_screens_too(app, setup):
    process, panel, _facilitator = setup
    client = logged_in(app, make_user(Role.STAFF))
    assert client.get(f"/manage/processes/{process.slug}/panels/{panel.id}/selection").status_code == 200


@races
def test_two_draw_requests_at_the_same_moment_make_one_draw(app, setup):
    process, panel, facilitator = setup
    published(panel, facilitator)
    base = f"/manage/processes/{process.slug}/panels/{panel.id}"
    browsers = [logged_in(app, facilitator) for _ in range(2)]
    requests = [
        (
            browser,
            f"{base}/draw",
            {"csrf_token": csrf_token(browser, f"{base}/selection"), "seed": seed, "witnesses": "W"},
        )
        for browser, seed in zip(browsers, ("1 1 1", "2 2 2"), strict=True)
    ]
    statuses = posts_at_once(app, requests)
    assert sorted(statuses) == [302, 400]
    draws = db.session.execute(select(PanelDraw)).scalars().all()
    assert len(draws) == 1 and len(seats.seats_of(panel)) == panel.size
