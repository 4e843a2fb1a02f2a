"""The architecture's import rules (../shared/docs/architecture.md), read from the source with ast."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "participate"
ENGINE_ALLOWED_THIRD_PARTY = {"numpy", "highspy"}
WEB_FRAMEWORKS = {
    "flask",
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf",
    "sqlalchemy",
    "wtforms",
    "werkzeug",
}


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            names.add("." * node.level + (node.module or ""))
    return names


def modules(*patterns: str):
    for pattern in patterns:
        yield from sorted(PACKAGE.glob(pattern))


@pytest.mark.parametrize("path", list(modules("counting/**/*.py", "sortition/**/*.py")), ids=str)
def test_engines_are_pure(path):
    import sys

    stdlib = sys.stdlib_module_names
    for name in imports(path):
        root = name.split(".")[0]
        if name.startswith("."):
            continue
        engine = path.relative_to(PACKAGE).parts[0]
        assert (
            root in stdlib or root in ENGINE_ALLOWED_THIRD_PARTY or name.startswith(f"participate.{engine}")
        ), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", list(modules("*/models.py")), ids=str)
def test_models_do_not_read_the_request(path):
    source = path.read_text()
    for forbidden in ("request", "session[", "current_user"):
        assert f"import {forbidden}" not in source and f" {forbidden}." not in source, (path, forbidden)
    assert not any(name.endswith((".forms", ".views")) for name in imports(path)), path


@pytest.mark.parametrize("path", list(modules("*/services.py")), ids=str)
def test_services_never_commit_nor_touch_forms_views_or_the_request(path):
    source = path.read_text()
    assert "db.session.commit(" not in source, path
    assert "current_user" not in source and "from flask import request" not in source, path
    assert not any(name.endswith((".forms", ".views")) for name in imports(path)), path


@pytest.mark.parametrize("path", list(modules("*/forms.py")), ids=str)
def test_forms_do_not_query_the_database(path):
    assert "db.session" not in path.read_text(), path


@pytest.mark.parametrize("path", list(modules("*/views.py")), ids=str)
def test_views_never_call_an_engine_directly(path):
    assert not any(
        name.startswith(("participate.counting", "participate.sortition")) for name in imports(path)
    ), path


def test_every_module_is_parsed():
    assert len(list(modules("**/*.py"))) > 30
    assert not WEB_FRAMEWORKS & ENGINE_ALLOWED_THIRD_PARTY
