"""The Panels tab of a process's management screens, for the process's facilitators."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("panels_manage", __name__, url_prefix="/manage/processes")
