"""Reserve list and replacement of people who drop out.

Reserve order: everyone not on the drawn panel and not sharing an address with a panel member, ranked by
SHA-256 of the UTF-8 bytes of ``seed + "\\x00reserve\\x00" + person_id`` (hex, ascending). Anyone holding
the seed and the pool can recompute it, and no one can steer it once the seed is public.

Replacement: the people who stay are kept; the reserve list is walked in order and a reserve is taken if
the panel can still be completed from the reserves after them (an ILP feasibility check over the quotas,
the panel size and the household rule). So the replacements are the earliest reserves that let the panel
meet every quota again; if no completion exists at all, InfeasibleQuotas explains which quotas conflict
given who stays, with the smallest relaxation within min_flex/max_flex.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from participate.sortition.errors import InputError
from participate.sortition.infeasible import raise_infeasible
from participate.sortition.model import Pool
from participate.sortition.pricing import PanelOracle
from participate.sortition.types import build_types


@dataclass(frozen=True)
class Replacement:
    panel: tuple[str, ...]  # the restored panel, pool order
    stayed: tuple[str, ...]
    dropped: tuple[str, ...]
    added: tuple[str, ...]  # replacements, in reserve order


def _rank(seed: str, person_id: str) -> str:
    return hashlib.sha256(f"{seed}\x00reserve\x00{person_id}".encode()).hexdigest()


def reserve_list(pool: Pool, panel: Iterable[str], *, seed: str) -> tuple[str, ...]:
    """Ordered reserves for `panel` drawn with `seed` (see the module docstring)."""
    on_panel = set(panel)
    for pid in on_panel:
        pool.person(pid)
    taken_addresses = {pool.person(pid).address for pid in on_panel} - {""}
    eligible = [p.id for p in pool.people if p.id not in on_panel and p.address not in taken_addresses]
    return tuple(sorted(eligible, key=lambda pid: (_rank(seed, pid), pid)))


def _completable(pool: Pool, panel_size: int, include: Sequence[str], exclude: Iterable[str]) -> bool:
    model = build_types(pool, panel_size, must_include=include, must_exclude=exclude)
    if model.seats == 0:
        return bool((model.lower <= 0).all() and (model.upper >= 0).all())
    return PanelOracle(model).best(1.0 / model.sizes) is not None if model.n_types else False


def replace_dropouts(
    pool: Pool,
    panel_size: int,
    panel: Sequence[str],
    dropouts: Iterable[str],
    *,
    reserves: Sequence[str],
) -> Replacement:
    """Replace `dropouts` from `reserves` (in order) so the panel meets every quota again."""
    dropped = tuple(dict.fromkeys(dropouts))
    _check_who_drops_out(pool, panel, dropped, reserves)
    stayed = tuple(pid for pid in panel if pid not in set(dropped))
    reserve_set = set(reserves)
    outside = [p.id for p in pool.people if p.id not in reserve_set and p.id not in set(stayed)]
    # is any completion possible from the reserves at all?
    model = build_types(pool, panel_size, must_include=stayed, must_exclude=outside)
    if model.seats and (model.n_types == 0 or PanelOracle(model).best(1.0 / model.sizes) is None):
        raise_infeasible(model)
    added = _walk_the_reserves(pool, panel_size, stayed, outside, reserves)
    if len(added) < panel_size - len(stayed):  # pragma: no cover - the first check guarantees a completion
        raise_infeasible(model)
    final = set(stayed) | set(added)
    return Replacement(
        panel=tuple(pid for pid in pool.ids if pid in final),
        stayed=stayed,
        dropped=dropped,
        added=tuple(added),
    )


def _check_who_drops_out(
    pool: Pool, panel: Sequence[str], dropped: Sequence[str], reserves: Sequence[str]
) -> None:
    panel_set = set(panel)
    for pid in dropped:
        if pid not in panel_set:
            raise InputError(f"{pid!r} is not on the panel, so cannot drop out.")
    for pid in reserves:
        pool.person(pid)
        if pid in panel_set:
            raise InputError(f"Reserve {pid!r} is already on the panel.")


def _walk_the_reserves(
    pool: Pool, panel_size: int, stayed: Sequence[str], outside: Sequence[str], reserves: Sequence[str]
) -> list[str]:
    """The reserves taken, in order: each one with whom the panel can still be completed from the reserves
    after them; one who shares an address with someone on the panel is passed over."""
    added: list[str] = []
    skipped: list[str] = []
    need = panel_size - len(stayed)
    for pid in reserves:
        if len(added) == need:
            break
        address = pool.person(pid).address
        housemate = address and any(address == pool.person(other).address for other in (*stayed, *added))
        if not housemate and _completable(pool, panel_size, [*stayed, *added, pid], [*outside, *skipped]):
            added.append(pid)
        else:
            skipped.append(pid)
    return added
