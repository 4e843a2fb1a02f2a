"""`participate count`: count a pabulib file exactly as the contract says (../shared/docs/counting.md).

Bad files and impossible options end with one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import time

import click

from participate.counting import COMPLETIONS, RULES, SATISFACTIONS, CountingError, count, read_pabulib
from participate.counting.engine import META_THRESHOLD
from participate.counting.memory import collector_paused


class _OneLineErrors(click.Command):
    """Usage mistakes (unknown option, missing file) also end with one line instead of click's usage block."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise click.ClickException(f"{exc.format_message()} (see participate count --help)") from None


@click.command("count", cls=_OneLineErrors)
@click.argument("file", metavar="FILE.pb")
@click.option("--rule", default="greedy", show_default=True, help="|".join(RULES))
@click.option("--sat", default=None, help="|".join(SATISFACTIONS) + " (default: by ballot type)")
@click.option("--completion", default=None, help="|".join(COMPLETIONS) + " (mes only; default none)")
@click.option(
    "--threshold",
    is_flag=False,
    flag_value=META_THRESHOLD,
    default=None,
    metavar="N",
    help="greedy among projects whose total score reaches N (without N: META min_project_score_threshold)",
)
@click.option("--format", "fmt", default="table", show_default=True, help="json|table")
@click.option(
    "--time-limit",
    type=float,
    default=None,
    metavar="SECONDS",
    help="give up (exit 1, no outcome) if the count has not finished after SECONDS",
)
@click.option(
    "--what-it-takes",
    is_flag=True,
    help="for each unfunded project: the largest cost and the fewest extra supporters that would fund it",
)
def count_command(
    file: str,
    rule: str,
    sat: str | None,
    completion: str | None,
    threshold: str | None,
    fmt: str,
    time_limit: float | None,
    what_it_takes: bool,
) -> None:
    """Count the ballots of a pabulib FILE.pb with a participatory budgeting rule."""
    deadline = time.monotonic() + time_limit if time_limit is not None else None
    if fmt not in ("json", "table"):
        raise click.ClickException(f"unknown format {fmt!r} (choose json or table)")
    with collector_paused():  # the whole command: reading, counting and writing the explanation
        _count_and_print(file, rule, sat, completion, threshold, fmt, deadline, what_it_takes)


def _count_and_print(
    file: str,
    rule: str,
    sat: str | None,
    completion: str | None,
    threshold: str | None,
    fmt: str,
    deadline: float | None,
    what_it_takes: bool = False,
) -> None:
    try:
        election = read_pabulib(file)
        result = count(
            election,
            rule=rule,
            sat=sat,
            completion=completion,
            threshold=threshold,
            deadline=deadline,
            what_it_takes=what_it_takes,
        )
        # The explanation is computed when first asked for: inside the guard, so it cannot escape as a
        # traceback either.
        document = result.to_dict() if fmt == "json" else None
    except CountingError as exc:
        raise click.ClickException(f"{file}: {exc}" if "line" in str(exc)[:5] else str(exc)) from None
    except Exception as exc:  # never a traceback for auditors: one line naming the problem
        raise click.ClickException(f"could not count {file}: {exc.__class__.__name__}: {exc}") from None
    for warning in election.warnings[:5]:
        click.echo(f"warning: {warning} (counted as cast)", err=True)
    if len(election.warnings) > 5:
        click.echo(
            f"warning: {len(election.warnings) - 5} more ballots break the file's constraints", err=True
        )
    if document is not None:
        click.echo(json.dumps(document, ensure_ascii=False))
        return
    names = {p.id: p for p in election.projects}
    click.echo(
        f"rule: {result.rule}   satisfaction: {result.sat or '-'}   completion: {result.completion}"
        + (f"   threshold: {result.threshold}" if result.threshold is not None else "")
    )
    click.echo(
        f"budget: {result.budget}   funded: {len(result.selected)} projects costing {result.total_cost}"
    )
    click.echo("")
    click.echo(f"{'#':>3}  {'project':<12} {'cost':>12}  name")
    for i, pid in enumerate(result.selected, start=1):
        p = names[pid]
        click.echo(f"{i:>3}  {pid:<12} {p.cost:>12}  {p.name[:70]}")
    if result.what_it_takes:
        click.echo("")
        click.echo(f"{'unfunded':<12} {'cost':>12} {'funded at':>12} {'+supporters':>12}")
        for pid, figures in result.what_it_takes.items():
            at_most = figures["max_cost"]
            more = figures["more_supporters"]
            click.echo(
                f"{pid:<12} {names[pid].cost:>12} {'-' if at_most is None else f'<= {at_most}':>12}"
                f" {'-' if more is None else more:>12}"
            )
