"""network data reports

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 18:18:22.523669
"""
from alembic import op
import sqlalchemy as sa
import webapp.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('data_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('client_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_data_report_provider_id_provider'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_report'))
    )
    with op.batch_alter_table('data_report', schema=None) as batch_op:
        batch_op.create_index('ix_data_report_client_created', ['client_hash', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_report_provider_id'), ['provider_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('data_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_report_provider_id'))
        batch_op.drop_index('ix_data_report_client_created')

    op.drop_table('data_report')
