"""`participate select` and `participate verify-draw` (see ../shared/docs/sortition.md)."""

import click


@click.command("select")
def select_command() -> None:
    raise click.ClickException("sortition engine not installed yet")


@click.command("verify-draw")
def verify_draw_command() -> None:
    raise click.ClickException("sortition engine not installed yet")
