"""The words of a notification, rendered when it is shown (in the reader's language) or emailed."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from participate.notifications.models import Kind
from participate.processes.models import phase_label


def describe(kind: str, data: dict[str, Any]) -> str:
    """One sentence saying what happened; unknown kinds (from a newer version) still say something."""
    name = data.get("name") or _("Someone")
    if kind == Kind.REPLY:
        return _("%(name)s replied to your comment.", name=name)
    if kind == Kind.MENTION:
        return _("%(name)s mentioned you in a comment.", name=name)
    if kind == Kind.PROPOSAL_ANSWERED:
        return _(
            "Your proposal “%(title)s” has an answer: %(status)s.",
            title=data.get("title", ""),
            status=data.get("status_label", ""),
        )
    if kind == Kind.HIDDEN:
        if data.get("what") == "proposal":
            text = _("A moderator hid your proposal.")
        else:
            text = _("A moderator hid your comment.")
        reason = data.get("reason")
        return text + " " + _("Reason: %(reason)s", reason=reason) if reason else text
    if kind == Kind.PHASE_CHANGED:
        return _(
            "“%(process)s” is now in the %(phase)s phase.",
            process=data.get("process", ""),
            phase=phase_label(data.get("phase")),
        )
    if kind == Kind.REPORTED:
        return _(
            "Something was reported in “%(process)s” and waits for a moderator.",
            process=data.get("process", ""),
        )
    if kind == Kind.RECOMMENDATION_ANSWERED:
        decision = data.get("decision")
        if decision == "accepted":
            return _(
                "In “%(process)s” the council accepted the citizens' panel's recommendation “%(title)s”.",
                process=data.get("process", ""),
                title=data.get("title", ""),
            )
        if decision == "partly":
            return _(
                "In “%(process)s” the council accepted in part the citizens' panel's recommendation “%(title)s”.",
                process=data.get("process", ""),
                title=data.get("title", ""),
            )
        return _(
            "In “%(process)s” the council did not accept the citizens' panel's recommendation “%(title)s”.",
            process=data.get("process", ""),
            title=data.get("title", ""),
        )
    if kind == Kind.PANEL_POST:
        return _("%(name)s posted in the workspace of “%(panel)s”.", name=name, panel=data.get("panel", ""))
    return _("Something new happened.")


def email_subject(kind: str, data: dict[str, Any]) -> str:
    """One line, without the moderator's reason (that is in the body)."""
    text = describe(kind, {**data, "reason": ""}) if kind == Kind.HIDDEN else describe(kind, data)
    return " ".join(text.split())[:150]


def email_body(
    *, name: str, text: str, link: str, kind_label: str, unsubscribe: str, preferences: str
) -> str:
    return _(
        "Hello %(name)s,\n\n%(text)s\n\nSee it here:\n%(link)s\n\n"
        "You receive this email for: %(kind)s. To stop these emails, open:\n%(unsubscribe)s\n\n"
        "Choose which emails you receive:\n%(preferences)s",
        name=name,
        text=text,
        link=link,
        kind=kind_label,
        unsubscribe=unsubscribe,
        preferences=preferences,
    )
