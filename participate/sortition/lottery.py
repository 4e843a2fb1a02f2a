"""Transparent lottery: rounding to M equally likely panels, its SHA-256, and the seeded draw.

Rounding (after Flanigan, Kehne, Procaccia, "Fair Sortition Made Transparent", NeurIPS 2021). The
distribution is a lottery over type panels j with probabilities λ_j (see distribution.py). Each type
panel gets m_j ∈ {floor(M λ_j), ceil(M λ_j)} of the M lottery slots, sum m_j = M, chosen by an ILP that
minimises the type-level discrepancy D = max_t |sum_j (m_j - M λ_j) c_tj / n_t|. Then, for each type t,
its members fill the type's seats of the M panels in turn (round robin over the type's members), so each
member sits on floor or ceil of N_t / n_t panels, N_t = sum_j m_j c_tj. Hence the promised bound, which
the lottery reports and the tests check, for every person i:

    |p~_i - p_i| < (1 + D) / M       (p~_i: share of the M panels holding i, p_i: LEXIMIN probability)

The ILP (0.05 s time limit, largest remainders as the fallback) finds D below 2 on our small examples, so
every probability moves by less than 3/M (0.3% for M = 1000); a longer limit buys little (the Sortition
Foundation pool: D 1.54 after 1 s, 1.61 after 0.03 s). A lottery with nearly as many type panels as slots
rounds worse: sf_e's shape (about 780 type panels for M = 1000) has D about 12, every probability within
1.3%. The lottery reports D, the bound and the actual largest change.
Every lottery panel is a type panel of the distribution, so it meets every quota and the household rule.

Hash: ``sha256`` is the SHA-256 (hex) of the UTF-8 bytes of ``json.dumps(panels, separators=(",", ":"),
ensure_ascii=True)`` where ``panels`` is the list of the M panels, each a list of person ids in the
published order.

Draw: ``b = SHA-256(UTF-8 bytes of the seed text, exactly as given)``; repeat: ``v = int.from_bytes(b,
"big")``; if ``v < floor(2**256 / M) * M`` the index is ``v mod M``, otherwise ``b = SHA-256(b)`` (hash the
previous 32-byte digest) and try again. The accepted region is an exact multiple of M, so every index in
0..M-1 is equally likely (rejection happens with probability < M / 2**256).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from participate.sortition.distribution import TypeDistribution
from participate.sortition.errors import LotteryError
from participate.sortition.solver import build, run

HASH_PROCEDURE = (
    'SHA-256 (hex) of the UTF-8 bytes of json.dumps(panels, separators=(",", ":"), ensure_ascii=True), '
    "panels being the list of the M panels, each a list of person ids in the published order"
)
DRAW_PROCEDURE = (
    "b = SHA-256(UTF-8 bytes of the seed text exactly as given); repeat: v = b read as a big-endian "
    "256-bit integer; if v < floor(2^256 / M) * M then index = v mod M, else b = SHA-256(b) and repeat. "
    "The drawn panel is panels[index] (0-based)."
)


@dataclass(frozen=True)
class Lottery:
    size: int
    panels: tuple[tuple[str, ...], ...]
    sha256: str
    discrepancy: float  # D, the type-level discrepancy
    bound: float  # (1 + D) / M: promised bound on |p~_i - p_i|
    max_deviation: float  # the actual max_i |p~_i - p_i|

    def as_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "sha256": self.sha256,
            "panels": [list(p) for p in self.panels],
            "max_deviation": self.max_deviation,
            "bound": self.bound,
            "hash_procedure": HASH_PROCEDURE,
            "draw_procedure": DRAW_PROCEDURE,
        }


@dataclass(frozen=True)
class Draw:
    seed: str
    index: int
    panel: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "index": self.index,
            "panel": list(self.panel),
            "procedure": DRAW_PROCEDURE,
        }


def lottery_hash(panels: Iterable[Iterable[str]]) -> str:
    text = json.dumps([list(p) for p in panels], separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _round_counts(dist: TypeDistribution, size: int, *, time_limit: float) -> tuple[np.ndarray, float]:
    target = dist.weights * size
    floor = np.floor(target + 1e-9)
    floor = np.minimum(floor, target + 1e-9).astype(float)
    frac = target - floor
    need = int(round(size - floor.sum()))
    a = dist.counts / dist.model.sizes  # (panels, types)
    free = np.flatnonzero(frac > 1e-9)
    if need <= 0 or free.size == 0:
        counts = floor
    else:
        # fallback: largest remainders
        counts = floor.copy()
        counts[free[np.argsort(-frac[free], kind="stable")[:need]]] += 1
        nf = free.size
        base_dev = (floor - target) @ a  # per type
        # variables: b_f (binary) for free panels, D >= 0; rows: +-(base_dev + a_free^T b) <= D; sum b = need
        t = a.shape[1]
        matrix = np.zeros((2 * t + 1, nf + 1))
        matrix[:t, :nf] = a[free].T
        matrix[:t, nf] = -1.0
        matrix[t : 2 * t, :nf] = -a[free].T
        matrix[t : 2 * t, nf] = -1.0
        matrix[2 * t, :nf] = 1.0
        lo = np.concatenate([np.full(2 * t, -np.inf), [need]])
        hi = np.concatenate([-base_dev, base_dev, [need]])
        cost = np.concatenate([np.zeros(nf), [1.0]])
        sol = run(
            build(
                cost,
                matrix,
                lo,
                hi,
                np.zeros(nf + 1),
                np.concatenate([np.ones(nf), [np.inf]]),
                integer=np.concatenate([np.ones(nf, dtype=bool), [False]]),
                time_limit=time_limit,
                mip_gap=1e-6,
            )
        )
        if sol.x is not None:
            candidate = floor.copy()
            candidate[free] += np.rint(sol.x[:nf])
            if int(round(candidate.sum())) == size:
                old = np.abs((counts - target) @ a).max()
                new = np.abs((candidate - target) @ a).max()
                if new <= old:
                    counts = candidate
    counts = np.rint(counts).astype(int)
    discrepancy = float(np.abs((counts - target) @ a).max()) if a.size else 0.0
    return counts, discrepancy


def round_lottery(
    dist: TypeDistribution,
    probabilities: Mapping[str, float],
    *,
    size: int = 1000,
    time_limit: float = 0.05,
) -> Lottery:
    """Uniform lottery over `size` panels close to `dist` (see the module docstring for the bound)."""
    if size < 1:
        raise LotteryError("The lottery size must be at least 1.")
    model = dist.model
    pool = model.pool
    counts, discrepancy = _round_counts(dist, size, time_limit=time_limit)
    pointers = [0] * model.n_types
    panels: list[tuple[str, ...]] = []
    ids = pool.ids
    for j, copies in enumerate(counts):
        seats = [(int(t), int(dist.counts[j][t])) for t in np.flatnonzero(dist.counts[j])]
        for _ in range(int(copies)):
            chosen = list(model.fixed_in)
            for t, c in seats:
                members = model.members[t]
                n = len(members)
                start = pointers[t]
                chosen.extend(members[k % n] for k in range(start, start + c))
                pointers[t] = start + c
            panels.append(tuple(ids[i] for i in sorted(chosen)))
    appearances: dict[str, int] = {}
    for panel in panels:
        for pid in panel:
            appearances[pid] = appearances.get(pid, 0) + 1
    max_dev = max(abs(appearances.get(pid, 0) / size - p) for pid, p in probabilities.items())
    return Lottery(
        size=size,
        panels=tuple(panels),
        sha256=lottery_hash(panels),
        discrepancy=discrepancy,
        bound=(1 + discrepancy) / size,
        max_deviation=max_dev,
    )


def draw_index(seed: str, size: int) -> int:
    """The documented seed -> index procedure (see the module docstring)."""
    if size < 1:
        raise LotteryError("The lottery has no panels.")
    limit = ((1 << 256) // size) * size
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    while True:
        value = int.from_bytes(digest, "big")
        if value < limit:
            return value % size
        digest = hashlib.sha256(digest).digest()  # pragma: no cover - probability < size / 2**256


def draw(lottery: Lottery, seed: str) -> Draw:
    index = draw_index(seed, lottery.size)
    return Draw(seed, index, lottery.panels[index])


def verify_draw(document: Mapping[str, Any], seed: str) -> Draw:
    """Recompute the draw from a published lottery (the `select` JSON or just its "lottery" object).

    Checks that the panels hash to the published SHA-256 and that the size matches; raises LotteryError.
    """
    lottery = document.get("lottery", document) if isinstance(document, Mapping) else None
    if not isinstance(lottery, Mapping) or not isinstance(lottery.get("panels"), list):
        raise LotteryError("The file holds no lottery (expected a 'lottery' object with 'panels').")
    panels = lottery["panels"]
    if not all(isinstance(p, list) and all(isinstance(x, str) for x in p) for p in panels):
        raise LotteryError("The lottery's panels must be lists of person ids.")
    size = lottery.get("size", len(panels))
    if size != len(panels):
        raise LotteryError(f"The lottery says it has {size} panels but lists {len(panels)}.")
    digest = lottery_hash(panels)
    published = lottery.get("sha256")
    if published is not None and published != digest:
        raise LotteryError(f"The lottery's panels hash to {digest}, not the published {published}.")
    index = draw_index(seed, len(panels))
    return Draw(seed, index, tuple(panels[index]))
