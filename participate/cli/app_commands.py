"""`flask` commands that need the app: demo data, the first admin, the audit chain check, the dev outbox."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from participate.core.after_commit import commit, rollback


@click.command("create-admin")
@click.argument("email")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 12 characters; asked for interactively when omitted.",
)
@click.option("--name", "display_name", default="Administrator", show_default=True)
@with_appcontext
def create_admin_command(email: str, password: str, display_name: str) -> None:
    """Create (or promote) an administrator account."""
    from participate.accounts.services import create_admin
    from participate.core.errors import ServiceError

    try:
        user = create_admin(email, password=password, display_name=display_name)
    except ServiceError as error:
        rollback()
        raise click.ClickException(error.message) from error
    commit()
    click.echo(f"{user.email} is an administrator.")


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even if the database already has users.")
@with_appcontext
def seed_demo_command(force: bool) -> None:
    """Fill an empty database with a demo council (fixed Faker seed) and print the demo logins."""
    from participate.demo import seed_demo

    logins = seed_demo(force=force)
    if logins is None:
        click.echo("The database already has data; demo not seeded (use --force to add it anyway).")
        return
    commit()
    click.echo("Demo data created. Log in at /accounts/login with:")
    for role, email, password in logins:
        click.echo(f"  {role:<12} {email:<34} {password}")


@click.group("audit")
def audit_group() -> None:
    """Inspect the append-only audit log."""


@audit_group.command("verify")
@with_appcontext
def audit_verify_command() -> None:
    """Recompute every link of the hash chain; name the first broken entry."""
    from participate.audit.services import verify_chain

    report = verify_chain()
    if report.ok:
        click.echo(f"Audit chain intact: {report.entries} entries.")
        return
    raise click.ClickException(f"Audit chain broken at entry {report.first_broken_id}: {report.problem}.")


@click.command("outbox")
@click.option("--last", "last", default=5, show_default=True, help="How many of the newest emails to show.")
@click.option("--clear", is_flag=True, help="Forget the emails listed so far.")
@with_appcontext
def outbox_command(last: int, clear: bool) -> None:
    """Development: show the newest emails the app wrote instead of sending (MAIL_BACKEND=log)."""
    import json

    from flask import current_app

    from participate.core.mail import Message, console_block, dev_outbox_file

    if not current_app.config.get("DEV_OUTBOX"):
        raise click.ClickException("The development outbox is off; it exists only in development.")
    path = dev_outbox_file(current_app)
    if clear:
        path.unlink(missing_ok=True)
        click.echo("Development outbox cleared.")
        return
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    messages = []
    for line in lines[-max(last, 0) :] if last > 0 else []:
        try:
            messages.append(Message(**json.loads(line)))
        except (ValueError, TypeError):
            continue  # a line cut short by a crash; the others are still worth showing
    if not messages:
        click.echo("No emails yet.")
        return
    for message in messages:
        click.echo(console_block(message))


@click.command("notify-phase-changes")
@with_appcontext
def notify_phase_changes_command() -> None:
    """Tell followers of each process whose phase changed by date since the last run (run it nightly,
    after midnight). Idempotent: a change is announced once. Email links use PUBLIC_BASE_URL."""
    from participate.notifications.jobs import notify_phase_changes

    changed = notify_phase_changes()
    click.echo(f"{changed} process(es) changed phase; their followers are notified.")


@click.command("close-ended-votes")
@with_appcontext
def close_ended_votes_command() -> None:
    """Close and count every vote whose voting phase has ended (run it nightly, after midnight). Staff
    review and publish the results on each process's Results tab."""
    from participate.core.clock import today
    from participate.results.services import close_ended_votes

    closed = close_ended_votes(today())
    commit()
    for process in closed:
        click.echo(f"Closed and counting: {process.title}")
    click.echo(f"{len(closed)} vote(s) closed.")


app_commands = [
    create_admin_command,
    seed_demo_command,
    audit_group,
    outbox_command,
    notify_phase_changes_command,
    close_ended_votes_command,
]
