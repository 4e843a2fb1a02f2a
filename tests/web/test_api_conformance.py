"""Schemathesis against the API's own OpenAPI document, in process (the Flask app's WSGI), as its command
line would run it: the examples, coverage and fuzzing phases, valid and invalid input, every check. Every
answer must be documented, match its schema, and an undocumented method must get 405 with Allow.
A bounded number of cases per operation keeps it to seconds."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis import engine
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from participate.extensions import db
from tests.factories import make_process, make_proposal, make_user

CONFIG = {
    "generation": {"max-examples": 25, "mode": "all", "deterministic": True, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
    "checks": {"enabled": True},
}


@pytest.fixture
def api_app(make_app):
    app = make_app(RATELIMIT_ENABLED=False)
    process = make_process()
    author = make_user()
    for _ in range(3):
        make_proposal(process, author)
    make_process(published=False)
    db.session.commit()
    return app


def _failures(event: events.ScenarioFinished) -> list[str]:
    cases = event.recorder.cases
    return [
        f"{check.name}: {check.failure_info.failure.title}: "
        f"{cases[case_id].value.method} {cases[case_id].value.formatted_path} {cases[case_id].value.query}"
        for case_id, checks in event.recorder.checks.items()
        for check in checks
        if check.failure_info is not None
    ]


def test_every_api_answer_is_documented_and_matches_its_schema(api_app):
    config = SchemathesisConfig.from_dict(CONFIG)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app, config=config)
    tested, problems = set(), []
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.status is not Status.SKIP:
            tested.add(event.recorder.label)
            problems += _failures(event)
            if event.status is Status.ERROR:
                problems.append(f"error in {event.recorder.label}")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            problems.append(repr(event))
    assert tested >= {
        "GET /processes",
        "GET /processes/{process_id}/proposals",
        "GET /processes/{process_id}/results",
    }
    assert problems == []
