"""Numbers are bounded, bad input gets a message and leaves the database as it was."""

import pytest
from sqlalchemy import func, select

from participate.extensions import db
from participate.processes.models import Process
from tests.conftest import post_form
from tests.factories import make_process, make_user


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
