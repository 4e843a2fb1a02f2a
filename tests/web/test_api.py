"""The public JSON API: what it shows, what it never shows, and that its OpenAPI document is complete."""

import re

from participate.extensions import db
from participate.proposals.models import Proposal
from tests.factories import make_process, make_proposal, make_user


def test_processes_are_listed_with_their_phase_and_drafts_are_not(client):
    shown = make_process(title="Open budget")
    make_process(title="Secret draft", published=False)
    response = client.get("/api/v1/processes")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    processes = response.get_json()["processes"]
    assert [p["title"] for p in processes] == ["Open budget"]
    assert processes[0] | {"id": shown.id, "slug": shown.slug, "phase": "proposals"} == processes[0]


def test_proposals_page_with_a_next_link_and_never_show_drafts_or_hidden_ones(client):
    process = make_process()
    author = make_user()
    visible = [make_proposal(process, author) for _ in range(5)]
    make_proposal(process, author, status="draft", title="A private draft")
    hidden = make_proposal(process, author, title="A hidden one")
    hidden.hidden_at, hidden.hidden_reason = hidden.created_at, "spam"
    db.session.commit()
    first = client.get(f"/api/v1/processes/{process.id}/proposals?per_page=3").get_json()
    assert [p["id"] for p in first["proposals"]] == [p.id for p in visible[:3]]
    assert set(first["proposals"][0]) >= {
        "id",
        "title",
        "cost",
        "district",
        "category",
        "status",
        "supports",
        "comments",
        "url",
    }
    second = client.get(first["next"]).get_json()
    assert [p["id"] for p in second["proposals"]] == [p.id for p in visible[3:]] and second["next"] is None
    titles = {p["title"] for p in first["proposals"] + second["proposals"]}
    assert "A private draft" not in titles and "A hidden one" not in titles


def test_unknown_or_unpublished_processes_are_404_json(client):
    draft = make_process(published=False)
    for path in (f"/api/v1/processes/{draft.id}/proposals", "/api/v1/processes/999999/proposals"):
        response = client.get(path)
        assert response.status_code == 404 and response.get_json()["status"] == 404


def test_the_openapi_document_lists_every_api_endpoint(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    documented = set(spec["paths"])
    routed = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)[len("/api/v1") :]
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }
    assert routed == documented
    proposal_fields = set(spec["components"]["schemas"]["Proposal"]["properties"])
    assert proposal_fields >= {
        "id",
        "title",
        "cost",
        "district",
        "category",
        "status",
        "supports",
        "comments",
        "url",
    }


def test_the_api_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.get("/api/v1/processes").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_proposal_documents_use_the_reviewed_cost(client):
    process = make_process()
    proposal = make_proposal(process, cost_minor=100_00)
    db.session.get(Proposal, proposal.id).adjusted_cost_minor = 80_00
    db.session.commit()
    document = client.get(f"/api/v1/processes/{process.id}/proposals").get_json()["proposals"][0]
    assert document["cost"] == 80_00


def test_bad_paging_is_answered_400_in_json_not_clamped(client):
    process = make_process()
    base = f"/api/v1/processes/{process.id}/proposals"
    for query in (
        "page=-17342829857311&per_page=4.68e-96",
        "page=0",
        "per_page=101",
        "page=x",
        "page=1&page=2",
    ):
        response = client.get(f"{base}?{query}")
        assert response.status_code == 400, query
        assert (
            response.get_json()["error"] == "Bad request" and "whole number" in response.get_json()["message"]
        )
    assert client.get(f"{base}?page=2&per_page=100").status_code == 200


def test_a_wrong_method_gets_405_with_allow_and_errors_are_documented(client):
    response = client.post("/api/v1/processes")
    assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) >= {"GET"}
    document = client.get("/api/v1/openapi.json").get_json()
    for path in document["paths"].values():
        assert {"400", "429"} <= set(path["get"]["responses"])
