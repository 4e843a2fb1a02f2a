"""The OpenAPI 3.1 description of /api/v1/. Every endpoint is listed; a test checks it against the URL map."""

from __future__ import annotations

from typing import Any

from participate.api.openapi_meetings import MEETING_PATHS, MEETING_SCHEMAS
from participate.api.openapi_panels import PANEL_PATHS, PANEL_SCHEMAS
from participate.api.openapi_parts import answers, json_answer

PAGE_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50},
    },
]


def document(server: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "participate public API",
            "version": "1",
            "description": "Read-only data about participatory processes. Open to every origin; rate-limited.",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": f"{server}/api/v1"}],
        "paths": {
            "/processes": {
                "get": {
                    "operationId": "listProcesses",
                    "summary": "Published processes, newest first",
                    "responses": answers(
                        json_answer(
                            {
                                "type": "object",
                                "required": ["processes"],
                                "properties": {
                                    "processes": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Process"},
                                    }
                                },
                            },
                            "The processes",
                        )
                    ),
                }
            },
            "/processes/{process_id}/proposals": {
                "get": {
                    "operationId": "listProposals",
                    "summary": "A process's public proposals (never drafts or hidden ones), paginated",
                    "parameters": [
                        {"name": "process_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                        *PAGE_PARAMETERS,
                    ],
                    "responses": answers(
                        json_answer(
                            {
                                "type": "object",
                                "required": ["proposals", "next"],
                                "properties": {
                                    "proposals": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Proposal"},
                                    },
                                    "total": {"type": "integer"},
                                    "page": {"type": "integer"},
                                    "next": {"type": ["string", "null"], "format": "uri"},
                                },
                            },
                            "One page of proposals; `next` links to the following page",
                        ),
                        not_found="No such published process",
                    ),
                }
            },
            "/processes/{process_id}/results": {
                "get": {
                    "operationId": "processResults",
                    "summary": "A process's published results, one entry per budget (404 until published)",
                    "parameters": [
                        {"name": "process_id", "in": "path", "required": True, "schema": {"type": "integer"}}
                    ],
                    "responses": answers(
                        json_answer(
                            {
                                "type": "object",
                                "required": ["budgets"],
                                "properties": {
                                    "budgets": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/BudgetResult"},
                                    }
                                },
                            },
                            "The results of each budget",
                        ),
                        not_found="No such published process, or its results are not published",
                    ),
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": answers({"description": "OpenAPI 3.1 document"}),
                }
            },
            **PANEL_PATHS,
            **MEETING_PATHS,
        },
        "components": {
            "schemas": {
                "Process": {
                    "type": "object",
                    "required": ["id", "slug", "title", "phase"],
                    "properties": {
                        "id": {"type": "integer"},
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "summary": {"type": "string"},
                        "phase": {
                            "type": ["string", "null"],
                            "enum": ["proposals", "deliberation", "panel", "voting", "results", None],
                        },
                        "phase_ended": {
                            "type": "boolean",
                            "description": "The current phase has ended (its last day passed or it was "
                            "closed early); the next one has not begun",
                        },
                        "budget": {"type": "integer", "description": "In minor units (öre, cents)"},
                        "currency": {"type": "string"},
                        "districts": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "name": {"type": "string"},
                                    "budget": {"type": "integer"},
                                },
                            },
                        },
                        "url": {"type": "string", "format": "uri"},
                        "proposals_url": {"type": "string", "format": "uri"},
                    },
                },
                "Proposal": {
                    "type": "object",
                    "required": [
                        "id",
                        "title",
                        "cost",
                        "district",
                        "category",
                        "status",
                        "supports",
                        "comments",
                        "url",
                    ],
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "summary": {"type": "string"},
                        "cost": {
                            "type": "integer",
                            "description": "In minor units; the reviewed cost when there is one",
                        },
                        "district": {"type": ["string", "null"]},
                        "category": {"type": ["string", "null"]},
                        "status": {
                            "type": "string",
                            "enum": [
                                "submitted",
                                "under_review",
                                "feasible",
                                "not_feasible",
                                "merged",
                                "withdrawn",
                            ],
                        },
                        "supports": {"type": "integer"},
                        "comments": {"type": "integer"},
                        "url": {"type": "string", "format": "uri"},
                    },
                },
                "BudgetResult": {
                    "type": "object",
                    "required": [
                        "id",
                        "name",
                        "budget",
                        "rule",
                        "sat",
                        "completion",
                        "selected",
                        "ballots_url",
                    ],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "district": {"type": ["string", "null"]},
                        "budget": {
                            "type": "integer",
                            "description": "In `unit`: the same numbers as the pabulib file at `ballots_url`",
                        },
                        "unit": {
                            "type": "string",
                            "enum": ["major", "minor"],
                            "description": "major: whole currency units; minor: öre, cents",
                        },
                        "currency": {"type": "string"},
                        "rule": {"type": "string", "enum": ["greedy", "mes", "phragmen", "ear"]},
                        "sat": {"type": ["string", "null"]},
                        "completion": {"type": "string", "enum": ["none", "add1", "add1u"]},
                        "vote_type": {"type": "string"},
                        "selected": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "Proposal ids (the pabulib project_id), in the order the rule chose them",
                        },
                        "total_cost": {"type": "integer", "description": "In `unit`"},
                        "greedy_selected": {"type": "array", "items": {"type": "string"}},
                        "voters": {"type": "integer"},
                        "ballots_sha256": {"type": "string"},
                        "ballots_url": {
                            "type": "string",
                            "format": "uri",
                            "description": "The anonymous ballots as a pabulib file",
                        },
                        "comparison": {"type": "object"},
                        "projects": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "string"},
                                    "name": {"type": "string"},
                                    "cost": {"type": "integer"},
                                    "support": {"type": "integer"},
                                    "funded": {"type": "boolean"},
                                    "greedy_funded": {"type": "boolean"},
                                    "tracking": {
                                        "type": "object",
                                        "properties": {
                                            "status": {
                                                "type": "string",
                                                "enum": ["planned", "in_progress", "done", "cancelled"],
                                            },
                                            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                                            "milestones": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "properties": {
                                                        "date": {"type": "string", "format": "date"},
                                                        "text": {"type": "string"},
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {"type": "string"},
                        "status": {"type": "integer"},
                        "message": {"type": "string"},
                    },
                },
                **PANEL_SCHEMAS,
                **MEETING_SCHEMAS,
            }
        },
    }
