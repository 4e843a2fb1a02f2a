"""The vote: setup and the "Vote" tab, the ballot, the kiosk where paper ballots are entered, and the
ballot's secrecy (docs/ballot-secrecy.md). Who may vote is participate.eligibility's."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The ballot and the "Vote" tab; eligibility learns where to read the vote's terms."""
    from participate.eligibility.services import TheVote, serve_the_vote
    from participate.processes.manage import add_section
    from participate.voting import manage, policy, services, views

    serve_the_vote(
        TheVote(
            terms=services.settings_of,
            closed_refusal=lambda process, on: policy.closed_refusal(
                process, services.settings_of(process), on
            ),
            has_voted=services.has_voted_in,
        )
    )
    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    add_section(*manage.SECTION)
