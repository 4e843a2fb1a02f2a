"""Distributions over panels described by type counts, and their expansion to named people.

A type panel says how many people of each type sit on the panel. `expand` turns it into panels of named
people so that, within each type, everyone has exactly the same probability (the type's mean):
systematic sampling with a phase shared by all types. For a type with n members of which the type panel
takes c, write g = gcd(c, n), n' = n / g; a phase u in [0, 1) gives r = g * floor(u * n') and the members
selected are {(m * n + r) // c : m = 0..c-1}. Every member is selected for exactly c of the n values of
r, and r is uniform over the multiples of g, so each member's probability is exactly c / n. The phase
breakpoints are the fractions a / n', so a type panel expands into few named panels (10 when c/n = 1/10).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import gcd

import numpy as np

from participate.sortition.solver import FloatArray
from participate.sortition.types import TypeModel


@dataclass(frozen=True, eq=False)
class TypeDistribution:
    model: TypeModel
    counts: np.ndarray  # (panels, types) integer counts
    weights: np.ndarray  # (panels,) probabilities, sum 1

    def type_probabilities(self) -> FloatArray:
        """Per-person probability of each type: E[count] / size."""
        probabilities: FloatArray = (self.weights @ self.counts) / self.model.sizes
        return probabilities


def _select(n: int, c: int, r: int) -> list[int]:
    return [(m * n + r) // c for m in range(c)]


def expand(dist: TypeDistribution) -> list[tuple[tuple[int, ...], float]]:
    """Named panels (person indices, sorted, must-include people included) with their probabilities."""
    model = dist.model
    merged: dict[tuple[int, ...], float] = {}
    fixed = list(model.fixed_in)
    for counts, weight in zip(dist.counts, dist.weights, strict=True):
        if weight <= 0:
            continue
        partial: list[tuple[int, int, int]] = []  # (type, n, c) with 0 < c < n
        base = list(fixed)
        for t, c in enumerate(counts):
            c = int(c)
            n = len(model.members[t])
            if c == n:
                base.extend(model.members[t])
            elif c > 0:
                partial.append((t, n, c))
        cuts = {Fraction(0), Fraction(1)}
        for _, n, c in partial:
            period = n // gcd(n, c)
            cuts.update(Fraction(a, period) for a in range(1, period))
        points = sorted(cuts)
        for u0, u1 in zip(points, points[1:], strict=False):
            mid = (u0 + u1) / 2
            chosen = list(base)
            for t, n, c in partial:
                g = gcd(n, c)
                r = g * int(mid * (n // g))
                members = model.members[t]
                chosen.extend(members[k] for k in _select(n, c, r))
            key = tuple(sorted(chosen))
            merged[key] = merged.get(key, 0.0) + float(weight) * float(u1 - u0)
    return list(merged.items())
