from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


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


DEFAULT_BASE_URL = "http://localhost:5000"


def base_url() -> str:
    """The site's address, ending in "/": the request's own, or PUBLIC_BASE_URL outside a request (the
    nightly command, a worker), for links in emails."""
    if has_request_context():
        return request.url_root
    return (current_app.config.get("PUBLIC_BASE_URL") or DEFAULT_BASE_URL).rstrip("/") + "/"


def external_url(endpoint: str, **values: Any) -> str:
    """A full link to a page of this site, also outside a request (then under PUBLIC_BASE_URL)."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
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
