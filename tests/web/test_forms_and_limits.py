"""Numbers are bounded, bad input gets a message and leaves the database as it was."""

import pytest
from sqlalchemy import func, select

from participate.extensions import db
from participate.processes.models import Process
from tests.conftest import post_form
from tests.factories import DEFAULT_PASSWORD, make_process, make_user


@pytest.mark.parametrize(
    "budget",
    ["9223372036854775808", "9" * 400, "1000000000001", "12,345", "1e9", "-5", "١٢٣", "5 000 000.001"],
)
def test_out_of_range_or_malformed_budgets_get_a_message_not_a_500(client, as_user, budget):
    as_user(make_user("staff"))
    response = post_form(
        client, "/manage/processes/new", {"title": "Big", "budget": budget, "currency": "SEK"}
    )
    assert response.status_code == 400, budget
    html = response.get_data(as_text=True)
    assert "too large" in html or "Write an amount" in html or "decimals" in html
    assert db.session.scalar(select(func.count()).select_from(Process)) == 0


def test_the_largest_budget_is_accepted_and_shown_back(client, as_user):
    as_user(make_user("staff"))
    response = post_form(
        client, "/manage/processes/new", {"title": "Big", "budget": "1 000 000 000 000", "currency": "SEK"}
    )
    assert response.status_code == 302
    process = db.session.execute(select(Process)).scalar_one()
    assert process.budget_minor == 10**14
    page = client.get(f"/manage/processes/{process.id}/details").get_data(as_text=True)
    assert 'value="1000000000000"' in page


def test_district_budgets_are_bounded_too(client, as_user):
    as_user(make_user("staff"))
    process = make_process()
    response = post_form(
        client,
        f"/manage/processes/{process.id}/districts",
        {"districts-0-name": "North", "districts-0-budget": "9" * 40},
    )
    assert response.status_code == 400 and "too large" in response.get_data(as_text=True)


def test_dates_outside_the_calendar_are_refused(client, as_user):
    as_user(make_user("staff"))
    process = make_process(phases={})
    response = post_form(
        client,
        f"/manage/processes/{process.id}/schedule",
        {"proposals-starts_on": "0001-01-01", "proposals-ends_on": "9999-12-31"},
    )
    assert response.status_code == 400 and "between 2000 and 2100" in response.get_data(as_text=True)
    db.session.expire_all()
    assert process.phases == []


def _huge_login(client, user, **kwargs):
    from io import BytesIO

    from tests.conftest import csrf_token

    data = {
        "csrf_token": csrf_token(client, "/accounts/login"),
        "email": user.email,
        "password": DEFAULT_PASSWORD,
        "attachment": (BytesIO(b"x" * (20 * 1024 * 1024)), "big.bin"),
    }
    return client.post("/accounts/login", data=data, content_type="multipart/form-data", **kwargs)


def test_a_20_mb_login_post_gets_413_and_is_not_processed(client):
    from participate.accounts.models import LoginSession

    user = make_user()
    response = _huge_login(client, user)
    assert response.status_code == 413
    assert "Request too large" in response.get_data(as_text=True)
    assert "What you sent is too large" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0
    assert client.get("/accounts/profile").status_code == 302
    as_json = _huge_login(client, user, headers={"Accept": "application/json"})
    assert as_json.status_code == 413
    assert as_json.get_json() == {
        "error": "Request too large",
        "status": 413,
        "message": as_json.get_json()["message"],
    }


def test_a_huge_url_encoded_form_gets_413_not_a_csrf_400(client):
    user = make_user()
    response = client.post(
        "/accounts/login",
        data={"csrf_token": "whatever", "email": user.email, "password": "x" * (20 * 1024 * 1024)},
    )
    assert response.status_code == 413


def test_the_request_size_limit_is_configurable(make_app):
    assert make_app().config["MAX_CONTENT_LENGTH"] == 1024 * 1024


def test_every_one_line_text_field_of_the_site_uses_the_one_line_validator(app):
    """Titles, names, labels and reasons end up in listings and email subjects: one validator for all."""
    from wtforms import StringField

    from participate.core.forms import one_line
    from participate.eligibility.forms import CodesForm
    from participate.moderation.forms import BlockForm, HideForm
    from participate.processes.forms import DistrictForm, ProcessForm
    from participate.proposals.forms import ProposalForm
    from participate.results.forms import MilestoneForm
    from participate.voting.manage_forms import BudgetForm

    one_line_fields = {
        ProposalForm: ("title", "summary"),
        ProcessForm: ("title", "summary"),
        DistrictForm: ("name",),
        HideForm: ("reason",),
        BlockForm: ("reason",),
        MilestoneForm: ("text",),
        CodesForm: ("batch",),
        BudgetForm: ("name",),
    }
    with app.test_request_context():
        for form_class, names in one_line_fields.items():
            form = form_class(meta={"csrf": False})
            for name in names:
                assert isinstance(form[name], StringField)
                assert one_line in form[name].validators, (form_class.__name__, name)
