from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after login, so a link cannot bounce people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or target.startswith("//"):
        return None
    return target


def site_path(endpoint: str, **values: object) -> str:
    """A path on this site (no host), also outside a request: for links stored in notifications."""
    from flask import current_app

    return current_app.url_map.bind(
        "localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/"
    ).build(endpoint, values)
