"""Money is stored as integer minor units (öre, cents, grosz); these helpers convert for people."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.numbers import format_currency, get_currency_precision


def minor_units_per_major(currency: str) -> int:
    return 10 ** get_currency_precision(currency)


def to_minor(amount: str | Decimal | int, currency: str) -> int:
    """'1 250 000,50' or Decimal('1250000.50') → integer minor units; refuses fractions of a minor unit."""
    if isinstance(amount, str):
        cleaned = amount.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            amount = Decimal(cleaned)
        except InvalidOperation as exc:
            raise ValueError(f"{amount!r} is not an amount of money") from exc
    value = Decimal(amount) * minor_units_per_major(currency)
    if value != value.to_integral_value():
        raise ValueError("The amount has more decimals than the currency allows.")
    return int(value)


def format_money(minor: int, currency: str, locale: str = "en") -> str:
    """Budgets are mostly whole amounts: '5 000 000 kr' reads better than '5 000 000,00 kr'."""
    major = Decimal(minor) / minor_units_per_major(currency)
    pattern = None
    if major == major.to_integral_value():
        pattern = Locale.parse(locale).currency_formats["standard"].pattern.replace(".00", "")
    text = format_currency(major, currency, format=pattern, locale=locale, currency_digits=pattern is None)
    # CLDR asks for a space between a letter code and a digit ("SEK 5,000"); Babel leaves it out.
    return re.sub(r"^([A-Z]{3})(?=\d)", "\\1\u00a0", text)


def amount_input(minor: int, currency: str) -> str:
    """Minor units → the plain decimal text a form field shows (no grouping)."""
    major = Decimal(minor) / minor_units_per_major(currency)
    return format(major.normalize(), "f") if major == major.to_integral_value() else str(major)
