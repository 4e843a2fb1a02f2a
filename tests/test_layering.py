"""The architecture's import rules (../shared/docs/architecture.md, docs/architecture.md), read with ast.

Imports are resolved to absolute module names (relative ones too); only module-level imports make the
import graph, since a function-level import is how a module breaks a loop on purpose.
"""

import ast
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "participate"
TEMPLATES = ROOT / "templates"
ENGINES = ("counting", "sortition")
ENGINE_ALLOWED_THIRD_PARTY = {"numpy", "highspy"}
DOMAINS = ("accounts", "admin", "audit", "home", "jobs", "processes")
# What reads the request, however it is imported: `from flask import request as r`, `import flask` …
REQUEST_STATE = {
    "flask": {"request", "session", "g"},
    "flask.globals": {"request", "session", "g", "request_ctx"},
    "flask_login": {"current_user", "login_user", "logout_user"},
    "flask_login.utils": {"current_user", "login_user", "logout_user"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def imported_names(path: Path, *, top_level_only: bool = False) -> set[tuple[str, str | None]]:
    """(module, name) pairs: `import a.b` gives ("a.b", None), `from a import b` gives ("a", "b")."""
    nodes = tree(path).body if top_level_only else ast.walk(tree(path))
    found: set[tuple[str, str | None]] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(path, node)
            found.update((module, alias.name) for alias in node.names)
    return found


def imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    """Every module a file imports; `from participate.x import y` counts as participate.x and participate.x.y."""
    names = set()
    for module, name in imported_names(path, top_level_only=top_level_only):
        names.add(module)
        if name and name != "*":
            names.add(f"{module}.{name}")
    return names


def reads_request_state(path: Path) -> set[str]:
    found = {
        f"{module}.{name}"
        for module, name in imported_names(path)
        if name in REQUEST_STATE.get(module, set())
    }
    module_aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree(path))
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name in REQUEST_STATE
    }
    state_names = set().union(*REQUEST_STATE.values())
    for node in ast.walk(tree(path)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in module_aliases
            and node.attr in state_names
        ):
            found.add(f"{node.value.id}.{node.attr}")
    return found


def modules(*patterns: str) -> list[Path]:
    return sorted({path for pattern in patterns for path in PACKAGE.glob(pattern)})


def participate_modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


@pytest.mark.parametrize("path", modules("counting/**/*.py", "sortition/**/*.py"), ids=str)
def test_engines_are_pure(path):
    engine = path.relative_to(PACKAGE).parts[0]
    for name in imports(path):
        root = name.split(".")[0]
        assert (
            root in sys.stdlib_module_names
            or root in ENGINE_ALLOWED_THIRD_PARTY
            or name.startswith(f"participate.{engine}")
        ), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", modules("core/**/*.py"), ids=str)
def test_core_imports_no_domain(path):
    """The shared kernel knows nothing of accounts, processes or any other domain."""
    for name in imports(path):
        if name.startswith("participate."):
            assert name.startswith(("participate.core", "participate.extensions")), f"{path.name}: {name}"


@pytest.mark.parametrize("path", modules("*/models.py", "*/services.py", "*/policy.py"), ids=str)
def test_models_services_and_policies_never_read_the_request(path):
    assert not reads_request_state(path), (path, reads_request_state(path))
    assert not any(name.endswith((".forms", ".views", ".manage")) for name in imports(path)), path


@pytest.mark.parametrize("path", modules("*/services.py"), ids=str)
def test_services_never_commit(path):
    assert "db.session.commit(" not in path.read_text(), path
    assert not any(name.endswith(".after_commit.commit") for name in imports(path)), path


@pytest.mark.parametrize("path", modules("*/forms.py"), ids=str)
def test_forms_do_not_query_the_database(path):
    assert "db.session" not in path.read_text(), path


@pytest.mark.parametrize("path", modules("*/views.py", "*/manage.py"), ids=str)
def test_views_commit_only_through_the_helpers_and_never_call_an_engine(path):
    assert "db.session.commit(" not in path.read_text(), path
    assert not any(
        name.startswith(("participate.counting", "participate.sortition")) for name in imports(path)
    )


def test_the_import_graph_has_no_loop():
    known = participate_modules()

    def targets(path: Path) -> set[str]:
        # `from package import submodule` depends on the submodule, not on the package's __init__.
        found = set()
        for module, name in imported_names(path, top_level_only=True):
            submodule = f"{module}.{name}"
            found.add(submodule if submodule in known else module)
        return found & known.keys()

    graph = {name: targets(path) - {name} for name, path in known.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in graph[node]:
            if state.get(target) == 1:
                loop = trail[trail.index(target) :] + [target] if target in trail else [node, target]
                pytest.fail("import loop: " + " -> ".join(loop))
            if target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


TEMPLATE_DECISIONS = ("has_role(", "roles_of(", "current_user.roles", "is_staff", "is_admin", "can_manage(")


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_decide_nothing(path):
    """Who may do what comes from policy flags; a template never looks at roles itself."""
    source = path.read_text()
    assert not [word for word in TEMPLATE_DECISIONS if word in source], path


def test_every_module_is_parsed_and_the_rules_see_relative_imports(tmp_path):
    assert len(participate_modules()) > 60
    assert not {"flask", "sqlalchemy", "flask_sqlalchemy"} & ENGINE_ALLOWED_THIRD_PARTY
    sample = PACKAGE / "processes" / "policy.py"
    relative = ast.ImportFrom(module="models", names=[ast.alias(name="Process")], level=1)
    assert _resolve(sample, relative) == "participate.processes.models"
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "import flask as f\nfrom flask_login import current_user as who\ndef x():\n    return f.request\n"
    )
    assert reads_request_state(sneaky) == {"flask_login.current_user", "f.request"}
