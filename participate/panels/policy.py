"""Who may do what with a citizens' panel.

A panel belongs to a process: that process's facilitators (and council staff) set it up and are the only
people who see its pool's personal data. Everyone else sees a published panel's public page, which
shows aggregates and pseudonymous ids only.
"""

from __future__ import annotations

from participate.accounts.models import User
from participate.panels.models import Panel, PanelStatus
from participate.processes import policy as process_policy
from participate.processes.models import Process
from participate.results.policy import can_manage_results


def can_create_panel(actor: User | None, process: Process) -> bool:
    return process_policy.can_facilitate(actor, process)


def can_manage_panel(actor: User | None, panel: Panel) -> bool:
    return process_policy.can_facilitate(actor, panel.process)


def can_see_pool(actor: User | None, panel: Panel) -> bool:
    """Names, contact details, addresses and support needs: this panel's facilitators only."""
    return can_manage_panel(actor, panel)


def can_view_panel(actor: User | None, panel: Panel) -> bool:
    """A draft panel exists for its facilitators only; otherwise its public page is public with its process."""
    if can_manage_panel(actor, panel):
        return True
    return process_policy.can_view(actor, panel.process) and panel.status != PanelStatus.DRAFT.value


def is_recruiting(panel: Panel) -> bool:
    return panel.status == PanelStatus.RECRUITING.value


def can_answer(actor: User | None, panel: Panel) -> bool:
    """The council answers a panel's recommendations and tracks them as it tracks funded proposals."""
    return can_manage_results(actor, panel.process)
