"""Filters and globals shared by every template. Templates decide nothing: they only present."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _

from participate.core.markdown import render_markdown
from participate.core.money import format_money


def format_day(value: date) -> str:
    """A date as people read it in the page's language ("23 Nov 2026", "23 nov. 2026")."""
    return str(format_date(value, "medium"))


def format_number(value: int | float) -> str:
    """A count the reader's way, grouped in thousands: "12,345" in English, "12 345" in Swedish."""
    return str(format_decimal(value))


def person_name(user: Any) -> str:
    """The name a person is shown by; an erased account reads "Deleted user" in the page's language (its
    stored name is a placeholder)."""
    if user is None or getattr(user, "deleted_at", None) is not None:
        return _("Deleted user")
    return str(user.display_name)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["markdown"] = render_markdown

    @app.template_filter("money")
    def money_filter(minor: int, currency: str) -> str:
        return format_money(minor, currency, str(get_locale() or "en"))

    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(person_name, "person")

    @app.template_filter("moment")
    def moment_filter(value) -> str:
        """A date and time in the page language's medium format, as stored (UTC): labels say so."""
        return format_datetime(value, "medium", rebase=False)

    @app.context_processor
    def inject_globals():
        return {
            "languages": current_app.config["LANGUAGES"],
            "current_locale": str(get_locale() or "en"),
        }
