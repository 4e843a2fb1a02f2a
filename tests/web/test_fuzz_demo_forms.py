"""Every form of the demo council, driven by Hypothesis-generated field values (the forms the bad-input sweep
finds, tests/demo_pages.py): never a 500, and a refused submission (400, 409, 422, or the form again with its
error summary) leaves every table's row count unchanged.

The demo is seeded once for the session (the demo_snapshot fixture), copied to this module's SQLite database; after each submission that wrote
anything, the database is restored from a snapshot and each person's login cookie put back, so every
example meets the same demo. Each kind of form is fuzzed once, as the least privileged person who sees it.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from participate.extensions import db
from tests.demo_pages import NOT_POSTED, crawl, csrf_of, demo_app, log_in_as

ROLES = (None, "resident", "facilitator", "staff", "admin")
EXAMPLES_PER_FORM = 6
REFUSED = {400, 409, 422}
ODD = [
    "", " ", "0", "-1", "1", "2147483648", "9" * 20, "1e400", "NaN", "²", "١٢", "2026-13-45", "2026-02-29",
    "<script>alert(1)</script>", "ö\u202ez", "x" * 3000, "a@b", "€", "\r\n", "'; DROP TABLE user; --",
]  # fmt: skip
TEXT = st.one_of(st.sampled_from(ODD), st.text(max_size=40))
NUMBER = st.one_of(st.integers(-(2**70), 2**70).map(str), st.sampled_from(ODD), st.decimals().map(str))


def value_strategy(name: str, tag: str, kind: str, value: str, token: str) -> st.SearchStrategy:
    if name.endswith("csrf_token"):
        return st.just(token)
    if kind in ("submit", "hidden"):
        return st.one_of(st.just(value), st.just(value), TEXT)  # mostly which button and which row
    if kind in ("checkbox", "radio"):
        return st.one_of(st.just(value), st.none(), TEXT)
    if kind == "file":
        return st.binary(max_size=300).map(lambda raw: (io.BytesIO(raw), "upload.csv"))
    if kind == "number" or tag == "select":
        return NUMBER
    if kind == "date":
        return st.one_of(st.dates().map(lambda d: d.isoformat()), TEXT)
    return TEXT


@dataclass
class Demo:
    app: object
    live: sqlite3.Connection
    snapshot: sqlite3.Connection
    cookies: dict[str | None, dict] = field(default_factory=dict)
    forms: list[tuple[str | None, str, dict, str]] = field(
        default_factory=list
    )  # role, action, fields, token
    changes: int = 0

    def client(self, role: str | None):
        client = self.app.test_client()
        client._cookies = dict(self.cookies[role])
        return client

    def restore(self) -> None:
        db.session.rollback()
        db.session.close()
        if self.live.total_changes != self.changes:
            self.snapshot.backup(self.live)
            self.changes = self.live.total_changes


def row_counts() -> dict[str, int]:
    counts = {
        table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }
    db.session.rollback()
    return counts


@pytest.fixture(scope="module")
def demo(demo_snapshot) -> Iterator[Demo]:
    with demo_app(demo_snapshot) as (app, live):
        found = Demo(app=app, live=live, snapshot=sqlite3.connect(":memory:"))
        seen: set[str] = set()
        for role in ROLES:
            client = app.test_client()
            if role:
                log_in_as(client, role)
            _pages, forms, _failures = crawl(client)
            for kind, (page, action, fields) in ((k, v[0]) for k, v in forms.items()):
                if kind not in seen and not NOT_POSTED.search(kind):
                    seen.add(kind)
                    found.forms.append((role, action, fields, csrf_of(client, page)))
            found.cookies[role] = dict(client._cookies)
        found.live.backup(found.snapshot)
        found.changes = found.live.total_changes
        yield found


def fuzz_one_form(demo: Demo, role: str | None, action: str, fields: dict, token: str) -> None:
    values = st.fixed_dictionaries(
        {name: value_strategy(name, tag, kind, value, token) for name, (tag, kind, value) in fields.items()}
    )

    @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, database=None)
    @given(data=values)
    def submit(data):
        data = {name: value for name, value in data.items() if value is not None}
        before = row_counts()
        try:
            response = demo.client(role).post(action, data=data)
            assert response.status_code < 500, f"{response.status_code} from POST {action} as {role}: {data}"
            page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            refused = response.status_code in REFUSED or (
                response.status_code == 200 and 'class="error-summary"' in page
            )
            if refused:
                after = row_counts()
                changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
                assert not changed, f"refused POST {action} as {role} changed rows {changed}: {data}"
        finally:
            demo.restore()

    submit()


def test_every_demo_form_takes_any_values_without_a_500_or_a_partial_write(demo):
    kinds = {action for _role, action, _fields, _token in demo.forms}
    assert len(kinds) > 30, sorted(kinds)
    for role, action, fields, token in demo.forms:
        fuzz_one_form(demo, role, action, fields, token)
