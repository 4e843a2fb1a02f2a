import json

import pytest
from sqlalchemy import text

from participate.audit.models import AppendOnlyViolation, AuditEntry
from participate.audit.services import GENESIS_HASH, chain_hash, entry_payload, record, verify_chain
from participate.extensions import db
from tests.conftest import ON_POSTGRES
from tests.factories import make_user


def _three_entries():
    actor = make_user("staff")
    for n in range(3):
        record(
            "process.updated", actor=actor, subject_type="process", subject_id=n, data={"n": n, "name": "Öre"}
        )
    db.session.commit()
    return list(db.session.query(AuditEntry).order_by(AuditEntry.id))


def _raw(sql: str, **params):
    # A tamperer with database access: bypass the ORM and, on PostgreSQL, the append-only trigger.
    if ON_POSTGRES:
        db.session.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_update_or_delete"))
    db.session.execute(text(sql), params)
    if ON_POSTGRES:
        db.session.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_update_or_delete"))
    db.session.commit()
    db.session.expire_all()


def test_entries_form_a_chain_anyone_can_recompute(app):
    entries = _three_entries()
    assert entries[0].prev_hash == GENESIS_HASH
    for prev, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == prev.hash
    for entry in entries:
        assert chain_hash(entry.prev_hash, entry_payload(entry)) == entry.hash
    assert json.loads(entries[0].data) == {"n": 0, "name": "Öre"}
    report = verify_chain()
    assert report.ok and report.entries == 3


def test_changing_an_entry_is_detected_and_named(app, runner):
    entries = _three_entries()
    _raw("UPDATE audit_entry SET data = :d WHERE id = :id", d='{"n":99}', id=entries[1].id)
    report = verify_chain()
    assert (report.ok, report.first_broken_id) == (False, entries[1].id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert f"broken at entry {entries[1].id}" in result.output


def test_deleting_an_entry_is_detected(app):
    entries = _three_entries()
    _raw("DELETE FROM audit_entry WHERE id = :id", id=entries[1].id)
    assert verify_chain().first_broken_id == entries[2].id


def test_rehashing_a_changed_entry_still_breaks_the_next_link(app):
    entries = _three_entries()
    forged = entry_payload(entries[0]) | {"data": {"n": 42}}
    _raw(
        "UPDATE audit_entry SET data = :d, hash = :h WHERE id = :id",
        d='{"n":42}',
        h=chain_hash(GENESIS_HASH, forged),
        id=entries[0].id,
    )
    assert verify_chain().first_broken_id == entries[1].id


def test_the_orm_refuses_to_change_or_delete_entries(app):
    entry = _three_entries()[0]
    entry.action = "something.else"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()


@pytest.mark.skipif(not ON_POSTGRES, reason="the append-only trigger exists on PostgreSQL only")
def test_postgresql_trigger_refuses_raw_updates(app):
    from sqlalchemy.exc import DBAPIError

    _three_entries()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE audit_entry SET action = 'x'"))
    db.session.rollback()


def test_audit_verify_command_reports_an_intact_chain(app, runner):
    _three_entries()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact: 3 entries" in result.output
