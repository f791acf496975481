"""data version: a token per dataset (the network, the plan catalog) that every write changes

Revision ID: 0013
Revises: 0012

``data_version`` holds one random token per dataset and shard.  Triggers on every table of the
dataset replace a token whenever a statement writes one of them, in the writer's transaction,
so a reader sees a new token exactly when it sees the new rows -- whatever wrote them (the
importers, the catalog loader, the network team's screens, a person at psql).  A page kept
under the tokens it was made with (``webapp.core.pagecache``) is therefore never served after
its data changed.  Tokens are random, never counted: a transaction rolled back (a test's) cannot
leave a later one with the same value.

* SQLite: row triggers (it has no statement triggers), on shard 0; SQLite has one writer at a
  time anyway.  About 2 us a row written, beside the R*Tree's own triggers.
* PostgreSQL: statement triggers.  A token row stays locked until its writer commits, so each
  dataset has several shards and a writer takes the first one no other transaction holds
  (``SKIP LOCKED``): a correction saved while an import runs does not wait for the import.
  A reader reads every shard.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# Frozen at this revision: a table added later brings its own triggers in its own migration
# (tests/core/test_data_version.py checks that every table of these datasets has them).
DATASETS = {
    "network": ("provider", "provider_specialty", "location", "network_membership", "network_change",
                "location_correction"),
    "catalog": ("operator", "product", "product_state", "product_municipality", "procedure", "lay_term",
                "product_procedure", "waiting_period", "waiting_exemption", "exclusion"),
}
PG_SHARDS = 8


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "data_version",
        sa.Column("dataset", sa.String(length=20), nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("dataset", "shard", name=op.f("pk_data_version")),
    )
    if bind.dialect.name == "sqlite":
        for dataset, tables in DATASETS.items():
            op.execute(f"INSERT INTO data_version (dataset, shard, token) VALUES ('{dataset}', 0, lower(hex(randomblob(16))))")
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    op.execute(f"CREATE TRIGGER {table}_data_version_{event.lower()} AFTER {event} ON {table} BEGIN\n"
                               f"  UPDATE data_version SET token = lower(hex(randomblob(16)))"
                               f" WHERE dataset = '{dataset}' AND shard = 0;\nEND")
    elif bind.dialect.name == "postgresql":
        for dataset in DATASETS:
            op.execute(f"INSERT INTO data_version (dataset, shard, token) SELECT '{dataset}', n, gen_random_uuid()::text"
                       f" FROM generate_series(0, {PG_SHARDS - 1}) AS n")
        # The first shard nobody else holds (this transaction's own count as free); every one
        # held: wait for shard 0.
        op.execute("""CREATE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  chosen integer;
BEGIN
  SELECT shard INTO chosen FROM data_version WHERE dataset = TG_ARGV[0]
    ORDER BY shard LIMIT 1 FOR UPDATE SKIP LOCKED;
  UPDATE data_version SET token = gen_random_uuid()::text
    WHERE dataset = TG_ARGV[0] AND shard = coalesce(chosen, 0);
  RETURN NULL;
END $$""")
        for dataset, tables in DATASETS.items():
            for table in tables:
                op.execute(f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
                           f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump('{dataset}')")
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(f"banco não suportado: {bind.dialect.name}")


def downgrade() -> None:
    bind = op.get_bind()
    for tables in DATASETS.values():
        for table in tables:
            if bind.dialect.name == "sqlite":
                for event in ("insert", "update", "delete"):
                    op.execute(f"DROP TRIGGER IF EXISTS {table}_data_version_{event}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}")
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS data_version_bump()")
    op.drop_table("data_version")
