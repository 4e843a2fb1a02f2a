"""One-line text people see and that goes into email subjects: titles, names, labels, reasons.

Such text may not hold line breaks or other control characters (an email subject with a newline cannot
be sent, and a title with one breaks every listing), nor characters that reverse the direction of what
follows (a listing could then lie), and it must show something: a title of zero-width spaces is none.
"""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _

# Characters that change the direction of the text around them.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)
# Letters and symbols that draw nothing (the Hangul fillers, the blank Braille pattern).
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Format and separator characters that may sit at either end of a text without showing.
INVISIBLE_CATEGORIES = ("Cf", "Zs", "Zl", "Zp", "Cc")
CONTROL_CATEGORIES = ("Cc", "Cs", "Zl", "Zp")


def trim_invisible(text: str) -> str:
    """NFC form, without invisible characters or white space at either end."""
    text = unicodedata.normalize("NFC", text or "")
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def _invisible(char: str) -> bool:
    return char in BLANK_LETTERS or char.isspace() or unicodedata.category(char) in INVISIBLE_CATEGORIES


def visible_count(text: str) -> int:
    return sum(1 for char in text if char not in BLANK_LETTERS and unicodedata.category(char)[0] in "LNPS")


def has_direction_controls(text: str) -> bool:
    return any(char in BIDI_CONTROLS for char in text)


def has_control_characters(text: str) -> bool:
    """Line breaks, tabs and the like, which one-line text never needs."""
    return any(unicodedata.category(char) in CONTROL_CATEGORIES for char in text)


def single_line_problem(text: str) -> str | None:
    """Why a (trimmed) one-line text is refused, or None when it is acceptable."""
    if has_direction_controls(text):
        return _("The text contains characters that change the direction of the text. Please remove them.")
    if has_control_characters(text):
        return _("The text must be on one line, without line breaks, tabs or other control characters.")
    if visible_count(text) == 0:
        return _("The text has no visible characters.")
    return None
