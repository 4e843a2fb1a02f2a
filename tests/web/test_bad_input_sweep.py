"""Every kind of page of the demo council, and every form on them, as each role: nothing anyone can send
gets a 500 page. Forms are posted empty and with odd values (numbers no column holds, digits int()
refuses, markup, a NUL character, 3,000 characters...); URLs with ids no row has. On PostgreSQL in CI too,
where a NUL character or an out-of-range number is an error of the driver rather than a quiet store."""

from __future__ import annotations

import random
import re

import pytest

from participate.demo import seed_demo
from participate.extensions import db
from tests.demo_pages import NOT_POSTED, crawl, csrf_of, log_in_as

ROLES = (None, "resident", "facilitator", "staff", "admin")
ODD_TEXT = [
    "",
    "0",
    "-1",
    "9" * 20,
    "²",
    "١٢",
    "x" * 3000,
    "<script>alert(1)</script>",
    "ö\u202e\x00z",
    "2026-13-45",
]
ODD_NUMBERS = ["2147483648", "9" * 20, "32768", "-2147483649", "1e400", "NaN", "²"]
FORMS_PER_KIND = 2
POSTS_PER_FORM = 4


def _odd_values(fields: dict[str, tuple[str, str, str]], token: str, trial: int, rng: random.Random) -> dict:
    data = {}
    for name, (tag, kind, value) in fields.items():
        if name.endswith("csrf_token"):
            data[name] = token
        elif kind in ("submit", "hidden") and trial % 2 == 0:
            data[name] = value  # keep which button and which row, and vary the rest
        elif kind == "number" or tag == "select":
            data[name] = ODD_NUMBERS[trial % len(ODD_NUMBERS)] if trial else ""
        else:
            data[name] = rng.choice(ODD_TEXT) if trial else ""
    return data


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "visitor")
def test_no_page_and_no_form_of_the_demo_answers_with_a_500(app, role):
    seed_demo()
    db.session.commit()
    client = app.test_client()
    if role:
        log_in_as(client, role)
    pages, forms, failures = crawl(client)
    assert len(pages) > 20
    for url in pages:
        if re.search(r"/\d+", url):
            for id_no_row_has in ("9" * 20, "2147483648", "0"):
                odd = re.sub(r"/\d+", f"/{id_no_row_has}", url, count=1)
                status = client.get(odd).status_code
                if status >= 500:
                    failures.append((status, f"GET {odd}"))
    rng = random.Random(2026)
    for kind, found in forms.items():
        if NOT_POSTED.search(kind):
            continue
        for page_url, action, fields in found[:FORMS_PER_KIND]:
            token = csrf_of(client, page_url)
            for trial in range(POSTS_PER_FORM):
                data = _odd_values(fields, token, trial, rng)
                status = client.post(action, data=data).status_code
                if status >= 500:
                    failures.append((status, f"POST {action} {data}"))
    assert failures == []
