"""The resident's journey, one page after another: register, confirm the address from the outbox, log in,
propose, support and comment, confirm against the census, rank by keyboard only, cast, change the vote,
check the receipt, read a published result. Every page passes axe and fits the width (tests/e2e/journey.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.journey import WIDTHS, Journey

pytestmark = pytest.mark.xdist_group("e2e")
PASSWORD = "lingonberry kayak 31 meadow"


@pytest.fixture
def census_entry(live_server, request):
    """The council's census holds the new resident (a number per width, as each walk is a new person).
    Returns the demo's open vote's path, the identity number and the birth year."""
    from participate.eligibility import secrecy
    from participate.eligibility.models import CensusEntry
    from participate.extensions import db
    from participate.processes.services import find_by_slug
    from participate.voting import services

    width = request.node.callspec.params["width"]
    identity, year = f"1988{width:04d}-1357"[:13], "1988"
    path = live_server.demo_pages["voting"]
    with live_server.app_context():
        process = find_by_slug(path.rsplit("/", 1)[1])
        assert services.settings_of(process).eligibility == "census"
        district = process.districts[0].id if process.districts else None
        db.session.add(
            CensusEntry(
                process_id=process.id,
                identity_hash=secrecy.census_hash(identity),
                birth_year=int(year),
                district_id=district,
            )
        )
        db.session.commit()
        (budget, *_others) = services.budgets_for_district(process, district)
        assert budget.ballot_type == "ranked" and budget.district_id is None
    return path, identity, year


def tab_to(page, name: str, *, limit: int = 400) -> None:
    """Press Tab until the focused element's accessible text is `name` (the keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate("() => (document.activeElement?.textContent || '').replace(/\\s+/g, ' ').trim()")
        if text == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def register_and_confirm(walk: Journey, email: str, name: str) -> None:
    page = walk.page
    walk.goto("/")
    walk.follow(page.get_by_role("link", name="Register"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Display name").fill(name)
    page.get_by_label(re.compile(r"^Password")).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    walk.follow(page.get_by_role("button", name="Create account"))
    walk.status("open its link to confirm")
    # The development outbox (what `make run` offers instead of sending mail).
    walk.goto("/dev/outbox")
    message = page.locator("article").filter(has_text=f"To: {email}").first
    link = message.locator("a[href*='/accounts/confirm/']").get_attribute("href")
    walk.goto(re.sub(r"^https?://[^/]+", "", link))
    walk.status("confirmed")
    walk.goto("/accounts/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label(re.compile(r"^Password")).fill(PASSWORD)
    walk.follow(page.get_by_role("button", name="Log in"))
    expect(page.get_by_role("link", name="My account")).to_be_visible()


def propose_support_and_comment(walk: Journey, open_process: str, width: int) -> None:
    page = walk.page
    walk.goto(open_process)
    walk.follow(page.get_by_role("link", name="Submit a proposal").first)
    title = f"A bench by the bus stop on Eriksfältsgatan ({width} px)"
    page.get_by_label("Title").fill(title)
    expect(page.locator("#similar-proposals")).to_contain_text("Benches along the Fosie walking loop")
    page.get_by_label("Summary in one sentence").fill("Somewhere to sit while waiting for the bus")
    page.get_by_label("Estimated cost").fill("15 000")
    walk.follow(page.get_by_role("button", name="Publish"))
    walk.status("Your proposal is published")
    walk.h1(title)

    walk.goto(open_process + "/proposals/?q=benches")
    walk.follow(page.get_by_role("link", name=re.compile("Benches along the Fosie walking loop")))
    walk.follow(page.get_by_role("button", name="Support this proposal"))
    walk.status("You support this proposal")
    expect(page.get_by_role("button", name="Withdraw my support")).to_be_visible()
    comment = f"Yes please: my mother walks this loop every day ({width} px)."
    page.get_by_label("Your comment").fill(comment)
    page.locator("#new-comment-stance-in_favour").check()  # the demo's replies have stances of their own
    walk.follow(page.get_by_role("button", name="Post comment"))
    expect(page.locator(".comment-card").filter(has_text=comment)).to_be_visible()


def verify_and_vote(walk: Journey, path: str, identity: str, year: str) -> None:
    """Confirm against the census, rank three proposals with the keyboard, cast, change the vote, and
    check the new receipt (and that the old one no longer counts)."""
    page = walk.page
    announcer = page.locator("#ballot-announcer")
    walk.goto(path)
    walk.follow(page.get_by_role("link", name="Vote now"))
    walk.follow(page.get_by_role("link", name="Confirm that I may vote"))
    page.get_by_label("Personal identity number").fill(identity)
    page.get_by_label("Year of birth").fill(year)
    walk.follow(page.get_by_role("button", name="Confirm"))
    walk.h1("Your ballot")
    first, second, third = _first_three_candidates(page)

    tab_to(page, f"Add {first}")
    page.keyboard.press("Enter")
    expect(announcer).to_have_text(f"{first} added at rank 1 of 1.")
    tab_to(page, f"Add {second}")
    page.keyboard.press("Space")
    expect(announcer).to_have_text(f"{second} added at rank 2 of 2.")
    tab_to(page, f"Add {third}")
    page.keyboard.press("Enter")
    expect(announcer).to_have_text(f"{third} added at rank 3 of 3.")
    # Focus stayed on the moved proposal: its first button now is "Move up".
    assert page.evaluate("() => document.activeElement.dataset.move") == "up"
    page.keyboard.press("Enter")
    expect(announcer).to_have_text(f"{third} moved to rank 2 of 3.")
    walk.check()  # the ballot as ranked, before it is reviewed

    tab_to(page, "Review my vote")
    walk.press("Enter")
    walk.h1("Review your vote")
    expect(page.locator(".ballot-review-list li")).to_have_text(
        [re.compile(re.escape(t)) for t in (first, third, second)]
    )
    tab_to(page, "Cast my vote")
    walk.press("Enter")
    walk.h1("Your vote is cast")
    first_receipt = page.locator(".receipt-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9-]{8,}", first_receipt) and first_receipt not in page.url

    # Change the vote: the ballot comes back as cast; take the first proposal off.
    walk.follow(page.get_by_role("link", name="Change my vote"))
    expect(page.get_by_text("You have voted on this ballot")).to_be_visible()
    tab_to(page, f"Remove {first}")
    page.keyboard.press("Enter")
    expect(announcer).to_have_text(f"{first} removed from your ranking.")
    tab_to(page, "Review my vote")
    walk.press("Enter")
    expect(page.locator(".ballot-review-list li")).to_have_text(
        [re.compile(re.escape(t)) for t in (third, second)]
    )
    tab_to(page, "Cast my vote")
    walk.press("Enter")
    new_receipt = page.locator(".receipt-code").inner_text()
    assert new_receipt != first_receipt

    walk.follow(page.get_by_role("link", name="Check a receipt"))
    page.get_by_label("Receipt code").fill(new_receipt)
    walk.follow(page.get_by_role("button", name="Check the receipt"))
    expect(page.get_by_role("heading", name="Sealed in the ballot box: it will be counted")).to_be_visible()
    expect(page.locator(".ballot-review-list li")).to_have_text([third, second])
    assert new_receipt not in page.url
    page.get_by_label("Receipt code").fill(first_receipt)
    walk.follow(page.get_by_role("button", name="Check the receipt"))
    expect(page.get_by_role("heading", name="Receipt not found")).to_be_visible()


def _first_three_candidates(page) -> tuple[str, str, str]:
    """The first three proposals on the ballot, by the names of their Add buttons."""
    names = page.get_by_role("button", name=re.compile(r"^Add ")).all_inner_texts()
    titles = [re.sub(r"^Add\s+", "", " ".join(n.split())) for n in names[:3]]
    assert len(titles) == 3, names
    return titles[0], titles[1], titles[2]


def read_results(walk: Journey, results: str) -> None:
    page = walk.page
    walk.goto(results)
    walk.follow(page.get_by_role("link", name="See the results"))
    expect(page.get_by_role("heading", name="Funded proposals", exact=True).first).to_be_visible()
    walk.follow(page.get_by_role("link", name="Every ballot with its receipt").first)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_residents_journey(open_journey, live_server, census_entry, width):
    vote, identity, year = census_entry
    email = f"nova.{width}@example.org"
    with open_journey(width, "resident") as walk:
        register_and_confirm(walk, email, f"Nova Resident {width}")
        propose_support_and_comment(walk, live_server.demo_pages["proposals"], width)
        verify_and_vote(walk, vote, identity, year)
        read_results(walk, live_server.demo_pages["results"])
