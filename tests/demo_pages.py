"""The demo council as a browser sees it: the pages reachable from the home page and the forms on them, for
the tests that try every form (tests/web/test_bad_input_sweep.py, test_parallel_forms.py) or every page
(tests/e2e/test_reflow.py)."""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urljoin, urlsplit

from participate import create_app
from participate.demo import DEMO_DOMAIN
from participate.extensions import db
from tests.conftest import FreshContextClient, login

Form = tuple[str, str, dict[str, tuple[str, str, str]]]  # page, action path, fields (name: tag, type, value)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NOT_POSTED = re.compile(r"log-?out|delete-account|/delete$|/password")
PAGES_PER_KIND = 2  # pages whose paths differ only in their numbers are one kind
NOT_FOLLOWED = re.compile(
    r"/(static|dev/outbox)/|log-?out|/materials/\d+$|\.(css|js|png|svg|ico|woff2?|pb|csv|json)$"
)  # downloads, not pages
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>")


def attributes(tag: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tag)}


@contextmanager
def demo_app(snapshot, **config) -> Iterator[tuple]:
    """An app on its own SQLite copy of the seeded demo (the `demo_snapshot` fixture), its app context
    pushed; yields the app and the raw sqlite3 connection (to snapshot and restore around requests)."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", **config)
    app.test_client_class = FreshContextClient
    with app.app_context():
        live = db.engine.raw_connection().driver_connection
        snapshot.backup(live)
        try:
            yield app, live
        finally:
            db.session.remove()
            db.engine.dispose()


def log_in_as(client, role: str) -> None:
    """Log a test client in as the demo's `role` account (resident, facilitator, staff or admin)."""
    login(client, f"{role}@{DEMO_DOMAIN}", client.application.config["SEED_DEMO_PASSWORD"])


def kind_of(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path)


def post_forms(page: str, url: str) -> list[tuple[str, dict[str, tuple[str, str, str]]]]:
    """The page's POST forms: action path and fields (name: tag, type, value)."""
    forms = []
    for form_tag, body in FORM.findall(page):
        form = attributes(form_tag)
        if form.get("method", "get").lower() != "post":
            continue
        fields = {}
        for tag, field_attributes in FIELD.findall(body):
            field = attributes(field_attributes)
            if "name" in field:
                fields[field["name"]] = (tag, field.get("type", ""), field.get("value", ""))
        forms.append((urlsplit(urljoin(url, form.get("action", url))).path, fields))
    return forms


def crawl(client, visit=None) -> tuple[list[str], dict[str, list[Form]], list[tuple[int, str]]]:
    """Pages reachable from the home page (a few of each kind), the POST forms found on them by kind of
    action, and any 5xx met on the way. `visit(url, response)` sees each response on the way."""
    seen: list[str] = []
    queue, per_kind, forms, failures = deque(["/"]), Counter(), {}, []
    while queue:
        url = queue.popleft()
        kind = kind_of(url)
        if url in seen or per_kind[kind] >= PAGES_PER_KIND:
            continue
        per_kind[kind] += 1
        seen.append(url)
        response = client.get(url)
        if visit is not None:
            visit(url, response)
        if response.status_code >= 500:
            failures.append((response.status_code, f"GET {url}"))
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        for action, fields in post_forms(page, url):
            forms.setdefault(kind_of(action), []).append((url, action, fields))
        for href in re.findall(r'href="([^"#]+)"', page):
            link = urlsplit(urljoin(url, html.unescape(href)))
            path = link.path + (f"?{link.query}" if link.query else "")
            if link.netloc in ("", "localhost") and not NOT_FOLLOWED.search(path) and path not in seen:
                queue.append(path)
    return seen, forms, failures


def csrf_of(client, page_url: str) -> str:
    found = CSRF.search(client.get(page_url).get_data(as_text=True))
    return found.group(1) if found else ""
