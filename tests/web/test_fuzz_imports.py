"""Property-based fuzzing of the file imports through their screens: the census (voting), and a panel's
Sortition Foundation features and people files and its address register.

Whatever the file holds, the answer is never a 500; an import either succeeds (a redirect) or is refused
with a message, and then not one row of any table has changed (all or nothing)."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from participate.extensions import db
from participate.panels.models import PanelStatus
from participate.processes.models import District
from tests.conftest import login
from tests.factories import make_process, make_user, make_vote
from tests.fuzzing import FEATURES_LINES, mutated
from tests.panels.helpers import make_panel, manage_url

IMPORTS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)  # the app and its database are shared by the examples on purpose: state left by one is input to the next

CENSUS_LINES = [
    "identity_number,birth_year,district", "19800101-1234,1980,North", "19900202-2345,1990,south",
    "20120303-3456,2012,", "19500505-5555,1950,North",
]  # fmt: skip
PEOPLE_LINES = ["id,gender,age,name,email,address,postcode", "1,f,young,Ann,a@example.org,Storgatan 1,12345",
                "2,Man,old,Bo,b@example.org,Storgatan 1,12345", "3,m,40 and over,Cy,,Kungsgatan 2,"]  # fmt: skip
REGISTER_LINES = ["address,postcode,district", "Storgatan 1,12345,Centrum", "Storgatan 2,12345,Norr"]


def files(lines: list[str]) -> st.SearchStrategy[bytes]:
    texts = st.one_of(
        mutated(lines, ","), mutated([line.replace(",", ";") for line in lines], ";"), st.text(max_size=80)
    )
    encoded = texts.flatmap(
        lambda text: st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]).map(
            lambda encoding: text.encode(encoding, errors="replace")
        )
    )
    return st.one_of(encoded, st.binary(max_size=60))


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }


def has_a_message(page: str) -> bool:
    """The form's error summary, or the error page of a request refused before its view (a NUL character)."""
    return 'class="error-summary"' in page or bool(re.search(r"<h1>[^<]+</h1>\s*<p>[^<]{20,}</p>", page))


def post_file(client, path: str, raw: bytes, **fields):
    before = row_counts()
    response = client.post(
        path, data={**fields, "file": (io.BytesIO(raw), "file.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code < 500, response.status_code
    if response.status_code not in (302, 303):
        assert response.status_code == 400, response.status_code
        assert has_a_message(response.get_data(as_text=True)), "refused without a message"
        assert row_counts() == before, "a refused import changed the database"
    return response


@pytest.fixture
def staff_client(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    staff = make_user("staff")
    client = app.test_client()
    login(client, staff.email)
    return client, staff


@pytest.fixture
def census_path(staff_client):
    process = make_process(days_in=21)
    for name in ("North", "South"):
        db.session.add(District(process_id=process.id, name=name, budget_minor=100_000_00))
    db.session.commit()
    make_vote(process, min_age=16)
    return f"/manage/processes/{process.id}/vote/census"


@IMPORTS
@given(raw=files(CENSUS_LINES), replace=st.booleans())
@example(raw="\n".join(CENSUS_LINES).encode(), replace=False)
def test_a_census_file_is_imported_whole_or_refused_with_nothing_written(
    staff_client, census_path, raw, replace
):
    client, _staff = staff_client
    post_file(client, census_path, raw, mode="replace" if replace else "add")


@IMPORTS
@given(raw=files(FEATURES_LINES["sf"]))
@example(raw="\n".join(FEATURES_LINES["sf"]).encode())
def test_a_features_file_is_imported_whole_or_refused_with_nothing_written(staff_client, raw):
    client, staff = staff_client
    panel = make_panel(make_process(), staff, status=PanelStatus.DRAFT)
    post_file(client, manage_url(panel, "/features/import"), raw)


@pytest.fixture
def recruiting_panel(staff_client):
    return make_panel(make_process(), staff_client[1])


@IMPORTS
@given(raw=files(PEOPLE_LINES))
@example(raw="\n".join(PEOPLE_LINES).encode())
def test_a_people_file_is_imported_whole_or_refused_with_nothing_written(staff_client, recruiting_panel, raw):
    post_file(staff_client[0], manage_url(recruiting_panel, "/respondents/import"), raw)


@IMPORTS
@given(raw=files(REGISTER_LINES), name=st.text(max_size=20))
@example(raw="\n".join(REGISTER_LINES).encode(), name="Register")
def test_an_address_register_is_imported_whole_or_refused_with_nothing_written(
    staff_client, recruiting_panel, raw, name
):
    post_file(staff_client[0], manage_url(recruiting_panel, "/registers"), raw, name=name)
