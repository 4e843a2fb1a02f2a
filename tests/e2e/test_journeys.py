"""What the journeys (tests/e2e/journeys) do not walk: a weak password's message, the skip link, the
language switch without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.xdist_group("e2e")


def submit_registration(page, email: str, name: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Display name").fill(name)
    page.get_by_label(re.compile(r"^Password")).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Create account").click()


def test_a_weak_password_is_explained_next_to_the_field(page):
    page.goto("/accounts/register")
    submit_registration(page, "weak@example.org", "Weak Example", "passwordpassword")
    expect(page.locator("#password-error")).to_contain_text("too common")
    expect(page.get_by_label(re.compile(r"^Password"))).to_have_attribute("aria-invalid", "true")


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
