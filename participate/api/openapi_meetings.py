"""The panels' meetings in the OpenAPI document: public fields only (never attendance, support needs, table
plans or members-only material)."""

from __future__ import annotations

from typing import Any

from participate.api.openapi_panels import PANEL_ID
from participate.api.openapi_parts import answers, json_answer

MEETING_PATHS: dict[str, Any] = {
    "/panels/{panel_id}/meetings": {
        "get": {
            "operationId": "listPanelMeetings",
            "summary": "A public panel's meetings, with their public materials, and its public information kit",
            "parameters": PANEL_ID,
            "responses": answers(
                json_answer(
                    {
                        "type": "object",
                        "required": ["meetings", "information_kit"],
                        "properties": {
                            "meetings": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/PanelMeeting"},
                            },
                            "information_kit": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/PanelMaterial"},
                            },
                        },
                    },
                    "The meetings, earliest first",
                ),
                not_found="No such public panel",
            ),
        }
    },
}

MEETING_SCHEMAS: dict[str, Any] = {
    "PanelMeeting": {
        "type": "object",
        "required": ["id", "starts_at", "ends_at", "place", "video_link", "agenda", "materials"],
        "properties": {
            "id": {"type": "integer"},
            "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": {"type": ["string", "null"], "format": "date-time"},
            "place": {"type": ["string", "null"]},
            "video_link": {
                "type": ["string", "null"],
                "format": "uri",
                "description": "Only when the facilitators made the link public",
            },
            "agenda": {"type": "string", "description": "Markdown"},
            "materials": {"type": "array", "items": {"$ref": "#/components/schemas/PanelMaterial"}},
        },
    },
    "PanelMaterial": {
        "type": "object",
        "required": ["id", "kind", "title", "url"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": ["document", "link"]},
            "title": {"type": "string"},
            "url": {
                "type": "string",
                "format": "uri",
                "description": "A link's address, or where to download a document (a PDF)",
            },
        },
    },
}
