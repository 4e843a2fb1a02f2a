"""A server-drawn SVG of the support levels: one stacked bar per recommendation (support, can live with
it, oppose, abstained). The table under it, built from the same entries, is the accessible version."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

ROW_HEIGHT = 46
WIDTH = 360  # about a phone's width, so that its text stays readable there
BAR_HEIGHT = 18
LEVELS = ("support", "can_live_with", "oppose", "abstain")


def level_labels() -> dict[str, str]:
    return {
        "support": _("Support"),
        "can_live_with": _("Can live with it"),
        "oppose": _("Oppose"),
        "abstain": _("Did not vote"),
    }


def _short(label: str, limit: int = 38) -> str:  # 13 px letters fit the 360-unit width
    return label if len(label) <= limit else label[: limit - 1] + "…"


def support_chart(entries: list[Any], *, chart_id: str) -> Markup:
    labels = level_labels()
    height = ROW_HEIGHT * max(1, len(entries)) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="support-chart" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-title">{escape(_("Support for each recommendation"))}</title>',
    ]
    for row, entry in enumerate(entries):
        y = 4 + row * ROW_HEIGHT
        counts = entry.support
        total = sum(counts.values()) or 1
        mark = "✓ " if entry.recommendation.adopted else ""
        parts.append(
            f'<g class="support-row" data-support="{counts["support"]}" data-can-live-with="{counts["can_live_with"]}" '
            f'data-oppose="{counts["oppose"]}" data-abstain="{counts["abstain"]}">'
            f'<text x="0" y="{y + 14}">{escape(mark + _short(entry.recommendation.title))}</text>'
        )
        x = 0.0
        for level in LEVELS:
            width = WIDTH * counts[level] / total
            if counts[level]:
                parts.append(
                    f'<rect class="level-{level}" x="{x:.1f}" y="{y + 20}" width="{width:.1f}" height="{BAR_HEIGHT}">'
                    f"<title>{escape(labels[level])}: {counts[level]}</title></rect>"
                )
                if width >= 18:
                    parts.append(
                        f'<text class="level-count level-count-{level}" x="{x + 4:.1f}" y="{y + 34}">{counts[level]}</text>'
                    )
            x += width
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
