"""The staff member's journey through one process of their own, one page after another: create it, set
its dates, set up the vote and its budget, publish it; review the residents' proposals for feasibility,
hide the one a resident reported (the report is made in the resident's own browser); close the vote and
count, publish the results, track a funded project. Proposals and ballots are written through the services
between the staff's steps (the resident's journey walks those pages). Every page passes axe and fits the
width (tests/e2e/journey.py)."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.journey import WIDTHS, Journey, log_in

pytestmark = pytest.mark.xdist_group("e2e")
STAFF = "staff@demo.participate.example"
RESIDENT = "resident@demo.participate.example"
PROPOSALS = 5  # four become feasible; one is hidden after a report


def _day(days: int) -> str:
    from participate.core.clock import today

    return (today() + timedelta(days=days)).isoformat()


def create_and_configure(walk: Journey, title: str) -> int:
    page = walk.page
    log_in(walk, STAFF)
    walk.follow(page.get_by_role("link", name="Administration"))
    walk.follow(page.get_by_role("link", name="New process"))
    page.get_by_label("Title").fill(title)
    page.get_by_label("Total budget").fill("750 000")
    walk.follow(page.get_by_role("button", name="Save process"))
    walk.h1(title)
    process_id = int(re.search(r"/manage/processes/(\d+)", page.url).group(1))
    # Proposals were collected last month; the vote is open this week.
    for phase, starts, ends in (("Proposals", -40, -10), ("Voting", -2, 7), ("Results", 8, 60)):
        group = page.get_by_role("group", name=phase)
        group.get_by_label("Starts").fill(_day(starts))
        group.get_by_label("Ends").fill(_day(ends))
    walk.follow(page.get_by_role("button", name="Save dates"))
    walk.status("phase dates are saved")

    sections = page.get_by_role("navigation", name="Sections of this process")
    walk.follow(sections.get_by_role("link", name="Vote"))
    page.get_by_label(re.compile("^Account: any confirmed account")).check()
    walk.follow(page.get_by_role("button", name="Save vote settings"))
    walk.follow(page.get_by_role("link", name="Add a budget"))
    page.get_by_role("textbox", name=re.compile("^Name")).fill("Whole village")
    page.get_by_role("textbox", name=re.compile("^Budget")).fill("750 000")
    walk.follow(page.get_by_role("button", name="Save budget"))
    expect(page.get_by_role("cell", name="Whole village", exact=True)).to_be_visible()

    walk.follow(sections.get_by_role("link", name="Overview"))
    walk.follow(page.get_by_role("button", name="Publish"))
    walk.status("published")
    return process_id


def residents_propose(app, process_id: int) -> list[int]:
    """Residents' proposals for the process, as they submitted them in the proposals phase."""
    from participate.extensions import db
    from participate.processes.models import Process
    from tests.factories import make_proposal

    with app.app_context():
        process = db.session.get(Process, process_id)
        costs = [120_000_00, 90_000_00, 200_000_00, 60_000_00, 10_000_00]
        titles = [None] * (PROPOSALS - 1) + ["Cheap watches, visit my shop"]
        made = [make_proposal(process, cost_minor=c, title=t) for c, t in zip(costs, titles, strict=True)]
        return [p.id for p in made]


def a_resident_reports(resident: Journey, proposal_id: int) -> None:
    """The demo's resident reports the advert as spam, in their own browser."""
    page = resident.page
    log_in(resident, RESIDENT)
    resident.goto(f"/proposals/{proposal_id}")
    resident.follow(page.get_by_role("link", name="Report"))
    page.get_by_label("Spam").check()
    resident.follow(page.get_by_role("button", name="Send the report"))
    resident.status("The moderators will look at it")


def review_and_moderate(walk: Journey, proposal_ids: list[int]) -> None:
    page = walk.page
    # still on the process's staff screens: on through its sections
    sections = page.get_by_role("navigation", name="Sections of this process")
    walk.follow(sections.get_by_role("link", name="Proposals"))
    for proposal_id in proposal_ids[:-1]:
        walk.follow(page.locator(f"a[href$='/manage/proposals/{proposal_id}/review']"))
        page.get_by_label("Decision").select_option("feasible")
        page.get_by_label("Public answer").fill(
            "Checked with the parks department: it can be built this year."
        )
        walk.follow(page.get_by_role("button", name="Save the decision"))
        walk.status("The decision is saved")
        walk.follow(sections.get_by_role("link", name="Proposals"))

    walk.follow(sections.get_by_role("link", name="Moderation"))
    item = page.locator("li.moderation-item").filter(has_text="Cheap watches")
    item.get_by_label("Reason shown to the public").fill("An advertisement, not a proposal.")
    walk.follow(item.get_by_role("button", name=re.compile("^Hide")))
    walk.status("It is hidden")


def residents_vote(app, process_id: int, proposal_ids: list[int], voters: int = 12) -> None:
    from participate.core.after_commit import commit
    from participate.core.clock import today
    from participate.extensions import db
    from participate.processes.models import Process
    from participate.voting import services as voting
    from tests.factories import make_user, register_voter

    rng = random.Random(23)
    with app.app_context():
        process = db.session.get(Process, process_id)
        (budget,) = voting.budgets_for_district(process, None)
        for _ in range(voters):
            voter = make_user()
            register_voter(voter, process)
            voting.cast_ballot(voter, budget, rng.sample(proposal_ids[:-1], 3), today())
            commit()


def close_count_publish_and_track(walk: Journey, title: str) -> None:
    page = walk.page
    # still on the process's staff screens: on through its sections
    sections = page.get_by_role("navigation", name="Sections of this process")
    walk.follow(sections.get_by_role("link", name="Results"))
    walk.follow(page.get_by_role("link", name="Close the vote and count"))
    expect(page.get_by_text("A closed vote cannot be opened again.")).to_be_visible()
    walk.follow(page.get_by_role("button", name="Close the vote and count"))
    expect(page).to_have_url(re.compile(r"/jobs/\d+"))
    expect(page.get_by_text("Finished", exact=True)).to_be_visible()
    walk.follow(page.get_by_role("link", name="Back to the results"))
    expect(page.get_by_role("button", name="Count again")).to_be_visible()
    walk.follow(page.get_by_role("link", name="Publish results"))
    walk.follow(page.get_by_role("button", name="Publish results"))
    walk.status("The results are published.")

    funded = page.locator("table a[href*='/results/projects/']").first
    project = funded.inner_text()
    walk.follow(funded)
    page.get_by_label("In progress").check()
    page.get_by_label(re.compile("^Progress")).fill("40")
    walk.follow(page.get_by_role("button", name="Save progress"))
    walk.status("The progress is saved.")
    page.get_by_label(re.compile("^Date")).fill(_day(1))
    page.get_by_label(re.compile("^What")).fill("Building starts")
    walk.follow(page.get_by_role("button", name="Add milestone"))
    walk.status("The milestone is added.")
    walk.follow(page.get_by_role("link", name="Back to the results"))
    walk.follow(page.get_by_role("link", name="View the public results"))
    expect(page.get_by_role("link", name=title, exact=True).first).to_be_visible()
    expect(
        page.locator("li, tr").filter(has_text=project).filter(has_text="In progress, 40%").first
    ).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_staff_journey(open_journey, live_server, width):
    title = f"Kiruna village budget ({width} px)"
    with open_journey(width, "staff") as walk:
        process_id = create_and_configure(walk, title)
        proposal_ids = residents_propose(live_server, process_id)
        with open_journey(width, "resident") as resident:
            a_resident_reports(resident, proposal_ids[-1])
        review_and_moderate(walk, proposal_ids)
        residents_vote(live_server, process_id, proposal_ids)
        close_count_publish_and_track(walk, title)
