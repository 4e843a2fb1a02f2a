"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from participate import create_app
from participate.extensions import db
from participate.proposals.search import is_outside_the_models


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/migrated.db")
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "include_object": lambda obj, name, *rest: not is_outside_the_models(name),
                },
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], diff
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_codes_entered_before_voting_code_spent_existed_come_out_spent(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/migrated.db")
    with app.app_context():
        upgrade(revision="370a99592d8a")
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # no process or budget rows needed here
            conn.exec_driver_sql(
                "INSERT INTO voting_code (id, process_id, code_hash, batch, created_at) "
                "VALUES (1, 1, 'used', '', '2026-06-01'), (2, 1, 'unused', '', '2026-06-01')"
            )
            conn.exec_driver_sql("INSERT INTO voter_roll (budget_id, voting_code_id) VALUES (1, 1)")
            conn.commit()
        upgrade()
        with db.engine.connect() as conn:
            spent = conn.exec_driver_sql("SELECT code_hash, spent FROM voting_code ORDER BY id").all()
        assert [(code, bool(flag)) for code, flag in spent] == [("used", True), ("unused", False)]


def test_rows_of_an_open_vote_keep_their_values_under_random_ids(tmp_path):
    """5ee79112bfb1: serial ids paired the Nth roll row with the Nth sealed ballot; the upgrade keeps each
    row's values and gives it a random id."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/migrated.db")
    with app.app_context():
        upgrade(revision="fe44392a15a0")
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # no process, budget or user rows needed here
            for n in range(1, 21):
                conn.exec_driver_sql(f"INSERT INTO voter_roll (budget_id, user_id) VALUES (1, {n})")
                conn.exec_driver_sql(
                    "INSERT INTO sealed_ballot (budget_id, owner_tag, tracker, payload) "
                    f"VALUES (1, 'owner{n}', 'tracker{n}', 'payload{n}')"
                )
            conn.commit()
        upgrade()
        with db.engine.connect() as conn:
            roll = conn.exec_driver_sql("SELECT id, user_id FROM voter_roll ORDER BY id").all()
            sealed = conn.exec_driver_sql(
                "SELECT id, owner_tag, payload FROM sealed_ballot ORDER BY id"
            ).all()
        assert sorted(user for _id, user in roll) == list(range(1, 21))
        assert sorted((tag, payload) for _id, tag, payload in sealed) == sorted(
            (f"owner{n}", f"payload{n}") for n in range(1, 21)
        )
        # in id order, the rows no longer come in the order they were written
        assert [user for _id, user in roll] != list(range(1, 21))
        assert all(row_id > 2**32 for row_id, *_rest in roll + sealed)
