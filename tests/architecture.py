"""The architecture's rules, read from the syntax tree (docs/architecture.md).

A module's role comes from what it does, never from its file name:

- a **view module** makes a Flask blueprint or registers request hooks (`before_request`, error
  handlers, the login manager's loaders);
- a **command module** defines click commands; a **task module** registers background work
  (`core.tasks.task`, `jobs.registry.job_kind`). Views, commands and tasks are the *entry points*: the only
  places a unit of work begins and ends;
- a **form module** defines form classes (subclasses of `FlaskForm`/`wtforms.Form`, directly or not) and
  no views;
- everything else (models, services, policies, helpers) is *library* code.

What each role may do:

- only entry points commit, and only through the helpers (`core.after_commit.commit`,
  `core.transaction.run_form`); a bare `….commit()` (through `db.session`, an alias such as
  `s = db.session`, an imported name, a `Session(...)` of its own) appears only inside those helpers;
- outside `core` (the web kernel: access, i18n, negotiation, urls…), only view modules read the request
  (`request`, `session`, `g`, `current_user`, `login_user`…, however imported);
- forms do not query the database (`db.session.execute/scalar/scalars/get/query`, `Model.query`,
  `db.paginate`…), neither in a form module nor in a form class anywhere;
- only view modules and the app's wiring (code that calls `register_blueprint`) import a view module;
- view modules do not call an engine.

Every check is a function of a root directory (the one holding `participate/`), so that
tests/test_layering_catches_breaks.py can run them on a copy with a break planted in it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

PACKAGE = "participate"

# The declared order of the package's top-level parts, lowest first. A module may import its own part and
# the parts of lower tiers; parts in one tier may not import each other. Every import counts: module
# level, inside a function, under `if TYPE_CHECKING:`, `importlib.import_module("…")` with a literal.
ORDER: tuple[tuple[str, ...], ...] = (
    ("core", "counting", "sortition"),  # the kernel (with participate/extensions.py) and the pure engines
    ("accounts",),
    ("jobs",),
    ("audit",),
    ("processes",),
    ("eligibility",),
    ("deliberation",),  # the reusable thread component, below the domains that hold threads
    ("proposals",),
    ("moderation",),
    ("notifications",),
    ("voting",),
    ("results",),
    ("panels",),
    ("api",),
    ("admin",),
    ("home",),  # the front page: shows what the domains below offer
    ("demo",),  # seeds every domain
    ("cli",),  # the console commands (flask … and the `participate` script)
    ("app",),  # participate/__init__.py: create_app() wires every domain in this order
)
RANK = {part: rank for rank, tier in enumerate(ORDER) for part in tier}
ENGINES = ("counting", "sortition")
ENGINE_ALLOWED_THIRD_PARTY = {"numpy", "highspy"}

REQUEST_STATE = {
    "flask.request",
    "flask.session",
    "flask.g",
    "flask.globals.request",
    "flask.globals.session",
    "flask.globals.g",
    "flask.globals.request_ctx",
    "flask_login.current_user",
    "flask_login.login_user",
    "flask_login.logout_user",
    "flask_login.utils.current_user",
    "flask_login.utils.login_user",
    "flask_login.utils.logout_user",
}
REQUEST_HOOKS = {
    "before_request",
    "after_request",
    "teardown_request",
    "before_app_request",
    "after_app_request",
    "errorhandler",
    "app_errorhandler",
    "register_error_handler",
    "user_loader",
    "request_loader",
    "unauthorized_handler",
}
TASK_DECORATORS = {"participate.core.tasks.task", "participate.jobs.registry.job_kind"}
COMMIT_HELPERS = {
    "participate.core.after_commit.commit",
    "participate.core.transaction.run_form",
    "participate.core.transaction.attempt",
    "participate.core.confirm.confirm_then_run",  # run_form after a confirmation page
}
FORM_BASES = {"flask_wtf.FlaskForm", "flask_wtf.Form", "wtforms.Form", "wtforms.form.Form"}
SESSION_QUERIES = {"execute", "scalar", "scalars", "get", "get_one", "query", "merge", "refresh"}
DB_QUERIES = {"paginate", "get_or_404", "first_or_404", "one_or_404"}
QUERY_HELPERS = {"participate.core.pagination.paginate"}


@dataclass(frozen=True)
class Import:
    target: str  # the module imported (a submodule when `from package import submodule`)
    line: int
    how: str  # "module level", "in a function", "TYPE_CHECKING"


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    known: set[str] = field(repr=False)

    @property
    def part(self) -> str:
        """The top-level part of the package the module belongs to (a domain, core, an engine, `app`)."""
        parts = self.name.split(".")
        if len(parts) == 1 or parts[1] == "celery_worker":
            return "app"
        if parts[1] == "extensions":
            return "core"
        if parts[1] == "cli":
            return "cli"
        return parts[1]

    # -- names -----------------------------------------------------------------------------------------

    def resolve(self, node: ast.ImportFrom) -> str:
        if node.level == 0:
            return node.module or ""
        package = self.name.split(".")
        if self.path.name != "__init__.py":
            package = package[:-1]
        base = package[: len(package) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    @cached_property
    def nodes(self) -> list[ast.AST]:
        return list(ast.walk(self.tree))

    @cached_property
    def aliases(self) -> dict[str, str]:
        """Local name -> what it stands for: imports anywhere, and names bound to a known expression
        (`s = db.session`, `with Session(engine) as s`), so an alias is as visible as the original."""
        names: dict[str, str] = {}
        for node in self.nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    names[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
            elif isinstance(node, ast.ImportFrom):
                module = self.resolve(node)
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{module}.{alias.name}"
        for _ in range(3):  # aliases of aliases
            for node in self.nodes:
                bound: list[tuple[ast.expr, ast.expr]] = []
                if isinstance(node, ast.Assign):
                    bound = [(target, node.value) for target in node.targets]
                elif isinstance(node, ast.AnnAssign | ast.NamedExpr) and node.value is not None:
                    bound = [(node.target, node.value)]
                elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                    bound = [(node.optional_vars, node.context_expr)]
                for target, value in bound:
                    qualified = _qualified(value, names)
                    if isinstance(target, ast.Name) and qualified and target.id not in names:
                        names[target.id] = qualified
        return names

    def name_of(self, node: ast.AST) -> str | None:
        return _qualified(node, self.aliases)

    # -- imports ---------------------------------------------------------------------------------------

    @cached_property
    def imports(self) -> list[Import]:
        found: list[Import] = []

        def add(module: str, name: str | None, line: int, how: str) -> None:
            submodule = f"{module}.{name}" if name else None
            found.append(Import(submodule if submodule in self.known else module, line, how))

        def visit(node: ast.AST, how: str) -> None:
            for child in ast.iter_child_nodes(node):
                inner = how
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                    inner = "in a function" if how == "module level" else how
                if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                    for statement in child.body:
                        visit_statement(statement, "TYPE_CHECKING")
                    for statement in child.orelse:
                        visit_statement(statement, how)
                    continue
                visit_statement(child, inner)

        def visit_statement(node: ast.AST, how: str) -> None:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(alias.name, None, node.lineno, how)
            elif isinstance(node, ast.ImportFrom):
                module = self.resolve(node)
                for alias in node.names:
                    add(module, alias.name, node.lineno, how)
            elif (
                isinstance(node, ast.Call)
                and self.name_of(node.func) in ("importlib.import_module", "importlib.import_module()")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                add(node.args[0].value, None, node.lineno, "in a function" if how == "module level" else how)
            visit(node, how)

        visit(self.tree, "module level")
        return found

    # -- what the module does -------------------------------------------------------------------------

    @cached_property
    def _calls(self) -> list[tuple[ast.Call, str | None]]:
        return [(node, self.name_of(node.func)) for node in self.nodes if isinstance(node, ast.Call)]

    def calls(self) -> Iterator[tuple[ast.Call, str | None]]:
        yield from self._calls

    @cached_property
    def _decorators(self) -> list[str]:
        found = []
        for node in self.nodes:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    found.append(
                        self.name_of(target) or (target.attr if isinstance(target, ast.Attribute) else "")
                    )
        return found

    def decorators(self) -> Iterator[str]:
        yield from self._decorators

    @cached_property
    def is_view(self) -> bool:
        for call, name in self.calls():
            if name in ("flask.Blueprint", "flask.blueprints.Blueprint"):
                return True
            attribute = call.func.attr if isinstance(call.func, ast.Attribute) else None
            if attribute in REQUEST_HOOKS:
                return True
        return any(name.rsplit(".", 1)[-1] in REQUEST_HOOKS for name in self.decorators())

    @cached_property
    def is_command(self) -> bool:
        return any(
            name.startswith(("click.", "flask.cli.")) or name.endswith((".cli.command", ".cli.group"))
            for name in self.decorators()
        ) or any(name in ("flask.cli.AppGroup", "click.Group") for _call, name in self.calls())

    @cached_property
    def is_task(self) -> bool:
        return any(name in TASK_DECORATORS for name in self.decorators())

    @property
    def is_entry(self) -> bool:
        return self.is_view or self.is_command or self.is_task

    def helper_bodies(self) -> set[int]:
        """ids of the nodes inside the definitions of the commit helpers themselves."""
        inside: set[int] = set()
        for node in self.tree.body:
            if isinstance(node, ast.FunctionDef) and f"{self.name}.{node.name}" in COMMIT_HELPERS:
                inside.update(id(child) for child in ast.walk(node))
        return inside

    def commits(self) -> list[tuple[int, str, bool]]:
        """(line, code, bare) for each commit: a call of `….commit()` or of a commit helper."""
        helper = self.helper_bodies()
        found = []
        for call, name in self.calls():
            if id(call) in helper:
                continue
            if name in COMMIT_HELPERS:
                found.append((call.lineno, ast.unparse(call), False))
            elif (isinstance(call.func, ast.Attribute) and call.func.attr == "commit") or (
                isinstance(call.func, ast.Name) and (name or "").endswith(".commit")
            ):
                found.append((call.lineno, ast.unparse(call), True))
        return found

    def request_reads(self) -> list[tuple[int, str]]:
        found = []
        for node in self.nodes:
            if isinstance(node, ast.Name | ast.Attribute) and self.name_of(node) in REQUEST_STATE:
                found.append((node.lineno, ast.unparse(node)))
        return found

    def is_session(self, node: ast.AST) -> bool:
        name = self.name_of(node) or ""
        if name.startswith("flask"):
            return False
        return name.endswith(
            (".session", ".session()", ".Session()", ".object_session()", ".sessionmaker()()")
        )

    def queries(self, within: ast.AST | None = None) -> list[tuple[int, str]]:
        found = []
        for node in self.nodes if within is None else ast.walk(within):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                method, receiver = node.func.attr, node.func.value
                if (method in SESSION_QUERIES and self.is_session(receiver)) or (
                    method in DB_QUERIES and self.name_of(receiver) == "participate.extensions.db"
                ):
                    found.append((node.lineno, ast.unparse(node)))
            if isinstance(node, ast.Call) and self.name_of(node.func) in QUERY_HELPERS:
                found.append((node.lineno, ast.unparse(node)))
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "query"
                and isinstance(node.value, ast.Name)
                and node.value.id[:1].isupper()
            ):
                found.append((node.lineno, ast.unparse(node)))
        return found

    @cached_property
    def _class_bases(self) -> list[tuple[ast.ClassDef, list[str]]]:
        return [
            (node, [self.name_of(base) or f"{self.name}.{ast.unparse(base)}" for base in node.bases])
            for node in self.nodes
            if isinstance(node, ast.ClassDef)
        ]

    def class_bases(self) -> Iterator[tuple[ast.ClassDef, list[str]]]:
        yield from self._class_bases


def _qualified(node: ast.AST, names: dict[str, str]) -> str | None:
    """`db.session` -> "participate.extensions.db.session"; a call adds "()"."""
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _qualified(node.value, names)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call):
        base = _qualified(node.func, names)
        return f"{base}()" if base else None
    return None


@dataclass
class Package:
    root: Path
    modules: dict[str, Module]

    @cached_property
    def form_classes(self) -> set[str]:
        forms = set(FORM_BASES)
        while True:
            more = {
                f"{module.name}.{node.name}"
                for module in self.modules.values()
                for node, bases in module.class_bases()
                if forms.intersection(bases)
            } - forms
            if not more:
                return forms
            forms |= more

    def forms_in(self, module: Module) -> list[ast.ClassDef]:
        return [node for node, bases in module.class_bases() if self.form_classes.intersection(bases)]

    @cached_property
    def wiring_modules(self) -> set[str]:
        return {
            name
            for name, module in self.modules.items()
            if any(
                isinstance(call.func, ast.Attribute) and call.func.attr in ("register_blueprint", "register")
                for call, _name in module.calls()
            )
        }

    @cached_property
    def view_modules(self) -> set[str]:
        return {name for name, module in self.modules.items() if module.is_view}


def load(root: Path) -> Package:
    paths = sorted((root / PACKAGE).rglob("*.py"))
    names = {}
    for path in paths:
        parts = list(path.relative_to(root).with_suffix("").parts)
        names[path] = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    known = set(names.values())
    modules = {
        name: Module(name, path, ast.parse(path.read_text(), filename=str(path)), known)
        for path, name in names.items()
    }
    return Package(root, modules)


_LOADED: dict[Path, Package] = {}


def package(root: Path) -> Package:
    if root not in _LOADED:
        _LOADED[root] = load(root)
    return _LOADED[root]


def where(module: Module, line: int) -> str:
    return f"{module.path.relative_to(module.path.parents[len(module.name.split('.')) - 1])}:{line}"


# -- the checks: each returns the breaks it finds, as readable lines ---------------------------------------


def only_entry_points_commit(root: Path) -> list[str]:
    found = []
    for module in package(root).modules.values():
        for line, code, bare in module.commits():
            if not module.is_entry:
                found.append(f"{where(module, line)}: {code} — only views, commands and tasks commit")
            elif bare:
                found.append(f"{where(module, line)}: {code} — commit through core.after_commit.commit")
    return found


def only_views_read_the_request(root: Path) -> list[str]:
    return [
        f"{where(module, line)}: reads {code} — only view modules read the request"
        for module in package(root).modules.values()
        if module.part != "core" and not module.is_view
        for line, code in module.request_reads()
    ]


def forms_do_not_query(root: Path) -> list[str]:
    found = []
    pkg = package(root)
    for module in pkg.modules.values():
        forms = pkg.forms_in(module)
        scopes: list[ast.AST | None] = [None] if forms and not module.is_view else list(forms)
        for scope in scopes:
            for line, code in module.queries(scope):
                found.append(f"{where(module, line)}: {code} — forms do not query the database")
    return found


def only_views_and_wiring_import_views(root: Path) -> list[str]:
    """The wiring (code that calls `register_blueprint` or a domain's `register(app)`: create_app) may import
    view modules, and anything may import the wiring (the Celery worker imports create_app)."""
    pkg = package(root)
    found = []
    for module in pkg.modules.values():
        if module.is_view or module.name in pkg.wiring_modules:
            continue
        for imported in module.imports:
            if imported.target in pkg.view_modules - pkg.wiring_modules:
                found.append(f"{where(module, imported.line)}: imports the view module {imported.target}")
    return found


def views_do_not_call_an_engine(root: Path) -> list[str]:
    return [
        f"{where(module, imported.line)}: a view imports the engine {imported.target}"
        for module in package(root).modules.values()
        if module.is_view
        for imported in module.imports
        if imported.target.startswith(tuple(f"{PACKAGE}.{engine}" for engine in ENGINES))
    ]


def engines_are_pure(root: Path) -> list[str]:
    import sys

    found = []
    for module in package(root).modules.values():
        if module.part not in ENGINES:
            continue
        for imported in module.imports:
            top = imported.target.split(".")[0]
            if not (
                top in sys.stdlib_module_names
                or top in ENGINE_ALLOWED_THIRD_PARTY
                or imported.target.startswith(f"{PACKAGE}.{module.part}")
            ):
                found.append(f"{where(module, imported.line)}: the engine imports {imported.target}")
    return found


def imports_follow_the_order(root: Path) -> list[str]:
    found = []
    for module in package(root).modules.values():
        for imported in module.imports:
            if not imported.target.startswith(f"{PACKAGE}.") and imported.target != PACKAGE:
                continue
            target = package(root).modules.get(imported.target)
            part = target.part if target else imported.target.split(".")[1]
            if part == module.part:
                continue
            if module.part not in RANK or part not in RANK:
                found.append(f"{where(module, imported.line)}: {module.part} or {part} has no place in ORDER")
            elif RANK[part] >= RANK[module.part]:
                found.append(
                    f"{where(module, imported.line)}: {module.part} imports {imported.target} ({imported.how}),"
                    f" which is not below it"
                )
    return found


def no_import_circle(root: Path) -> list[str]:
    """Every import counts (TYPE_CHECKING, function level, a lazy module `__getattr__`)."""
    modules = package(root).modules
    graph = {
        name: sorted({i.target for i in module.imports if i.target in modules and i.target != name})
        for name, module in modules.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[str] = []

    def connect(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append("import circle: " + ", ".join(sorted(component)))

    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for name in sorted(graph):
            if name not in index:
                connect(name)
    finally:
        sys.setrecursionlimit(limit)
    return circles


def background_work_is_a_job_kind(root: Path) -> list[str]:
    """One vocabulary for background work: domains declare job kinds (`jobs.registry.job_kind`, a recorded
    Job with progress); `core.tasks.task` is the transport under them, used by core (mail) and jobs (the
    runner) only."""
    return [
        f"{module.path.relative_to(root)}: registers a core.tasks task; declare a job kind instead"
        for module in package(root).modules.values()
        if module.part not in ("core", "jobs") and "participate.core.tasks.task" in module.decorators()
    ]


def no_function_is_tangled(root: Path) -> list[str]:
    """No function or method of the package (nested ones included) has a cyclomatic complexity of radon's
    grade D or worse (more than 20 paths): split it into functions a reader can hold in mind."""
    from radon.complexity import cc_rank, cc_visit
    from radon.visitors import Class

    def blocks(found: list) -> Iterator:
        for block in found:
            if isinstance(block, Class):
                yield from blocks(block.methods)
            else:
                yield block
                yield from blocks(block.closures)

    tangled = []
    for module in package(root).modules.values():
        for block in blocks(cc_visit(module.path.read_text())):
            if cc_rank(block.complexity) >= "D":
                tangled.append(
                    f"{module.path.relative_to(root)}:{block.lineno}: {block.fullname} has grade "
                    f"{cc_rank(block.complexity)} ({block.complexity} paths); split it"
                )
    return tangled


CHECKS: tuple[Callable[[Path], list[str]], ...] = (
    only_entry_points_commit,
    only_views_read_the_request,
    forms_do_not_query,
    only_views_and_wiring_import_views,
    views_do_not_call_an_engine,
    engines_are_pure,
    imports_follow_the_order,
    no_import_circle,
    background_work_is_a_job_kind,
    no_function_is_tangled,
)


def breaks(root: Path) -> list[str]:
    return [line for check in CHECKS for line in check(root)]
