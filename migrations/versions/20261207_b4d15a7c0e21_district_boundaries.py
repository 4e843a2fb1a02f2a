"""district boundaries: a district may carry its outline (a GeoJSON Polygon or MultiPolygon) for the map
drawn on the server; a proposal may carry a street address beside its coordinates

Revision ID: b4d15a7c0e21
Revises: b7e2c4a91d35
Create Date: 2026-12-07 18:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4d15a7c0e21'
down_revision = 'b7e2c4a91d35'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('district', schema=None) as batch_op:
        batch_op.add_column(sa.Column('boundary', sa.Text(), nullable=True))
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=200), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('address')
    with op.batch_alter_table('district', schema=None) as batch_op:
        batch_op.drop_column('boundary')
