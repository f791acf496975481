"""member moments: e-mail and sex on the member, devices for the card's offline code, password resets

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa
import webapp.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('sex', sa.String(length=1), nullable=True))

    op.create_table('member_device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('created_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', webapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', webapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_device_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_device')),
    sa.UniqueConstraint('nonce', name=op.f('uq_member_device_nonce'))
    )
    with op.batch_alter_table('member_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_device_member_id'), ['member_id'], unique=False)

    op.create_table('password_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('used_at', webapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_agent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_agent_id'], ['agent.id'], name=op.f('fk_password_reset_created_by_agent_id_agent')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_password_reset_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_password_reset_secret_hash'))
    )
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_member_id'), ['member_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_member_id'))
    op.drop_table('password_reset')
    with op.batch_alter_table('member_device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_device_member_id'))
    op.drop_table('member_device')
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('sex')
        batch_op.drop_column('email')
