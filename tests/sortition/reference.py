"""Run sortition-algorithms 0.12.15 (the reference) on one of our pools, through its public API."""

from __future__ import annotations

import importlib.util

from participate.sortition.model import Pool


def available() -> bool:
    return (
        importlib.util.find_spec("sortition_algorithms") is not None
        and importlib.util.find_spec("mip") is not None
    )


def gurobi_reason() -> str | None:
    """None if gurobipy with a working (restricted) licence is importable, else why not."""
    if importlib.util.find_spec("gurobipy") is None:
        return "gurobipy is not installed (sortition-algorithms' leximin needs Gurobi)"
    try:
        import gurobipy

        model = gurobipy.Model()
        model.setParam("OutputFlag", 0)
        model.addVar()
        model.optimize()
    except Exception as exc:  # the licence or the library is unusable here
        return f"gurobipy is unusable here: {exc}"
    return None


def _sa_inputs(pool: Pool):
    from sortition_algorithms import Settings, read_in_features, read_in_people

    head = ["feature", "value", "min", "max"]
    body = [
        {"feature": q.feature, "value": q.value, "min": str(q.min), "max": str(q.max)} for q in pool.quotas
    ]
    features, _, _ = read_in_features(head, body)
    names = [f.name for f in pool.features]
    people_head = ["pid", *names, "household"]
    rows = []
    for person in pool.people:
        row = {"pid": person.id, "household": person.address or f"\x00alone:{person.id}"}
        row.update(dict(zip(names, person.values, strict=True)))
        rows.append(row)
    has_households = any(p.address for p in pool.people)
    settings = Settings(
        id_column="pid",
        columns_to_keep=[],
        check_same_address=has_households,
        check_same_address_columns=["household"] if has_households else [],
    )
    people, _ = read_in_people(people_head, rows, features, settings)
    return features, people, (["household"] if has_households else [])


def run(pool: Pool, panel_size: int, algorithm: str) -> tuple[list[frozenset[str]], list[float]]:
    """(committees, probabilities) from sortition-algorithms' maximin or leximin (backend mip/CBC)."""
    from sortition_algorithms.committee_generation.leximin import find_distribution_leximin
    from sortition_algorithms.committee_generation.maximin import find_distribution_maximin

    features, people, address = _sa_inputs(pool)
    finder = find_distribution_maximin if algorithm == "maximin" else find_distribution_leximin
    committees, probabilities, _ = finder(features, people, panel_size, address, solver_backend="mip")
    return list(committees), list(probabilities)


def marginals(pool: Pool, committees, probabilities) -> dict[str, float]:
    out = dict.fromkeys(pool.ids, 0.0)
    for committee, q in zip(committees, probabilities, strict=True):
        for pid in committee:
            out[pid] += q
    return out
