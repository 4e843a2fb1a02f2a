"""The citizens' panels part of the OpenAPI document: pseudonymous ids and aggregates only."""

from __future__ import annotations

from typing import Any

from participate.api.openapi_parts import answers, json_answer

PANEL_ID = [{"name": "panel_id", "in": "path", "required": True, "schema": {"type": "integer"}}]

PANEL_PATHS: dict[str, Any] = {
    "/panels": {
        "get": {
            "operationId": "listPanels",
            "summary": "Citizens' panels of published processes (never drafts)",
            "responses": answers(
                json_answer(
                    {
                        "type": "object",
                        "required": ["panels"],
                        "properties": {
                            "panels": {"type": "array", "items": {"$ref": "#/components/schemas/Panel"}}
                        },
                    },
                    "The panels",
                )
            ),
        }
    },
    "/panels/{panel_id}": {
        "get": {
            "operationId": "getPanel",
            "summary": "One citizens' panel",
            "parameters": PANEL_ID,
            "responses": answers(
                json_answer({"$ref": "#/components/schemas/Panel"}, "The panel"),
                not_found="No such public panel",
            ),
        }
    },
    "/panels/{panel_id}/lottery": {
        "get": {
            "operationId": "getPanelLottery",
            "summary": "A panel's published lottery: M equally likely panels of pseudonymous ids",
            "description": (
                "sha256 is the SHA-256 (hex) of the UTF-8 bytes of json.dumps(panels, separators=(',', ':'), "
                "ensure_ascii=True). The draw: b = SHA-256(UTF-8 seed); v = b as a big-endian integer; if "
                "v < floor(2^256 / M) * M the index is v mod M, else b = SHA-256(b) and repeat."
            ),
            "parameters": PANEL_ID,
            "responses": answers(
                json_answer({"$ref": "#/components/schemas/PanelLottery"}, "The lottery"),
                not_found="No such public panel, or its lottery is not published",
            ),
        }
    },
    "/panels/{panel_id}/recommendations": {
        "get": {
            "operationId": "getPanelRecommendations",
            "summary": "A panel's published recommendations with their support levels",
            "description": (
                "Only recommendations in a published report appear (never drafts, discussions or who voted "
                "what). support counts the members' votes in the last support round the recommendation was "
                "in; abstain counts the members who did not vote. adopted: support + can_live_with reached "
                "the round's threshold of the votes cast. response is the council's answer, or null."
            ),
            "parameters": PANEL_ID,
            "responses": answers(
                json_answer(
                    {
                        "type": "object",
                        "required": ["recommendations"],
                        "properties": {
                            "recommendations": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/PanelRecommendation"},
                            }
                        },
                    },
                    "The published recommendations, oldest first",
                ),
                not_found="No such public panel",
            ),
        }
    },
}

COUNT = {"type": "integer", "minimum": 0}

PANEL_SCHEMAS: dict[str, Any] = {
    "PanelRecommendation": {
        "type": "object",
        "required": ["id", "title", "text", "support", "adopted", "response"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "text": {"type": "string", "description": "Markdown"},
            "support": {
                "type": "object",
                "required": ["support", "can_live_with", "oppose", "abstain"],
                "properties": {"support": COUNT, "can_live_with": COUNT, "oppose": COUNT, "abstain": COUNT},
            },
            "adopted": {"type": "boolean"},
            "response": {
                "type": ["object", "null"],
                "description": "The council's answer to the recommendation; null until there is one",
                "required": ["decision", "reasons", "deadline", "status", "progress"],
                "properties": {
                    "decision": {"type": "string", "enum": ["accepted", "partly", "not_accepted"]},
                    "reasons": {"type": "string", "description": "Markdown"},
                    "deadline": {
                        "type": ["string", "null"],
                        "format": "date",
                        "description": "When what was accepted will be done; null when not accepted",
                    },
                    "status": {"type": "string", "enum": ["planned", "in_progress", "done", "cancelled"]},
                    "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                },
            },
        },
    },
    "Panel": {
        "type": "object",
        "required": [
            "id",
            "process_id",
            "title",
            "size",
            "status",
            "lottery_url",
            "lottery_sha256",
            "draw",
            "quotas",
        ],
        "properties": {
            "id": {"type": "integer"},
            "process_id": {"type": "integer"},
            "title": {"type": "string"},
            "size": {"type": "integer", "minimum": 1},
            "status": {
                "type": "string",
                "enum": ["recruiting", "pool_closed", "lottery_published", "drawn", "seated"],
            },
            "lottery_url": {"type": ["string", "null"], "format": "uri"},
            "lottery_sha256": {"type": ["string", "null"]},
            "draw": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["seed", "index", "panel"],
                        "properties": {
                            "seed": {"type": "string"},
                            "index": {"type": "integer", "minimum": 0},
                            "panel": {
                                "type": "array",
                                "items": {"type": "string"},
                                "description": "Pseudonymous ids of the drawn panel",
                            },
                        },
                    },
                ]
            },
            "quotas": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["feature", "value", "min", "max", "selected"],
                    "properties": {
                        "feature": {"type": "string"},
                        "value": {"type": "string"},
                        "min": {"type": "integer"},
                        "max": {"type": "integer"},
                        "selected": {
                            "type": "integer",
                            "description": "Members of the drawn panel with this value (0 before the draw)",
                        },
                    },
                },
            },
        },
    },
    "PanelLottery": {
        "type": "object",
        "required": ["size", "sha256", "panels"],
        "properties": {
            "size": {"type": "integer", "minimum": 1},
            "sha256": {"type": "string"},
            "panels": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
        },
    },
}
