"""`participate select`, `participate verify-draw` and `participate alternates` (see
../shared/docs/sortition.md).

Both run the pure sortition engine on published files, so an auditor needs nothing but the CSVs, the
lottery JSON and the seed. Bad input gives one clear line and a non-zero exit; infeasible quotas give the
conflicting quotas and the suggested relaxation (as JSON with ``--format json``) and exit code 1.
"""

from __future__ import annotations

import json
import sys

import click

from participate.sortition import (
    ALGORITHMS,
    InfeasibleQuotas,
    SortitionError,
    deadline_after,
    draw,
    estimate_dropout_rates,
    load_pool,
    parse_dropout_rates,
    reserve_list,
    round_lottery,
    select_alternates,
    select_panel,
    verify_draw,
)


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@click.command("select")
@click.option(
    "--features", "features_path", required=True, type=click.Path(dir_okay=False), help="Features CSV."
)
@click.option("--people", "people_path", required=True, type=click.Path(dir_okay=False), help="People CSV.")
@click.option("--panel-size", required=True, type=click.IntRange(min=1), help="Number of panel members K.")
@click.option("--id-column", default="id", show_default=True, help="Column holding each person's id.")
@click.option("--address-columns", default="", help="Comma-separated address columns (household rule).")
@click.option("--algorithm", type=click.Choice(ALGORITHMS), default="leximin", show_default=True)
@click.option("--lottery-size", default=1000, show_default=True, type=click.IntRange(min=1), help="M.")
@click.option("--seed", default=None, help="Public seed: draw the panel from the lottery.")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json", show_default=True)
@click.option("--must-include", default="", help="Comma-separated ids who must be on the panel.")
@click.option("--must-exclude", default="", help="Comma-separated ids who must stay off the panel.")
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds: stop the optimisation then and use the best lottery so far (marked not optimal).",
)
def select_command(
    features_path: str,
    people_path: str,
    panel_size: int,
    id_column: str,
    address_columns: str,
    algorithm: str,
    lottery_size: int,
    seed: str | None,
    fmt: str,
    must_include: str,
    must_exclude: str,
    time_limit: float | None,
) -> None:
    """Select a fair lottery of panels (LEXIMIN by default) and, with --seed, draw one."""
    try:
        pool = load_pool(
            features_path, people_path, id_column=id_column, address_columns=_split(address_columns)
        )
        selection = select_panel(
            pool,
            panel_size,
            algorithm=algorithm,
            must_include=_split(must_include),
            must_exclude=_split(must_exclude),
            deadline=deadline_after(time_limit),
        )
        lottery = round_lottery(selection.distribution, selection.probabilities, size=lottery_size)
        drawn = draw(lottery, seed) if seed is not None else None
        reserves = (
            reserve_list(pool, drawn.panel, seed=seed) if drawn is not None and seed is not None else None
        )
    except InfeasibleQuotas as exc:
        if fmt == "json":
            click.echo(json.dumps(exc.as_dict(), indent=2, ensure_ascii=False))
        else:
            click.echo(str(exc))
        sys.exit(1)
    except SortitionError as exc:
        _fail(str(exc))
        return
    out = selection.as_dict()
    out["lottery"] = lottery.as_dict()
    if drawn is not None:
        out["draw"] = drawn.as_dict()
        out["reserves"] = list(reserves or ())
    if fmt == "json":
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    if not selection.optimal:
        click.echo(f"warning: {selection.message}", err=True)
    click.echo(f"algorithm:        {selection.algorithm}")
    click.echo(f"panel size:       {selection.panel_size}  (pool {len(pool.people)})")
    click.echo(f"minimum p:        {selection.min_probability:.4%}")
    click.echo(f"gini:             {selection.gini:.2%}")
    click.echo(f"geometric mean:   {selection.geometric_mean:.4%}")
    click.echo(f"panels:           {len(selection.panels)} with non-zero probability")
    click.echo(
        f"never selectable: {len(selection.never_selected)}  certain: {len(selection.always_selected)}"
    )
    click.echo(f"lottery:          {lottery.size} panels, sha256 {lottery.sha256}")
    click.echo(f"rounding:         max |p~ - p| = {lottery.max_deviation:.5f} (bound {lottery.bound:.5f})")
    click.echo(
        f"worst loss:       {lottery.worst_loss:.5f} (promised at most 2/M = {2 / lottery.size:.5f}); "
        + lottery.size_reason
    )
    if drawn is not None:
        click.echo(f"draw:             seed {drawn.seed!r} -> index {drawn.index}")
        click.echo("panel:            " + ", ".join(drawn.panel))
        click.echo(
            "reserves:         "
            + ", ".join((reserves or ())[:20])
            + (" ..." if len(reserves or ()) > 20 else "")
        )
    click.echo("")
    click.echo(f"{'person':<24} {'probability':>11} {'lottery':>9}")
    for pid, p in sorted(selection.probabilities.items(), key=lambda item: (item[1], item[0])):
        click.echo(f"{pid:<24} {p:>11.4%} {lottery.shares.get(pid, 0.0):>9.2%}")


@click.command("verify-draw")
@click.option(
    "--lottery", "lottery_path", required=True, type=click.Path(dir_okay=False), help="Lottery JSON."
)
@click.option("--seed", required=True, help="The public seed used for the draw.")
def verify_draw_command(lottery_path: str, seed: str) -> None:
    """Recompute the drawn panel from a published lottery file and the seed."""
    try:
        with open(lottery_path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        _fail(f"cannot read {lottery_path}: {exc.strerror}")
        return
    except json.JSONDecodeError as exc:
        _fail(f"{lottery_path} is not valid JSON (line {exc.lineno}).")
        return
    try:
        drawn = verify_draw(document, seed)
    except SortitionError as exc:
        _fail(str(exc))
        return
    result = drawn.as_dict()
    lottery = document.get("lottery", document)
    result["sha256"] = lottery.get("sha256")
    published = document.get("draw") if isinstance(document, dict) else None
    if isinstance(published, dict) and published.get("seed") == seed:
        matches = published.get("index") == drawn.index and list(published.get("panel", [])) == list(
            drawn.panel
        )
        result["matches_published_draw"] = matches
        click.echo(json.dumps(result, indent=1, ensure_ascii=False))
        if not matches:
            click.echo("error: the published draw does not match the recomputed one", err=True)
            sys.exit(1)
        return
    click.echo(json.dumps(result, indent=1, ensure_ascii=False))


@click.command("alternates")
@click.option(
    "--features", "features_path", required=True, type=click.Path(dir_okay=False), help="Features CSV."
)
@click.option("--people", "people_path", required=True, type=click.Path(dir_okay=False), help="People CSV.")
@click.option("--id-column", default="id", show_default=True, help="Column holding each person's id.")
@click.option("--address-columns", default="", help="Comma-separated address columns (household rule).")
@click.option("--panel", default="", help="Comma-separated ids of the drawn panel.")
@click.option(
    "--lottery",
    "lottery_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="The `select --seed` JSON: its drawn panel (instead of --panel).",
)
@click.option(
    "--dropout-rates",
    "rates_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="CSV feature,value,rate: dropout rate per feature value.",
)
@click.option(
    "--records",
    "records_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Past confirmation records CSV (feature columns + status confirmed/dropped): estimate the rates.",
)
@click.option("--status-column", default="status", show_default=True, help="Status column of --records.")
@click.option("--count", required=True, type=click.IntRange(min=0), help="Number of alternates.")
@click.option("--seed", default="", help="Public seed: orders people within a type (as the reserves).")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json", show_default=True)
def alternates_command(
    features_path: str,
    people_path: str,
    id_column: str,
    address_columns: str,
    panel: str,
    lottery_path: str | None,
    rates_path: str | None,
    records_path: str | None,
    status_column: str,
    count: int,
    seed: str,
    fmt: str,
) -> None:
    """Choose alternates for a drawn panel that plan for the people likely to drop out."""
    if (rates_path is None) == (records_path is None):
        _fail("give exactly one of --dropout-rates and --records.")
    try:
        pool = load_pool(
            features_path, people_path, id_column=id_column, address_columns=_split(address_columns)
        )
        members = _split(panel) if lottery_path is None else _drawn_panel(lottery_path)
        if not members:
            _fail("give the panel with --panel or --lottery.")
        for pid in members:
            pool.person(pid)
        if rates_path is not None:
            rates = parse_dropout_rates(pool, _read(rates_path))
        else:
            rates = estimate_dropout_rates(pool, _read(records_path or ""), status_column=status_column)
        chosen = select_alternates(pool, members, rates, count, seed=seed)
    except SortitionError as exc:
        _fail(str(exc))
        return
    out = {
        "panel": members,
        "count": count,
        "seed": seed,
        "dropout_rates": [{"feature": f, "value": v, "rate": r} for (f, v), r in rates.items()],
        **chosen.as_dict(),
    }
    if fmt == "json":
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    click.echo(f"panel:              {len(members)} people, expected dropouts {chosen.expected_dropouts:.2f}")
    click.echo("alternates:         " + ", ".join(chosen.alternates))
    click.echo(f"{'value':<32} {'target':>7} {'chosen':>7}")
    for label, target in chosen.target.items():
        click.echo(f"{label:<32} {target:>7.2f} {chosen.chosen[label]:>7}")


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror}")
        return ""


def _drawn_panel(path: str) -> list[str]:
    try:
        document = json.loads(_read(path))
    except json.JSONDecodeError as exc:
        _fail(f"{path} is not valid JSON (line {exc.lineno}).")
        return []
    drawn = document.get("draw") if isinstance(document, dict) else None
    if not isinstance(drawn, dict) or not isinstance(drawn.get("panel"), list):
        _fail(f"{path} holds no drawn panel (run select with --seed).")
        return []
    return [str(pid) for pid in drawn["panel"]]
