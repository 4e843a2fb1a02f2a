"""What observers see of a panel's meetings: dates, places, agendas, public video links and the public
materials. Never attendance, support needs, table plans or members-only material."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from participate.panels import materials
from participate.panels.meeting_models import Material, Meeting
from participate.panels.meetings import meetings_of
from participate.panels.models import Panel


def public_meetings(panel: Panel) -> dict[str, Any]:
    """The public page's meetings part: each meeting with its public materials, and the public kit."""
    groups = materials.grouped(panel, public_only=True)
    return {
        "meetings": [(meeting, groups.get(meeting.id, [])) for meeting in meetings_of(panel)],
        "kit": groups.get(None, []),
    }


def members_materials(panel: Panel, _actor: Any) -> dict[str, Any]:
    """The workspace's agenda (every meeting with all its materials, members-only ones too) and its
    materials slot (the whole information kit), from one read of the materials."""
    groups = materials.grouped(panel, public_only=False)
    return {
        "meetings": [(meeting, groups.get(meeting.id, [])) for meeting in meetings_of(panel)],
        "kit": groups.get(None, []),
    }


def _material(material: Material, url: Callable[[Material], str]) -> dict[str, Any]:
    return {
        "id": material.id,
        "kind": material.kind,
        "title": material.title,
        "url": material.url if material.kind == "link" else url(material),
    }


def _meeting(meeting: Meeting, found: list[Material], url: Callable[[Material], str]) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "starts_at": meeting.starts_at.isoformat() + "Z",
        "ends_at": meeting.ends_at.isoformat() + "Z" if meeting.ends_at else None,
        "place": meeting.place or None,
        "video_link": meeting.public_link or None,
        "agenda": meeting.agenda,
        "materials": [_material(m, url) for m in found],
    }


def meetings_document(panel: Panel, url: Callable[[Material], str]) -> dict[str, Any]:
    part = public_meetings(panel)
    return {
        "meetings": [_meeting(meeting, found, url) for meeting, found in part["meetings"]],
        "information_kit": [_material(m, url) for m in part["kit"]],
    }
