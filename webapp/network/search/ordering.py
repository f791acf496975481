"""The order of results: by distance as shown (km, one decimal), then verified locations before
stale ones, then by the provider's name as a reader compares it, then by location id -- and the
page cut from candidates in that order."""

from __future__ import annotations

import bisect
from functools import lru_cache
from typing import TYPE_CHECKING

from ...core.text import fold
from .results import SearchResult

if TYPE_CHECKING:  # only for annotations: the reader imports this module
    from .reads import SearchReader


def shown_km(distance_km: float) -> float:
    """The distance as the pages and the API show it: km with one decimal."""
    return round(distance_km, 1)


def bucket_edge_km(distance_km: float) -> float:
    """A distance beyond which nothing is shown with the same one-decimal value."""
    return round(distance_km, 1) + 0.05 + 1e-9


def result_order(distance_km: float, provider_name: str, location_id: int, stale: bool = False) -> tuple:
    """How results are ordered: by distance as shown (km, one decimal), then verified before
    *stale* (not verified lately, or never: see ``SearchFilters.verified_since``), then by the
    provider's name as a reader compares it (ignoring accents and case), then by location id.

    Only within a shown distance: a stale location 0,3 km away still comes before a verified
    one 0,4 km away, since a member weighs the walk first and the mark says the rest."""
    return (shown_km(distance_km), stale, _name_key(provider_name), provider_name, location_id)


@lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    return fold(name)


def page(reader: SearchReader, ranked: list[tuple[float, int]], offset: int, wanted: int) -> list[SearchResult]:
    """Results ``[offset, wanted)`` of ``ranked`` (see :meth:`Candidates.rank`): the rows of the
    buckets the page touches are read, ordered by :func:`result_order`, and sliced."""
    if offset >= len(ranked):
        return []
    shown = [shown_km(d) for d, _ in ranked]
    start = bisect.bisect_left(shown, shown[offset])
    stop = bisect.bisect_right(shown, shown[min(wanted, len(ranked)) - 1])
    span = ranked[start:stop]
    if len(span) > 2 * (wanted - offset) + 10:
        # Big buckets (locations piled on a municipality seat, where addresses that could
        # not be geocoded are put): order them with their names and staleness alone, then read
        # the page.
        keys = reader.order_keys
        missing = [i for _, i in span if i not in keys]
        if missing:
            keys = {**keys, **reader.read_order_keys(missing)}
        span.sort(key=lambda p: result_order(p[0], keys[p[1]][0], p[1], keys[p[1]][1]))
        return reader.rows(span[offset - start:wanted - start])
    rows = reader.rows(span)
    rows.sort(key=lambda r: result_order(r.distance_km, r.provider_name, r.location_id, r.stale))
    return rows[offset - start:wanted - start]
