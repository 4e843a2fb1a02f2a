from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after login, so a link cannot bounce people elsewhere.

    Control characters are refused (a newline cannot go into a Location header), and so is a backslash:
    browsers read "/\\evil.example" as "//evil.example", another site.
    """
    if not target or any(ord(char) < 0x20 or ord(char) == 0x7F or char == "\\" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or target.startswith("//"):
        return None
    return target


def base_url() -> str:
    """The site's address, ending in "/": PUBLIC_BASE_URL, for links in emails.

    Never the request's own address: its Host header is whatever the sender wrote, and a reset link
    built from it would carry a valid token to their server.
    """
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/"


def external_url(endpoint: str, **values: Any) -> str:
    """A full link to a page of this site under PUBLIC_BASE_URL, for emails (in a request or not)."""
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def site_path(endpoint: str, **values: Any) -> str:
    """The path of a page of this site (no host), also outside a request: for links stored in
    notifications and the like."""
    if has_request_context():
        return url_for(endpoint, **values)
    return urlsplit(external_url(endpoint, **values)).path
