from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after login, so a link cannot bounce people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or target.startswith("//"):
        return None
    return target
