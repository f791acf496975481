"""dentist network

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 18:02:09.091921
"""
from alembic import op
import sqlalchemy as sa
import webapp.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('geocode_cache',
    sa.Column('query', sa.String(length=400), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('updated_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('query', name=op.f('pk_geocode_cache'))
    )
    op.create_table('provider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('cro_uf', sa.String(length=2), nullable=False),
    sa.Column('cro_number', sa.String(length=10), nullable=False),
    sa.Column('responsible_dentist', sa.String(length=200), nullable=True),
    sa.Column('cnpj', sa.String(length=14), nullable=True),
    sa.Column('specialties', sa.JSON(), nullable=False),
    sa.Column('updated_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider')),
    sa.UniqueConstraint('key', name=op.f('uq_provider_key'))
    )
    op.create_table('location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('complement', sa.String(length=120), nullable=True),
    sa.Column('neighbourhood', sa.String(length=120), nullable=True),
    sa.Column('cep', sa.String(length=8), nullable=True),
    sa.Column('municipality_ibge', sa.Integer(), nullable=False),
    sa.Column('uf', sa.String(length=2), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('precision', sa.String(length=12), nullable=False),
    sa.Column('coordinates_match', sa.Boolean(), nullable=False),
    sa.Column('phones', sa.JSON(), nullable=False),
    sa.Column('whatsapp', sa.String(length=20), nullable=True),
    sa.Column('opening_hours', sa.Text(), nullable=True),
    sa.Column('wheelchair_access', sa.Boolean(), nullable=False),
    sa.Column('sees_children', sa.Boolean(), nullable=False),
    sa.Column('urgency_24h', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_location_provider_id_provider'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location')),
    sa.UniqueConstraint('provider_id', 'key', name=op.f('uq_location_provider_id_key'))
    )
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_municipality_ibge'), ['municipality_ibge'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_provider_id'), ['provider_id'], unique=False)

    op.create_table('provider_specialty',
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('specialty', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_provider_specialty_provider_id_provider'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('provider_id', 'specialty', name=op.f('pk_provider_specialty'))
    )
    with op.batch_alter_table('provider_specialty', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_specialty_specialty'), ['specialty'], unique=False)

    op.create_table('network_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=15), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('replaced_provider_id', sa.Integer(), nullable=True),
    sa.Column('municipality_ibge', sa.Integer(), nullable=False),
    sa.Column('recorded_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_network_change_product_id_product')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_network_change_provider_id_provider'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaced_provider_id'], ['provider.id'], name=op.f('fk_network_change_replaced_provider_id_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_change')),
    sa.UniqueConstraint('product_id', 'provider_id', 'kind', 'effective_date', name=op.f('uq_network_change_product_id_provider_id_kind_effective_date'))
    )
    with op.batch_alter_table('network_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_change_municipality_ibge'), ['municipality_ibge'], unique=False)
        batch_op.create_index('ix_network_change_product_date', ['product_id', 'effective_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_change_provider_id'), ['provider_id'], unique=False)

    op.create_table('network_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('updated_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_network_membership_product_id_product')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_network_membership_provider_id_provider'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_membership')),
    sa.UniqueConstraint('provider_id', 'product_id', 'since', name=op.f('uq_network_membership_provider_id_product_id_since'))
    )
    with op.batch_alter_table('network_membership', schema=None) as batch_op:
        batch_op.create_index('ix_network_membership_product_until', ['product_id', 'until'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_membership_provider_id'), ['provider_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('network_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_membership_provider_id'))
        batch_op.drop_index('ix_network_membership_product_until')

    op.drop_table('network_membership')
    with op.batch_alter_table('network_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_change_provider_id'))
        batch_op.drop_index('ix_network_change_product_date')
        batch_op.drop_index(batch_op.f('ix_network_change_municipality_ibge'))

    op.drop_table('network_change')
    with op.batch_alter_table('provider_specialty', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_specialty_specialty'))

    op.drop_table('provider_specialty')
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_provider_id'))
        batch_op.drop_index(batch_op.f('ix_location_municipality_ibge'))

    op.drop_table('location')
    op.drop_table('provider')
    op.drop_table('geocode_cache')
