"""Transparent lottery: rounding to M equally likely panels, its SHA-256, and the seeded draw.

Rounding (after Flanigan, Kehne, Procaccia, "Fair Sortition Made Transparent", NeurIPS 2021). The
distribution is a lottery over type panels j with probabilities λ_j (see distribution.py). The lottery
keeps the LEXIMIN's promise: every person's share p~_i of the M panels is at least their LEXIMIN
probability p_i minus 2/M (`worst_loss`, the largest shortfall, reported with every share).

Within a type t (interchangeable people), its N_t seats over the M panels go to its n_t members in turn
(round robin), so each member sits on floor or ceil of N_t / n_t panels and a shortfall lands on no one
twice; the promise therefore holds exactly when N_t >= n_t k_t with k_t = ceil(M π_t - 2) for every type
(π_t: its members' probability). The M panels are found in up to three steps:

1. Each type panel gets m_j ∈ {floor(M λ_j), ceil(M λ_j)} copies, sum m_j = M, chosen by an ILP that
   minimises the type-level discrepancy D = max_t |sum_j (m_j - M λ_j) c_tj / n_t| (0.05 s, largest
   remainders as the fallback). On small pools this keeps the promise with D below 2.
2. Where it does not (sf_e's shape: about 780 type panels for 1,000 slots, D about 17, a loss of 0.0073),
   the panels are chosen again one at a time from the distribution's panels, each the one that best
   serves the types furthest behind their share so far (herding), and then panels are replaced, one at a
   time, by quota-meeting panels (an ILP) that take no seat a type cannot spare and give seats to the
   types still short, until none is (on sf_e's shape a handful of replacements).
3. If that fails within its time limit, M doubles (at most three times) and the lottery says why
   (`size_reason`).

Every lottery panel is a type panel (of the distribution or of the quota polytope), so it meets every
quota and the household rule. The lottery also reports D, the two-sided bound (1 + D) / M on
|p~_i - p_i| that round robin gives, and the actual largest change `max_deviation`.

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
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from participate.sortition.distribution import TypeDistribution
from participate.sortition.errors import LotteryError
from participate.sortition.solver import (
    FloatArray,
    IntArray,
    build,
    run,
    set_col_bounds,
    set_costs,
    set_time_limit,
)

HASH_PROCEDURE = (
    'SHA-256 (hex) of the UTF-8 bytes of json.dumps(panels, separators=(",", ":"), ensure_ascii=True), '
    "panels being the list of the M panels, each a list of person ids in the published order"
)
PROMISE_MARGIN = 1e-7  # kept below 2/M by this many panels, so float noise never shows as a broken promise
REPAIR_CANDIDATES = 5  # panels tried for removal per replacement before the repair gives up
MAX_DOUBLINGS = 3  # M grows at most 8-fold
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
    worst_loss: float = 0.0  # max_i (p_i - p~_i, 0): at most 2/M, the promise
    shares: Mapping[str, float] = field(default_factory=dict, repr=False, compare=False)  # p~ per person
    size_reason: str = ""  # why M is what it is

    def as_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "size_reason": self.size_reason,
            "sha256": self.sha256,
            "panels": [list(p) for p in self.panels],
            "shares": dict(self.shares),
            "max_deviation": self.max_deviation,
            "worst_loss": self.worst_loss,
            "promised_loss": 2 / self.size,
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


def _round_counts(dist: TypeDistribution, size: int, *, time_limit: float) -> tuple[IntArray, float]:
    """Type-panel copies m_j in {floor(M λ_j), ceil(M λ_j)} minimising D (see the module docstring)."""
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
    rounded: IntArray = np.rint(counts).astype(int)
    discrepancy = float(np.abs((rounded - target) @ a).max()) if a.size else 0.0
    return rounded, discrepancy


def _loss(dist: TypeDistribution, seats: FloatArray, size: int) -> float:
    """max_t (M π_t - floor(N_t / n_t)): what the worst-off member of a type loses, in panels, when its
    N_t seats go to its n_t members in turn (each gets floor or ceil of N_t / n_t)."""
    if not seats.size:
        return 0.0
    per_member = np.floor(seats / dist.model.sizes + 1e-9)
    return float((size * dist.type_probabilities() - per_member).max())


def _herd(dist: TypeDistribution, size: int) -> FloatArray:
    """M type panels from the distribution's support, one at a time, each the one that best serves the
    types furthest behind their share so far (herding): (M, types) counts."""
    share = dist.counts / dist.model.sizes  # (panels, types), mostly zeros
    pi = dist.type_probabilities()
    # sparse scores, summed in a fixed order: quicker than a dense product and the same on every machine
    # (a multi-threaded BLAS may sum in another order and so break a tie between two panels differently)
    panel_of, type_of = np.nonzero(share)
    values = share[panel_of, type_of]
    taken = np.zeros(share.shape[1])
    rows = np.empty(size, dtype=int)
    for s in range(size):
        behind = np.maximum((s + 1) * pi - taken + 0.5, 0.0) ** 2
        j = int(np.argmax(np.bincount(panel_of, weights=values * behind[type_of], minlength=len(share))))
        rows[s] = j
        taken += share[j]
    panels: FloatArray = dist.counts[rows].astype(float)
    return panels


def _repair(dist: TypeDistribution, panels: FloatArray, size: int, *, deadline: float) -> bool:
    """Replace panels (in place) until every type t holds at least n_t k_t seats, k_t = ceil(M π_t - 2),
    so that each member sits on at least k_t panels
    (k_t = ceil(M π_t - 2 + PROMISE_MARGIN)). Each replacement is a quota-meeting panel found by an
    ILP that takes no seat a type cannot spare and gives as many as it can to the types short of seats.
    False when stuck or out of time."""
    model = dist.model
    sizes = np.asarray(model.sizes, dtype=float)
    need = sizes * np.maximum(np.ceil(size * dist.type_probabilities() - 2 + PROMISE_MARGIN), 0)
    seats = panels.sum(axis=0)
    rows, lo, hi = model.constraint_rows()
    t = model.n_types
    ilp = build(np.zeros(t), rows, lo, hi, np.zeros(t), sizes, integer=np.ones(t, dtype=bool), maximize=True)
    index = np.arange(t, dtype=np.int32)
    tried: set[tuple[int, bytes]] = set()
    while True:
        short = np.maximum(need - seats, 0)
        if not short.any():
            return True
        spare = seats - need
        behind = short > 0
        # remove first the panels holding no one of the types behind and the most of those with seats to spare
        order = np.argsort(
            (panels[:, behind] > 0).sum(axis=1) * (t + 1.0) * sizes.max()
            - np.minimum(panels, np.maximum(spare, 0)).sum(axis=1),
            kind="stable",
        )
        replaced = False
        for r in order[:REPAIR_CANDIDATES]:
            key = (int(r), behind.tobytes())
            if key in tried:
                continue
            tried.add(key)
            old = panels[r]
            lower = np.where(behind, old, np.maximum(old - spare, 0))
            upper = np.where(behind, np.minimum(sizes, old + short), sizes)
            if (lower > upper).any():
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            set_col_bounds(ilp, index, lower, upper)
            set_costs(ilp, behind.astype(float))
            set_time_limit(ilp, left)
            sol = run(ilp)
            if sol.x is None:
                continue
            new = np.rint(sol.x)
            if np.minimum(np.maximum(new - old, 0), short)[behind].sum() >= 1:
                seats += new - old
                panels[r] = new
                replaced = True
                break
        if not replaced:
            return False


def round_lottery(
    dist: TypeDistribution,
    probabilities: Mapping[str, float],
    *,
    size: int = 1000,
    time_limit: float = 0.05,
    promise_time_limit: float = 120.0,
) -> Lottery:
    """Uniform lottery over `size` panels (or more, see below) close to `dist` that keeps the LEXIMIN's
    promise: every person's share of the panels is at least their probability minus 2/M.

    First the rounding of the type panels' copies (floor/ceil of M λ_j, minimising D); if some type then
    falls short, herding over the distribution's panels and replacements (_repair), within
    `promise_time_limit` seconds; failing that, M doubles (at most MAX_DOUBLINGS times). The lottery says
    why M was chosen (`size_reason`)."""
    if size < 1:
        raise LotteryError("The lottery size must be at least 1.")
    asked = size
    deadline = time.monotonic() + promise_time_limit
    counts, _ = _round_counts(dist, size, time_limit=time_limit)
    panels: FloatArray = np.repeat(dist.counts, counts, axis=0).astype(float)
    reason = f"{size} panels, as asked; rounding each panel's copies to a whole number keeps the promise"
    for doublings in range(MAX_DOUBLINGS + 1):
        if _loss(dist, panels.sum(axis=0), size) <= 2 - PROMISE_MARGIN:
            break
        panels = _herd(dist, size)
        if _repair(dist, panels, size, deadline=deadline):
            reason = (
                f"{size} panels"
                + (" as asked" if size == asked else f" (asked {asked})")
                + "; rounding each panel's copies alone would leave someone more than 2/M short, so panels"
                " were chosen in turn for whoever was furthest behind and some replaced by quota-meeting"
                " panels that make up the shortfall"
            )
            break
        if doublings == MAX_DOUBLINGS or time.monotonic() >= deadline:
            reason = f"{size} panels (asked {asked}); the promise could not be kept in the time allowed"
            break
        size *= 2
        counts, _ = _round_counts(dist, size, time_limit=time_limit)
        panels = np.repeat(dist.counts, counts, axis=0).astype(float)
        reason = f"{size} panels (asked {asked}): with fewer, rounding could not give everyone their share"
    return _assemble(dist, probabilities, panels, size, reason)


def _assemble(
    dist: TypeDistribution,
    probabilities: Mapping[str, float],
    panels: FloatArray,
    size: int,
    reason: str,
) -> Lottery:
    """The M named panels from their type counts: each type's seats go to its members in turn (round
    robin), so a type's shortfall lands on no one twice."""
    model = dist.model
    pointers = [0] * model.n_types
    named: list[tuple[str, ...]] = []
    ids = model.pool.ids
    for row in panels:
        chosen = list(model.fixed_in)
        for t in np.flatnonzero(row):
            c = int(round(row[t]))
            members = model.members[t]
            n = len(members)
            start = pointers[t]
            chosen.extend(members[k % n] for k in range(start, start + c))
            pointers[t] = start + c
        named.append(tuple(ids[i] for i in sorted(chosen)))
    appearances: dict[str, int] = dict.fromkeys(probabilities, 0)
    for panel in named:
        for pid in panel:
            appearances[pid] = appearances.get(pid, 0) + 1
    shares = {pid: appearances[pid] / size for pid in probabilities}
    max_dev = max((abs(shares[pid] - p) for pid, p in probabilities.items()), default=0.0)
    worst_loss = max((max(p - shares[pid], 0.0) for pid, p in probabilities.items()), default=0.0)
    seats = panels.sum(axis=0)
    discrepancy = (
        float(np.abs(seats / model.sizes - size * dist.type_probabilities()).max()) if seats.size else 0.0
    )
    return Lottery(
        size=size,
        panels=tuple(named),
        sha256=lottery_hash(named),
        discrepancy=discrepancy,
        bound=(1 + discrepancy) / size,
        max_deviation=max_dev,
        worst_loss=worst_loss,
        shares=shares,
        size_reason=reason,
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
