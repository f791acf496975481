"""usage history

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 19:12:01.783772
"""
from alembic import op
import sqlalchemy as sa
import webapp.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('usage_authorization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('protocol', sa.String(length=30), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('provider_key', sa.String(length=60), nullable=True),
    sa.Column('provider_name', sa.String(length=200), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('validity_reference', sa.String(length=120), nullable=True),
    sa.Column('denial_reason', sa.Text(), nullable=True),
    sa.Column('denial_clause', sa.String(length=120), nullable=True),
    sa.Column('updated_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_usage_authorization_member_id_member')),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_usage_authorization_operator_id_operator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_authorization')),
    sa.UniqueConstraint('operator_id', 'number', name=op.f('uq_usage_authorization_operator_id_number'))
    )
    with op.batch_alter_table('usage_authorization', schema=None) as batch_op:
        batch_op.create_index('ix_usage_authorization_member_requested', ['member_id', 'requested_on'], unique=False)

    op.create_table('usage_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('event_key', sa.String(length=60), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('performed_on', sa.Date(), nullable=False),
    sa.Column('procedure_id', sa.String(length=120), nullable=False),
    sa.Column('operator_code', sa.String(length=20), nullable=True),
    sa.Column('tooth', sa.SmallInteger(), nullable=True),
    sa.Column('faces', sa.String(length=5), nullable=True),
    sa.Column('provider_key', sa.String(length=60), nullable=True),
    sa.Column('provider_name', sa.String(length=200), nullable=False),
    sa.Column('location_key', sa.String(length=80), nullable=True),
    sa.Column('authorization_number', sa.String(length=30), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=True),
    sa.Column('copayment_cents', sa.Integer(), nullable=True),
    sa.Column('reimbursed_cents', sa.Integer(), nullable=True),
    sa.Column('updated_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_usage_event_member_id_member')),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_usage_event_operator_id_operator')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_usage_event_procedure_id_procedure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_event')),
    sa.UniqueConstraint('operator_id', 'event_key', name=op.f('uq_usage_event_operator_id_event_key'))
    )
    with op.batch_alter_table('usage_event', schema=None) as batch_op:
        batch_op.create_index('ix_usage_event_member_date', ['member_id', 'performed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_usage_event_procedure_id'), ['procedure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_usage_event_provider_key'), ['provider_key'], unique=False)

    op.create_table('usage_authorization_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authorization_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.String(length=120), nullable=False),
    sa.Column('operator_code', sa.String(length=20), nullable=True),
    sa.Column('tooth', sa.SmallInteger(), nullable=True),
    sa.Column('faces', sa.String(length=5), nullable=True),
    sa.ForeignKeyConstraint(['authorization_id'], ['usage_authorization.id'], name=op.f('fk_usage_authorization_item_authorization_id_usage_authorization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_usage_authorization_item_procedure_id_procedure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_authorization_item'))
    )
    with op.batch_alter_table('usage_authorization_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_authorization_item_authorization_id'), ['authorization_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('usage_authorization_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_authorization_item_authorization_id'))

    op.drop_table('usage_authorization_item')
    with op.batch_alter_table('usage_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_event_provider_key'))
        batch_op.drop_index(batch_op.f('ix_usage_event_procedure_id'))
        batch_op.drop_index('ix_usage_event_member_date')

    op.drop_table('usage_event')
    with op.batch_alter_table('usage_authorization', schema=None) as batch_op:
        batch_op.drop_index('ix_usage_authorization_member_requested')

    op.drop_table('usage_authorization')
