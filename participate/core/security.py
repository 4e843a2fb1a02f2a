"""Security headers on every response."""

from functools import cache
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, make_response


@cache
def content_security_policy(map_tile_url: str | None = None) -> str:
    """Everything from this site only; map tiles, when a tile server is configured, from that server."""
    images = "img-src 'self' data:"
    if map_tile_url:
        parts = urlsplit(map_tile_url)
        images += f" {parts.scheme}://{parts.netloc.replace('{s}', '*')}"  # {s}: the server's subdomains
    return "; ".join([*_DIRECTIVES[:3], images, *_DIRECTIVES[3:]])


_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        policy = content_security_policy(app.config.get("MAP_TILE_URL"))
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def no_store(body: Any, status: int = 200) -> Any:
    """A response no cache keeps (receipts, voting codes, filled-in ballots): shown once, then gone."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
