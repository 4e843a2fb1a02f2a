"""Shared helpers for the sortition engine tests (plain pytest, no app)."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from participate.sortition import Pool, Selection, load_pool, select_panel
from tests.ci import unavailable

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sortition"
LOCAL = Path(__file__).resolve().parents[1] / "data" / "sortition"


@dataclass(frozen=True)
class Case:
    name: str
    features: str
    people: str
    id_column: str
    panel_size: int
    address_columns: tuple[str, ...] = ()


CASES = {
    "sf-fixture": Case(
        "sf-fixture",
        "sortition-algorithms-fixture/features.csv",
        "sortition-algorithms-fixture/candidates.csv",
        "nationbuilder_id",
        22,
        ("primary_address1", "primary_zip"),
    ),
    "opendlp": Case(
        "opendlp",
        "opendlp-docs-example/Categories_csv_example.csv",
        "opendlp-docs-example/Respondents_csv_example.csv",
        "unique_id",
        20,
    ),
    "small-20": Case(
        "small-20",
        "replication-example_small_20/categories.csv",
        "replication-example_small_20/respondents.csv",
        "id",
        20,
    ),
    "large-200": Case(
        "large-200",
        "replication-example_large_200/categories.csv",
        "replication-example_large_200/respondents.csv",
        "id",
        200,
    ),
}


def require(condition: bool, reason: str) -> None:
    """Skip locally when something a reference check needs is missing; in CI (env CI set), fail: a
    reference comparison must never be skipped silently there."""
    if not condition:
        unavailable(reason)


def shared_path(relative: str) -> Path:
    path = SHARED / relative
    require(path.exists(), f"shared data not found: {path}")
    return path


@functools.cache
def pool_for(name: str) -> Pool:
    case = CASES[name]
    return load_pool(
        shared_path(case.features),
        shared_path(case.people),
        id_column=case.id_column,
        address_columns=case.address_columns,
    )


@functools.cache
def selection_for(name: str, algorithm: str = "leximin") -> Selection:
    return select_panel(pool_for(name), CASES[name].panel_size, algorithm=algorithm)


def panel_violations(pool: Pool, panel_size: int, members) -> list[str]:
    """Everything wrong with a panel: size, duplicates, quotas, household rule."""
    problems = []
    members = list(members)
    if len(members) != panel_size:
        problems.append(f"size {len(members)} != {panel_size}")
    if len(set(members)) != len(members):
        problems.append("duplicate members")
    people = [pool.person(pid) for pid in members]
    for f, feature in enumerate(pool.features):
        counts = Counter(p.values[f] for p in people)
        for q in feature.quotas:
            if not q.min <= counts.get(q.value, 0) <= q.max:
                problems.append(f"{q.feature}={q.value}: {counts.get(q.value, 0)} not in {q.min}..{q.max}")
    addresses = [p.address for p in people if p.address]
    if len(addresses) != len(set(addresses)):
        problems.append("two members share an address")
    return problems


def marginals(selection: Selection) -> dict[str, float]:
    out = dict.fromkeys(selection.probabilities, 0.0)
    for panel in selection.panels:
        for pid in panel.members:
            out[pid] += panel.probability
    return out


def leximin_at_least(ours: list[float], theirs: list[float], tol: float = 1e-6) -> bool:
    """`ours` is at least as good as `theirs` in leximin order (sorted ascending), up to `tol`."""
    for a, b in zip(sorted(ours), sorted(theirs), strict=True):
        if a > b + tol:
            return True
        if a < b - tol:
            return False
    return True
