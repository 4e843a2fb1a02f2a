"""A test of the architecture test: each break the review of issue 19 planted by hand is planted here in a
copy of the package, and the check that must catch it has to fail on the copy (and only name the file
that was changed)."""

import shutil
from pathlib import Path

import pytest

from tests import architecture

ROOT = Path(__file__).resolve().parents[1]

REQUEST_AND_COMMIT = """
from flask import request as _incoming
from participate.extensions import db as _database


def planted_rename_from_the_form(process):
    process.title = _incoming.form["title"]
    _database.session.commit()
"""
IMPORTED_SESSION_COMMIT = """
from participate.extensions import db as _db
from sqlalchemy.orm import Session as _Session

session = _db.session


def planted_save(row):
    session.add(row)
    session.commit()


def planted_save_elsewhere(row):
    with _Session(_db.engine) as own:
        own.add(row)
        own.commit()
"""
IMPORTED_HELPER_COMMIT = """
from participate.core.after_commit import commit as _save


def planted_save_through_the_helper():
    _save()
"""
BARE_COMMIT_IN_A_VIEW = """
from participate.extensions import db as _db


@bp.route("/planted")
def planted_view():
    _db.session.commit()
    return ""
"""
QUERY_IN_A_FORM_MODULE = """
from participate.extensions import db as _db
from sqlalchemy import select as _select


def planted_choices():
    return _db.session.scalars(_select(Eligibility)).all()
"""
MODEL_QUERY_IN_A_FORM = """

class PlantedForm(VoteSettingsForm):
    def validate(self, extra_validators=None):
        return Eligibility.query.count() > 0
"""
ALIASED_SESSION_COMMIT = """

def planted_commit_through_an_alias():
    s = db.session
    s.commit()
"""
MODEL_IMPORTS_A_VIEW = """
from participate.voting import views as _views  # noqa
"""
MODEL_IMPORTS_A_VIEW_LATE = """

def planted_link():
    from participate.voting.views import bp

    return bp.name
"""
UPWARD_UNDER_TYPE_CHECKING = """
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from participate.voting.models import Ballot  # noqa
"""
UPWARD_IN_A_FUNCTION = """

def planted_count_ballots():
    from participate.results.services import close_ended_votes

    return close_ended_votes
"""
ENGINE_CIRCLE = """

def __getattr__(name):
    from participate.counting import engine

    return getattr(engine, name)
"""

TANGLED_FUNCTION = (
    """

def planted_tangle(n):
"""
    + "".join(f"    if n == {i}:\n        return {i}\n" for i in range(21))
    + """    return None
"""
)
TANGLED_METHOD = (
    """

class PlantedThing:
    def tangle(self, n):
"""
    + "".join(f"        if n == {i}:\n            return {i}\n" for i in range(21))
    + """        return None
"""
)

PLANTS = [
    ("voting/setup.py", REQUEST_AND_COMMIT, "only_entry_points_commit"),
    ("voting/setup.py", REQUEST_AND_COMMIT, "only_views_read_the_request"),
    ("eligibility/services.py", IMPORTED_SESSION_COMMIT, "only_entry_points_commit"),
    ("eligibility/poll_book.py", IMPORTED_HELPER_COMMIT, "only_entry_points_commit"),
    ("eligibility/views.py", BARE_COMMIT_IN_A_VIEW, "only_entry_points_commit"),
    ("voting/manage_forms.py", QUERY_IN_A_FORM_MODULE, "forms_do_not_query"),
    ("voting/manage_forms.py", MODEL_QUERY_IN_A_FORM, "forms_do_not_query"),
    ("proposals/services.py", ALIASED_SESSION_COMMIT, "only_entry_points_commit"),
    ("voting/models.py", MODEL_IMPORTS_A_VIEW, "only_views_and_wiring_import_views"),
    ("voting/models.py", MODEL_IMPORTS_A_VIEW_LATE, "only_views_and_wiring_import_views"),
    ("accounts/models.py", UPWARD_UNDER_TYPE_CHECKING, "imports_follow_the_order"),
    ("processes/services.py", UPWARD_IN_A_FUNCTION, "imports_follow_the_order"),
    ("counting/model.py", ENGINE_CIRCLE, "no_import_circle"),
    ("results/present.py", TANGLED_FUNCTION, "no_function_is_tangled"),
    ("sortition/types.py", TANGLED_METHOD, "no_function_is_tangled"),
]


@pytest.fixture(scope="module")
def clean_copy(tmp_path_factory):
    copy = tmp_path_factory.mktemp("clean")
    shutil.copytree(ROOT / "participate", copy / "participate", ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.mark.parametrize(
    ("target", "code", "check_name"),
    PLANTS,
    ids=[f"{target}-{check}-{index}" for index, (target, _code, check) in enumerate(PLANTS)],
)
def test_the_check_fails_on_the_planted_break(tmp_path, clean_copy, target, code, check_name):
    check = getattr(architecture, check_name)
    copy = tmp_path / "copy"
    shutil.copytree(clean_copy, copy)
    planted = copy / "participate" / target
    assert planted.exists(), f"{target} moved: plant the break where the code now lives"
    planted.write_text(planted.read_text() + code)

    assert check(clean_copy) == []
    found = check(copy)
    assert found, f"{check_name} missed the break planted in {target}"
    assert all(target in line or "import circle" in line for line in found), found


def test_the_planted_circle_is_a_real_one(tmp_path, clean_copy):
    """counting.engine imports counting.model, so the planted lazy `__getattr__` closes a circle."""
    modules = architecture.package(clean_copy).modules
    assert "participate.counting.model" in {i.target for i in modules["participate.counting.engine"].imports}
