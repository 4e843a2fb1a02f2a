"""Method of Equal Shares (pabutools `method_of_equal_shares`), with the add1 completion
(`voter_budget_increment=1`).

Exactness: every voter's money is an exact Fraction. Voters with the same history hold the same amount, so
money is stored per *class* (a small list of Fractions) and each merged ballot group points to its class.
Floats only order the search: the price rho of each project is estimated in floating point, the projects
whose estimate is within a tolerance of the best are recomputed exactly, and the capped/uncapped split of the
chosen project's supporters is confirmed exactly (falling back to a fully exact computation if not).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import CountingError
from ..progress import Watch
from ..satisfaction import SatProfile
from ..ties import TieBreaking, lexicographic

_REL = 1e-9


def _dot(a: np.ndarray, b: np.ndarray):
    """Dot product without BLAS: multi-threaded BLAS on many short vectors is several times slower on a busy
    machine, and integer inputs stay exact."""
    return np.einsum("i,i->", a, b)


# relative tolerance of the float search (float error is orders of magnitude smaller)
_BAND = 1e-7  # supporters whose money/sat ratio is this close to rho are checked exactly


@dataclass(frozen=True)
class MesPayment:
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


class _Proj:
    __slots__ = (
        "p",
        "pid",
        "cost",
        "idx",
        "s",
        "sf",
        "w",
        "wf",
        "wsf",
        "wsf_total",
        "tie",
        "total",
        "voters",
    )

    def __init__(self, sp: SatProfile, p: int, tie) -> None:
        sl = sp.project_slice(p)
        sat = sp.entry_sat[sl]
        keep = sat > 0
        self.p = p
        self.pid = sp.project_ids[p]
        self.cost = sp.costs[p]
        self.idx = sp.entry_group[sl][keep]
        self.s = sat[keep]
        self.sf = self.s.astype(np.float64)
        self.w = sp.weights[self.idx]
        self.wf = self.w.astype(np.float64)
        self.wsf = self.wf * self.sf
        self.wsf_total = float(self.wsf.sum())
        self.total = int(_dot(self.w, self.s))
        self.voters = int(self.w.sum())
        self.tie = tie(self.pid)


class _View:
    """Exact per-class values, computed on demand: class c holds its parent's value minus
    deltas[round[c]] * sat[c] (the payment of that round)."""

    def __init__(self, money: _Money, memo: list, deltas: list) -> None:
        self.m, self.memo, self.deltas = money, memo, deltas

    def __getitem__(self, c) -> Fraction:
        memo, m = self.memo, self.m
        c = int(c)
        if memo[c] is not None:
            return memo[c]
        chain = []
        while memo[c] is None:
            chain.append(c)
            c = m.parent[c]
        v = memo[c]
        for x in reversed(chain):
            v = v - self.deltas[m.rnd[x]] * m.sv[x]
            memo[x] = v
        return v


class _Money:
    """Exact money of every group: a class per group, class values exact on demand (floats eagerly)."""

    def __init__(self, n_groups: int, per_voter: Fraction) -> None:
        self.parent: list[int] = [0, 1]
        self.rnd: list[int] = [0, 0]
        self.sv: list[int] = [0, 0]
        self.rhos: list[Fraction] = []
        self.drhos: list[Fraction] = []
        self._vals: list[Fraction | None] = [Fraction(0), per_voter]
        self._slopes: list[Fraction | None] = [Fraction(0), Fraction(1)]  # d(money)/d(budget), add1 jump
        self.vals = _View(self, self._vals, self.rhos)
        self.slopes = _View(self, self._slopes, self.drhos)
        self.valsf = np.array([0.0, float(per_voter)])
        self.slopesf = np.array([0.0, 1.0])
        self.cls = np.ones(n_groups, dtype=np.int64)

    def exact_sum(self, classes: np.ndarray, weights: np.ndarray) -> Fraction:
        """Exact total money of the given groups (weights = voters per group). A class's value is its root's
        (0 or the per-voter budget) minus the payments along its chain, so the total is
        budget * (voters under root 1) - sum over rounds of rho_t * (integer sum of satisfactions paid)."""
        counts = np.bincount(classes, weights=weights, minlength=0)
        frontier: dict[int, int] = {int(c): int(counts[c]) for c in np.nonzero(counts)[0]}
        heap = [-c for c in frontier]
        heapq.heapify(heap)
        per_round: dict[int, int] = {}
        at_budget = 0
        parent, rnd, sv = self.parent, self.rnd, self.sv
        total = Fraction(0)
        while heap:
            c = -heapq.heappop(heap)  # children have larger ids than their parents
            n = frontier.pop(c)
            if c == 1:
                at_budget += n
            elif c != 0:
                t = rnd[c]
                per_round[t] = per_round.get(t, 0) + n * sv[c]
                pc = parent[c]
                if pc in frontier:
                    frontier[pc] += n
                else:
                    frontier[pc] = n
                    heapq.heappush(heap, -pc)
        total += at_budget * self._vals[1]
        for t, amount in per_round.items():
            total -= self.rhos[t] * amount
        return total


def _float_rho(q: _Proj, money: _Money):
    """Float estimate of rho; None if the supporters certainly cannot afford q (exactly checked)."""
    bud = money.valsf[money.cls[q.idx]]
    m = q.wf * bud
    total = float(m.sum())
    tol = _REL * q.cost + 1e-12 * q.voters * float(money.valsf[1])
    if total < q.cost - tol or (total < q.cost + tol and money.exact_sum(money.cls[q.idx], q.wf) < q.cost):
        return None
    r = bud / q.sf
    o = np.argsort(r, kind="stable")
    ms = m[o]
    prefix = np.cumsum(ms) - ms
    suffix = np.cumsum(q.wsf[o][::-1])[::-1]
    rs = r[o]
    cond = (q.cost - prefix) <= rs * suffix
    i = int(np.argmax(cond)) if cond.any() else len(o) - 1
    rho = (q.cost - prefix[i]) / suffix[i]
    return rho, o, i, rs, (q.cost + prefix[i]) / suffix[i]


def _exact_rho(q: _Proj, money: _Money, o: np.ndarray, i: int, rs: np.ndarray, rho_f: float) -> tuple:
    """Exact rho and the number of capped supporters (first `i` of order `o`), confirmed exactly."""
    cls_sorted = money.cls[q.idx[o]]
    capped_money = money.exact_sum(cls_sorted[:i], q.wf[o][:i]) if i else Fraction(0)
    den = int(_dot(q.w[o][i:], q.s[o][i:]))
    if den > 0:
        rho = (q.cost - capped_money) / den
        slack = _BAND * abs(rho_f) + 1e-11 * float(money.valsf[1]) / q.sf[o]  # + rounding of float money
        band = np.nonzero(np.abs(rs - rho_f) <= slack)[0]
        ok = True
        for j in band:
            have = money.vals[cls_sorted[j]]
            need = rho * int(q.s[o][j])
            if (j < i and have > need) or (j >= i and have < need):
                ok = False
                break
        if ok:
            return rho, o, i
    return _exact_rho_slow(q, money)


def _exact_rho_slow(q: _Proj, money: _Money) -> tuple:
    vals = money.vals
    cls = money.cls[q.idx]
    keys = [vals[c] / int(s) for c, s in zip(cls, q.s, strict=True)]
    o = np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)
    paid = Fraction(0)
    den = q.total
    for i, j in enumerate(o):
        rho = (q.cost - paid) / den
        s = int(q.s[j])
        if rho * s <= vals[cls[j]]:
            return rho, o, i
        paid += int(q.w[j]) * vals[cls[j]]
        den -= int(q.w[j]) * s
    raise AssertionError("unaffordable project reached exact rho")  # pragma: no cover


def _pay(
    q: _Proj, money: _Money, rho: Fraction, o: np.ndarray, i: int, record: bool, drho: Fraction = Fraction(0)
):
    groups = q.idx[o]
    old = money.cls[groups]
    payments: dict[Fraction, int] = {}
    gave_all = 0
    if record:
        capped_counts = np.bincount(old[:i], weights=q.wf[o][:i]) if i else np.zeros(0)
        for c in np.nonzero(capped_counts)[0]:
            amount = money.vals[c]
            payments[amount] = payments.get(amount, 0) + int(capped_counts[c])
            gave_all += int(capped_counts[c])
    money.cls[groups[:i]] = 0
    u_groups = groups[i:]
    s_u = q.s[o][i:]
    s_vals, s_code = np.unique(s_u, return_inverse=True)
    uniq, inv = np.unique(old[i:] * len(s_vals) + s_code.reshape(-1), return_inverse=True)
    inv = inv.reshape(-1)
    c_old = uniq // len(s_vals)
    sv = s_vals[uniq % len(s_vals)]
    t = len(money.rhos)
    money.rhos.append(rho)
    money.drhos.append(drho)
    first = len(money.parent)
    money.parent.extend(c_old.tolist())
    money.rnd.extend([t] * len(uniq))
    money.sv.extend(sv.tolist())
    money._vals.extend([None] * len(uniq))
    money._slopes.extend([None] * len(uniq))
    new_f = money.valsf[c_old] - float(rho) * sv
    money.valsf = np.concatenate([money.valsf, new_f])
    money.slopesf = np.concatenate([money.slopesf, money.slopesf[c_old] - float(drho) * sv])
    money.cls[u_groups] = first + inv
    if not record:
        return None
    per_key = np.bincount(inv, weights=q.wf[o][i:])
    per_sat: dict[int, int] = {}
    near_zero = np.abs(new_f) <= 1e-9 * float(money.valsf[1])
    for k in range(len(uniq)):
        n = int(per_key[k])
        per_sat[int(sv[k])] = per_sat.get(int(sv[k]), 0) + n
        if near_zero[k] and money.vals[first + k] == 0:
            gave_all += n
    for sat, n in per_sat.items():
        amount = rho * sat
        payments[amount] = payments.get(amount, 0) + n
    pays = tuple(MesPayment(a, n) for a, n in sorted(payments.items(), reverse=True) if n)
    payers = sum(p.voters for p in pays if p.amount > 0)
    return MesRound(q.pid, q.cost, q.voters, payers, gave_all, pays)


class _Limit:
    """The add1 jump. With every voter's budget b + x, all money is affine in x while the run's combinatorial
    shape (who is capped, which project wins each round, which are unaffordable) stays the same; `dmax` is a
    lower bound on the x at which the first of those inequalities could fail, so the outcome is the same for
    every budget in [b, b + dmax). Each inequality a + c x >= 0 (> 0 if strict) holds at x = 0; floats are
    correctly rounded images of exact values and the margins (1e-9 of the magnitudes involved) dwarf the
    rounding errors, so dmax is a true lower bound; when in doubt it is 0 and add1 steps by one unit."""

    def __init__(self) -> None:
        self.dmax = float("inf")

    def add(self, a, a_mag, c, c_mag) -> None:
        if self.dmax == 0.0:
            return
        if np.isscalar(a) and np.isscalar(c):
            a_lo = a - _MARGIN * a_mag - 1e-300
            negc_hi = -c + _MARGIN * c_mag + 1e-300
            if negc_hi > 0:
                self.dmax = 0.0 if a_lo <= 0 else min(self.dmax, a_lo / negc_hi)
            return
        a = np.atleast_1d(np.asarray(a, dtype=np.float64))
        c = np.atleast_1d(np.asarray(c, dtype=np.float64))
        a_lo = a - _MARGIN * np.asarray(a_mag) - 1e-300
        negc_hi = -c + _MARGIN * np.asarray(c_mag) + 1e-300
        binding = negc_hi > 0
        if not binding.any():
            return
        a_lo = np.broadcast_to(a_lo, binding.shape)[binding]
        negc_hi = np.broadcast_to(negc_hi, binding.shape)[binding]
        if (a_lo <= 0).any():
            self.dmax = 0.0
            return
        self.dmax = min(self.dmax, float((a_lo / negc_hi).min()))


_MARGIN = 1e-9


def _tangent_slope(
    q: _Proj, money: _Money, rho_f: float, o: np.ndarray, rs: np.ndarray
) -> tuple[float, float]:
    """A lower bound g on the right derivative of q's price in x (q's price is convex in x, so
    price(x) >= price(0) + g x), and the magnitude of the terms for the error margin."""
    d = money.slopesf[money.cls[q.idx[o]]]
    w = q.wf[o]
    s = q.sf[o]
    band = _BAND * abs(rho_f)
    capped = rs < rho_f - band
    uncapped = rs > rho_f + band
    unsure = ~(capped | uncapped)
    a0 = float(_dot(w[capped], d[capped]))
    b0 = float(_dot(w[uncapped], s[uncapped]))
    mag = float(_dot(w[capped], np.abs(d[capped])))
    if not unsure.any():
        return -a0 / b0, mag / b0 + abs(a0 / b0)
    # root of psi(x) = a0 + x b0 + sum_unsure w max(d, x s) (an upper bound of the derivative equation)
    du, wu, su = d[unsure], w[unsure], s[unsure]
    bp = du / su
    order = np.argsort(bp)
    du, wu, su, bp = du[order], wu[order], su[order], bp[order]
    const = a0 + float(_dot(wu, du))  # all unsure at "d"
    lin = b0
    mag += float(_dot(wu, np.abs(du)))
    lo = -np.inf
    for k in range(len(bp) + 1):
        hi = bp[k] if k < len(bp) else np.inf
        # on [lo, hi]: psi(x) = const + lin x
        if lin > 0:
            x = -const / lin
            if x <= hi:
                return max(x, lo) if x < lo else x, mag / lin + abs(x)
        elif const >= 0 and lo == -np.inf:  # pragma: no cover - degenerate
            return -np.inf, 0.0
        if k < len(bp):
            const -= wu[k] * du[k]
            lin += wu[k] * su[k]
            lo = hi
    return -np.inf, 0.0  # pragma: no cover


def _run(
    sp: SatProfile,
    projs: list[_Proj],
    per_voter: Fraction,
    record: bool,
    jump: bool = False,
    watch: Watch | None = None,
    progress_from: float = 0.0,
):
    """One exact MES run at a per-voter budget; a recorded run reports its progress from `progress_from`
    to 1 as the budget is spent."""
    watch = watch or Watch()
    money = _Money(len(sp.weights), per_voter)
    active = {q.p: q for q in projs}
    lb = {q.p: (q.cost / q.total) * (1 - _REL) for q in projs}
    line = {q.p: (q.cost / q.total, q.cost / q.total, 0.0, 0.0) for q in projs}  # price >= a + g x
    limit = _Limit() if jump else None
    chosen: list[_Proj] = []
    rounds: list[MesRound] = []
    while active:
        if record:
            spent_share = _share(_outcome_cost(chosen), sp.budget)
            watch.report(
                progress_from + (1 - progress_from) * spent_share, f"MES: {len(chosen)} projects funded"
            )
        else:
            watch.check()
        best_hi = float("inf")
        evaluated = []
        for p in sorted(active, key=lb.__getitem__):
            if lb[p] > best_hi:
                break
            q = active[p]
            res = _float_rho(q, money)
            if res is None:
                if limit is not None:  # must stay unaffordable
                    cls = money.cls[q.idx]
                    m = float(_dot(q.wf, money.valsf[cls]))
                    dm = float(_dot(q.wf, money.slopesf[cls]))
                    limit.add(
                        q.cost - m,
                        q.cost + float(_dot(q.wf, np.abs(money.valsf[cls]))),
                        -dm,
                        float(_dot(q.wf, np.abs(money.slopesf[cls]))),
                    )
                del active[p]
                continue
            rho_f = res[0]
            lb[p] = rho_f * (1 - _REL)
            if limit is not None:
                g, gmag = _tangent_slope(q, money, rho_f, res[1], res[3])
                line[p] = (rho_f, res[4], g, gmag)
            evaluated.append((q, res))
            best_hi = min(best_hi, rho_f * (1 + _REL))
        if not evaluated:
            break
        best = None
        exact_info = {}
        for q, (rho_f, o, i, rs, _mag) in evaluated:
            if rho_f * (1 - _REL) > best_hi:
                continue
            rho, o2, i2 = _exact_rho(q, money, o, i, rs, rho_f)
            exact_info[q.p] = (q, rho, o2, i2)
            if best is None or (rho, q.tie) < (best[0], best[1].tie):
                best = (rho, q, o2, i2)
        assert best is not None
        rho, q, o, i = best
        drho = Fraction(0)
        if limit is not None:
            drho = _price_slope(q, money, o, i)
            tied_ok = set()
            for p2, (q2, rho2, o2, i2) in exact_info.items():
                if q2 is not q and rho2 == rho:
                    # an exact tie q wins: it persists harmlessly while q2's price rises at least as fast
                    if not _has_boundary(q2, money, rho2, o2) and _price_slope(q2, money, o2, i2) >= drho:
                        tied_ok.add(p2)
                    else:
                        limit.dmax = 0.0
            _constrain(limit, q, money, rho, drho, o, i, active, line, tied_ok)
        round_info = _pay(q, money, rho, o, i, record, drho)
        if record:
            rounds.append(round_info)
        chosen.append(q)
        del active[q.p]
    return chosen, rounds, money, (limit.dmax if limit is not None else 0.0)


def _price_slope(q: _Proj, money: _Money, o: np.ndarray, i: int) -> Fraction:
    """d(rho)/dx of the chosen project with its capped set fixed: -(sum_capped w d) / (sum_uncapped w s)."""
    groups = q.idx[o]
    capped_slope = Fraction(0)
    if i:
        counts = np.bincount(money.cls[groups[:i]], weights=q.wf[o][:i])
        for c in np.nonzero(counts)[0]:
            capped_slope += int(counts[c]) * money.slopes[c]
    return -capped_slope / int(_dot(q.w[o][i:], q.s[o][i:]))


def _has_boundary(q: _Proj, money: _Money, rho: Fraction, o: np.ndarray) -> bool:
    """Whether a supporter of q has exactly rho * sat left (then q's price slope is ambiguous)."""
    cls = money.cls[q.idx[o]]
    r = money.valsf[cls] / q.sf[o]
    rf = float(rho)
    for j in np.nonzero(np.abs(r - rf) <= _BAND * abs(rf) + 1e-300)[0]:
        if money.vals[cls[j]] == rho * int(q.s[o][j]):
            return True
    return False


def _constrain(
    limit: _Limit,
    q: _Proj,
    money: _Money,
    rho: Fraction,
    drho: Fraction,
    o: np.ndarray,
    i: int,
    active: dict,
    line: dict,
    tied_ok: set | frozenset = frozenset(),
) -> None:
    rf, df = float(rho), float(drho)
    cls = money.cls[q.idx[o]]
    v, d, s = money.valsf[cls], money.slopesf[cls], q.sf[o]
    sign = np.where(np.arange(len(o)) < i, -1.0, 1.0)  # capped: rho s - v >= 0 ; uncapped: v - rho s >= 0
    limit.add(sign * (v - rf * s), np.abs(v) + abs(rf) * s, sign * (d - df * s), np.abs(d) + abs(df) * s)
    rows = [line[p] for p, other in active.items() if other is not q and p not in tied_ok]
    if rows:
        a, amag, g, gmag = np.array(rows).T
        # every other project's price must stay above q's (strictly if it would win a tie)
        limit.add(a - rf, amag + abs(rf), g - df, gmag + abs(df))


def _prepare(sp: SatProfile, tie: TieBreaking):
    projs, free = [], []
    for p in range(sp.n_projects):
        q = _Proj(sp, p, tie)
        if q.total > 0:
            if q.cost > 0:
                projs.append(q)
            else:
                free.append(q.pid)
    free.sort(key=tie)
    return projs, free


def method_of_equal_shares(
    sp: SatProfile,
    *,
    completion: str = "none",
    tie_breaking: TieBreaking = lexicographic,
    per_voter_budget: Fraction | None = None,
    jump: bool = True,
    watch: Watch | None = None,
) -> MesOutcome:
    """MES; `completion="add1"` raises every voter's budget by 1 unit until the next step would
    overspend (exactly pabutools' `voter_budget_increment=1`). Progress: the add1 search reports up to 0.9,
    the final exact run the rest."""
    watch = watch or Watch()
    if completion not in ("none", "add1"):
        raise ValueError(completion)
    projs, free = _prepare(sp, tie_breaking)
    if sp.n_voters == 0:
        return MesOutcome((), Fraction(0), 0, (), (), ())
    base = per_voter_budget if per_voter_budget is not None else Fraction(sp.budget, sp.n_voters)
    if completion == "none":
        return _finish(sp, projs, free, base, 0, watch)
    k = _add1_increments(sp, projs, free, base, jump, watch)
    return _finish(sp, projs, free, base + k, k, watch)


def _outcome_cost(chosen: list[_Proj]) -> int:
    return sum(q.cost for q in chosen)


_ADD1_PROGRESS = 0.9  # the share of the progress bar for add1's search (the final exact run takes the rest)


def _share(spent: int, budget: int) -> float:
    return min(spent / budget, 1.0) if budget else 1.0


def _is_exhaustive(sp: SatProfile, projs: list[_Proj], chosen: list[_Proj]) -> bool:
    spent = _outcome_cost(chosen)
    taken = {q.p for q in chosen}
    return all(q.p in taken or spent + q.cost > sp.budget for q in projs)


def _add1_increments(
    sp: SatProfile, projs: list[_Proj], free: list[str], base: Fraction, jump: bool, watch: Watch
) -> int:
    """The number k of unit increments pabutools' iterated MES stops at (returning the run at base + k)."""
    k = 0
    last_k = -1
    short = 0  # consecutive runs whose jump was under one unit: computing jumps is then skipped for a while
    while True:
        try_jump = jump and (short < 3 or short % 8 == 0)
        try:
            if not jump:  # reference mode: exact runs, one unit at a time
                raise _Uncertain
            chosen, dmax = _float_run(sp, projs, float(base + k), try_jump, watch)
        except _Uncertain:
            chosen, _, _, dmax = _run(sp, projs, base + k, record=False, jump=try_jump, watch=watch)
        watch.report(
            _ADD1_PROGRESS * _share(_outcome_cost(chosen), sp.budget),
            f"MES add1: {k} units added to each voter",
        )
        short = short + 1 if dmax < 1 else 0
        if _outcome_cost(chosen) > sp.budget:
            return last_k
        if _is_exhaustive(sp, projs, chosen):
            return k
        # the outcome is the same for every budget in [base + k, base + k + dmax)
        step = 1 if dmax < 1 else math.ceil(dmax)
        if not math.isfinite(dmax) or step > 10**15:
            raise CountingError("MES with add1 would never stop on this election")
        last_k = k + step - 1
        k += step


def _finish(
    sp: SatProfile, projs: list[_Proj], free: list[str], per_voter: Fraction, k: int, watch: Watch
) -> MesOutcome:
    if k < 0:  # pabutools returns its initial allocation (only free projects)
        return MesOutcome(tuple(free), per_voter, 0, (), _unfunded(sp, projs, None, set()), tuple(free))
    progress_from = _ADD1_PROGRESS if k else 0.0
    chosen, rounds, money, _ = _run(
        sp, projs, per_voter, record=True, watch=watch, progress_from=progress_from
    )
    taken = {q.p for q in chosen}
    return MesOutcome(
        selected=tuple(free) + tuple(q.pid for q in chosen),
        budget_per_voter=per_voter,
        increments=k,
        rounds=tuple(rounds),
        unfunded=_unfunded(sp, projs, money, taken),
        free=tuple(free),
    )


def _unfunded(sp: SatProfile, projs: list[_Proj], money: _Money | None, taken: set[int]):
    out = []
    for q in projs:
        if q.p in taken:
            continue
        have = money.exact_sum(money.cls[q.idx], q.wf) if money is not None else Fraction(0)
        out.append(MesUnfunded(q.pid, q.cost, q.voters, have))
    return tuple(out)


# --- certified floating-point runs for add1 ---------------------------------------------------------------
#
# add1 may need hundreds of MES runs (one per unit step where the outcome can change). They only decide *when*
# to stop, so they run in floating point, and every decision they take (which project is cheapest, whether a
# project is affordable) is certified: if two candidates, or money and cost, come within a tolerance far
# above the accumulated rounding error, the run is redone exactly. Only the final, reported run is always exact.

_CERT = 1e-8


class _Uncertain(Exception):
    pass


class _FloatMoney:
    """Per-group float money and slope, with the attribute names _tangent_slope/_constrain expect."""

    def __init__(self, n_groups: int, per_voter: float) -> None:
        self.valsf = np.full(n_groups, per_voter)
        self.slopesf = np.ones(n_groups)
        self.cls = np.arange(n_groups)


def _rho_float(q: _Proj, b: np.ndarray, scale_money: float):
    """(rho, err, capped mask, ratios money/sat) or None if certainly unaffordable; raises _Uncertain near a
    decision."""
    bud = b[q.idx]
    total = float(_dot(q.wf, bud))
    tol = _CERT * (q.cost + scale_money)
    if total < q.cost - tol:
        return None
    if total < q.cost + tol:
        raise _Uncertain
    rho = q.cost / q.wsf_total
    x = 0.0
    s = q.wsf_total
    for _ in range(60):
        capped = bud < rho * q.sf
        if not capped.any():
            return rho, _CERT * (q.cost + scale_money) / s, capped, bud / q.sf
        x = float(_dot(q.wf, np.where(capped, bud, 0.0)))
        s = q.wsf_total - float(_dot(q.wsf, capped))
        new = (q.cost - x) / s
        if new <= rho:
            err = _CERT * (q.cost + x + scale_money) / s
            return (rho if new < rho else new), err, capped, bud / q.sf
        rho = new
    raise _Uncertain  # pragma: no cover - pathological; the exact run decides


def _float_run(sp: SatProfile, projs: list[_Proj], per_voter: float, jump: bool, watch: Watch):
    """Certified float MES at one per-voter budget: (chosen projects, dmax)."""
    money = _FloatMoney(len(sp.weights), per_voter)
    b = money.valsf
    scale_money = per_voter * sp.n_voters * 1e-3
    active = {q.p: q for q in projs}
    lb = {q.p: (q.cost / q.total) * (1 - _REL) for q in projs}
    line = {q.p: (q.cost / q.total, q.cost / q.total, 0.0, 0.0) for q in projs}
    limit = _Limit() if jump else None
    chosen = []
    while active:
        watch.check()
        evaluated = []
        best_hi = float("inf")
        for p in sorted(active, key=lb.__getitem__):
            if lb[p] > best_hi:
                break
            q = active[p]
            res = _rho_float(q, b, scale_money)
            if res is None:
                if limit is not None:
                    m = float(_dot(q.wf, b[q.idx]))
                    dm = float(_dot(q.wf, money.slopesf[q.idx]))
                    limit.add(
                        q.cost - m,
                        q.cost + float(_dot(q.wf, np.abs(b[q.idx]))),
                        -dm,
                        float(_dot(q.wf, np.abs(money.slopesf[q.idx]))),
                    )
                del active[p]
                continue
            rho, err, capped, r = res
            lb[p] = rho - 2 * err
            evaluated.append((q, rho, err, capped, r))
            best_hi = min(best_hi, rho + 2 * err)
        if not evaluated:
            break
        evaluated.sort(key=lambda t: (t[1], t[0].tie))
        q, rho, err, capped, r = evaluated[0]
        near = [t for t in evaluated[1:] if t[1] - t[2] <= rho + err]
        tied_ok: set[int] = set()
        if near:
            # Decidable exactly only if no supporter of any of them is (nearly) capped: then each price is
            # exactly cost / total satisfaction, and it stays so as the budget grows (slope 0).
            group = [evaluated[0], *near]
            if any((t[4] <= t[1] * (1 + _BAND)).any() for t in group):
                raise _Uncertain
            exact = sorted(group, key=lambda t: (Fraction(t[0].cost, t[0].total), t[0].tie))
            q, rho, err, capped, r = exact[0]
            exact_rho = Fraction(q.cost, q.total)
            rest = [t for t in evaluated if t[0] is not q]
            for t in rest:
                if t in group and Fraction(t[0].cost, t[0].total) == exact_rho:
                    tied_ok.add(t[0].p)
                elif t[1] - t[2] <= rho + err and Fraction(t[0].cost, t[0].total) <= exact_rho:
                    raise _Uncertain  # pragma: no cover - cannot happen after the exact sort
            evaluated = [exact[0], *rest]
        if limit is not None:
            np.arange(len(q.idx))
            ws = q.wf * q.sf
            drho = -float(_dot(q.wf[capped], money.slopesf[q.idx][capped])) / float(ws[~capped].sum())
            for other, orho, oerr, _ocapped, orr in evaluated[1:]:
                g, gmag = _tangent_slope(other, money, orho, np.arange(len(other.idx)), orr)
                line[other.p] = (orho, (oerr + err) / _MARGIN, g, gmag)
            # own piece must stay valid; rivals must stay dearer; same as the exact run's constraints
            order = np.argsort(~capped, kind="stable")
            _constrain(limit, q, money, rho, drho, order, int(capped.sum()), active, line, tied_ok)
        sup = q.idx
        pay = np.minimum(b[sup], rho * q.sf)
        b[sup] = np.where(capped, 0.0, b[sup] - pay)
        if limit is not None:
            money.slopesf[sup] = np.where(capped, 0.0, money.slopesf[sup] - drho * q.sf)
        chosen.append(q)
        del active[q.p]
    return chosen, (limit.dmax if limit is not None else 0.0)
