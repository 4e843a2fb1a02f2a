"""panels and results: the council's answer to a recommendation, the panel's answer deadline, and the
accountability tracking shared by funded proposals and answered recommendations

Revision ID: d7a2b9c4e1f3
Revises: c3f1a8d2e5b7
Create Date: 2026-12-07 21:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7a2b9c4e1f3'
down_revision = 'c3f1a8d2e5b7'
branch_labels = None
depends_on = None

ONE_SUBJECT = '(proposal_id IS NULL) <> (recommendation_id IS NULL)'


def upgrade():
    op.create_table('panel_recommendation_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("decision = 'not_accepted' OR deadline IS NOT NULL", name=op.f('ck_panel_recommendation_answer_accepted_has_deadline')),
    sa.CheckConstraint("decision IN ('accepted', 'partly', 'not_accepted')", name=op.f('ck_panel_recommendation_answer_known_decision')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_panel_recommendation_answer_answered_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['panel_recommendation.id'], name=op.f('fk_panel_recommendation_answer_recommendation_id_panel_recommendation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_recommendation_answer')),
    sa.UniqueConstraint('recommendation_id', name=op.f('uq_panel_recommendation_answer_recommendation_id'))
    )
    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers_due', sa.Date(), nullable=True))

    with op.batch_alter_table('project_tracking', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recommendation_id', sa.Integer(), nullable=True))
        batch_op.alter_column('proposal_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_project_tracking_recommendation_id'), ['recommendation_id'])
        batch_op.create_foreign_key(batch_op.f('fk_project_tracking_recommendation_id_panel_recommendation'), 'panel_recommendation', ['recommendation_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(batch_op.f('ck_project_tracking_one_subject'), ONE_SUBJECT)

    with op.batch_alter_table('project_milestone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recommendation_id', sa.Integer(), nullable=True))
        batch_op.alter_column('proposal_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_project_milestone_recommendation_id'), ['recommendation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_project_milestone_recommendation_id_panel_recommendation'), 'panel_recommendation', ['recommendation_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(batch_op.f('ck_project_milestone_one_subject'), ONE_SUBJECT)


def downgrade():
    op.execute('DELETE FROM project_milestone WHERE proposal_id IS NULL')
    op.execute('DELETE FROM project_tracking WHERE proposal_id IS NULL')
    with op.batch_alter_table('project_milestone', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_project_milestone_one_subject'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_project_milestone_recommendation_id_panel_recommendation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_project_milestone_recommendation_id'))
        batch_op.alter_column('proposal_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('recommendation_id')

    with op.batch_alter_table('project_tracking', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_project_tracking_one_subject'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_project_tracking_recommendation_id_panel_recommendation'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_project_tracking_recommendation_id'), type_='unique')
        batch_op.alter_column('proposal_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('recommendation_id')

    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.drop_column('answers_due')

    op.drop_table('panel_recommendation_answer')
