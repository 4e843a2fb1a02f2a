"""Who may vote: the census, residents' verification against it (or their declared district), the queue of
conflicting claims, the poll book of paper voting and the paper voting codes. Below the vote in the
domain order: voting asks it who is registered, and tells it (TheVote) how the vote is set up."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The residents' verification page and the census, conflicts and codes screens (under the Vote tab,
    which voting adds)."""
    from participate.eligibility import manage, views

    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
