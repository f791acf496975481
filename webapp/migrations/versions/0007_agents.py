"""agents: support agents, their audit log (append-only) and short links

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 19:18:18.491050
"""
from alembic import op
import sqlalchemy as sa
import webapp.db

# The audit log is append-only: the database itself refuses UPDATE, DELETE (and TRUNCATE).
SQLITE_TRIGGERS = [
    "CREATE TRIGGER agent_access_log_no_update BEFORE UPDATE ON agent_access_log "
    "BEGIN SELECT RAISE(ABORT, 'agent_access_log is append-only'); END",
    "CREATE TRIGGER agent_access_log_no_delete BEFORE DELETE ON agent_access_log "
    "BEGIN SELECT RAISE(ABORT, 'agent_access_log is append-only'); END",
]
POSTGRESQL_TRIGGERS = [
    "CREATE FUNCTION agent_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'agent_access_log is append-only'; END $$",
    "CREATE TRIGGER agent_access_log_no_change BEFORE UPDATE OR DELETE ON agent_access_log "
    "FOR EACH ROW EXECUTE FUNCTION agent_access_log_append_only()",
    "CREATE TRIGGER agent_access_log_no_truncate BEFORE TRUNCATE ON agent_access_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION agent_access_log_append_only()",
]


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('is_supervisor', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent')),
    sa.UniqueConstraint('username', name=op.f('uq_agent_username'))
    )
    op.create_table('short_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target', sa.String(length=1000), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('last_visit_at', webapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['agent.id'], name=op.f('fk_short_link_created_by_agent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_short_link')),
    sa.UniqueConstraint('code', name=op.f('uq_short_link_code'))
    )
    with op.batch_alter_table('short_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_short_link_created_by'), ['created_by'], unique=False)

    op.create_table('agent_access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('protocol', sa.String(length=30), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('lookup_id', sa.Integer(), nullable=True),
    sa.Column('short_link_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_agent_access_log_agent_id_agent')),
    sa.ForeignKeyConstraint(['lookup_id'], ['agent_access_log.id'], name=op.f('fk_agent_access_log_lookup_id_agent_access_log')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_agent_access_log_member_id_member')),
    sa.ForeignKeyConstraint(['short_link_id'], ['short_link.id'], name=op.f('fk_agent_access_log_short_link_id_short_link')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_access_log'))
    )
    with op.batch_alter_table('agent_access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agent_access_log_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agent_access_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_agent_access_log_lookup_id'), ['lookup_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agent_access_log_member_id'), ['member_id'], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table('agent_access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agent_access_log_member_id'))
        batch_op.drop_index(batch_op.f('ix_agent_access_log_lookup_id'))
        batch_op.drop_index(batch_op.f('ix_agent_access_log_at'))
        batch_op.drop_index(batch_op.f('ix_agent_access_log_agent_id'))

    op.drop_table('agent_access_log')
    with op.batch_alter_table('short_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_short_link_created_by'))

    op.drop_table('short_link')
    op.drop_table('agent')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS agent_access_log_append_only()")
