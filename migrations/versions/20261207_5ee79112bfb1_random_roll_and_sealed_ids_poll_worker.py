"""voting: random ids for the voter roll and the sealed box; the poll worker's process role

The roll and the sealed box are written while the vote is open: serial ids would pair the Nth voter with
the Nth sealed ballot in a copy of the database (docs/ballot-secrecy.md). Rows already written keep every
value but get random ids. The poll worker checks residents in and enters paper ballots at the kiosk.

Revision ID: 5ee79112bfb1
Revises: fe44392a15a0
Create Date: 2026-12-07 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5ee79112bfb1'
down_revision = 'fe44392a15a0'
branch_labels = None
depends_on = None

TABLES = ('voter_roll', 'sealed_ballot')
ROLES_BEFORE = "role IN ('facilitator', 'moderator', 'reviewer')"
ROLES_AFTER = "role IN ('facilitator', 'moderator', 'reviewer', 'poll_worker')"


def _roles(check):
    with op.batch_alter_table('process_role', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_process_role_known_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_process_role_known_role'), check)


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f'ALTER TABLE {table} ALTER COLUMN id DROP DEFAULT')
            op.execute(f'ALTER TABLE {table} ALTER COLUMN id TYPE BIGINT')
            op.execute(f'DROP SEQUENCE IF EXISTS {table}_id_seq')
            op.execute(f'UPDATE {table} SET id = 1 + floor(random() * 9007199254740991)::bigint')
    else:
        # SQLite: the column stays INTEGER, the table's rowid; only the values change.
        for table in TABLES:
            op.execute(f'UPDATE {table} SET id = 1 + abs(random() % 9223372036854775807)')
    _roles(ROLES_AFTER)


def downgrade():
    op.execute("DELETE FROM process_role WHERE role = 'poll_worker'")
    _roles(ROLES_BEFORE)
    if op.get_bind().dialect.name != 'postgresql':
        return  # SQLite's INTEGER holds the random ids, and new rows take the largest id plus one
    for table in TABLES:
        op.execute(
            f'UPDATE {table} SET id = numbered.n FROM '
            f'(SELECT id, row_number() OVER (ORDER BY id) AS n FROM {table}) AS numbered '
            f'WHERE {table}.id = numbered.id'
        )
        op.execute(f'ALTER TABLE {table} ALTER COLUMN id TYPE INTEGER')
        op.execute(f'CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id')
        op.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq')")
        op.execute(f"SELECT setval('{table}_id_seq', (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
