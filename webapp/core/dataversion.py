"""The version of the data a page is made from: a random token per dataset (the dentist network,
the plan catalog) that the database replaces, by triggers, in the same transaction as any write
to one of the dataset's tables (migration 0013; on PostgreSQL once per transaction until the
tokens are read again, migration 0015).  Two reads that see the same tokens see the same
network and catalog; reading them is one short query.
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..db import Base

#: The tables whose every write changes the dataset's token (the triggers of migration 0013).
DATASETS = {
    "network": ("provider", "provider_specialty", "location", "network_membership", "network_change",
                "location_correction"),
    "catalog": ("operator", "product", "product_state", "product_municipality", "procedure", "lay_term",
                "product_procedure", "waiting_period", "waiting_exemption", "exclusion"),
}


class DataVersion(Base):
    """One token of a dataset.  PostgreSQL keeps several shards per dataset (a writer holds its
    shard's row until it commits; another writer takes a free one); SQLite one."""

    __tablename__ = "data_version"

    dataset: Mapped[str] = mapped_column(String(20), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(36))


_CURRENT_SQL = "SELECT token FROM data_version ORDER BY dataset, shard"
# PostgreSQL: a writing transaction replaces a token once until this session reads them
# (migration 0015): a read takes a number from data_version_reads, which the next write sees.
# Not on a standby (the read replica): it has no writers, and cannot take one.
_CURRENT_PG_SQL = ("SELECT token FROM data_version, (SELECT CASE WHEN pg_is_in_recovery() THEN 0"
                   " ELSE nextval('data_version_reads') END) AS noticed ORDER BY dataset, shard")


def current(session: Session) -> tuple[str, ...]:
    """Every token, in a fixed order, read in the session's transaction (so with the same
    snapshot as what the caller reads next)."""
    connection = session.connection()
    sql = _CURRENT_PG_SQL if connection.dialect.name == "postgresql" else _CURRENT_SQL
    return tuple(token for (token,) in connection.exec_driver_sql(sql))
