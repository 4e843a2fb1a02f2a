"""`flask panels purge`: after a panel's `purge_after` date, erase the personal data of everyone in its
pool who does not hold a seat. Only drawn or seated panels are purged: before the draw nobody is seated
yet, and erasing the pool would empty the lottery."""

from __future__ import annotations

from datetime import date

import click
from flask import Blueprint
from sqlalchemy import select

from participate.core.after_commit import commit
from participate.core.clock import today
from participate.extensions import db
from participate.panels.models import Panel, PanelStatus
from participate.panels.respondents import purge
from participate.panels.selection_models import DROPPED_OUT, PanelSeat

bp = Blueprint("panels_cli", __name__, cli_group="panels")
PURGEABLE = (PanelStatus.DRAWN.value, PanelStatus.SEATED.value)


def seated_ids(panel: Panel) -> set[int]:
    """Respondents holding a seat: selected, contacted or confirmed (not declined, unreachable, withdrawn)."""
    dropped = [status.value for status in DROPPED_OUT]
    return set(
        db.session.scalars(
            select(PanelSeat.respondent_id).where(
                PanelSeat.panel_id == panel.id, PanelSeat.status.not_in(dropped)
            )
        )
    )


def purge_due(on: date) -> list[tuple[Panel, int]]:
    """Every drawn or seated panel whose date has passed: (panel, people erased). Flushes; the caller commits."""
    panels = db.session.scalars(
        select(Panel).where(
            Panel.purge_after.is_not(None), Panel.purge_after < on, Panel.status.in_(PURGEABLE)
        )
    ).all()
    return [(panel, purge(None, panel, seated_ids(panel), on)) for panel in panels]


@bp.cli.command("purge")
@click.option(
    "--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Purge as of this day."
)
def purge_command(on) -> None:
    """Erase the personal data of people not seated on panels whose erase-after date has passed."""
    day = on.date() if on else today()
    done = purge_due(day)
    commit()
    for panel, erased in done:
        click.echo(f"{panel.title} (panel {panel.id}): {erased} people's personal data erased.")
    if not done:
        click.echo("No panel is due for purging.")
