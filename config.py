"""Configuration classes, read from environment variables.

`PARTICIPATE_ENV` picks one (development, testing, production); development is the default so that
`make run` needs nothing but python3.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _names(name: str) -> list[str] | None:
    names = [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]
    return names or None


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
    # Keys the census hashes, voting codes and the sealed ballot box (docs/ballot-secrecy.md). Keep it out
    # of the database and its backups; without it they are keyed by SECRET_KEY, which must then never
    # change while a vote is open.
    BALLOT_SECRET_KEY = os.environ.get("BALLOT_SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'participate.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Keep me logged in" lasts 30 days from the last visit: the cookie is renewed whenever it is used
    # (accounts.auth), so an unused device falls out after a month.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14

    # Largest request body accepted (bytes); bigger ones get 413 before any form is read. An upload
    # feature can raise it for its own route (request.max_content_length).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024)))
    # Forms that take a file (a proposal's image): the image itself may be 5 MB.
    MAX_UPLOAD_LENGTH = int(os.environ.get("MAX_UPLOAD_LENGTH", str(6 * 1024 * 1024)))

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 60 * 60 * 8

    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ("en", "sv")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("COUNCIL_TIMEZONE", "Europe/Stockholm")

    RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    RECEIPT_CHECK_RATE_LIMIT = os.environ.get("RECEIPT_CHECK_RATE_LIMIT", "20 per minute")
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")
    # A map enhances proposal locations only when a tile server is named (nothing loads from a CDN by
    # default), e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png with its attribution.
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL") or None
    MAP_ATTRIBUTION = os.environ.get("MAP_ATTRIBUTION", "© OpenStreetMap contributors")
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "5 per minute;30 per hour")

    # Email: "log" writes messages to the application log (development); "smtp" sends them.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "log")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _flag("MAIL_USE_TLS", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "participate <no-reply@localhost>")

    # The site's address, the only one links in emails are built from (core.urls.external_url): never the
    # request's Host header, which whoever sends the request chooses. Required in production.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
    # Host names requests may carry (Flask answers others 400). Production defaults to PUBLIC_BASE_URL's.
    TRUSTED_HOSTS = _names("TRUSTED_HOSTS")
    # How many reverse proxies stand in front of the app, each adding itself to X-Forwarded-For and
    # X-Forwarded-Proto (werkzeug's ProxyFix). 0 trusts no such header: the client address is the
    # connection's, and the rate limits are per address.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    # Development only: print emails on the console, list them at /dev/outbox and for `flask outbox`.
    # Never on in production, whatever is set.
    DEV_OUTBOX = False
    DEV_OUTBOX_FILE = os.environ.get("DEV_OUTBOX_FILE")  # default: instance/dev-outbox.jsonl

    CONFIRM_TOKEN_MAX_AGE = 60 * 60 * 48
    RESET_TOKEN_MAX_AGE = 60 * 60
    # How long the old address's "this was not me" link works after an email change.
    EMAIL_UNDO_MAX_AGE = 60 * 60 * 24 * 14

    # Background jobs: Celery when a broker is configured, a local thread otherwise.
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    JOBS_RUN_INLINE = False

    SEED_DEMO_PASSWORD = os.environ.get("SEED_DEMO_PASSWORD", "demo-password-2026")


class DevelopmentConfig(Config):
    DEBUG = False  # tracebacks never reach a page, even in development
    DEV_OUTBOX = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    RATELIMIT_ENABLED = False
    JOBS_RUN_INLINE = True
    CELERY_BROKER_URL = None
    PUBLIC_BASE_URL = "http://localhost:5000"
    # argon2 is deliberately slow; tests hash hundreds of passwords.
    PASSWORD_HASH_FAST = True


def is_site_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.hostname) and not (parts.query or parts.fragment)


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def validate(cls, environ: os._Environ | dict) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not environ.get(name)]
        if not is_site_address(environ.get("PUBLIC_BASE_URL", "")):
            missing.append("PUBLIC_BASE_URL (the site's address, such as https://participate.example.org)")
        if not (environ.get("CELERY_BROKER_URL") or environ.get("REDIS_URL")):
            # Counts and draws run for minutes; a web worker's thread is no place for them in production.
            missing.append("CELERY_BROKER_URL (or REDIS_URL)")
        if missing:
            raise RuntimeError(
                "Refusing to start in production without "
                + " and ".join(missing)
                + " set in the environment."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
