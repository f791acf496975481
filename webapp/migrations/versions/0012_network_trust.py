"""network trust: verified dates and "accepts new patients" per location, the network team, report
resolution and priority, the team's corrections, members' confirmations of usage events

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa
import webapp.db


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_network_team', sa.Boolean(), server_default=sa.false(), nullable=False))

    # Plain ALTER TABLE, not a batch copy: SQLite's search triggers name ``location``, and a
    # batch rebuild (create a copy, drop, rename) breaks them.
    op.add_column('location', sa.Column('verified_at', webapp.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column('location', sa.Column('verified_source', sa.String(length=12), nullable=True))
    op.add_column('location', sa.Column('accepts_new_patients', sa.Boolean(), nullable=True))
    op.add_column('location', sa.Column('accepts_new_patients_on', sa.Date(), nullable=True))

    with op.batch_alter_table('data_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.String(length=10), server_default='normal', nullable=False))
        batch_op.add_column(sa.Column('source', sa.String(length=12), server_default='membro', nullable=False))
        batch_op.add_column(sa.Column('resolution', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('resolution_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('resolved_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', webapp.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_data_report_resolved_by_agent'), 'agent', ['resolved_by'], ['id'])
        batch_op.create_index('ix_data_report_status_created', ['status', 'created_at'], unique=False)

    op.create_table('location_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('file_value', sa.JSON(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('created_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', webapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_location_correction_agent_id_agent')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_location_correction_location_id_location'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['data_report.id'], name=op.f('fk_location_correction_report_id_data_report'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location_correction'))
    )
    with op.batch_alter_table('location_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_correction_location_id'), ['location_id'], unique=False)

    op.create_table('usage_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('usage_event_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.String(length=12), nullable=False),
    sa.Column('created_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_usage_confirmation_location_id_location'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_usage_confirmation_member_id_member')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_usage_confirmation_provider_id_provider'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['usage_event_id'], ['usage_event.id'],
                            name=op.f('fk_usage_confirmation_usage_event_id_usage_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_confirmation')),
    sa.UniqueConstraint('usage_event_id', name=op.f('uq_usage_confirmation_usage_event_id'))
    )
    with op.batch_alter_table('usage_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_confirmation_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_usage_confirmation_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index('ix_usage_confirmation_location_answer', ['location_id', 'answer'], unique=False)


def downgrade() -> None:
    op.drop_table('usage_confirmation')
    op.drop_table('location_correction')
    with op.batch_alter_table('data_report', schema=None) as batch_op:
        batch_op.drop_index('ix_data_report_status_created')
        batch_op.drop_constraint(batch_op.f('fk_data_report_resolved_by_agent'), type_='foreignkey')
        for column in ('resolved_at', 'resolved_by', 'resolution_note', 'resolution', 'source', 'priority'):
            batch_op.drop_column(column)
    for column in ('accepts_new_patients_on', 'accepts_new_patients', 'verified_source', 'verified_at'):
        op.execute(f"ALTER TABLE location DROP COLUMN {column}")
    with op.batch_alter_table('agent', schema=None) as batch_op:
        batch_op.drop_column('is_network_team')
