"""What each audit action reads as in the log, in the reader's language. Every action a domain records
has its label here (tests/web/test_first_hour.py checks the code's actions against this table)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

ACTION_LABELS: dict[str, Any] = {
    "role.granted": _l("Role granted"),
    "role.revoked": _l("Role removed"),
    "user.blocked": _l("Account blocked"),
    "user.unblocked": _l("Account unblocked"),
    "process.created": _l("Process created"),
    "process.updated": _l("Process details changed"),
    "process.schedule_set": _l("Phase dates set"),
    "process.districts_set": _l("Districts set"),
    "process.phase_advanced": _l("Process moved to a later phase"),
    "process.published": _l("Process published"),
    "process.unpublished": _l("Process returned to draft"),
    "process.role_granted": _l("Process role granted"),
    "process.role_revoked": _l("Process role removed"),
    "proposal.reviewed": _l("Proposal reviewed"),
    "proposal.withdrawn": _l("Proposal withdrawn"),
    "proposal.settings_set": _l("Proposal settings changed"),
    "thread.summary_pinned": _l("Discussion summary pinned"),
    "thread.summary_removed": _l("Discussion summary removed"),
    "moderation.hidden": _l("Content hidden"),
    "moderation.unhidden": _l("Content shown again"),
    "moderation.dismissed": _l("Reports dismissed"),
    "moderation.settings_changed": _l("Moderation settings changed"),
    "vote.settings_saved": _l("Vote settings saved"),
    "vote.budget_added": _l("Vote budget added"),
    "vote.budget_changed": _l("Vote budget changed"),
    "vote.budget_deleted": _l("Vote budget deleted"),
    "vote.census_imported": _l("Census imported"),
    "vote.codes_generated": _l("Paper voting codes made"),
    "vote.conflict_transferred": _l("Census entry moved to a new account"),
    "vote.conflict_dismissed": _l("Verification conflict dismissed"),
    "vote.closed": _l("Vote closed"),
    "results.counted": _l("Vote counted"),
    "results.published": _l("Results published"),
    "results.tracking_updated": _l("Project progress updated"),
    "results.milestone_added": _l("Project milestone added"),
    "results.milestone_deleted": _l("Project milestone deleted"),
    "account.email_changed": _l("Email address changed"),
    "account.email_change_undone": _l("Email address change undone"),
    "process.boundaries_set": _l("District outlines set"),
    "panel.created": _l("Panel created"),
    "panel.updated": _l("Panel details changed"),
    "panel.status": _l("Panel status changed"),
    "panel.feature_saved": _l("Panel question saved"),
    "panel.feature_deleted": _l("Panel question deleted"),
    "panel.features_imported": _l("Panel questions imported"),
    "panel.quotas_from_census": _l("Quotas computed from the census"),
    "panel.register_imported": _l("Address register imported"),
    "panel.letters_drawn": _l("Invitation letters drawn"),
    "panel.letters_printed": _l("Invitation letters printed"),
    "panel.mail_merge_exported": _l("Mail-merge list exported"),
    "panel.people_imported": _l("Respondents imported"),
    "panel.respondent_withdrew": _l("A respondent withdrew"),
    "panel.respondent_erased": _l("A respondent's data erased"),
    "panel.purged": _l("Personal data of the pool erased"),
    "panel.selection_started": _l("Panel selection started"),
    "panel.lottery_published": _l("Panel lottery published"),
    "panel.drawn": _l("Panel drawn"),
    "panel.seat_status": _l("Panel member's status changed"),
    "panel.replaced": _l("Panel member replaced"),
    "panel.seated": _l("Panel seated"),
    "panel.meeting_created": _l("Panel meeting added"),
    "panel.meeting_updated": _l("Panel meeting changed"),
    "panel.meeting_deleted": _l("Panel meeting deleted"),
    "panel.attendance_recorded": _l("Panel attendance recorded"),
    "panel.payroll_exported": _l("Panel stipends exported for payroll"),
    "panel.support_checklist": _l("Panel support checklist saved"),
    "panel.tables_planned": _l("Panel table plan made"),
    "panel.material_added": _l("Panel material added"),
    "panel.material_deleted": _l("Panel material deleted"),
    "panel.material_visibility": _l("Panel material made public or members-only"),
}


def action_label(action: str) -> str:
    """The action in words; an action without a label shows its key rather than nothing."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
