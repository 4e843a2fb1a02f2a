"""panels: a panel's statement on a proposal of its process (one per panel and proposal)

Revision ID: c3f1a8d2e5b7
Revises: 459bca4f4edc
Create Date: 2026-12-07 21:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3f1a8d2e5b7'
down_revision = '459bca4f4edc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('panel_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_panel_statement_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], name=op.f('fk_panel_statement_panel_id_panel'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_panel_statement_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_statement')),
    sa.UniqueConstraint('panel_id', 'proposal_id', name=op.f('uq_panel_statement_panel_id_proposal_id'))
    )
    with op.batch_alter_table('panel_statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_statement_proposal_id'), ['proposal_id'], unique=False)


def downgrade():
    with op.batch_alter_table('panel_statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_statement_proposal_id'))
    op.drop_table('panel_statement')
