"""What the Method of Equal Shares works on and returns: its projects as arrays over ballot groups, its
outcome, and the float tolerances of its search (floats only order the search; every decision is exact)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from ..profile import SatProfile
from ..ties import TieBreaking

Vector = np.ndarray[Any, np.dtype[Any]]

REL = 1e-9  # relative tolerance of the float search (float error is orders of magnitude smaller)
BAND = 1e-7  # supporters whose money/sat ratio is this close to rho are checked exactly
MARGIN = 1e-9  # relative error margin of the add1 jump's inequalities
CERT = 1e-8  # relative tolerance of the certified float runs of add1


try:  # einsum's Python wrapper costs as much as a short product itself, and add1 makes 60,000 of them
    from numpy._core.multiarray import c_einsum as _einsum
except ImportError:  # pragma: no cover - another numpy's layout
    _einsum = np.einsum


def dot(a: Vector, b: Vector) -> Any:
    """Dot product without BLAS: multi-threaded BLAS on many short vectors is several times slower on a busy
    machine, and integer inputs stay exact."""
    return _einsum("i,i->", a, b)


class MesPayment(NamedTuple):  # a large election has thousands: a tuple is much quicker to make
    amount: Fraction  # what each of these voters paid
    voters: int


@dataclass(frozen=True)
class MesRound:
    project: str
    cost: int
    supporters: int  # voters who get satisfaction from it
    payers: int  # voters who paid a positive amount
    gave_all: int  # voters who paid all the money they had left
    payments: tuple[MesPayment, ...]  # distinct amounts, largest first


@dataclass(frozen=True)
class MesUnfunded:
    project: str
    cost: int
    supporters: int
    money: Fraction  # total money its supporters had left at the end


@dataclass(frozen=True)
class MesOutcome:
    selected: tuple[str, ...]  # free projects first, then in the order bought
    budget_per_voter: Fraction  # the per-voter budget of the run returned (after add1 increments)
    increments: int  # how many currency units were added to each voter's budget (add1)
    rounds: tuple[MesRound, ...]
    unfunded: tuple[MesUnfunded, ...]
    free: tuple[str, ...]  # supported projects of cost 0, funded before anything else


class MesProject:
    """A project with cost > 0 and its supporters, as arrays over their ballot groups."""

    __slots__ = (
        "index",  # position in the profile
        "id",
        "cost",
        "tie",  # tie-breaking key
        "groups",  # ballot groups that get satisfaction from it
        "sat",  # their satisfaction (int, x profile scale)
        "sat_f",
        "weight",  # voters in each of those groups
        "weight_f",
        "weighted_sat_f",  # weight x sat
        "weighted_sat_total",
        "total_sat",  # exact total satisfaction of all its supporters
        "voters",  # number of supporters
        "uniform_sat",  # the satisfaction of every supporter if it is the same for all (float), else None
    )

    def __init__(self, sp: SatProfile, p: int, tie: TieBreaking) -> None:
        sl = sp.project_slice(p)
        sat = sp.entry_sat[sl]
        keep = sat > 0
        self.index = p
        self.id = sp.project_ids[p]
        self.cost = sp.costs[p]
        self.groups = sp.entry_group[sl][keep]
        self.sat = sat[keep]
        self.sat_f = self.sat.astype(np.float64)
        self.weight = sp.weights[self.groups]
        self.weight_f = self.weight.astype(np.float64)
        self.weighted_sat_f = self.weight_f * self.sat_f
        self.weighted_sat_total = float(self.weighted_sat_f.sum())
        self.total_sat = int(dot(self.weight, self.sat))
        self.voters = int(self.weight.sum())
        same = len(self.sat) > 0 and bool((self.sat == self.sat[0]).all())
        self.uniform_sat = float(self.sat_f[0]) if same else None
        self.tie = tie(self.id)


def prepare(sp: SatProfile, tie: TieBreaking) -> tuple[list[MesProject], list[str]]:
    """The projects MES can fund with money (supported, cost > 0) and the free ones (supported, cost 0,
    funded first in tie-breaking order)."""
    projs: list[MesProject] = []
    free: list[str] = []
    for p in range(sp.n_projects):
        q = MesProject(sp, p, tie)
        if q.total_sat > 0:
            if q.cost > 0:
                projs.append(q)
            else:
                free.append(q.id)
    free.sort(key=tie)
    return projs, free
