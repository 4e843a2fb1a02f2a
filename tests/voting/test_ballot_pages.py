"""The resident's ballot pages without JavaScript: fill in, review, cast, change; the receipt check."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from participate.extensions import db
from participate.voting import services
from participate.voting.models import SealedBallot, VoterRoll
from participate.voting.statements import register_statement_source, unregister_statement_source
from tests.conftest import csrf_token
from tests.factories import make_process, make_proposal, make_user, make_vote, register_voter

VOTING = 21
RECEIPT_RE = re.compile(r'<code class="receipt-code">([^<]+)</code>')


def _vote(ballot_type="ranked", **budget):
    process = make_process(days_in=VOTING)
    costs = (100_000_00, 200_000_00, 300_000_00, 400_000_00)
    proposals = [
        make_proposal(process, status="feasible", cost_minor=cost, title=f"Proposal {name}")
        for name, cost in zip("ABCD", costs, strict=True)
    ]
    (vote_budget,) = make_vote(
        process,
        budgets=[
            {"name": "City-wide", "budget_minor": process.budget_minor, "ballot_type": ballot_type, **budget}
        ],
    )
    return process, vote_budget, proposals


def _field(budget, proposal):
    return f"b{budget.id}-p{proposal.id}"


def _post(client, process, action, fields, token=None):
    path = f"/processes/{process.slug}/vote"
    data = {"csrf_token": token or csrf_token(client, path), "action": action, **fields}
    return client.post(path, data=data)


def _hidden_fields(html):
    return dict(re.findall(r'<input type="hidden" name="(b\d+-p\d+)" value="([^"]*)">', html))


def _review_and_cast(client, process, fields):
    review = _post(client, process, "review", fields)
    assert review.status_code == 200, review.get_data(as_text=True)
    carried = _hidden_fields(review.get_data(as_text=True))
    assert carried == {k: v for k, v in fields.items() if v}
    cast = _post(client, process, "cast", carried)
    assert cast.status_code == 200
    assert cast.headers["Cache-Control"] == "no-store"
    (receipt,) = RECEIPT_RE.findall(cast.get_data(as_text=True))
    return review, cast, receipt


@pytest.fixture
def voter(app, as_user):
    def make(process):
        user = make_user()
        register_voter(user, process)
        return user, as_user(user)

    return make


def test_ranked_ballot_reviews_casts_and_shows_the_receipt_once(voter):
    process, budget, (a, b, c, d) = _vote()
    user, client = voter(process)
    page = client.get(f"/processes/{process.slug}/vote").get_data(as_text=True)
    assert "Rank for Proposal A" in page and "Not ranked" in page and "ranked-ballot.js" in page
    assert "Budget: " in page and "Rank the proposals you support" in page

    fields = {_field(budget, c): "1", _field(budget, a): "3", _field(budget, b): "", _field(budget, d): ""}
    review, cast, receipt = _review_and_cast(client, process, fields)
    text = review.get_data(as_text=True)
    assert text.index("Proposal C") < text.index("Proposal A") and "Cast my vote" in text
    assert "Proposal B" not in text.split("<h1>")[1].split("<form")[0]
    assert services.current_choices(user, budget) == [c.id, a.id]
    assert "shown only this once" in cast.get_data(as_text=True)
    assert receipt.replace("-", "") not in "".join(str(v) for v in cast.headers.values())
    # The receipt was never stored, so only the shown page has it; it is found by the check.
    assert services.check_receipt(process, receipt).choices == [c.id, a.id]


def test_reviewing_writes_nothing_and_change_goes_back_with_the_choices(voter):
    process, budget, (a, b, *_rest) = _vote()
    _user, client = voter(process)
    fields = {_field(budget, b): "1", _field(budget, a): "2"}
    assert _post(client, process, "review", fields).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 0
    back = _post(client, process, "change", fields).get_data(as_text=True)
    assert re.search(
        rf'name="{_field(budget, b)}">\s*<option value="">[^<]*</option>\s*<option value="1" selected', back
    )


def test_duplicate_ranks_are_refused_with_a_message_and_nothing_written(voter):
    process, budget, (a, b, *_rest) = _vote()
    _user, client = voter(process)
    for action in ("review", "cast"):
        response = _post(client, process, action, {_field(budget, a): "1", _field(budget, b): "1"})
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert "Proposal A and Proposal B both have rank 1" in text and "error-summary" in text
    assert db.session.scalar(select(func.count()).select_from(VoterRoll)) == 0
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 0


def test_an_empty_ballot_and_a_made_up_rank_are_refused(voter):
    process, budget, (a, *_rest) = _vote()
    _user, client = voter(process)
    assert "Choose at least one proposal" in _post(client, process, "review", {}).get_data(as_text=True)
    for made_up in ("99", "²", "١", "9" * 30):  # a superscript and an Arabic-Indic digit pass str.isdigit()
        response = _post(client, process, "cast", {_field(budget, a): made_up})
        assert response.status_code == 400
        assert "Choose a rank from the list for Proposal A" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(VoterRoll)) == 0


def test_approval_ballot_with_a_spending_cap(voter):
    process, budget, (a, b, c, d) = _vote("approval", spending_cap=True, budget_minor=500_000_00)
    user, client = voter(process)
    page = client.get(f"/processes/{process.slug}/vote").get_data(as_text=True)
    assert 'type="checkbox"' in page and "may cost at most" in page and "data-ballot-total" in page

    over = _post(client, process, "review", {_field(budget, c): "1", _field(budget, d): "1"})
    assert over.status_code == 400 and "cost more than the budget" in over.get_data(as_text=True)
    over = _post(client, process, "cast", {_field(budget, c): "1", _field(budget, d): "1"})
    assert over.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(VoterRoll)) == 0

    review, _cast, receipt = _review_and_cast(
        client, process, {_field(budget, a): "1", _field(budget, d): "1"}
    )
    assert "Your choices cost" in review.get_data(as_text=True)
    assert services.current_choices(user, budget) == sorted([a.id, d.id])
    assert services.check_receipt(process, receipt).found


def test_points_ballot(voter):
    process, budget, (a, b, *_rest) = _vote("points", points_total=10)
    user, client = voter(process)
    page = client.get(f"/processes/{process.slug}/vote").get_data(as_text=True)
    assert 'type="number"' in page and "Share out up to 10 points" in page
    too_many = _post(client, process, "review", {_field(budget, a): "8", _field(budget, b): "3"})
    assert too_many.status_code == 400
    assert "Give Proposal A a whole number" in _post(
        client, process, "review", {_field(budget, a): "-1"}
    ).get_data(as_text=True)
    review, _cast, _receipt = _review_and_cast(
        client, process, {_field(budget, a): "7", _field(budget, b): "3"}
    )
    assert "You have given 10 of 10 points." in review.get_data(as_text=True)
    assert services.current_choices(user, budget) == [[a.id, 7], [b.id, 3]]


def test_changing_the_ballot_prefills_it_and_the_last_one_counts(voter):
    process, budget, (a, b, c, _d) = _vote()
    user, client = voter(process)
    _r, _c, first = _review_and_cast(client, process, {_field(budget, a): "1", _field(budget, b): "2"})
    page = client.get(f"/processes/{process.slug}/vote").get_data(as_text=True)
    assert "You have voted on this ballot" in page
    assert re.search(rf'name="{_field(budget, b)}">(?:(?!</select>).)*<option value="2" selected', page, re.S)
    _r, _c, second = _review_and_cast(client, process, {_field(budget, c): "1"})
    assert services.current_choices(user, budget) == [c.id]
    assert db.session.scalar(select(func.count()).select_from(VoterRoll)) == 1
    assert not services.check_receipt(process, first).found
    assert services.check_receipt(process, second).found


def test_a_closed_vote_refuses_and_says_why(voter):
    process, budget, (a, *_rest) = _vote()
    _user, client = voter(process)
    token = csrf_token(client, f"/processes/{process.slug}/vote")
    services.close_vote(make_user("staff"), process)
    db.session.commit()
    page = client.get(f"/processes/{process.slug}/vote")
    assert page.status_code == 200 and "The vote has closed." in page.get_data(as_text=True)
    refused = _post(client, process, "cast", {_field(budget, a): "1"}, token=token)
    assert refused.status_code == 403 and "The vote has closed." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(VoterRoll)) == 0


def test_an_unregistered_resident_is_told_to_confirm_first_and_visitors_log_in(app, client, as_user):
    process, _budget, _proposals = _vote()
    visitor = client.get(f"/processes/{process.slug}/vote")
    assert visitor.status_code == 302 and "/accounts/login" in visitor.headers["Location"]
    page = as_user(make_user()).get(f"/processes/{process.slug}/vote")
    assert page.status_code == 200
    assert f'href="/processes/{process.slug}/vote/verify"' in page.get_data(as_text=True)


def test_receipt_check_sealed_counted_and_unknown(voter, app):
    process, budget, (a, b, *_rest) = _vote()
    _user, client = voter(process)
    _r, _c, receipt = _review_and_cast(client, process, {_field(budget, b): "1", _field(budget, a): "2"})
    checker = app.test_client()  # anyone, not logged in
    path = f"/processes/{process.slug}/vote/receipt"
    assert checker.get(path).status_code == 200

    def check(code):
        response = checker.post(path, data={"csrf_token": csrf_token(checker, path), "code": code})
        assert response.headers["Cache-Control"] == "no-store"
        return response.get_data(as_text=True)

    sealed = check(receipt)
    assert "Sealed in the ballot box" in sealed
    assert sealed.index("Proposal B") < sealed.index("Proposal A")
    unknown = check("AAAA-BBBB-CCCC")
    assert "Receipt not found" in unknown and "only the receipt of your newest vote counts" in unknown
    services.close_vote(make_user("staff"), process)
    db.session.commit()
    counted = check(receipt.lower())
    assert "Counted as cast" in counted and counted.index("Proposal B") < counted.index("Proposal A")
    assert checker.post(path, data={"csrf_token": csrf_token(checker, path), "code": ""}).status_code == 400


def test_the_receipt_never_appears_in_a_url(voter, app):
    process, budget, (a, *_rest) = _vote()
    _user, client = voter(process)
    review = _post(client, process, "review", {_field(budget, a): "1"})
    cast = _post(client, process, "cast", _hidden_fields(review.get_data(as_text=True)))
    (receipt,) = RECEIPT_RE.findall(cast.get_data(as_text=True))
    assert cast.status_code == 200 and "Location" not in cast.headers  # rendered, not redirected
    html = cast.get_data(as_text=True)
    urls = re.findall(r'(?:href|action|src)="([^"]*)"', html)
    assert urls and not any(receipt in url or receipt.replace("-", "") in url for url in urls)


def test_the_process_page_shows_the_vote_box_while_open(voter, client):
    process, _budget, _proposals = _vote()
    page = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert "Vote now" in page and f"/processes/{process.slug}/vote/receipt" in page
    services.close_vote(make_user("staff"), process)
    db.session.commit()
    page = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert "Vote now" not in page and "The vote has closed" in page
    quiet = make_process(days_in=VOTING)
    assert 'id="vote-title"' not in client.get(f"/processes/{quiet.slug}").get_data(as_text=True)


def test_a_citizen_panel_statement_shows_beside_its_proposal(voter):
    process, _budget, (a, b, *_rest) = _vote()
    _user, client = voter(process)

    def source(proposals):
        return {p.id: "The panel *strongly* supports this." for p in proposals if p.id == a.id}

    register_statement_source(source)
    try:
        page = client.get(f"/processes/{process.slug}/vote").get_data(as_text=True)
    finally:
        unregister_statement_source(source)
    assert len(re.findall(r"Citizen panel(?:'|&#39;)s statement", page)) == 1
    assert "<em>strongly</em>" in page
    assert page.index("Proposal A") < page.index("strongly") < page.index("Proposal B")


def test_two_budgets_show_two_ballots_and_one_may_stay_empty(app, as_user):
    from participate.processes.models import District

    process = make_process(days_in=VOTING)
    north = District(process_id=process.id, name="North", budget_minor=200_000_00)
    db.session.add(north)
    db.session.commit()
    citywide = make_proposal(process, status="feasible", title="Proposal city")
    local = make_proposal(process, status="feasible", title="Proposal north", district_id=north.id)
    city_budget, north_budget = make_vote(
        process,
        budgets=[
            {"name": "City-wide", "budget_minor": 500_000_00},
            {"name": "North", "budget_minor": 200_000_00, "district_id": north.id},
        ],
    )
    user = make_user()
    register_voter(user, process, north)
    client = as_user(user)
    page = client.get(f"/processes/{process.slug}/vote").get_data(as_text=True)
    assert f'id="budget-{city_budget.id}"' in page and f'id="budget-{north_budget.id}"' in page
    review, _cast, _receipt = _review_and_cast(client, process, {_field(north_budget, local): "1"})
    assert "You leave this ballot empty" in review.get_data(as_text=True)
    assert services.has_voted(user, north_budget) and not services.has_voted(user, city_budget)
    assert services.current_choices(user, north_budget) == [local.id]
    assert citywide.id not in (services.current_choices(user, north_budget) or [])


def test_receipt_checks_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RECEIPT_CHECK_RATE_LIMIT="3 per minute")
    process, _budget, _proposals = _vote()
    client = app.test_client()
    path = f"/processes/{process.slug}/vote/receipt"
    token = csrf_token(client, path)
    statuses = [
        client.post(path, data={"csrf_token": token, "code": f"GUESS-{n}"}).status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert client.get(path).status_code == 200  # only the checks count
