"""Browser journeys against a live server in a thread, in Debian's headless Chromium.

Skipped, with the reason, where no Chromium or playwright is installed; a failure in CI (.ci/run installs
both, see tests/ci.py).
"""

from __future__ import annotations

import re
import shutil
import threading
from functools import partial

import pytest

from tests.ci import unavailable
from tests.e2e.failures import clear_failures, keep_failure

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    import playwright.sync_api as playwright_api
except ImportError:
    unavailable("playwright is a test extra (make install-test)", allow_module_level=True)

if not CHROMIUM:
    unavailable("no Chromium on this machine (apt-get install chromium)", allow_module_level=True)

from tests.e2e.journey import journey  # noqa: E402 - needs playwright, checked above

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]  # fmt: skip


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from werkzeug.serving import make_server

    from participate import create_app
    from participate.demo import seed_demo
    from participate.extensions import db

    folder = tmp_path_factory.mktemp("e2e")
    # The development outbox, as `make run` has it: a resident confirms their address from /dev/outbox.
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'e2e.db'}",
        SERVER_NAME=None,
        DEV_OUTBOX=True,
        DEV_OUTBOX_FILE=str(folder / "outbox.jsonl"),
    )
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        app.demo_pages = _demo_pages()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.live_url = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(5)


def _demo_pages() -> dict[str, str]:
    """The public page of each published demo process by its current phase ("voting"), and its staff
    screens ("voting_manage")."""
    from participate.core.clock import today
    from participate.processes.services import list_public_processes

    pages = {}
    for process in list_public_processes():
        phase = process.current_phase(today()) or "upcoming"
        pages[phase] = f"/processes/{process.slug}"
        pages[f"{phase}_manage"] = f"/manage/processes/{process.id}"
    return pages


@pytest.fixture(scope="session")
def browser():
    clear_failures()
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.live_url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    if getattr(request.node, "e2e_failed", False):
        keep_failure(page, request.node.name)
    context.close()


@pytest.fixture
def open_journey(browser, live_server, request):
    """`with open_journey(width, "resident") as walk:` one person's walk (tests/e2e/journey.py)."""
    return partial(journey, browser, live_server.live_url, keep_as=request.node.name)


def log_in(page, email: str, password: str = "demo-password-2026") -> None:
    page.goto("/accounts/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label(re.compile(r"^Password")).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
