"""A NUL character anywhere in a request is refused before any view runs: PostgreSQL text cannot hold one
(its driver raised, a 500 page), and nobody types one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participate.deliberation.models import Thread
from participate.extensions import db
from tests.conftest import csrf_token, post_form
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


def _login_codes(app, forwarded_for: str, attempts: int) -> list[int]:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.2"  # the reverse proxy
    return [
        post_form(
            client,
            "/accounts/login",
            {"email": "x@example.org", "password": "whatever password"},
            headers={"X-Forwarded-For": forwarded_for},
        ).status_code
        for _ in range(attempts)
    ]


@pytest.mark.parametrize(
    ("proxies", "first", "second"),
    [
        (1, "203.0.113.1", "203.0.113.2"),
        # What the client wrote itself comes before what the proxy added, and is not believed.
        (1, "192.0.2.99, 203.0.113.1", "192.0.2.99, 203.0.113.2"),
        (2, "203.0.113.1, 10.0.0.1", "203.0.113.2, 10.0.0.1"),
    ],
)
def test_behind_configured_proxies_each_client_has_its_own_rate_limit(make_app, proxies, first, second):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", PROXY_COUNT=proxies)
    assert _login_codes(app, first, 3) == [401, 401, 429]
    assert _login_codes(app, second, 2) == [401, 401]


def test_without_proxies_a_forwarded_for_header_cannot_dodge_the_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    assert _login_codes(app, "203.0.113.1", 2) == [401, 401]
    assert _login_codes(app, "203.0.113.2", 1) == [429]
