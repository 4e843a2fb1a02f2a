"""A staff member starts a background job and follows it to its result, in the browser."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")
WCAG_AA = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}


def test_staff_verify_the_audit_chain_and_read_the_job_page(page):
    log_in(page, "staff@demo.participate.example")
    page.goto("/admin/audit")
    page.get_by_role("button", name="Verify the whole chain now").click()
    page.wait_for_url("**/jobs/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Verify the audit chain"
    assert "Finished" in page.content()
    results = Axe().run(page, options={"runOnly": WCAG_AA})
    assert results.violations_count == 0, results.generate_report()
    status = page.request.get(page.url + "/status").json()
    assert status["status"] == "done" and status["result"]["intact"] is True
    page.goto("/admin/audit")
    assert "is intact" in page.content()
