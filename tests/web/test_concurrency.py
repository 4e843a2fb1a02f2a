"""Parallel requests against PostgreSQL: the audit chain takes every staff action, none is lost."""

import threading

import pytest
from sqlalchemy import select

from participate.audit.models import AuditEntry
from participate.audit.services import verify_chain
from participate.extensions import db
from tests.conftest import ON_POSTGRES, csrf_token, login
from tests.factories import make_process, make_user

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="SQLite serialises writers itself; the race exists on PostgreSQL (CI runs it)"
)
PARALLEL = 8


def test_parallel_staff_actions_all_land_in_one_unbroken_chain(app):
    clients = []
    for n in range(PARALLEL):
        staff, process = make_user("staff"), make_process(budget_minor=1000_00)
        client = app.test_client()
        login(client, staff.email)
        path = f"/manage/processes/{process.id}/details"
        clients.append((client, path, csrf_token(client, path), n))
    start = threading.Barrier(PARALLEL)
    statuses = {}

    def save(client, path, token, n):
        with app.app_context():  # each thread is its own request, with its own session and connection
            start.wait()
            response = client.post(
                path, data={"csrf_token": token, "title": f"Renamed {n}", "budget": "2000", "currency": "SEK"}
            )
            statuses[n] = response.status_code

    threads = [threading.Thread(target=save, args=args) for args in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == dict.fromkeys(range(PARALLEL), 302)
    db.session.expire_all()
    actions = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert actions.count("process.updated") == PARALLEL
    report = verify_chain()
    assert report.ok and report.entries == len(actions)
