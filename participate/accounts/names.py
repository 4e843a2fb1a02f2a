"""Display names people can see and trust: no invisible names, no text that reorders what follows it.

Shared by the forms (a validator) and the services (the same check again), so no path skips it. The
character rules are those of every one-line text (core.text); a name also needs two visible characters.
"""

from __future__ import annotations

from flask_babel import gettext as _

from participate.core.text import (
    has_control_characters,
    has_direction_controls,
    trim_invisible,
    visible_count,
)


def normalise_display_name(name: str) -> str:
    """NFC form, without invisible characters or white space at either end."""
    return trim_invisible(name)


def display_name_problem(name: str) -> str | None:
    """Why a (normalised) display name is refused, or None when it is acceptable."""
    if has_direction_controls(name):
        return _("The name contains characters that change the direction of the text. Please remove them.")
    if has_control_characters(name):
        return _("The name contains control characters. Please use only letters, digits and punctuation.")
    if visible_count(name) < 2:
        return _("Please enter a name of at least two visible characters.")
    return None
