"""`participate count`: owned by the counting engine work (see ../shared/docs/counting.md)."""

import click


@click.command("count")
def count_command() -> None:
    raise click.ClickException("counting engine not installed yet")
