"""Numbers typed into URLs, query strings and forms: an id no row can have, or digits int() refuses, are
refused like any unknown or wrong value (404, 400), never a 500 page."""

from __future__ import annotations

import pytest

from participate.core.numbers import MAX_ROW_ID, whole_number
from tests.conftest import csrf_token
from tests.factories import make_process, make_user

TOO_LARGE = "9" * 20  # overflowed SQLite's driver (a 500 page) before ids were bounded


@pytest.mark.parametrize(
    ("raw", "largest", "number"),
    [
        ("12", MAX_ROW_ID, 12),
        (12, MAX_ROW_ID, 12),
        ("0", MAX_ROW_ID, 0),
        (str(MAX_ROW_ID), MAX_ROW_ID, MAX_ROW_ID),
        (str(MAX_ROW_ID + 1), MAX_ROW_ID, None),
        (TOO_LARGE, MAX_ROW_ID, None),
        ("7", 6, None),
        ("6", 6, 6),
        ("", MAX_ROW_ID, None),
        (None, MAX_ROW_ID, None),
        ("None", MAX_ROW_ID, None),
        ("-1", MAX_ROW_ID, None),
        (" 1", MAX_ROW_ID, None),
        ("1.0", MAX_ROW_ID, None),
        ("²", MAX_ROW_ID, None),  # str.isdigit() is True, int() raises
        ("١٢", MAX_ROW_ID, None),  # str.isdigit() is True, int() reads 12
    ],
)
def test_whole_number_takes_plain_ascii_digits_up_to_the_largest(raw, largest, number):
    assert whole_number(raw, largest=largest) == number


def test_ids_no_row_can_have_are_not_found(app, as_user):
    client = as_user(make_user("staff"))
    for path in (
        f"/manage/processes/{TOO_LARGE}",
        f"/manage/processes/{MAX_ROW_ID + 1}/details",
        f"/proposals/{TOO_LARGE}",
        f"/deliberation/comments/{TOO_LARGE}",
        f"/admin/users/{TOO_LARGE}",
        f"/api/v1/processes/{TOO_LARGE}/results",
    ):
        assert client.get(path).status_code == 404, path


def test_a_budget_id_no_row_can_have_is_no_such_budget(app, as_user):
    process = make_process()
    client = as_user(make_user("staff"))
    path = f"/manage/processes/{process.id}/vote/budget"
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "budget_id": TOO_LARGE})
    assert response.status_code == 404


def test_filters_with_odd_numbers_show_the_unfiltered_list(app, as_user):
    process = make_process()
    client = as_user(make_user())
    for query in ("category=²", f"district={TOO_LARGE}", "category=١"):
        response = client.get(f"/processes/{process.slug}/proposals?{query}", follow_redirects=True)
        assert response.status_code == 200, query
