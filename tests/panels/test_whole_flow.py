"""The whole flow through the web, as the facilitator and the invited residents use it: import the address
register, draw the letters, residents register with the codes from the mail-merge list, close the pool, run
the selection as a job, publish the lottery, record the public draw, make the confirmation calls, one member
declines and is replaced from the alternates, and the panel is seated."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import pytest
from sqlalchemy import select

from participate.extensions import db
from participate.panels import alternates, seats, selection
from participate.panels.models import InvitationBatch, PanelStatus, Respondent
from participate.panels.selection_models import PanelSeat
from tests.conftest import login
from tests.panels.helpers import facilitated_process, make_panel, manage_url, post, public_url, text, upload

DISTRICTS = ("Kista", "Rinkeby", "Södermalm")
REGISTERING = 36


@pytest.fixture
def app(make_app):
    return make_app(PANEL_FORM_MIN_SECONDS=0)


def _register(client, panel, code: str, n: int) -> int:
    page = client.get(public_url(panel, "/register")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    started = re.search(r'id="started" name="started" type="hidden" value="([^"]+)"', page).group(1)
    gender, age = (f for f in panel.features)
    data = {
        "csrf_token": token,
        "started": started,
        "code": code,
        "feature_gender": str(gender.values[n % 2].id),
        "feature_age": str(age.values[(n // 2) % 2].id),
        "name": f"Resident {n}",
        "email": f"resident{n}@example.org",
        "phone": "",
        "address": f"Ringvägen {n}",
        "postcode": "123 45",
        "support_needs": "",
        "consent": "y",
    }
    return client.post(public_url(panel, "/register"), data=data).status_code


def _set_status(client, base: str, seat: PanelSeat, status: str) -> None:
    response = post(
        client,
        f"{base}/seats/{seat.id}",
        {f"seat-{seat.id}-status": status, f"seat-{seat.id}-note": "Phoned"},
        token_from=f"{base}/seats",
    )
    assert response.status_code == 302, text(response)[:2000]


def test_from_the_address_register_to_a_seated_panel_with_one_replacement(app):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator)
    staff = app.test_client()
    login(staff, facilitator.email)
    base = manage_url(panel)

    # 1. the address register and the letters
    register = "address,postcode,district\n" + "".join(
        f"Storgatan {i},123 4{i % 10},{DISTRICTS[i % 3]}\n" for i in range(60)
    )
    response = post(
        staff,
        f"{base}/registers",
        {"name": "Register 2027", "file": upload(register)},
        token_from=f"{base}/invitations",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text(response)[:2000]
    register_id = re.search(
        r'<option[^>]*value="(\d+)"', staff.get(f"{base}/invitations").get_data(as_text=True)
    )
    response = post(
        staff,
        f"{base}/batches",
        {"register_id": register_id.group(1), "size": "40", "seed": "letters 2027", "stratified": "y"},
        token_from=f"{base}/invitations",
    )
    assert response.status_code == 302, text(response)[:2000]
    batch = db.session.scalar(select(InvitationBatch))
    rows = list(
        csv.DictReader(
            io.StringIO(staff.get(f"{base}/batches/{batch.id}/mail-merge.csv").get_data(as_text=True))
        )
    )
    assert len(rows) == 40 and all(row["registration_url"].endswith("/register") for row in rows)

    # 2. residents register with their letters' codes
    residents = app.test_client()
    statuses = [_register(residents, panel, row["code"], n) for n, row in enumerate(rows[:REGISTERING])]
    assert statuses == [200] * REGISTERING
    assert db.session.query(Respondent).count() == REGISTERING
    assert _register(residents, panel, "ABCD-EFGH", 99) == 400  # a code no letter carries

    # 3. the pool closes and the selection runs as a job
    response = post(staff, f"{base}/status", {"target": "pool_closed"}, token_from=base)
    assert response.status_code == 302
    response = post(
        staff,
        f"{base}/selection/runs",
        {"algorithm": "leximin", "deadline_seconds": "60", "lottery_size": "1000"},
        token_from=f"{base}/selection",
    )
    assert response.status_code == 302 and "Finished" in text(staff.get(response.headers["Location"]))
    run = selection.runs_of(panel)[0]
    assert run.done and run.optimal and run.pool_size == REGISTERING

    # 4. the lottery is published and the panel drawn in public
    publish = post(staff, f"{base}/selection/runs/{run.id}/publish", {}, token_from=f"{base}/selection")
    assert publish.status_code == 302
    drawn = post(
        staff,
        f"{base}/draw",
        {"seed": "3 1 4 1 5 9", "event": "Dice at the town hall", "witnesses": "Anna Berg\nOla Ek"},
        token_from=f"{base}/selection",
    )
    assert drawn.status_code == 302
    draw = selection.draw_of(panel)
    calls = staff.get(f"{base}/seats").get_data(as_text=True)
    calling_order = alternates.alternates_of(panel).members
    assert "Alternates, in calling order" in calls and calling_order[0] in calls
    assert len(seats.seat_list(panel).active) == panel.size == len(draw.members)

    # 5. confirmation calls: one member declines and is replaced from the alternates
    active = seats.seat_list(panel).active
    leaving = active[0]
    _set_status(staff, base, leaving, "contacted")
    _set_status(staff, base, leaving, "declined")
    response = post(staff, f"{base}/seats/replace", {"note": "Moving abroad"}, token_from=f"{base}/seats")
    assert response.status_code == 302
    assert "from the alternates; every quota still holds" in text(staff.get(response.headers["Location"]))
    db.session.expire_all()
    newcomer = db.session.scalar(select(PanelSeat).where(PanelSeat.replaces_id == leaving.id))
    assert newcomer.respondent.pseudonym in calling_order and "Moving abroad" in newcomer.reason
    for seat in seats.seat_list(panel).active:
        _set_status(staff, base, seat, "confirmed")
    db.session.expire_all()
    assert panel.status == PanelStatus.SEATED.value

    # the seated panel keeps every quota
    members = [s.respondent for s in seats.seat_list(panel).active]
    answers = Counter(v.value_id for r in members for v in r.answers)
    for feature in panel.features:
        for value in feature.values:
            assert value.min <= answers[value.id] <= value.max, (feature.name, value.value)
    assert "Seated" in text(staff.get(f"{base}/seats"))
