"""participate: participatory budgeting and citizen panels for councils."""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the `participate count` console script imports this package: keep Flask out of it
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
# Each module defines `bp`; a domain's public pages and its management screens are separate modules.
BLUEPRINT_MODULES = (
    "participate.core.views",
    "participate.home.views",
    "participate.accounts.views",
    "participate.processes.views",
    "participate.processes.manage",
    "participate.proposals.views",
    "participate.proposals.manage",
    "participate.moderation.views",
    "participate.moderation.manage",
    "participate.admin.views",
    "participate.jobs.views",
    "participate.api.views",
    "participate.deliberation.views",
    "participate.notifications.views",
    "participate.voting.views",
    "participate.results.views",
    "participate.results.manage",
    "participate.voting.manage",
    "participate.voting.verify",
)
# Modules that register background tasks and job kinds when imported (`@task`, `@job_kind`).
TASK_MODULES = (
    "participate.core.mail",
    "participate.jobs.runner",
    "participate.audit.jobs",
    "participate.audit.subscribers",
    "participate.notifications.subscribers",
    "participate.notifications.tasks",
    "participate.results.jobs",
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
    elif app.debug:
        app.config["DEV_OUTBOX"] = True
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)
    for module in TASK_MODULES:
        import_module(module)

    from participate.core.error_pages import register_error_handlers
    from participate.core.request_checks import register_request_checks
    from participate.core.security import register_security_headers
    from participate.core.templating import register_template_helpers

    register_error_handlers(app)
    register_request_checks(app)
    register_security_headers(app)
    register_template_helpers(app)

    from participate.cli import register_app_commands

    register_app_commands(app)
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

    from participate.accounts import auth  # noqa: F401  (registers the user loader)
    from participate.core import mail, tasks
    from participate.core.after_commit import run_committed_effects

    mail.init_app(app)
    tasks.init_app(app)

    @app.teardown_request
    def _run_effects_of_unhelped_commits(_exc: BaseException | None) -> None:
        # Views commit through core.after_commit.commit(); this catches a bare db.session.commit().
        run_committed_effects()


def _register_blueprints(app: Flask) -> None:
    for module in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(module).bp)
    if app.config.get("DEV_OUTBOX"):
        from participate.core.dev_outbox import bp as dev_bp

        app.register_blueprint(dev_bp)
