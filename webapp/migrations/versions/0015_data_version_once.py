"""data version on PostgreSQL: a transaction replaces its token once, not once per statement

Revision ID: 0015
Revises: 0014

Migration 0013's statement triggers replaced a token on every statement.  The importer inserts
row by row (one statement each), and every UPDATE of the same token row in one transaction
leaves a version that nothing can prune until it commits: each next UPDATE walked them all.  A
network import of 400,000 providers wrote ~90 rows a second and would have taken hours.

Now a transaction replaces a dataset's token at its first write, and again only after this
session read the tokens (``webapp.core.dataversion.current``).  Readers in other transactions see
a token only once it is committed, so one replacement per writing transaction already tells them
everything changed; a reader in the writer's own transaction (a test inside one transaction, a
request that would write and then render) still sees each write.  How a read is noticed: the
reader takes a number from the sequence ``data_version_reads``, and a replacement marks its
transaction with a number it takes itself (``guia.data_version_<dataset>``, a transaction-local
setting, undone with a rolled-back savepoint exactly as the replacement itself); a write skips
the replacement only while the session's last number (``currval``, which no rollback undoes) is
still its transaction's mark: nothing was read since.  A standby (the read replica) has no
writers and takes no number.  SQLite is unchanged: it updates the row in place.
"""
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_ONCE = """CREATE OR REPLACE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  chosen integer;
  mark text := current_setting('guia.data_version_' || TG_ARGV[0], true);
BEGIN
  -- A mark is set only after this session's nextval, so currval is defined when there is one.
  IF mark IS NOT NULL AND mark <> '' AND currval('data_version_reads')::text = mark THEN
    RETURN NULL;  -- already replaced in this transaction, and nothing read since
  END IF;
  SELECT shard INTO chosen FROM data_version WHERE dataset = TG_ARGV[0]
    ORDER BY shard LIMIT 1 FOR UPDATE SKIP LOCKED;
  UPDATE data_version SET token = gen_random_uuid()::text
    WHERE dataset = TG_ARGV[0] AND shard = coalesce(chosen, 0);
  PERFORM set_config('guia.data_version_' || TG_ARGV[0], nextval('data_version_reads')::text, true);
  RETURN NULL;
END $$"""

# Migration 0013's, every statement.
_EVERY_STATEMENT = """CREATE OR REPLACE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  chosen integer;
BEGIN
  SELECT shard INTO chosen FROM data_version WHERE dataset = TG_ARGV[0]
    ORDER BY shard LIMIT 1 FOR UPDATE SKIP LOCKED;
  UPDATE data_version SET token = gen_random_uuid()::text
    WHERE dataset = TG_ARGV[0] AND shard = coalesce(chosen, 0);
  RETURN NULL;
END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE data_version_reads")
        op.execute(_ONCE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_EVERY_STATEMENT)
        op.execute("DROP SEQUENCE data_version_reads")
