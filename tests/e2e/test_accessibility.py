"""axe-core (WCAG 2.0–2.2 A and AA rules) on the pages people use, anonymous and logged in."""

import pytest
from playwright.sync_api import expect

from tests.e2e.axe_check import assert_accessible, visit_accessible
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")


@pytest.mark.parametrize(
    "path",
    ["/", "/processes/", "{proposals}", "{deliberation}", "{voting}", "{results}", "{upcoming}",
     "{proposals}/proposals/", "{results}/proposals/?sort=supports", "/proposals/1", "/proposals/12",
     "/accounts/login", "/accounts/register", "/accounts/forgot", "/no-such-page"],
)  # fmt: skip
def test_public_pages(page, live_server, path):
    page.demo_pages = live_server.demo_pages
    visit_accessible(page, path)


def test_public_pages_in_swedish(browser, live_server):
    context = browser.new_context(base_url=live_server.live_url, extra_http_headers={"Accept-Language": "sv"})
    page = context.new_page()
    page.demo_pages = live_server.demo_pages
    for path in ["/", "/processes/", "{proposals}", "{voting}", "{results}", "/accounts/register",
                 "{proposals}/proposals/", "/proposals/1"]:  # fmt: skip
        visit_accessible(page, path)
    context.close()


def test_forms_with_errors(page):
    page.goto("/accounts/register")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    assert_accessible(page)


def test_staff_and_admin_screens(page, live_server):
    page.demo_pages = live_server.demo_pages
    log_in(page, "admin@demo.participate.example")
    for path in [
        "/accounts/profile",
        "/accounts/delete",
        "/admin/",
        "{proposals}",
        "/manage/processes/new",
        "/manage/processes/1",
        "/manage/processes/1/details",
        "/manage/processes/1/schedule",
        "/manage/processes/1/districts",
        "/manage/processes/1/people",
        "/manage/processes/6/districts",
        "/manage/processes/6/people",
        "/manage/processes/2/proposals",
        "/manage/proposals/1/review",
        "/admin/users",
        "/admin/audit",
    ]:
        visit_accessible(page, path)
