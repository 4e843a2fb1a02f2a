"""Stage 1: the address register, the seeded draw of letters, codes, the mail-merge CSV and printed letters."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import func, select

from participate.extensions import db
from participate.panels import codes, invitations
from participate.panels.models import AddressRegister, Invitation, InvitationBatch, RegisterAddress
from tests.panels.helpers import facilitated_process, make_panel, manage_url, post, text, upload

DISTRICTS = ("Rinkeby", "Kista", "Södermalm")


def register_csv(n: int = 60) -> str:
    lines = ["address,postcode,district"]
    for i in range(n):
        lines.append(f"Storgatan {i + 1},123 {i:02d},{DISTRICTS[i % 3]}")
    return "\n".join(lines) + "\n"


def test_allocation_follows_addresses_and_weights():
    assert invitations.allocate({"a": 100, "b": 100}, {}, 10) == {"a": 5, "b": 5}
    assert invitations.allocate({"a": 100, "b": 100}, {"a": 3}, 8) == {"a": 6, "b": 2}
    assert invitations.allocate({"a": 2, "b": 100}, {"a": 10}, 10) == {"a": 2, "b": 8}  # a full district
    assert sum(invitations.allocate({"a": 7, "b": 5, "c": 3}, {}, 11).values()) == 11


def test_the_same_seed_draws_the_same_addresses():
    candidates = [(i, DISTRICTS[i % 3]) for i in range(1, 301)]
    first = invitations.draw_addresses(candidates, 30, "dice 3-5-1", stratified=False, weights={})
    again = invitations.draw_addresses(candidates, 30, "dice 3-5-1", stratified=False, weights={})
    other = invitations.draw_addresses(candidates, 30, "dice 3-5-2", stratified=False, weights={})
    assert first == again and first != other and len(set(first)) == 30
    strata = invitations.draw_addresses(candidates, 30, "x", stratified=True, weights={"Rinkeby": 2})
    by_district = {d: sum(1 for i in strata if DISTRICTS[i % 3] == d) for d in DISTRICTS}
    assert by_district["Rinkeby"] == 15 and {by_district["Kista"], by_district["Södermalm"]} == {7, 8}


def test_suggested_letters():
    assert invitations.suggested_letters(50, 3, 5) == 8334
    assert invitations.suggested_letters(70, 2.5, 4) == 11200


def test_import_draw_print_and_export(app, client, as_user):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator)
    as_user(facilitator)
    page = manage_url(panel, "/invitations")
    response = post(
        client,
        manage_url(panel, "/registers"),
        {"name": "Register 2026", "file": upload(register_csv())},
        token_from=page,
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text(response)[:3000]
    register = db.session.scalar(select(AddressRegister))
    assert register.address_count == 60

    assert "Suggested: 1667 letters" in text(client.get(page + "?response_rate=3&per_seat=5"))

    response = post(
        client,
        manage_url(panel, "/batches"),
        {"register_id": register.id, "size": "12", "seed": "", "stratified": "y"},
        token_from=page,
    )
    assert response.status_code == 302, text(response)[:3000]
    batch = db.session.scalar(select(InvitationBatch))
    assert batch.size == 12 and len(batch.seed) == 16  # a random seed, recorded
    assert batch.seed in text(client.get(page))
    # a second draw never invites an address again
    post(
        client,
        manage_url(panel, "/batches"),
        {"register_id": register.id, "size": "100", "seed": "b"},
        token_from=page,
    )
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 60
    assert "Every address" in text(
        post(
            client,
            manage_url(panel, "/batches"),
            {"register_id": register.id, "size": "1", "seed": "c"},
            token_from=page,
        )
    )

    export = client.get(manage_url(panel, f"/batches/{batch.id}/mail-merge.csv"))
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0] == ["address", "postcode", "district", "code", "registration_url"] and len(rows) == 13
    code = rows[1][3]
    assert len(code) == 9 and code[4] == "-" and not set(code.replace("-", "")) & set("01OIL")
    assert rows[1][4].endswith(f"/processes/{process.slug}/panels/{panel.id}/register")
    # only the hash is stored
    invitation = invitations.find_invitation(panel, code.lower().replace("-", " "))
    assert (
        invitation is not None
        and invitation.code_hash == codes.code_hash(code)
        and code not in json.dumps(invitation.code_hash)
    )

    letters_en = client.get(manage_url(panel, f"/batches/{batch.id}/letters?lang=en"))
    letters_sv = client.get(manage_url(panel, f"/batches/{batch.id}/letters?lang=sv"))
    assert (
        letters_en.status_code == 200
        and text(letters_en).count('class="letter"') == 12
        and code in text(letters_en)
    )
    assert 'lang="sv"' in text(letters_sv) and "Din kod" in text(letters_sv)
    assert "panel-letters.css" in text(letters_en)


def test_a_bad_register_imports_nothing(app, client, as_user):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator)
    as_user(facilitator)
    page = manage_url(panel, "/invitations")
    bad = (
        "address,postcode,district\nStorgatan 1,12345,Kista\n,12346,Kista\nStorgatan 3,12347,"
        + "x" * 200
        + "\n"
    )
    for body, message in (
        (bad, "line 3: the address is empty"),
        ("street,zip\nA,1\n", "missing: address, postcode, district"),
        ("", "The file is empty"),
        ("address,postcode,district\n", "no lines under its header"),
    ):
        response = post(
            client,
            manage_url(panel, "/registers"),
            {"file": upload(body)},
            token_from=page,
            content_type="multipart/form-data",
        )
        assert response.status_code == 400 and message in text(response), text(response)[:2000]
    response = post(
        client,
        manage_url(panel, "/registers"),
        {"file": (io.BytesIO(b"address\xff\n"), "x.csv")},
        token_from=page,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "UTF-8" in text(response)
    assert db.session.scalar(select(func.count()).select_from(RegisterAddress)) == 0
    assert db.session.scalar(select(func.count()).select_from(AddressRegister)) == 0


def test_mail_merge_cells_cannot_run_formulas(app, client, as_user):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator)
    as_user(facilitator)
    page = manage_url(panel, "/invitations")
    post(
        client,
        manage_url(panel, "/registers"),
        {"file": upload('address,postcode,district\n"=HYPERLINK(""x"")",1,Kista\n')},
        token_from=page,
        content_type="multipart/form-data",
    )
    register = db.session.scalar(select(AddressRegister))
    post(
        client,
        manage_url(panel, "/batches"),
        {"register_id": register.id, "size": "1", "seed": "s"},
        token_from=page,
    )
    batch = db.session.scalar(select(InvitationBatch))
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(manage_url(panel, f"/batches/{batch.id}/mail-merge.csv")).get_data(as_text=True)
            )
        )
    )
    assert rows[1][0] == '\'=HYPERLINK("x")'
