"""What the fairness page shows: each person's LEXIMIN probability next to their share of the M lottery
panels, the summary figures, and a server-drawn SVG of the sorted probabilities (with the legacy method's
for comparison). The table beside the chart is built from the same rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup, escape

from participate.panels.selection_models import SelectionRun

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44


@dataclass(frozen=True)
class Row:
    pseudonym: str
    probability: float
    share: float  # of the M lottery panels holding this person
    legacy: float | None

    @property
    def gap(self) -> float:
        return abs(self.share - self.probability)


@dataclass(frozen=True)
class Fairness:
    run: SelectionRun
    legacy: SelectionRun | None
    rows: list[Row]  # by probability, lowest first

    @property
    def largest_gap(self) -> float:
        return max((row.gap for row in self.rows), default=0.0)

    @property
    def lottery_size(self) -> int:
        return len(self.run.lottery_panels or [])


def lottery_shares(panels: list[list[str]]) -> dict[str, float]:
    counts = Counter(pid for panel in panels for pid in panel)
    return {pid: n / len(panels) for pid, n in counts.items()} if panels else {}


def fairness_of(run: SelectionRun, legacy: SelectionRun | None) -> Fairness:
    probabilities = run.probabilities or {}
    shares = lottery_shares(run.lottery_panels or [])
    legacy_p = (legacy.probabilities or {}) if legacy is not None else None
    rows = [
        Row(pid, p, shares.get(pid, 0.0), legacy_p.get(pid) if legacy_p is not None else None)
        for pid, p in probabilities.items()
    ]
    rows.sort(key=lambda row: (row.probability, row.pseudonym))
    return Fairness(run, legacy, rows)


def _points(values: list[float], top: float) -> str:
    n = len(values)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    points = []
    for i, value in enumerate(values):
        x = LEFT + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)
        y = TOP + inner_h * (1 - value / top)
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)


def probability_chart(
    series: list[tuple[str, str, list[float]]], *, chart_id: str, title: str, axis: tuple[str, str, str]
) -> Markup:
    """`series`: (css class, legend label, probabilities); each is drawn sorted, lowest first.
    `axis`: the labels of the y axis top and middle (formatted percentages) and of the x axis."""
    top = max((max(values) for _c, _l, values in series if values), default=0.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="probability-chart" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}"></line>',
        f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}"></line>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{escape(axis[0])}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + (HEIGHT - TOP - BOTTOM) / 2 + 4:.1f}" text-anchor="end">'
        f"{escape(axis[1])}</text>",
        f'<text x="{LEFT - 6}" y="{HEIGHT - BOTTOM + 4}" text-anchor="end">0</text>',
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.0f}" y="{HEIGHT - 12}" text-anchor="middle">{escape(axis[2])}</text>',
    ]
    for css, label, values in series:
        if values:
            parts.append(
                f'<polyline class="{escape(css)}" fill="none" points="{_points(sorted(values), top)}">'
                f"<title>{escape(label)}</title></polyline>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def chart_top(fairness: Fairness) -> float:
    values = [row.probability for row in fairness.rows] + [row.legacy or 0.0 for row in fairness.rows]
    return max(values, default=0.0) or 1.0
