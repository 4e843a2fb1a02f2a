"""Every kind of page of the demo council, and every form on them, as each role: nothing anyone can send
gets a 500 page. Forms are posted empty and with odd values (numbers no column holds, digits int()
refuses, markup, a NUL character, 3,000 characters...); URLs with ids no row has. On PostgreSQL in CI too,
where a NUL character or an out-of-range number is an error of the driver rather than a quiet store."""

from __future__ import annotations

import html
import random
import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest

from participate.demo import DEMO_DOMAIN, seed_demo
from participate.extensions import db
from tests.conftest import login

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
PAGES_PER_KIND = 2  # pages whose paths differ only in their numbers are one kind
FORMS_PER_KIND = 2
POSTS_PER_FORM = 4
NOT_FOLLOWED = re.compile(r"/(static|dev/outbox)/|log-?out|\.(css|js|png|svg|ico|woff2?|pb|csv|json)$")
NOT_POSTED = re.compile(r"log-?out|delete-account|/delete$|/password")
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>")


def _attributes(tag: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tag)}


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path)


def _post_forms(page: str, url: str) -> list[tuple[str, dict[str, tuple[str, str, str]]]]:
    """The page's POST forms: action path and fields (name: tag, type, value)."""
    forms = []
    for form_tag, body in FORM.findall(page):
        form = _attributes(form_tag)
        if form.get("method", "get").lower() != "post":
            continue
        fields = {}
        for tag, attributes in FIELD.findall(body):
            field = _attributes(attributes)
            if "name" in field:
                fields[field["name"]] = (tag, field.get("type", ""), field.get("value", ""))
        forms.append((urlsplit(urljoin(url, form.get("action", url))).path, fields))
    return forms


def _crawl(client) -> tuple[list[str], dict[str, list[tuple[str, str, dict]]], list[tuple[int, str]]]:
    """Pages reachable from the home page (a few of each kind), the forms found, and any 5xx."""
    seen: list[str] = []
    queue, per_kind, forms, failures = deque(["/"]), Counter(), {}, []
    while queue:
        url = queue.popleft()
        kind = _kind(url)
        if url in seen or per_kind[kind] >= PAGES_PER_KIND:
            continue
        per_kind[kind] += 1
        seen.append(url)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append((response.status_code, f"GET {url}"))
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        for action, fields in _post_forms(page, url):
            forms.setdefault(_kind(action), []).append((url, action, fields))
        for href in re.findall(r'href="([^"#]+)"', page):
            link = urlsplit(urljoin(url, html.unescape(href)))
            path = link.path + (f"?{link.query}" if link.query else "")
            if link.netloc in ("", "localhost") and not NOT_FOLLOWED.search(path) and path not in seen:
                queue.append(path)
    return seen, forms, failures


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
        login(client, f"{role}@{DEMO_DOMAIN}", app.config["SEED_DEMO_PASSWORD"])
    pages, forms, failures = _crawl(client)
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
            token = re.search(
                r'name="csrf_token"[^>]*value="([^"]+)"', client.get(page_url).get_data(as_text=True)
            )
            for trial in range(POSTS_PER_FORM):
                data = _odd_values(fields, token.group(1) if token else "", trial, rng)
                status = client.post(action, data=data).status_code
                if status >= 500:
                    failures.append((status, f"POST {action} {data}"))
    assert failures == []
