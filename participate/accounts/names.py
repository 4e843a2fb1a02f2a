"""Display names people can see and trust: no invisible names, no text that reorders what follows it.

Shared by the forms (a validator) and the services (the same check again), so no path skips it.
"""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _

# Characters that change the direction of the text around them: a name could make a listing lie.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)
# Letters and symbols that draw nothing (the Hangul fillers, the blank Braille pattern).
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Format and separator characters that may sit at either end of a name without showing.
INVISIBLE_CATEGORIES = ("Cf", "Zs", "Zl", "Zp", "Cc")


def normalise_display_name(name: str) -> str:
    """NFC form, without invisible characters or white space at either end."""
    name = unicodedata.normalize("NFC", name or "")
    start, end = 0, len(name)
    while start < end and _invisible(name[start]):
        start += 1
    while end > start and _invisible(name[end - 1]):
        end -= 1
    return name[start:end]


def _invisible(char: str) -> bool:
    return char in BLANK_LETTERS or char.isspace() or unicodedata.category(char) in INVISIBLE_CATEGORIES


def _visible(char: str) -> bool:
    return char not in BLANK_LETTERS and unicodedata.category(char)[0] in "LNPS"


def display_name_problem(name: str) -> str | None:
    """Why a (normalised) display name is refused, or None when it is acceptable."""
    if any(char in BIDI_CONTROLS for char in name):
        return _("The name contains characters that change the direction of the text. Please remove them.")
    if any(unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") for char in name):
        return _("The name contains control characters. Please use only letters, digits and punctuation.")
    if sum(1 for char in name if _visible(char)) < 2:
        return _("Please enter a name of at least two visible characters.")
    return None
