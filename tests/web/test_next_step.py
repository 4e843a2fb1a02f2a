"""What a resident can do now: one call to action per phase, computed by processes.services.next_step."""

from datetime import date, timedelta

from participate.processes import services
from participate.processes.models import Phase
from tests.factories import make_process, make_ready_vote, make_user

D = date(2027, 3, 1)


def full_process():
    """Proposals 1–14 Mar, deliberation 15–24, panel 25–31, voting 1–14 Apr, results from 15 Apr."""
    return make_process(
        phases={
            Phase.PROPOSALS: (D, D + timedelta(days=13)),
            Phase.DELIBERATION: (D + timedelta(days=14), D + timedelta(days=23)),
            Phase.PANEL: (D + timedelta(days=24), D + timedelta(days=30)),
            Phase.VOTING: (D + timedelta(days=31), D + timedelta(days=44)),
            Phase.RESULTS: (D + timedelta(days=45), D + timedelta(days=75)),
        }
    )


def test_before_the_first_phase_it_says_when_the_process_opens(app):
    step = services.next_step(full_process(), None, D - timedelta(days=3))
    assert step.kind == "upcoming" and step.starts_on == D
    assert step.headline == "Opens on Mar 1, 2027."
    assert step.detail == "Proposals open on Mar 1, 2027."
    assert step.action is None


def test_proposals_say_until_when_and_ask_visitors_to_log_in(app):
    process = full_process()
    visitor = services.next_step(process, None, D + timedelta(days=2))
    assert visitor.kind == "proposals" and visitor.ends_on == D + timedelta(days=13)
    assert visitor.headline == "Proposals are open until Mar 14, 2027."
    assert visitor.action == "log_in"
    resident = services.next_step(process, make_user(), D + timedelta(days=2))
    assert resident.headline == visitor.headline and resident.action is None


def test_deliberation_and_panel_say_what_comes_next(app):
    process = full_process()
    deliberation = services.next_step(process, None, D + timedelta(days=15))
    assert deliberation.kind == "deliberation" and "until Mar 24, 2027" in deliberation.headline
    panel = services.next_step(process, None, D + timedelta(days=25))
    assert panel.kind == "panel" and panel.action is None
    assert panel.detail == "Voting opens on Apr 1, 2027."


def test_voting_and_results(app):
    process = full_process()
    voting = services.next_step(process, None, D + timedelta(days=31))
    assert voting.kind == "voting" and voting.headline == "Voting is open until Apr 14, 2027."
    assert voting.detail == "Results will be published on Apr 15, 2027." and voting.action == "log_in"
    results = services.next_step(process, None, D + timedelta(days=50))
    assert results.kind == "results" and results.headline == "The results are published."
    assert results.detail is None and results.action is None


def test_a_gap_between_phases_and_a_process_without_results(app):
    process = make_process(
        phases={
            Phase.PROPOSALS: (D, D + timedelta(days=9)),
            Phase.VOTING: (D + timedelta(days=20), D + timedelta(days=29)),
        }
    )
    gap = services.next_step(process, None, D + timedelta(days=12))
    assert gap.kind == "between" and gap.action is None
    assert gap.headline == "The proposals phase ended on Mar 10, 2027."
    assert gap.detail == "Voting opens on Mar 21, 2027."
    closed = services.next_step(process, None, D + timedelta(days=40))
    assert closed.kind == "closed" and closed.headline == "This process ended on Mar 30, 2027."


def test_a_process_without_dates_and_a_staff_override(app):
    assert services.next_step(make_process(days_in=None), None, D).kind == "upcoming"
    staff = make_user("staff")
    process = full_process()
    make_ready_vote(process)
    services.advance_phase(staff, process, Phase.VOTING, on=D)
    step = services.next_step(process, None, D)
    assert step.kind == "voting" and step.headline == "Voting is open until Apr 14, 2027."


def test_the_public_page_and_the_cards_show_the_call_to_action(client):
    process = make_process(days_in=2)
    page = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert "Proposals are open until" in page and "Log in to take part" in page
    listing = client.get("/processes/").get_data(as_text=True)
    assert "Proposals are open until" in listing and "badge-phase-proposals" in listing
