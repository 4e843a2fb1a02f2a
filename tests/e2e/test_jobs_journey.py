"""A staff member starts a background job and follows it to its result, in the browser."""

import pytest

from tests.e2e.axe_check import assert_accessible
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")


def test_staff_verify_the_audit_chain_and_read_the_job_page(page):
    log_in(page, "staff@demo.participate.example")
    page.goto("/admin/audit")
    page.get_by_role("button", name="Verify the whole chain now").click()
    page.wait_for_url("**/jobs/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Verify the audit chain"
    assert "Finished" in page.content()
    assert_accessible(page)
    status = page.request.get(page.url + "/status").json()
    assert status["status"] == "done" and status["result"]["intact"] is True
    page.goto("/admin/audit")
    assert "is intact" in page.content()
