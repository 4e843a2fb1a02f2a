"""Stage 2: registration with a code or an open link, bot protection, duplicates, withdrawal, import."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from participate.accounts.models import User
from participate.audit.models import AuditEntry
from participate.extensions import db
from participate.panels import codes, invitations, setup
from participate.panels.models import (
    AddressRegister,
    Invitation,
    PanelStatus,
    RegisterAddress,
    RegistrationMode,
    Respondent,
    RespondentStatus,
    RespondentValue,
)
from participate.panels.pool import pool_for_engine
from participate.processes.models import ProcessRole
from tests.panels.helpers import (
    facilitated_process,
    make_panel,
    manage_url,
    panel_input,
    public_url,
    text,
    upload,
)

FIXTURE = Path(__file__).resolve().parents[3] / "shared/data/sortition/sortition-algorithms-fixture"


@pytest.fixture
def app(make_app):
    return make_app(PANEL_FORM_MIN_SECONDS=0)


def letters(panel, n: int = 3) -> list[str]:
    register = AddressRegister(panel_id=panel.id, name="r", address_count=n)
    db.session.add(register)
    db.session.flush()
    for i in range(n):
        db.session.add(
            RegisterAddress(
                register_id=register.id,
                address=f"Storgatan {i}",
                postcode="12345",
                district=["Kista", "Rinkeby"][i % 2],
            )
        )
    db.session.commit()
    batch = invitations.draw_batch(
        facilitator_of(panel), panel, invitations.DrawInput(register.id, n, "seed", False, {})
    )
    db.session.commit()
    return [letter.code for letter in invitations.letters(panel, batch)]


def facilitator_of(panel):
    role = db.session.scalar(select(ProcessRole).where(ProcessRole.process_id == panel.process_id))
    return db.session.get(User, role.user_id)


def form_data(client, panel, **changes) -> dict:
    page = client.get(public_url(panel, "/register")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    started = re.search(r'id="started" name="started" type="hidden" value="([^"]+)"', page).group(1)
    features = {f.name: f for f in panel.features}
    data = {
        "csrf_token": token,
        "started": started,
        "feature_gender": str(features["gender"].values[0].id),
        "feature_age": str(features["age"].values[1].id),
        "name": "Aisha Warsame",
        "email": "aisha@example.org",
        "phone": "",
        "address": "Storgatan 1",
        "postcode": "123 45",
        "support_needs": "Step-free access",
        "consent": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_register_with_a_letter_code_and_withdraw_from_the_email(app, client, outbox):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, max_registrations_per_code=2)
    code = letters(panel)[0]
    response = client.post(public_url(panel, "/register"), data=form_data(client, panel, code=code.lower()))
    assert response.status_code == 200, text(response)[:3000]
    assert response.headers["Cache-Control"] == "no-store"
    respondent = db.session.scalar(select(Respondent))
    assert respondent.name == "Aisha Warsame" and respondent.status == RespondentStatus.REGISTERED
    assert respondent.pseudonym in text(response) and len(respondent.pseudonym) == 8
    assert respondent.invitation.registrations_used == 1 and respondent.district in ("Kista", "Rinkeby")
    assert respondent.consent_at is not None and respondent.support_needs == "Step-free access"
    assert count(RespondentValue) == 2

    assert len(outbox) == 1
    mail = outbox[0]
    assert mail.to == "aisha@example.org" and respondent.pseudonym in mail.body
    link = re.search(r"http://localhost(/processes/\S+/withdraw/\S+)", mail.body).group(1)
    assert "Aisha" not in link
    assert "erase" in text(client.get(link))
    page = client.get(link).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(link, data={"csrf_token": token}).status_code == 200
    db.session.expire_all()
    respondent = db.session.scalar(select(Respondent))
    assert respondent.status == RespondentStatus.ERASED
    assert (respondent.name, respondent.email, respondent.address, respondent.support_needs) == (
        "",
        "",
        "",
        "",
    )
    assert count(RespondentValue) == 0
    assert client.get(link).status_code == 404  # the link is spent
    assert (
        db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()))
        == "panel.respondent_withdrew"
    )


def test_a_code_admits_its_household_up_to_the_limit(app, client):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, max_registrations_per_code=1)
    code = letters(panel)[0]
    assert (
        client.post(public_url(panel, "/register"), data=form_data(client, panel, code=code)).status_code
        == 200
    )
    response = client.post(
        public_url(panel, "/register"),
        data=form_data(client, panel, code=code, name="Omar Warsame", email="omar@example.org"),
    )
    assert response.status_code == 400 and "already been used" in text(response)
    assert count(Respondent) == 1
    response = client.post(
        public_url(panel, "/register"), data=form_data(client, panel, code="ABCD-EFGH", email="x@example.org")
    )
    assert response.status_code == 400 and "do not recognise this code" in text(response)
    assert db.session.scalar(select(func.sum(Invitation.registrations_used))) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": None}, "tick the box"),
        ({"email": "", "phone": ""}, "email address or a phone number"),
        ({"email": "not-an-address"}, "does not look right"),
        ({"phone": "call me"}, "phone number does not look right"),
        ({"feature_age": None}, "Please choose an answer"),
        ({"feature_age": "999999"}, "Not a valid choice"),
        ({"feature_gender": "prefer-not-to-say", "feature_age": "prefer-not-to-say"}, "Not a valid choice"),
        ({"address": ""}, "Street address"),
        ({"started": "forged"}, "very quick"),
    ],
)
def test_bad_registrations_write_nothing(app, client, changes, message):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, registration_mode=RegistrationMode.OPEN.value)
    response = client.post(public_url(panel, "/register"), data=form_data(client, panel, **changes))
    assert response.status_code == 400 and message in text(response), text(response)[:4000]
    assert count(Respondent) == 0 and count(RespondentValue) == 0


def test_prefer_not_to_say_where_allowed(app, client):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, registration_mode=RegistrationMode.OPEN.value)
    response = client.post(
        public_url(panel, "/register"), data=form_data(client, panel, feature_gender="prefer-not-to-say")
    )
    assert response.status_code == 200
    assert db.session.scalars(select(RespondentValue.value_id)).all().count(None) == 1


def test_the_honeypot_keeps_nothing(app, client, outbox):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, registration_mode=RegistrationMode.OPEN.value)
    response = client.post(
        public_url(panel, "/register"), data=form_data(client, panel, website="http://spam.example")
    )
    assert response.status_code == 200 and "Thank you" in text(response)
    assert count(Respondent) == 0 and outbox == []


def test_too_quick_forms_are_refused(make_app):
    app = make_app(PANEL_FORM_MIN_SECONDS=60)
    client = app.test_client()
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, registration_mode=RegistrationMode.OPEN.value)
    response = client.post(public_url(panel, "/register"), data=form_data(client, panel))
    assert response.status_code == 400 and "very quick" in text(response)
    assert count(Respondent) == 0


def test_registration_is_rate_limited(make_app):
    app = make_app(PANEL_FORM_MIN_SECONDS=0, RATELIMIT_ENABLED=True, PANEL_REGISTER_RATE_LIMIT="2 per minute")
    client = app.test_client()
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, registration_mode=RegistrationMode.OPEN.value)
    statuses = [
        client.post(
            public_url(panel, "/register"),
            data=form_data(client, panel, email=f"p{i}@example.org", address=f"Gata {i}"),
        ).status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_duplicates_are_flagged_not_merged(app, client, as_user):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, registration_mode=RegistrationMode.OPEN.value)
    client.post(public_url(panel, "/register"), data=form_data(client, panel))
    client.post(
        public_url(panel, "/register"),
        data=form_data(client, panel, email="AISHA@example.org", address="Other 1"),
    )
    client.post(
        public_url(panel, "/register"),
        data=form_data(client, panel, email="", phone="070-123 45 67", address="Other 2"),
    )
    client.post(
        public_url(panel, "/register"),
        data=form_data(client, panel, email="", phone="0701234567", name="Someone Else", address="Other 3"),
    )
    client.post(
        public_url(panel, "/register"),
        data=form_data(
            client,
            panel,
            email="new@example.org",
            name="aisha  warsame",
            address="Storgatan 1",
            postcode="12345",
        ),
    )
    client.post(
        public_url(panel, "/register"),
        data=form_data(client, panel, email="third@example.org", name="Unrelated", address="Elsewhere 9"),
    )
    people = db.session.scalars(select(Respondent).order_by(Respondent.id)).all()
    assert len(people) == 6
    first = people[0].id
    assert [p.duplicate_of_id for p in people] == [None, first, None, people[2].id, first, None]
    as_user(facilitator_of(panel))
    listing = text(client.get(manage_url(panel, "/respondents")))
    assert listing.count(f"Possible duplicate of {people[0].pseudonym}") == 2


def test_closed_panels_take_no_registrations(app, client):
    process, facilitator = facilitated_process()
    panel = make_panel(
        process, facilitator, status=PanelStatus.POOL_CLOSED, registration_mode=RegistrationMode.OPEN.value
    )
    assert client.get(public_url(panel, "/register")).status_code == 410
    draft = make_panel(process, facilitator, status=PanelStatus.DRAFT)
    assert client.get(public_url(draft, "")).status_code == 404
    assert client.get(public_url(draft, "/register")).status_code == 404


def test_import_sortition_foundation_people(app, client, as_user):
    process, facilitator = facilitated_process()
    panel = setup.create_panel(facilitator, process, panel_input(size=22))
    feature_lines = {}
    for line in (FIXTURE / "features.csv").read_text().splitlines()[1:]:
        name, value, low, high = line.split(",")[:4]
        feature_lines.setdefault(name, []).append(
            f"{re.sub(r'[^a-z0-9]+', '-', value.lower()).strip('-')} | {value} | {low} | {high}"
        )
    for name, lines in feature_lines.items():
        setup.save_feature(
            facilitator,
            panel,
            setup.FeatureInput(name.lower(), name, False, setup.parse_values("\n".join(lines))),
            None,
        )
    panel.status = PanelStatus.RECRUITING.value
    db.session.commit()
    as_user(facilitator)
    page = manage_url(panel, "/respondents")
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(page).get_data(as_text=True)
    ).group(1)
    people = (FIXTURE / "candidates.csv").read_text()
    bad = people.replace(",Male,", ",Robot,", 1)
    response = client.post(
        manage_url(panel, "/respondents/import"),
        data={"csrf_token": token, "file": upload(bad)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "“Robot” is not a value of gender" in text(response)
    assert count(Respondent) == 0
    response = client.post(
        manage_url(panel, "/respondents/import"),
        data={"csrf_token": token, "file": upload(people)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text(response)[:3000]
    assert count(Respondent) == 150 and count(RespondentValue) == 600
    features, persons = pool_for_engine(panel)
    assert len(persons) == 150 and {f.name for f in features} == {
        "gender",
        "age_bracket",
        "geo_bucket",
        "edu_level",
    }
    # pseudonyms are fresh random ids, never the file's ids
    assert all(len(p.id) == 8 and set(p.id) <= set(codes.ALPHABET) for p in persons)
