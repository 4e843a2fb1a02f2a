"""panels: alternates chosen in advance after the draw, with the dropout rates they were chosen for

Revision ID: a17e5a7e0c11
Revises: 9e23429aae33
Create Date: 2026-12-07 21:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a17e5a7e0c11"
down_revision = "9e23429aae33"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "panel_alternates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("rates", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("expected_dropouts", sa.Float(), nullable=False),
        sa.Column("chosen_by_id", sa.Integer(), nullable=True),
        sa.Column("chosen_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "source IN ('default', 'estimated', 'facilitator')", name=op.f("ck_panel_alternates_known_source")
        ),
        sa.ForeignKeyConstraint(
            ["chosen_by_id"], ["user.id"], name=op.f("fk_panel_alternates_chosen_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panel.id"], name=op.f("fk_panel_alternates_panel_id_panel"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_alternates")),
        sa.UniqueConstraint("panel_id", name="one_alternates_list_per_panel"),
    )


def downgrade():
    op.drop_table("panel_alternates")
