"""Selecting a panel distribution: the engine's main entry point."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from participate.sortition.distribution import TypeDistribution, expand
from participate.sortition.errors import InputError
from participate.sortition.infeasible import raise_infeasible
from participate.sortition.legacy import legacy_distribution
from participate.sortition.leximin import Optimised, Progress, optimise
from participate.sortition.model import Pool
from participate.sortition.pricing import PanelOracle
from participate.sortition.stats import geometric_mean, gini
from participate.sortition.types import TypeModel, build_types

ALGORITHMS = ("leximin", "maximin", "legacy")
CERTAIN = 1 - 1e-9


@dataclass(frozen=True)
class Panel:
    members: tuple[str, ...]
    probability: float


@dataclass(frozen=True)
class Selection:
    """A lottery over quota-meeting panels and what it gives each person.

    `probabilities[id]` is exactly the sum of `probability` over the `panels` holding that person.
    """

    algorithm: str
    panel_size: int
    panels: tuple[Panel, ...]
    probabilities: Mapping[str, float]
    never_selected: tuple[str, ...]  # in no feasible panel (or excluded): probability 0
    always_selected: tuple[str, ...]  # on every panel of the lottery
    min_probability: float
    gini: float
    geometric_mean: float
    distribution: TypeDistribution = field(repr=False, compare=False)
    optimal: bool = True  # False only when a deadline stopped the optimisation early
    message: str = ""  # why it is not optimal (empty when it is)
    stats: Mapping[str, int | str] = field(default_factory=dict, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "panel_size": self.panel_size,
            "probabilities": dict(self.probabilities),
            "panels": [{"members": list(p.members), "probability": p.probability} for p in self.panels],
            "min_probability": self.min_probability,
            "gini": self.gini,
            "geometric_mean": self.geometric_mean,
            "never_selected": list(self.never_selected),
            "always_selected": list(self.always_selected),
            "optimal": self.optimal,
            "message": self.message,
        }


def select_panel(
    pool: Pool,
    panel_size: int,
    *,
    algorithm: str = "leximin",
    must_include: Iterable[str] = (),
    must_exclude: Iterable[str] = (),
    rng: random.Random | None = None,
    legacy_samples: int = 1000,
    progress: Progress | None = None,
    deadline: float | None = None,
) -> Selection:
    """LEXIMIN (default), MAXIMIN or the legacy greedy lottery for a panel of `panel_size` from `pool`.

    Raises InputError for bad arguments and InfeasibleQuotas (with a suggested relaxation) when no panel
    meets the quotas. `rng` is only used by "legacy" (default: random.Random(0)).

    `progress(fraction, message)`, if given, is called as the optimisation advances: `fraction` in [0, 1]
    is the share of the pool whose probability is settled, `message` a short English line (stage and
    level). `deadline` is an absolute `time.monotonic()` value (for a budget of s seconds pass
    `time.monotonic() + s`): when it passes, the best valid lottery found so far is returned with
    `optimal` False and a `message` saying which levels are proved.
    """
    if algorithm not in ALGORITHMS:
        raise InputError(f"Unknown algorithm {algorithm!r}; choose one of {', '.join(ALGORITHMS)}.")
    model = build_types(pool, panel_size, must_include=must_include, must_exclude=must_exclude)
    if algorithm == "legacy":
        # a legacy run must not fail silently on infeasible quotas: check with the pricing ILP first
        _feasibility_check(model)
        dist = legacy_distribution(model, rng=rng or random.Random(0), samples=legacy_samples)
        return selection_from_distribution(dist, algorithm=algorithm)
    if progress is not None:
        progress(0.0, "started")
    result = optimise(model, maximin_only=algorithm == "maximin", progress=progress, deadline=deadline)
    if progress is not None:
        progress(1.0, "done" if result.optimal else "stopped at the deadline")
    return selection_from_distribution(result.distribution, algorithm=algorithm, result=result)


def _feasibility_check(model: TypeModel) -> None:
    if model.seats and PanelOracle(model).best(1.0 / model.sizes) is None:
        raise_infeasible(model)


def deadline_after(seconds: float | None) -> float | None:
    """The `deadline` for a budget of `seconds` from now (None: no deadline)."""
    return None if seconds is None else time.monotonic() + seconds


def selection_from_distribution(
    dist: TypeDistribution, *, algorithm: str, result: Optimised | None = None
) -> Selection:
    pool = dist.model.pool
    named = expand(dist)
    named.sort(key=lambda item: (-item[1], item[0]))
    total = sum(q for _, q in named)
    named = [(members, q / total) for members, q in named]
    probs = [0.0] * len(pool.people)
    for members, q in named:
        for i in members:
            probs[i] += q
    ids = pool.ids
    panels = tuple(Panel(tuple(ids[i] for i in members), q) for members, q in named)
    probabilities = {ids[i]: probs[i] for i in range(len(ids))}
    never = tuple(ids[i] for i in range(len(ids)) if probs[i] == 0.0)
    in_all = set(named[0][0]).intersection(*(set(m) for m, _ in named[1:])) if named else set()
    always = tuple(ids[i] for i in sorted(in_all))
    return Selection(
        algorithm=algorithm,
        panel_size=dist.model.panel_size,
        panels=panels,
        probabilities=probabilities,
        never_selected=never,
        always_selected=always,
        min_probability=min(probs),
        gini=gini(probs),
        geometric_mean=geometric_mean(probs),
        distribution=dist,
        optimal=result.optimal if result is not None else True,
        message=result.message if result is not None else "",
        stats=(
            {}
            if result is None
            else {
                "types": dist.model.n_types,
                "stages": result.stages,
                "rounds": result.rounds,
                "lp_pricings": result.lp_pricings,
                "ilp_pricings": result.ilp_pricings,
                "way": result.way,
            }
        ),
    )
