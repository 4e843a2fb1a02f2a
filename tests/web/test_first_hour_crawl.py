"""The demo crawled as a resident and as staff, in English and Swedish: none of issue 18's raw or
contradictory texts is on any page (the layout at 390 px is tests/e2e/test_first_hour_layout.py)."""

from __future__ import annotations

import re

import pytest

from participate.demo import seed_demo
from participate.extensions import db
from tests.demo_pages import crawl, log_in_as

RAW = {
    "a Python dictionary": re.compile(r"\{'|\{&#39;"),
    "a UTC label": re.compile(r"\(UTC\)|\bUTC\)"),
    "a date format hint": re.compile(r"YYYY-MM-DD"),
    "a short numeric date": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2},"),
    "a time to the second": re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b"),
    "an audit action key": re.compile(r"<td>(?:<code>)?[a-z]+\.[a-z_]+(?:</code>)?</td>"),
    "a Python value": re.compile(r">\s*(?:True|False|None)\s*<"),
}


def _text(page: str) -> str:
    """The page without its scripts, styles and attribute values (a datetime="…" is for machines)."""
    page = re.sub(r"<(script|style|option)\b.*?</\1>", "", page, flags=re.S)  # "None" is a fine option
    return re.sub(r'(<[^>]*?)\s[\w-]+="[^"]*"', r"\1", page)


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("role", ["resident", "staff"])
def test_the_demo_shows_no_raw_or_contradictory_text(app, role, language):
    seed_demo()
    db.session.commit()
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    log_in_as(client, role)
    pages, _forms, _failures = crawl(client)
    assert len(pages) > 20
    found = []
    for url in pages:
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        text = _text(page)
        found += [(url, what) for what, pattern in RAW.items() if pattern.search(text)]
        if language == "sv" and "Deleted user" in text:
            found.append((url, "English 'Deleted user'"))
        if "Voting is open until" in text and "The vote has closed" in text:  # the headline and the vote
            found.append((url, "a vote both open and closed"))
        if "Omröstningen är öppen till" in text and "Omröstningen är avslutad" in text:
            found.append((url, "a vote both open and closed"))
    assert not found, found
