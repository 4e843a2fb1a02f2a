"""Every form of the demo council, sent twice at the same moment by one person from two browsers (a
double click, two tabs): each use case either takes its turn or meets a unique constraint that answers
with a message; never a 500 page. PostgreSQL only: SQLite lets one writer in at a time."""

from __future__ import annotations

import pytest

from participate.demo import seed_demo
from participate.extensions import db
from tests.concurrency import posts_at_once, races
from tests.demo_pages import NOT_POSTED, crawl, csrf_of, log_in_as

pytestmark = races


@pytest.mark.parametrize("role", ("resident", "facilitator", "staff"))
def test_every_form_sent_twice_at_once_answers_without_a_500(app, role):
    seed_demo()
    db.session.commit()
    browsers = [app.test_client() for _ in range(2)]
    for browser in browsers:
        log_in_as(browser, role)
    _pages, forms, failures = crawl(browsers[0])
    raced = 0
    for kind, found in forms.items():
        if NOT_POSTED.search(kind):
            continue
        page_url, action, fields = found[0]
        requests = []
        for browser in browsers:  # the form as the page fills it in, with each browser's own token
            token = csrf_of(browser, page_url)
            data = {
                name: token if name.endswith("csrf_token") else value
                for name, (_t, _k, value) in fields.items()
            }
            requests.append((browser, action, data))
        statuses = posts_at_once(app, requests)
        raced += 1
        failures += [(status, f"POST {action}") for status in statuses if status is None or status >= 500]
    assert raced > 10
    assert failures == []
