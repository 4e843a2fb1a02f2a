"""Who sees a panel's lottery, and its selection runs before one is published."""

from __future__ import annotations

from participate.accounts.models import User
from participate.panels import policy
from participate.panels.models import Panel

can_view_panel = policy.can_view_panel


def can_see_lottery(actor: User | None, panel: Panel, *, published: bool) -> bool:
    """A published lottery is public (pseudonymous ids only); runs before that are the facilitators'."""
    return policy.can_view_panel(actor, panel) and (published or policy.can_manage_panel(actor, panel))


def can_run_selection(actor: User | None, panel: Panel) -> bool:
    return policy.can_manage_panel(actor, panel)
