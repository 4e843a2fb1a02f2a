"""Setting up a panel in the browser: create, edit, features and quotas, census quotas, states, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participate.audit.models import AuditEntry
from participate.core.errors import ValidationFailed
from participate.extensions import db
from participate.panels import setup
from participate.panels.models import Panel, PanelStatus
from tests.conftest import login
from tests.panels.helpers import facilitated_process, make_panel, manage_url, post, text


def test_quota_from_census_share_rounds_down_and_up():
    assert setup.quota_from_share(0.27, 50) == (13, 14)
    assert setup.quota_from_share(0.5, 50) == (25, 25)
    assert setup.quota_from_share(0.27, 50, tolerance=1) == (12, 15)
    assert setup.quota_from_share(0.01, 50, tolerance=2) == (0, 3)


def test_values_lines_name_every_bad_line():
    with pytest.raises(ValidationFailed) as refused:
        setup.parse_values(
            "f | Woman | 9 | 3\nm | Man | 1 | 2\nM | Man | 1 | 2\nx | X | | \nBad Key | B | 1 | 2"
        )
    message = refused.value.message
    assert "line 1" in message and "larger than the maximum" in message
    assert "line 2" not in message
    assert "line 3" in message and "twice" in message
    assert "line 4" in message and "census share" in message
    assert "line 5" in message


def test_facilitator_creates_edits_and_opens_a_panel(app, client, as_user):
    process, facilitator = facilitated_process()
    as_user(facilitator)
    base = f"/manage/processes/{process.slug}/panels"
    assert client.get(f"/manage/processes/{process.id}/panels").headers["Location"].endswith(base)
    response = post(
        client,
        base + "/new",
        {
            "title": "Climate panel",
            "purpose": "How should we halve emissions?",
            "size": "50",
            "meeting_dates": "6 March\n20 March",
            "stipend": "1 000",
            "travel_covered": "y",
            "algorithm": "leximin",
            "registration_mode": "invitation",
            "max_registrations_per_code": "2",
            "household_rule": "y",
        },
    )
    assert response.status_code == 302, text(response)[:2000]
    panel = db.session.scalar(select(Panel))
    assert (
        panel.status == PanelStatus.DRAFT
        and panel.stipend_minor == 100000
        and panel.meetings == ["6 March", "20 March"]
    )

    response = post(
        client,
        manage_url(panel, "/features/new"),
        {
            "name": "age",
            "label": "How old are you?",
            "values": "16-29 | 16 to 29 | | | 27\n30-64 | 30 to 64 | | | 53\n65 | 65 and over | | | 20",
        },
    )
    assert response.status_code == 302, text(response)[:3000]
    db.session.expire_all()
    age = panel.features[0]
    assert [(v.value, v.min, v.max) for v in age.values] == [
        ("16-29", 13, 14),
        ("30-64", 26, 27),
        ("65", 10, 10),
    ]

    response = post(
        client, manage_url(panel, "/quotas/census"), {"tolerance": "1"}, token_from=manage_url(panel)
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [(v.min, v.max) for v in panel.features[0].values] == [(12, 15), (25, 28), (9, 11)]

    # a bad values line: the message names it and nothing changes
    response = post(
        client,
        manage_url(panel, f"/features/{age.id}"),
        {"name": "age", "label": "Age", "values": "a | A | 5 | 2\nb | B | 1 | 1"},
    )
    assert response.status_code == 400 and "line 1" in text(response)
    db.session.expire_all()
    assert len(panel.features[0].values) == 3

    response = post(
        client, manage_url(panel, "/status"), {"target": "recruiting"}, token_from=manage_url(panel)
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert panel.status == PanelStatus.RECRUITING
    # features are frozen once people may answer them
    response = post(
        client,
        manage_url(panel, f"/features/{age.id}"),
        {"name": "age", "label": "Age", "values": "a | A | 1 | 2\nb | B | 1 | 1"},
        token_from=manage_url(panel),
    )
    assert response.status_code == 400 and "draft" in text(response)

    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_type == "panel")).all()
    assert actions == ["panel.created", "panel.feature_saved", "panel.quotas_from_census", "panel.status"]


def test_impossible_quotas_keep_the_panel_a_draft(app, client, as_user):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, status=PanelStatus.DRAFT, size=20)  # gender max 6+6 < 20
    as_user(facilitator)
    response = post(
        client, manage_url(panel, "/status"), {"target": "recruiting"}, token_from=manage_url(panel)
    )
    assert response.status_code == 400 and "less than the panel size 20" in text(response)
    db.session.expire_all()
    assert panel.status == PanelStatus.DRAFT
    # a move the state machine does not have
    response = post(client, manage_url(panel, "/status"), {"target": "seated"}, token_from=manage_url(panel))
    assert response.status_code == 400
    db.session.expire_all()
    assert panel.status == PanelStatus.DRAFT


def test_only_this_process_facilitators_manage_its_panels(app, client, as_user):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator)
    other_process, other_facilitator = facilitated_process()
    from tests.factories import make_user

    resident = make_user()
    for path in ("", "/edit", "/pool", "/respondents", "/invitations"):
        assert client.get(manage_url(panel, path)).status_code == 302  # a visitor logs in first
    as_user(resident)
    for path in ("", "/edit", "/pool", "/respondents", "/invitations"):
        assert client.get(manage_url(panel, path)).status_code == 403
    other = app.test_client()
    login(other, other_facilitator.email)
    for path in ("", "/pool", "/respondents"):
        assert other.get(manage_url(panel, path)).status_code == 403
    assert other.get(f"/manage/processes/{process.slug}/panels/new").status_code == 403
    assert other.get(f"/manage/processes/{other_process.slug}/panels/new").status_code == 200


DATA = __import__("pathlib").Path(__file__).resolve().parents[3] / "shared/data/sortition"


def test_import_features_in_the_sortition_foundation_format(app, client, as_user):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, status=PanelStatus.DRAFT, size=20)
    as_user(facilitator)
    page = manage_url(panel)

    def send(body: bytes):
        return post(
            client,
            manage_url(panel, "/features/import"),
            {"file": (__import__("io").BytesIO(body), "features.csv")},
            token_from=page,
            content_type="multipart/form-data",
        )

    response = send(b"feature,value,min,max\ngender,Woman,5,3\n")
    assert response.status_code == 400 and "min 5 greater than max 3" in text(response)
    db.session.expire_all()
    assert [f.name for f in panel.features] == ["gender", "age"]  # unchanged

    response = send((DATA / "opendlp-docs-example/Categories_csv_example.csv").read_bytes())
    assert response.status_code == 302, text(response)[:2000]
    db.session.expire_all()
    assert [f.name for f in panel.features] == [
        "gender",
        "age_bucket",
        "ethnicity",
        "disability",
        "colour_bucket",
    ]
    ethnicity = panel.features[2]
    assert ethnicity.values[1].label == "Black or African or Caribbean or Black British"
    assert (ethnicity.values[1].min, ethnicity.values[1].max) == (1, 2)
    assert "panel.features_imported" in db.session.scalars(select(AuditEntry.action)).all()


def test_a_refused_census_quota_form_says_why_on_the_overview(app, client, as_user):
    """The form has no page of its own: a refusal is a message on the overview, never the browser's bare
    "Redirecting..." page that a 400 redirect showed."""
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, status=PanelStatus.LOTTERY_PUBLISHED)
    as_user(facilitator)
    for tolerance, message in (("1", "The lottery is published"), ("many", "Not a valid integer value")):
        response = post(
            client,
            manage_url(panel, "/quotas/census"),
            {"tolerance": tolerance},
            token_from=manage_url(panel),
        )
        assert response.status_code == 302 and response.headers["Location"].endswith(manage_url(panel))
        assert message in text(client.get(manage_url(panel)))
