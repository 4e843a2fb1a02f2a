"""The shared kernel: errors, access checks, the transaction helper, tasks, mail, money, time. It imports no domain."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The kernel's pages (health, the dev outbox), the mail task, error pages, request checks, security
    headers and template helpers."""
    from participate.core import mail, views  # noqa: F401  (mail registers the "mail.deliver" task)
    from participate.core.error_pages import register_error_handlers
    from participate.core.request_checks import register_request_checks
    from participate.core.security import register_security_headers
    from participate.core.templating import register_template_helpers

    app.register_blueprint(views.bp)
    if app.config.get("DEV_OUTBOX"):
        from participate.core.dev_outbox import bp as dev_outbox

        app.register_blueprint(dev_outbox)
    register_error_handlers(app)
    register_request_checks(app)
    register_security_headers(app)
    register_template_helpers(app)
