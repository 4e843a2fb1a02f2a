"""The architecture's rules (docs/architecture.md), checked on the syntax tree by tests/architecture.py.

A module's role comes from what it does (a blueprint, a click command, a background task, a form class),
not from its file name; tests/test_layering_catches_breaks.py plants breaks in a copy of the package and
shows that each check below fails on them.
"""

import ast
from pathlib import Path

import pytest

from tests import architecture

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"


@pytest.mark.parametrize("check", architecture.CHECKS, ids=lambda check: check.__name__)
def test_the_package_keeps_the_rule(check):
    assert check(ROOT) == []


def test_every_part_of_the_package_has_a_place_in_the_order():
    parts = {module.part for module in architecture.package(ROOT).modules.values()}
    assert parts <= architecture.RANK.keys(), parts - architecture.RANK.keys()
    assert {"core", "accounts", "voting", "results", "api", "admin", "app"} <= parts


def test_create_app_wires_the_domains_in_the_declared_order():
    from participate import DOMAINS

    assert list(DOMAINS) == sorted(DOMAINS, key=architecture.RANK.__getitem__)
    assert len({architecture.RANK[domain] for domain in DOMAINS}) == len(DOMAINS)
    packages = {m.part for m in architecture.package(ROOT).modules.values() if m.path.name == "__init__.py"}
    wired = packages - set(architecture.ENGINES) - {"cli", "app"}
    assert wired == set(DOMAINS), wired ^ set(DOMAINS)
    for domain in DOMAINS:
        module = architecture.package(ROOT).modules[f"participate.{domain}"]
        assert any(isinstance(n, ast.FunctionDef) and n.name == "register" for n in module.tree.body), domain


def test_the_process_screens_show_the_domains_tabs_in_the_domain_order(app):
    from participate.processes.manage import SECTIONS

    keys = [key for key, _label, _endpoint in SECTIONS]
    assert keys[-5:] == ["proposals", "moderation", "vote", "results", "panels"]


def test_the_roles_are_read_from_what_modules_do():
    modules = architecture.package(ROOT).modules
    assert len(modules) > 100
    views = {name for name, module in modules.items() if module.is_view}
    assert {"participate.voting.views", "participate.results.manage", "participate.accounts.auth"} <= views
    assert "participate.voting.services" not in views
    assert modules["participate.jobs.runner"].is_task
    assert modules["participate.results.jobs"].is_task
    assert architecture.package(ROOT).forms_in(modules["participate.processes.forms"])


TEMPLATE_DECISIONS = ("has_role(", "roles_of(", "current_user.roles", "is_staff", "is_admin", "can_manage(")


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_decide_nothing(path):
    """Who may do what comes from policy flags; a template never looks at roles itself."""
    source = path.read_text()
    assert not [word for word in TEMPLATE_DECISIONS if word in source], path
