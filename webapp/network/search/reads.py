"""Running a search's SQL (:mod:`.sql`) on the session's connection: candidate rows, the page's
display rows, the count, and the cached statistics that choose a plan."""

from __future__ import annotations

import time
import weakref
from collections import Counter
from datetime import datetime

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from .filters import SearchFilters
from .results import SearchResult
from .sql import (
    NAMED_PARAM,
    SPECIALTY_LAYERS,
    URGENCY_LAYER,
    SearchSql,
    decode_pg_row,
    decode_sqlite_row,
    sqlite_moment,
    trigrams,
)

#: How long (s) a statistic is kept: they only choose a plan, never change an answer.
ESTIMATE_TTL_SECONDS = 300.0
#: How many providers (the first, by id) a name's share and its trigrams' frequencies are
#: estimated on: their folded names are read once per ESTIMATE_TTL_SECONDS (~30 ms at 5,000),
#: then a name's share costs ~0.2 ms in memory.
NAME_SAMPLE = 5000
_ESTIMATES: weakref.WeakKeyDictionary[Engine, dict] = weakref.WeakKeyDictionary()


def clear_estimates() -> None:
    """Forget the cached statistics (tests that change a network's size between searches)."""
    _ESTIMATES.clear()


class Rows(list):
    """Candidate rows ``(id, lat, lon)``; ``count``: rows the query returned."""

    count = 0


class SearchReader:
    """One search's reads: its SQL (``self.sql``), run in the session's transaction."""

    def __init__(self, session: Session, f: SearchFilters) -> None:
        self.session = session
        self.f = f
        dialect = session.get_bind().dialect.name
        # SQLite looks a long name up in FTS5 by its rarest trigrams, as the sample counts them.
        frequency = self.name_sample()[1] if f.name and dialect == "sqlite" else None
        self.sql = SearchSql(dialect, f, frequency)
        self.pg = self.sql.pg
        # Provider names and staleness read with the candidates (when the query had them): a
        # pile of equally distant locations is ordered by them, and the seat's pile is read with
        # them (~0.8 us a row joined, against ~3 us a row looked up afterwards).
        self.order_keys: dict[int, tuple[str, bool]] = {}
        #: Providers the name matched, as far as counted (see name_matching_providers).
        self.name_matches: int | None = None
        self.sampled_share: float | None = None

    def _execute(self, sql: str, **extra):
        return self.session.execute(text(sql), {**self.sql.params, **extra})

    def raw(self, sql: str, params: dict | None = None) -> list:
        """All rows of ``sql`` (SQLite's ``:name`` parameters) run on the DB-API cursor of the
        session's connection (same transaction), skipping SQLAlchemy's per-row overhead: the
        hot paths (candidates, the page's rows) use it."""
        if self.pg and params is not None:
            sql = NAMED_PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))
        connection = self.session.connection()
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            if params is None:
                cursor.execute(sql)
            else:
                cursor.execute(sql, params)
            return cursor.fetchall()
        except connection.dialect.loaded_dbapi.OperationalError as error:
            # Past SQLAlchemy, the driver's own error would escape the app's handler of an
            # unavailable database (a 503) and be a 500: wrapped as SQLAlchemy wraps it, without
            # the bound values.
            raise OperationalError(sql, None, error) from error
        finally:
            cursor.close()

    def fetch(self, sql: str, **extra) -> Rows:
        """Candidate rows ``(id, lat, lon)`` of a text of :class:`SearchSql` (names kept aside
        when it read them)."""
        rows = self.raw(sql, {**self.sql.params, **extra})
        if rows and len(rows[0]) > 4:
            self.order_keys.update((r[0], (r[4], self.stale(r[5]))) for r in rows)
        out = Rows((r[0], r[2], r[3]) for r in rows)
        out.count = len(rows)
        return out

    def scalar(self, sql: str, **extra) -> int:
        return int(self.raw(sql, {**self.sql.params, **extra})[0][0])

    def name_matching_providers(self, cap: int) -> list[int] | None:
        """Ids of the providers whose folded name contains the query (through the trigram
        index: a query of 3 characters or more); None when there are more than ``cap``."""
        rows = self.raw(self.sql.name_matches(cap), self.sql.params)
        self.name_matches = len(rows)
        if len(rows) > cap:
            return None
        return sorted(pid for (pid,) in rows)

    def stale(self, verified_at: datetime | str | None) -> bool:
        """Whether a location verified at ``verified_at`` (aware, or SQLite's text) is stale:
        verified before the filters' ``verified_since``, or never (when there is one)."""
        since = self.f.verified_since
        if since is None:
            return False
        if isinstance(verified_at, str):
            verified_at = sqlite_moment(verified_at)
        return verified_at is None or verified_at < since

    def read_order_keys(self, location_ids: list[int]) -> dict[int, tuple[str, bool]]:
        """``{location id: (provider name, stale)}`` of ``location_ids``."""
        return {id_: (name, self.stale(verified_at))
                for id_, name, verified_at in self.raw(self.sql.order_keys(location_ids))}

    def rows(self, ranked: list[tuple[float, int]]) -> list[SearchResult]:
        """The display rows of ``ranked``, in its order.  Read on the DB-API cursor (as the
        candidates are), decoding the few typed columns here: SQLAlchemy's result processing
        cost as much as the query on the results page."""
        if not ranked:
            return []
        fetched = self.raw(*self.sql.page_rows(i for _, i in ranked))
        decode = decode_pg_row if self.pg else decode_sqlite_row
        by_id = {row[0]: row for row in fetched}
        results = []
        for distance, id_ in ranked:
            values = decode(by_id[id_])
            results.append(SearchResult(*values, distance_km=distance, stale=self.stale(values[23])))
        return results

    def count_all(self) -> int:
        """Every match counted, reading each (tests and checks)."""
        return int(self._execute(self.sql.count()).scalar_one())

    # ---- statistics, cached per engine for ESTIMATE_TTL_SECONDS

    def _cached(self, key: tuple, compute):
        """``compute()``, kept per engine for ESTIMATE_TTL_SECONDS under ``key``."""
        bind = self.session.get_bind()
        cache = _ESTIMATES.setdefault(getattr(bind, "engine", bind), {})
        now = time.monotonic()
        hit = cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = compute()
        cache[key] = (now + ESTIMATE_TTL_SECONDS, value)
        return value

    def _estimate(self, key: tuple, sql: str) -> int:
        return self._cached(key, lambda: int(self.session.execute(text(sql)).scalar_one()))

    def locations(self) -> int:
        return max(self._estimate(("locations",), self.sql.locations()), 1)

    def memberships(self) -> int:
        return self._estimate(("members", self.f.product_id), self.sql.memberships())

    def specialty_at_most(self, cap: int) -> bool:
        """Whether at most ``cap`` providers have the search's specialty."""
        n = self._estimate(("specialty-capped", self.f.specialty, cap), self.sql.specialty_providers(cap))
        return n <= cap

    def name_sample(self) -> tuple[list[str], dict[str, int]]:
        """The folded names of the first NAME_SAMPLE providers by id, and how many of them have
        each trigram (cached per engine as the other estimates)."""
        def read() -> tuple[list[str], dict[str, int]]:
            names = [name for (name,) in self.session.execute(text(
                f"SELECT search_name FROM provider WHERE id <= {NAME_SAMPLE} LIMIT {NAME_SAMPLE}"))]
            return names, Counter(t for name in names for t in trigrams(name))
        return self._cached(("name-sample",), read)

    def sampled_name_share(self) -> float:
        """The share of providers the name matches, estimated on the sample (half a match when
        none does)."""
        if self.sampled_share is None:
            names = self.name_sample()[0]
            hits = sum(1 for name in names if self.f.name in name)
            self.sampled_share = min(max(hits, 0.5) / max(len(names), 1), 1.0)
        return self.sampled_share

    def name_share(self) -> float:
        """Rough share of the providers the name matches: 1 without a name looked up in the
        index; counted when its providers were; else estimated (sampled_name_share), and at
        least what was counted."""
        if self.name_matches is None and self.sampled_share is None:
            return 1.0
        providers = max(self._estimate(("providers",), self.sql.providers()), 1)
        return min(max((self.name_matches or 0) / providers, self.sampled_name_share()), 1.0)

    def providers(self) -> int:
        return max(self._estimate(("providers",), self.sql.providers()), 1)

    def layer_share(self) -> float:
        """Rough share of the locations in the walked layer."""
        layer = self.sql.layer
        if layer == 0:
            return 1.0
        if layer == URGENCY_LAYER:
            return max(self._estimate(("urgency",), self.sql.urgency_locations()), 1) / self.locations()
        assert 1 <= layer <= len(SPECIALTY_LAYERS)
        providers = max(self._estimate(("providers",), self.sql.providers()), 1)
        n = self._estimate(("specialty", self.f.specialty), self.sql.specialty_providers())
        return min(max(n, 1) / providers, 1.0)
