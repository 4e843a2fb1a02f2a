"""Form pieces every domain shares: the language switch, the money field and one-line text."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import StopValidation

from participate.core.money import amount_input, format_money, minor_units_per_major, to_minor
from participate.core.text import single_line_problem, trim_invisible

AMOUNT_PATTERN = re.compile(r"^[0-9][0-9 \u00a0]*([.,][0-9]{1,3})?$")
# Well beyond any council budget, and far inside a 64-bit column whatever the currency's decimals.
MAX_MAJOR_UNITS = 1_000_000_000_000


def one_line(form: Any, field: Any) -> None:
    """The validator of every one-line text (titles, names, labels, reasons; core.text): trims invisible
    ends, refuses line breaks and other control characters, direction overrides and invisible-only text.
    Put it after DataRequired/Optional and before Length, which then counts the trimmed text."""
    field.data = trim_invisible(field.data or "")
    problem = single_line_problem(field.data)
    if problem:
        raise StopValidation(problem)


class ButtonForm(FlaskForm):
    """A form that is only a button (support, follow, unhide, publish...): the CSRF token is all it carries."""

    submit = SubmitField()


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[("en", "English"), ("sv", "Svenska")])
    next = HiddenField()
    submit = SubmitField(_l("Change language"))


class MoneyField(StringField):
    """Reads '1 500 000' or '2500,50' and holds integer minor units (öre, cents) in `data`.

    The currency is the value of the form's `currency_field`, or `currency` set by the view when the
    form has no currency of its own (a district's budget is in its process's currency).
    """

    def __init__(self, *args: Any, currency_field: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.data: int | None = None
        self.currency_field = currency_field
        self.currency = "SEK"
        self.text: str | None = None

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.text = str(valuelist[0]).strip() if valuelist else ""
        self.data = None

    def _value(self) -> str:
        if self.text is not None:
            return self.text
        return amount_input(self.data, self.currency) if isinstance(self.data, int) else ""

    def pre_validate(self, form: Any) -> None:
        if self.currency_field:
            self.currency = form[self.currency_field].data or self.currency
        if self.text is None or self.text == "":
            return
        example = _l("Write an amount such as 1 500 000 or 2500.50.")
        if not AMOUNT_PATTERN.fullmatch(self.text):
            raise StopValidation(str(example))
        if len(self.text) > 40:
            raise StopValidation(str(self._too_large()))
        try:
            minor = to_minor(self.text, self.currency)
        except ValueError as exc:
            raise StopValidation(str(_l("The amount has more decimals than the currency allows."))) from exc
        if minor > MAX_MAJOR_UNITS * minor_units_per_major(self.currency):
            raise StopValidation(str(self._too_large()))
        self.data = minor

    def _too_large(self) -> str:
        largest = format_money(MAX_MAJOR_UNITS * minor_units_per_major(self.currency), self.currency)
        return str(_l("That amount is too large: the most this field accepts is %(max)s.", max=largest))
