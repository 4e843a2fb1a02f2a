"""Command lines.

`participate` (console script) runs the pure engines without the web app, so an auditor can re-check a
count or a draw with nothing but the published files. The Flask commands (`flask seed-demo`,
`flask create-admin`, `flask audit verify`) need the app and are registered by `register_app_commands`.
"""

from __future__ import annotations

import click

from participate.cli_counting import count_command
from participate.cli_sortition import select_command, verify_draw_command


@click.group(help="participate: count participatory budgets and select citizen panels.")
def main() -> None:
    """Entry point of the `participate` console script."""


main.add_command(count_command)
main.add_command(select_command)
main.add_command(verify_draw_command)


def register_app_commands(app) -> None:
    from participate.app_commands import app_commands

    for command in app_commands:
        app.cli.add_command(command)
    # The engines are also reachable as `flask --app wsgi count ...`.
    app.cli.add_command(count_command)
    app.cli.add_command(select_command)
    app.cli.add_command(verify_draw_command)
