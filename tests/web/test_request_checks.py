"""A NUL character anywhere in a request is refused before any view runs: PostgreSQL text cannot hold one
(its driver raised, a 500 page), and nobody types one."""

from __future__ import annotations

from sqlalchemy import select

from participate.deliberation.models import Thread
from participate.extensions import db
from tests.conftest import csrf_token
from tests.factories import make_comment, make_process, make_user

MESSAGE = "contains a null character"


def test_a_form_with_a_nul_character_is_refused_and_writes_nothing(app, as_user):
    process = make_process()
    make_comment(make_user(), process)
    client = as_user(make_user("staff"))
    path = f"/deliberation/process/{process.id}/summary"
    token = csrf_token(client, path)
    response = client.post(path, data={"csrf_token": token, "summary": "Agreed on\x00 more trees"})
    assert response.status_code == 400 and MESSAGE in response.get_data(as_text=True)
    assert all(not thread.summary for thread in db.session.execute(select(Thread)).scalars())
    done = client.post(path, data={"csrf_token": token, "summary": "Agreed on more trees"})
    assert done.status_code == 302


def test_a_nul_character_in_a_query_or_a_path_is_refused(app, client):
    process = make_process()
    for url in (
        f"/processes/{process.slug}/proposals?q=tree%00s",
        f"/processes/{process.slug}/proposals?q%00=trees",
        "/processes/summer%00",
        "/api/v1/processes?status=open%00",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
    assert client.get("/api/v1/processes?status=open%00").get_json()["error"] == "Bad request"
