"""Filters and globals shared by every template. Templates decide nothing: they only present."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel import Locale
from babel.dates import format_interval
from flask import Flask, current_app
from flask_babel import format_date, format_decimal, format_time, get_locale, get_timezone, to_user_timezone
from flask_babel import gettext as _

from participate.core.markdown import render_markdown
from participate.core.money import format_money


def format_day(value: date) -> str:
    """A date as people read it in the page's language ("23 Nov 2026", "23 nov. 2026")."""
    return str(format_date(value, "medium"))


def format_moment(value: datetime) -> str:
    """A moment, stored as naive UTC, in the council's time zone (BABEL_DEFAULT_TIMEZONE, set by
    COUNCIL_TIMEZONE) and the page's language, to the minute: "Dec 7, 2026, 4:54 PM", "7 dec. 2026 16:54"."""
    locale = get_locale()
    joined = str(locale.datetime_formats["medium"]) if locale is not None else "{1}, {0}"
    return joined.replace("{1}", str(format_date(value, "medium"))).replace(
        "{0}", str(format_time(value, "short"))
    )


def format_span(start: datetime, end: datetime | None) -> str:
    """From one moment to another (naive UTC) in the council's time zone: one date with a time range when
    both fall on the same day ("Oct 31, 2026, 10:00 AM – 4:00 PM", "31 okt. 2026, 10:00–16:00"), else
    both moments in full; the start alone without an end."""
    if end is None:
        return format_moment(start)
    if to_user_timezone(start).date() != to_user_timezone(end).date():
        return f"{format_moment(start)} – {format_moment(end)}"
    locale = get_locale() or Locale.parse("en")
    # 12 or 24 hours, as the language reads them ("4:00 PM", "16:00")
    clock = "hm" if "h" in locale.time_formats["short"].pattern else "Hm"
    hours = format_interval(start, end, clock, tzinfo=get_timezone(), locale=locale)
    # TRANSLATORS: a meeting within one day: its date, then the hours it runs ("10:00–16:00")
    return _("%(day)s, %(hours)s", day=format_date(start, "medium"), hours=hours)


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

    app.add_template_filter(format_moment, "moment")
    app.add_template_filter(format_span, "span")

    @app.context_processor
    def inject_globals():
        return {
            "languages": current_app.config["LANGUAGES"],
            "current_locale": str(get_locale() or "en"),
        }
