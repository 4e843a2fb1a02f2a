"""Sortition engine: fair, checkable selection of citizens' panels (pure: stdlib, numpy, highspy).

Public API (see ../shared/docs/sortition.md):

    pool = load_pool(features_csv, people_csv, id_column="id", address_columns=())
    selection = select_panel(pool, panel_size, algorithm="leximin",      # -> Selection
                             progress=callback, deadline=deadline_after(seconds))
    lottery = round_lottery(selection.distribution, selection.probabilities, size=1000)   # -> Lottery
    drawn = draw(lottery, seed)                                          # -> Draw
    verify_draw(published_json, seed)                                    # -> Draw (recomputed)
    reserves = reserve_list(pool, drawn.panel, seed=seed)
    replace_dropouts(pool, panel_size, drawn.panel, dropouts, reserves=reserves)   # -> Replacement
    chosen = select_alternates(pool, drawn.panel, dropout_rates, count, seed=seed)   # -> Alternates
    replace_from_alternates(pool, drawn.panel, dropouts, chosen.alternates)        # -> Outcome

`dropout_rates` maps (feature, value) to a rate in 0..1 (parse_dropout_rates reads them from a CSV
feature,value,rate; estimate_dropout_rates from past confirmation records); see alternates.py.

`progress(fraction, message)` is called as the optimisation advances (fraction of the pool whose
probability is settled, in [0, 1]); `deadline` is an absolute time.monotonic() value (deadline_after(s)
gives one s seconds from now). A selection stopped by its deadline is still a valid lottery, with
`selection.optimal` False and `selection.message` saying what is proved ("optimal"/"message" in JSON).

Errors: SortitionError > InputError, InfeasibleQuotas (conflicting quotas + suggested relaxation),
LotteryError; every message is safe to show to facilitators.
"""

from participate.sortition.alternates import (
    Alternates,
    Outcome,
    estimate_dropout_rates,
    parse_dropout_rates,
    rates_from_records,
    replace_from_alternates,
    select_alternates,
)
from participate.sortition.errors import (
    InfeasibleQuotas,
    InputError,
    LotteryError,
    QuotaChange,
    SortitionError,
)
from participate.sortition.io import load_pool, parse_features, parse_people, read_features
from participate.sortition.lottery import Draw, Lottery, draw, draw_index, round_lottery, verify_draw
from participate.sortition.model import Feature, Person, Pool, Quota
from participate.sortition.reserves import Replacement, replace_dropouts, reserve_list
from participate.sortition.selection import ALGORITHMS, Panel, Selection, deadline_after, select_panel

__all__ = [
    "ALGORITHMS",
    "Alternates",
    "Outcome",
    "estimate_dropout_rates",
    "parse_dropout_rates",
    "rates_from_records",
    "replace_from_alternates",
    "select_alternates",
    "Draw",
    "Feature",
    "InfeasibleQuotas",
    "InputError",
    "Lottery",
    "LotteryError",
    "Panel",
    "Person",
    "Pool",
    "Quota",
    "QuotaChange",
    "Replacement",
    "Selection",
    "SortitionError",
    "deadline_after",
    "draw",
    "draw_index",
    "load_pool",
    "parse_features",
    "parse_people",
    "read_features",
    "replace_dropouts",
    "reserve_list",
    "round_lottery",
    "select_panel",
    "verify_draw",
]
