"""What every operation of the OpenAPI document shares: the error schema and the answers besides 200."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}


def json_answer(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def answers(ok: dict[str, Any], *, not_found: str | None = None) -> dict[str, Any]:
    """Every operation may also answer 400 (a malformed request: a bad query parameter, a null
    character) and 429 (the rate limit, with Retry-After); those that name a process, 404."""
    return {
        "200": ok,
        **({"404": json_answer(ERROR, not_found)} if not_found else {}),
        "400": json_answer(ERROR, "A malformed request, such as a query parameter out of range"),
        "429": {
            **json_answer(ERROR, "Too many requests from this address: wait and try again"),
            "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}},
        },
    }
