"""A registered resident ranks proposals with the keyboard only, casts, keeps the receipt, changes the
vote and checks the new receipt — in the browser, checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe_check import assert_accessible
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")
RESIDENT = "resident@demo.participate.example"
# In the demo census and held by no account (participate/voting/demo.py, README).
IDENTITY, BIRTH_YEAR = "19900101-1234", "1990"


@pytest.fixture
def open_vote(live_server):
    """The demo process whose vote is open, with the demo resident not yet registered, and an unclaimed
    census entry for them to verify with. Returns its path and three proposal titles of the city-wide
    ballot they will get."""
    from sqlalchemy import delete, select

    from participate.accounts.models import User
    from participate.eligibility import secrecy
    from participate.eligibility.models import CensusEntry, VoterRegistration
    from participate.extensions import db
    from participate.processes.services import find_by_slug
    from participate.voting import services

    path = live_server.demo_pages["voting"]
    with live_server.app_context():
        process = find_by_slug(path.rsplit("/", 1)[1])
        assert services.settings_of(process).eligibility == "census"
        resident = db.session.execute(select(User).where(User.email == RESIDENT)).scalar_one()
        db.session.execute(
            delete(VoterRegistration).where(
                VoterRegistration.process_id == process.id, VoterRegistration.user_id == resident.id
            )
        )
        entry = db.session.execute(
            select(CensusEntry).where(
                CensusEntry.process_id == process.id,
                CensusEntry.identity_hash == secrecy.census_hash(IDENTITY),
            )
        ).scalar_one()
        db.session.commit()
        (budget, *_others) = services.budgets_for_district(process, entry.district_id)
        assert budget.ballot_type == "ranked" and budget.district_id is None
        titles = [p.title for p in services.candidates(budget)[:3]]
    assert len(titles) == 3
    return path, titles


def tab_to(page, name: str, *, limit: int = 400) -> None:
    """Press Tab until the focused element's accessible text is `name` (the keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate("() => (document.activeElement?.textContent || '').replace(/\\s+/g, ' ').trim()")
        if text == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_a_resident_ranks_with_the_keyboard_casts_changes_and_checks_the_receipt(page, open_vote):
    path, (first, second, third) = open_vote
    announcer = page.locator("#ballot-announcer")
    log_in(page, RESIDENT)
    page.goto(path)
    page.get_by_role("link", name="Vote now").click()
    # Not registered yet: confirm against the census first, then on to the ballot.
    page.get_by_role("link", name="Confirm that I may vote").click()
    assert_accessible(page)
    page.get_by_label("Personal identity number").fill(IDENTITY)
    page.get_by_label("Year of birth").fill(BIRTH_YEAR)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot")
    expect(page.get_by_role("heading", name="Your ranking").first).to_be_visible()
    assert_accessible(page)

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
    assert_accessible(page)

    tab_to(page, "Review my vote")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review your vote")
    expect(page.locator(".ballot-review-list li")).to_have_text(
        [re.compile(re.escape(t)) for t in (first, third, second)]
    )
    assert_accessible(page)
    tab_to(page, "Cast my vote")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your vote is cast")
    first_receipt = page.locator(".receipt-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9-]{8,}", first_receipt)
    assert first_receipt not in page.url
    assert_accessible(page)

    # Change the vote: the ballot comes back as cast; take the first proposal off.
    page.get_by_role("link", name="Change my vote").click()
    expect(page.get_by_text("You have voted on this ballot")).to_be_visible()
    tab_to(page, f"Remove {first}")
    page.keyboard.press("Enter")
    expect(announcer).to_have_text(f"{first} removed from your ranking.")
    tab_to(page, "Review my vote")
    page.keyboard.press("Enter")
    expect(page.locator(".ballot-review-list li")).to_have_text(
        [re.compile(re.escape(t)) for t in (third, second)]
    )
    tab_to(page, "Cast my vote")
    page.keyboard.press("Enter")
    new_receipt = page.locator(".receipt-code").inner_text()
    assert new_receipt != first_receipt

    page.get_by_role("link", name="Check a receipt").click()
    assert_accessible(page)
    page.get_by_label("Receipt code").fill(new_receipt)
    page.get_by_role("button", name="Check the receipt").click()
    expect(page.get_by_role("heading", name="Sealed in the ballot box: it will be counted")).to_be_visible()
    expect(page.locator(".ballot-review-list li")).to_have_text([third, second])
    assert new_receipt not in page.url
    assert_accessible(page)
    page.get_by_label("Receipt code").fill(first_receipt)
    page.get_by_role("button", name="Check the receipt").click()
    expect(page.get_by_role("heading", name="Receipt not found")).to_be_visible()
