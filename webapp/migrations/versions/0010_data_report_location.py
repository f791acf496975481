"""data reports: which of the provider's locations a report is about

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('data_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_data_report_location_id_location'), 'location',
                                    ['location_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('data_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_data_report_location_id_location'), type_='foreignkey')
        batch_op.drop_column('location_id')
