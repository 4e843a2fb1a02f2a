"""A server-drawn SVG of horizontal bars: support per proposal. The table beside it, built from the same
rows, is the accessible version."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

ROW_HEIGHT = 28
LABEL_WIDTH = 260
BAR_WIDTH = 360
VALUE_WIDTH = 70


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    funded: bool


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(bars: list[Bar], *, chart_id: str, title: str) -> Markup:
    top = max((b.value for b in bars), default=0) or 1
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW_HEIGHT * max(1, len(bars)) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for row, bar in enumerate(bars):
        y = 4 + row * ROW_HEIGHT
        length = round(BAR_WIDTH * bar.value / top)
        kind = "bar-funded" if bar.funded else "bar-other"
        parts.append(
            f'<g class="{kind}" data-value="{bar.value}">'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 18}" text-anchor="end">{escape(_short(bar.label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length}" height="{ROW_HEIGHT - 8}" rx="2"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 18}">{bar.value}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
