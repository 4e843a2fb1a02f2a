"""Command lines.

`participate` (console script) runs the pure engines without the web app, so an auditor can re-check a
count or a draw with nothing but the published files. The Flask commands (`flask seed-demo`,
`flask create-admin`, `flask audit verify`) need the app and are added to the app by `register(app)`, which create_app calls after every domain.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from flask import Flask

# Each subcommand's module is imported only when that subcommand runs: `participate count` must not pay
# for (nor print the banner of) the sortition engine's solver, and vice versa.
SUBCOMMANDS: dict[str, str] = {
    "count": "participate.cli.counting:count_command",
    "select": "participate.cli.sortition:select_command",
    "verify-draw": "participate.cli.sortition:verify_draw_command",
    "alternates": "participate.cli.sortition:alternates_command",
}


# Environment a subcommand's process starts with (unless already set), applied before its module is imported.
# A count never calls BLAS (participate.counting.rules.mes_model.dot): without this, importing numpy starts
# OpenBLAS's thread pool, which costs a one-off count about 0.06 s of CPU (a third of its start-up).
SUBCOMMAND_ENVIRONMENT: dict[str, dict[str, str]] = {"count": {"OPENBLAS_NUM_THREADS": "1"}}


def load_command(name: str) -> click.Command:
    module_name, attribute = SUBCOMMANDS[name].split(":")
    command: click.Command = getattr(importlib.import_module(module_name), attribute)
    return command


class LazyGroup(click.Group):
    """A click group whose subcommands are named in SUBCOMMANDS and imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in SUBCOMMANDS:
            for variable, value in SUBCOMMAND_ENVIRONMENT.get(cmd_name, {}).items():
                os.environ.setdefault(variable, value)
            return load_command(cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, help="participate: count participatory budgets and select citizen panels.")
def main() -> None:
    """The `participate` command group (the console script runs it through `console_script`)."""


def console_script() -> None:
    """Entry point of the `participate` console script: runs `main`, writes out what it printed, and ends the
    process without tearing the interpreter down. Freeing a count's hundreds of thousands of small objects one
    by one costs a one-off Warsaw count 0.03-0.04 s, a tenth of its time, for memory the process returns
    anyway. Nothing of ours runs at exit."""
    try:
        main()
        code: int | str | None = 0
    except SystemExit as exc:  # click's standalone mode always ends this way
        code = exc.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # e.g. a closed pipe: the answer did not arrive
        code = code or 1
    os._exit(code or 0)


def register(app: Flask) -> None:
    from participate.cli.app_commands import app_commands

    for command in app_commands:
        app.cli.add_command(command)
    # The engines are also reachable as `flask --app wsgi count ...`.
    for name in SUBCOMMANDS:
        app.cli.add_command(load_command(name))
