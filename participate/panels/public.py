"""A panel as the public API shows it: size, status, quotas, the published lottery and the draw, with
pseudonymous ids and aggregates only (never a name, a contact detail or an answer of one person)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from participate.extensions import db
from participate.panels import policy
from participate.panels.models import Panel
from participate.panels.selection import draw_of, lottery_of
from participate.panels.selection_models import PanelDraw, PublishedLottery
from participate.processes import policy as process_policy


def _public(panel: Panel) -> bool:
    return policy.can_view_panel(None, panel) and process_policy.can_view(None, panel.process)


def public_panels() -> list[Panel]:
    return [p for p in db.session.execute(select(Panel).order_by(Panel.id)).scalars() if _public(p)]


def public_panel(panel_id: int) -> Panel | None:
    panel = db.session.get(Panel, panel_id)
    return panel if panel is not None and _public(panel) else None


def _drawn_values(lottery: PublishedLottery, draw: PanelDraw) -> Counter[tuple[str, str]]:
    """(feature, value) counts of the drawn panel, from the pool the lottery was computed on."""
    snapshot = lottery.run.inputs
    names = [f["name"] for f in snapshot["features"]]
    values = {pid: answers for pid, answers, _house in snapshot["people"]}
    counts: Counter[tuple[str, str]] = Counter()
    for pid in draw.members:
        for name, value in zip(names, values.get(pid, []), strict=False):
            counts[(name, value)] += 1
    return counts


def panel_document(panel: Panel, lottery_url: Callable[[Panel], str]) -> dict[str, Any]:
    lottery = lottery_of(panel)
    draw = draw_of(panel) if lottery is not None else None
    drawn = _drawn_values(lottery, draw) if lottery is not None and draw is not None else Counter()
    return {
        "id": panel.id,
        "process_id": panel.process_id,
        "title": panel.title,
        "size": panel.size,
        "status": panel.status,
        "lottery_url": lottery_url(panel) if lottery is not None else None,
        "lottery_sha256": lottery.sha256 if lottery is not None else None,
        "draw": (
            {"seed": draw.seed, "index": draw.draw_index, "panel": list(draw.members)}
            if draw is not None
            else None
        ),
        "quotas": [
            {
                "feature": feature.name,
                "value": value.value,
                "min": value.min,
                "max": value.max,
                "selected": drawn.get((feature.name, value.value), 0),
            }
            for feature in panel.features
            for value in feature.values
        ],
    }
