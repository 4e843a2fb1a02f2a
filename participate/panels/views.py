"""Public pages of a citizens' panel: its page, registration, and withdrawal from the link in the email."""

from __future__ import annotations

from flask import Blueprint

from participate.panels import models  # noqa: F401  (the tables exist whenever the app does)

bp = Blueprint("panels", __name__)
