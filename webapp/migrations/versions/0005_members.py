"""members

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 18:29:05.664714
"""
from alembic import op
import sqlalchemy as sa
import webapp.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=True),
    sa.Column('kinship', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('cpf', sa.String(length=11), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('cns', sa.String(length=15), nullable=True),
    sa.Column('card_number', sa.String(length=30), nullable=False),
    sa.Column('contract_number', sa.String(length=40), nullable=False),
    sa.Column('contracting_date', sa.Date(), nullable=False),
    sa.Column('inclusion_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('exemption', sa.String(length=80), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('password_set_at', webapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['holder_id'], ['member.id'], name=op.f('fk_member_holder_id_member')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_member_product_id_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member')),
    sa.UniqueConstraint('card_number', name=op.f('uq_member_card_number')),
    sa.UniqueConstraint('cpf', name=op.f('uq_member_cpf'))
    )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_product_id'), ['product_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_product_id'))
        batch_op.drop_index(batch_op.f('ix_member_holder_id'))

    op.drop_table('member')
