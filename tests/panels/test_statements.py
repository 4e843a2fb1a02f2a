"""The panel on the proposals: its facilitators review the feasible proposals and publish a statement on
any of them, shown on the proposal's page and beside the proposal on the ballot."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participate.accounts.models import User
from participate.audit.labels import action_label
from participate.audit.models import AuditEntry
from participate.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from participate.extensions import db
from participate.panels import statements
from participate.panels.models import Panel, PanelStatus
from participate.panels.statement_models import PanelStatement
from participate.processes.models import ProcessRole
from participate.proposals.models import Proposal
from participate.voting.statements import statement_for
from tests.concurrency import DONE, as_request, at_once, races
from tests.factories import make_process, make_proposal, make_user, make_vote, register_voter
from tests.panels.helpers import facilitated_process, make_panel, manage_url, post, text


def _seated():
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, status=PanelStatus.SEATED)
    return process, facilitator, panel


def test_the_list_shows_only_the_feasible_proposals_of_the_process(client, as_user):
    process, facilitator, panel = _seated()
    feasible = make_proposal(process, title="Solar panels on the school", status="feasible")
    make_proposal(process, title="Not checked yet", status="submitted")
    make_proposal(process, title="Too expensive", status="not_feasible")
    other = make_proposal(make_process(), title="Elsewhere", status="feasible")
    as_user(facilitator)
    page = text(client.get(manage_url(panel, "/statements")))
    assert "Solar panels on the school" in page
    assert "Not checked yet" not in page and "Too expensive" not in page and "Elsewhere" not in page
    assert client.get(manage_url(panel, f"/statements/{other.id}")).status_code == 404
    assert client.get(manage_url(panel, f"/statements/{feasible.id}")).status_code == 200


def test_a_statement_is_published_edited_and_withdrawn_and_shows_on_the_proposal(client, as_user):
    process, facilitator, panel = _seated()
    proposal = make_proposal(process, title="Solar panels on the school", status="feasible")
    as_user(facilitator)
    url = manage_url(panel, f"/statements/{proposal.id}")
    response = post(client, url, {"text": "We **support** this: it cuts emissions where children learn."})
    assert response.status_code == 302
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Citizen panel&#39;s statement" in page or "Citizen panel's statement" in page
    assert "<strong>support</strong>" in page
    assert "Published" in text(client.get(manage_url(panel, "/statements")))
    # editing shows the text, and replaces it
    assert "cuts emissions where children learn" in text(client.get(url))
    assert post(client, url, {"text": "We support it, with shade for the yard."}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(PanelStatement)) == 1
    assert "with shade for the yard" in text(client.get(f"/proposals/{proposal.id}"))
    # withdrawn: gone from the proposal page
    assert post(client, url + "/withdraw", {}, token_from=url).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(PanelStatement)) == 0
    assert "Citizen panel" not in text(client.get(f"/proposals/{proposal.id}"))
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == [
        "panel.statement_published",
        "panel.statement_edited",
        "panel.statement_withdrawn",
    ]
    for action in actions[-3:]:
        assert action_label(action) != action


def test_the_statement_stands_beside_the_proposal_on_the_ballot(client, as_user):
    process = make_process(days_in=22)  # today is in its voting phase
    facilitator = make_user()
    db.session.add(ProcessRole(process_id=process.id, user_id=facilitator.id, role="facilitator"))
    db.session.commit()
    panel = make_panel(process, facilitator, status=PanelStatus.SEATED)
    make_vote(process, eligibility="account")
    spoken = make_proposal(process, title="Trees on Main Street", status="feasible")
    silent = make_proposal(process, title="A new bench", status="feasible")
    statements.save_statement(facilitator, panel, spoken, "The panel backs the trees.")
    db.session.commit()
    assert statement_for(spoken) == "The panel backs the trees."
    assert statement_for(silent) is None
    voter = make_user()
    register_voter(voter, process)
    as_user(voter)
    ballot = client.get(f"/processes/{process.slug}/vote")
    page = text(ballot)
    assert ballot.status_code == 200, page[:500]
    assert "A new bench" in page
    assert page.count("Citizen panel's statement") == 1
    assert "The panel backs the trees." in page


def test_refusals_leave_nothing_behind(app):
    process, facilitator, panel = _seated()
    proposal = make_proposal(process, status="feasible")
    with pytest.raises(ValidationFailed):
        statements.save_statement(facilitator, panel, proposal, "   ")
    with pytest.raises(ValidationFailed):
        statements.save_statement(facilitator, panel, proposal, "x" * (statements.MAX_LENGTH + 1))
    with pytest.raises(PermissionDenied):
        statements.save_statement(make_user(), panel, proposal, "Not a facilitator")
    submitted = make_proposal(process, status="submitted")
    with pytest.raises(NotFound):
        statements.save_statement(facilitator, panel, submitted, "Not feasible yet")
    with pytest.raises(NotFound):
        statements.withdraw_statement(facilitator, panel, proposal)
    panel.status = PanelStatus.DRAWN.value
    with pytest.raises(IllegalTransition):
        statements.save_statement(facilitator, panel, proposal, "Not seated")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PanelStatement)) == 0


def test_an_empty_statement_gets_a_message_and_a_400(client, as_user):
    process, facilitator, panel = _seated()
    proposal = make_proposal(process, status="feasible")
    as_user(facilitator)
    response = post(client, manage_url(panel, f"/statements/{proposal.id}"), {"text": "  "})
    assert response.status_code == 400
    assert "Write the panel" in text(response)
    assert db.session.scalar(select(func.count()).select_from(PanelStatement)) == 0


def test_residents_and_other_staff_cannot_reach_the_screens(client, as_user):
    process, facilitator, panel = _seated()
    proposal = make_proposal(process, status="feasible")
    as_user(make_user())
    assert client.get(manage_url(panel, "/statements")).status_code == 403
    assert (
        post(
            client, manage_url(panel, f"/statements/{proposal.id}"), {"text": "x"}, token_from="/"
        ).status_code
        == 403
    )


def test_a_draft_panels_statement_is_not_shown(app):
    process, facilitator, panel = _seated()
    proposal = make_proposal(process, status="feasible")
    statements.save_statement(facilitator, panel, proposal, "Said while seated")
    db.session.commit()
    assert statements.ballot_statements([proposal]) == {proposal.id: "Said while seated"}
    panel.status = PanelStatus.DRAFT.value
    db.session.commit()
    assert statements.ballot_statements([proposal]) == {}


@races
def test_parallel_first_statements_keep_one_row(app):
    process, facilitator, panel = _seated()
    proposal = make_proposal(process, status="feasible")
    ids = (facilitator.id, panel.id, proposal.id)

    def save(n: int):
        def use_case() -> None:
            statements.save_statement(
                db.session.get(User, ids[0]),
                db.session.get(Panel, ids[1]),
                db.session.get(Proposal, ids[2]),
                f"Version {n}",
            )

        return as_request(use_case)

    results = at_once(app, [save(n) for n in range(4)])
    assert results.count(DONE) == 4
    rows = db.session.scalars(select(PanelStatement)).all()
    assert len(rows) == 1 and rows[0].text.startswith("Version ")
