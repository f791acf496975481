"""plan catalog

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 17:54:05.343071
"""
from alembic import op
import sqlalchemy as sa
import webapp.db


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lay_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=120), nullable=False),
    sa.Column('normalized', sa.String(length=120), nullable=False),
    sa.Column('procedures', sa.JSON(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lay_term')),
    sa.UniqueConstraint('normalized', name=op.f('uq_lay_term_normalized'))
    )
    op.create_table('operator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('legal_name', sa.String(length=300), nullable=True),
    sa.Column('ans_number', sa.String(length=20), nullable=True),
    sa.Column('cnpj', sa.String(length=20), nullable=True),
    sa.Column('contacts', sa.JSON(), nullable=False),
    sa.Column('source', sa.JSON(), nullable=False),
    sa.Column('updated_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator')),
    sa.UniqueConstraint('slug', name=op.f('uq_operator_slug'))
    )
    op.create_table('procedure',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('specialty', sa.String(length=80), nullable=False),
    sa.Column('urgency', sa.Boolean(), nullable=False),
    sa.Column('in_rol', sa.Boolean(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure'))
    )
    with op.batch_alter_table('procedure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_category'), ['category'], unique=False)

    op.create_table('product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('ans_registration', sa.String(length=30), nullable=True),
    sa.Column('contract_type', sa.String(length=30), nullable=True),
    sa.Column('contract_type_text', sa.Text(), nullable=False),
    sa.Column('segmentation', sa.String(length=80), nullable=False),
    sa.Column('coverage_kind', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('updated_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_product_operator_id_operator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product')),
    sa.UniqueConstraint('slug', name=op.f('uq_product_slug'))
    )
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_operator_id'), ['operator_id'], unique=False)

    op.create_table('exclusion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_exclusion_product_id_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exclusion'))
    )
    with op.batch_alter_table('exclusion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exclusion_product_id'), ['product_id'], unique=False)

    op.create_table('product_municipality',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('ibge_code', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_product_municipality_product_id_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'ibge_code', name=op.f('pk_product_municipality'))
    )
    op.create_table('product_procedure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.String(length=120), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('heading', sa.String(length=200), nullable=False),
    sa.Column('wording', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_product_procedure_procedure_id_procedure')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_product_procedure_product_id_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_procedure'))
    )
    with op.batch_alter_table('product_procedure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_procedure_procedure_id'), ['procedure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_procedure_product_id'), ['product_id'], unique=False)

    op.create_table('product_state',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('uf', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_product_state_product_id_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'uf', name=op.f('pk_product_state'))
    )
    op.create_table('waiting_exemption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('effect', sa.String(length=30), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_waiting_exemption_product_id_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waiting_exemption')),
    sa.UniqueConstraint('product_id', 'code', name=op.f('uq_waiting_exemption_product_id_code'))
    )
    with op.batch_alter_table('waiting_exemption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waiting_exemption_product_id'), ['product_id'], unique=False)

    op.create_table('waiting_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('section', sa.String(length=120), nullable=True),
    sa.Column('hours', sa.Integer(), nullable=True),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('applies_to_all', sa.Boolean(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('procedures', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_waiting_period_product_id_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waiting_period'))
    )
    with op.batch_alter_table('waiting_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waiting_period_product_id'), ['product_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('waiting_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waiting_period_product_id'))

    op.drop_table('waiting_period')
    with op.batch_alter_table('waiting_exemption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waiting_exemption_product_id'))

    op.drop_table('waiting_exemption')
    op.drop_table('product_state')
    with op.batch_alter_table('product_procedure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_procedure_product_id'))
        batch_op.drop_index(batch_op.f('ix_product_procedure_procedure_id'))

    op.drop_table('product_procedure')
    op.drop_table('product_municipality')
    with op.batch_alter_table('exclusion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exclusion_product_id'))

    op.drop_table('exclusion')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_operator_id'))

    op.drop_table('product')
    with op.batch_alter_table('procedure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_category'))

    op.drop_table('procedure')
    op.drop_table('operator')
    op.drop_table('lay_term')
