"""participate: participatory budgeting and citizen panels for councils."""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # the `participate count` console script imports this package: keep Flask out of it
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
# The domains in their declared order, lowest first (docs/architecture.md; tests/architecture.py checks every
# import against the same order). create_app calls each one's `register(app)` in this order: its
# blueprints, its tabs of the process screens, its job kinds and event subscribers exist because it says
# so there, and the tabs come in this order.
DOMAINS = (
    "core",
    "accounts",
    "jobs",
    "audit",
    "processes",
    "eligibility",
    "deliberation",
    "proposals",
    "moderation",
    "notifications",
    "voting",
    "results",
    "panels",
    "api",
    "admin",
    "home",
)


def create_app(config_name: str | None = None, **overrides) -> Flask:
    from flask import Flask

    from config import CONFIGS, ProductionConfig

    name = config_name or os.environ.get("PARTICIPATE_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"Unknown PARTICIPATE_ENV {name!r}; use one of {', '.join(CONFIGS)}.")
    config_class = CONFIGS[name]
    if config_class is ProductionConfig:
        ProductionConfig.validate(os.environ)

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    from participate.core.numbers import RowIdConverter

    app.url_map.converters["int"] = RowIdConverter
    if config_class is ProductionConfig:
        app.config["DEV_OUTBOX"] = False  # the development outbox never exists in production
        if not app.config.get("TRUSTED_HOSTS"):
            app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["PUBLIC_BASE_URL"]).hostname]
    elif app.debug:
        app.config["DEV_OUTBOX"] = True
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    _init_extensions(app)
    for domain in DOMAINS:
        import_module(f"participate.{domain}").register(app)
    from participate import cli

    cli.register(app)  # the commands sit above every domain
    return app


def _init_extensions(app: Flask) -> None:
    import participate.core.sqlite  # noqa: F401  (foreign keys on SQLite)
    from participate.core import uploads
    from participate.core.i18n import select_locale
    from participate.extensions import babel, csrf, db, limiter, login_manager, migrate

    uploads.init_app(app)  # before CSRF protection reads any form
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)

    from participate.accounts import auth  # registers the user loader

    auth.renew_remember_cookie_on_use(app)
    from participate.core import mail, tasks
    from participate.core.after_commit import run_committed_effects

    mail.init_app(app)
    tasks.init_app(app)

    @app.teardown_request
    def _run_effects_of_unhelped_commits(_exc: BaseException | None) -> None:
        # Views commit through core.after_commit.commit(); this catches a bare db.session.commit().
        run_committed_effects()
