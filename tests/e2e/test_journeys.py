import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")


def submit_registration(page, email: str, name: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Display name").fill(name)
    page.get_by_label(re.compile(r"^Password")).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Create account").click()


def test_a_resident_registers_confirms_and_logs_back_in(page, live_server):
    page.goto("/")
    page.get_by_role("link", name="Register").click()
    submit_registration(page, "new.resident@example.org", "Nova Resident", "lingonberry kayak 31 meadow")
    expect(page.get_by_role("status")).to_contain_text("open its link to confirm")
    body = live_server.extensions["mailer"].outbox[-1].body
    link = re.search(r"http://[^/]+(/accounts/confirm/\S+)", body).group(1)
    page.goto(link)
    expect(page.get_by_role("status")).to_contain_text("confirmed")
    log_in(page, "new.resident@example.org", "lingonberry kayak 31 meadow")
    expect(page.get_by_role("link", name="My account")).to_be_visible()


def test_a_weak_password_is_explained_next_to_the_field(page):
    page.goto("/accounts/register")
    submit_registration(page, "weak@example.org", "Weak Example", "passwordpassword")
    expect(page.locator("#password-error")).to_contain_text("too common")
    expect(page.get_by_label(re.compile(r"^Password"))).to_have_attribute("aria-invalid", "true")


def test_staff_create_schedule_and_publish_a_process_residents_then_see(page, browser, live_server):
    log_in(page, "staff@demo.participate.example")
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="New process").click()
    page.get_by_label("Title").fill("Kiruna village budget")
    page.get_by_label("Total budget").fill("750 000")
    page.get_by_role("button", name="Save process").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiruna village budget")
    proposals = page.get_by_role("group", name="Proposals")
    proposals.get_by_label("Starts").fill("2026-01-01")
    proposals.get_by_label("Ends").fill("2026-01-31")
    results = page.get_by_role("group", name="Results")
    results.get_by_label("Starts").fill("2026-02-01")
    results.get_by_label("Ends").fill("2027-12-31")
    page.get_by_role("button", name="Save dates").click()
    expect(page.get_by_role("status")).to_contain_text("phase dates are saved")
    page.get_by_role("navigation", name="Sections of this process").get_by_role(
        "link", name="Overview"
    ).click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("published")

    resident = browser.new_context(base_url=live_server.live_url).new_page()
    resident.goto("/processes/")
    resident.get_by_role("link", name="Kiruna village budget").click()
    expect(resident.locator("[aria-current=step]")).to_contain_text("Results")
    expect(resident.get_by_text("SEK 750,000")).to_be_visible()


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page):
    page.goto("/processes/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_switching_to_swedish_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.live_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/processes/")
    page.get_by_label("Language").select_option("sv")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    context.close()
