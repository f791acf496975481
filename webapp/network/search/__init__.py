"""Network search: the in-network locations of a product nearest to a point.

Used by the ``/rede`` page and the public API.  Plain functions over a SQLAlchemy session::

    filters = SearchFilters(product_id=..., area=coverage_area(product), today=..., specialty=...)
    search(session, filters, lat=..., lon=..., limit=20, offset=0)
        -> SearchPage(results=(SearchResult, ...), has_more=bool, offset, limit)
    search_from_municipality(session, filters, ibge_code=...)  -> the same, from the seat
    count_matches(session, filters) -> int

What matches (:class:`SearchFilters`): active locations whose provider has a membership of the
product open on ``today`` (``since <= today`` and ``until`` empty or after ``today``), whose
municipality is in the coverage area (national: all; states: ``location.uf``; municipalities:
``location.municipality_ibge``), and that pass the filters: ``specialty`` (a slug, through
``provider_specialty``), ``urgency_24h`` / ``wheelchair`` / ``children`` / ``accepting_new``
(the location flags; "accepts new patients" only when the location said yes),
``name_query`` (accent-, case- and punctuation-insensitive substring of the provider name, as
:func:`webapp.core.text.fold` folds them: the folded query is a substring of the folded name,
stored as ``provider.search_name`` and copied on each location; a query of 3 or more letters or
digits is looked up in the trigram index of migration 0011 or read from the name stripes of
migration 0014, a shorter one filters the rows the search reads anyway).  Order: geodesic distance (WGS-84, the same number as
:func:`webapp.geo.distance.distance_km`) in km with one decimal, as shown, then locations
verified since ``verified_since`` before the others, then the provider's name
(:func:`result_order`); the verification is read with the rows a page reads anyway.  The answer is exact and the same on SQLite and PostgreSQL: the
databases only supply candidates, ranked here on exact geodesic distances; every way of reading
candidates gives the same answer.

The package, in the order a search runs:

* :mod:`.filters` -- :class:`SearchFilters`, the question;
* :mod:`.planner` -- which way in is cheapest, and the expanding circle (how it works);
* :mod:`.sql` -- the SQL texts (spatial layers, filters as fragments) for both databases;
* :mod:`.reads` -- running them: candidates, page rows, counts, cached statistics;
* :mod:`.candidates` -- what is known of each candidate's distance;
* :mod:`.ordering` -- the order of results and the page cut from the candidates;
* :mod:`.results` -- :class:`SearchResult`, :class:`SearchPage`.

The area's geometry (its box, the boxes covering a circle, the grid read from far away) is in
:mod:`webapp.geo.area`.  Locations whose coordinates fall outside their municipality
(``coordinates_match`` false) may lie outside the area's box: they are read apart (a small
partial index) and always kept.  The importer writes new rows in spatial order (municipality,
then a 0.01-degree grid), so a search reads its candidates from few database pages.

Costs (400k providers, 2 cores, scripts/bench_search.py): ~2 ms per search on SQLite, ~3 ms on
PostgreSQL; searches from far outside a dense area take more steps.  A name search reads the
providers the trigram index gives for the name when they are few (up to
``planner.NAME_DRIVEN_CAP``); a more common one walks the expanding circle over the name
stripes (an index by band of latitude and longitude holding each location's folded name, so a
location whose name does not match costs one index entry, ~0.3-0.5 us);
``count_matches(at_most=N)`` reads at most N + 1 matches.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...geo import municipalities, valid_lat_lon
from . import ordering
from .filters import SearchFilters
from .ordering import result_order
from . import planner
from .planner import find_candidates
from .reads import SearchReader, clear_estimates
from .results import SearchPage, SearchResult

__all__ = [
    "MAX_LIMIT", "MAX_OFFSET", "SearchFilters", "SearchPage", "SearchResult", "clear_estimates",
    "count_matches", "result_order", "search", "search_from_municipality",
]

MAX_LIMIT = 200
MAX_OFFSET = 100_000
EVERY = 2**62  # count_matches without a bound: more than any network holds


def search(session: Session, filters: SearchFilters, *, lat: float, lon: float, limit: int = 20,
           offset: int = 0) -> SearchPage:
    """The page ``[offset, offset + limit)`` of matching locations in :func:`result_order`.

    Raises ``ValueError`` (pt-BR message) for invalid coordinates or an out-of-range
    ``limit``/``offset``.
    """
    lat, lon = valid_lat_lon(lat, lon)
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise ValueError(f"limit deve estar entre 1 e {MAX_LIMIT}.")
    if not 0 <= int(offset) <= MAX_OFFSET:
        raise ValueError(f"offset deve estar entre 0 e {MAX_OFFSET}.")
    limit, offset = int(limit), int(offset)
    reader = SearchReader(session, filters)
    wanted = offset + limit
    ranked, has_more = find_candidates(reader, lat, lon, wanted + 1).rank(wanted)
    return SearchPage(results=tuple(ordering.page(reader, ranked, offset, wanted)), has_more=has_more,
                      offset=offset, limit=limit)


def search_from_municipality(session: Session, filters: SearchFilters, *, ibge_code: int, **kwargs) -> SearchPage:
    """:func:`search` from the seat (sede) of the municipality ``ibge_code``."""
    m = municipalities.get(ibge_code)
    if m is None:
        raise ValueError(f"Código IBGE desconhecido: {ibge_code}.")
    return search(session, filters, lat=m.lat, lon=m.lon, **kwargs)


def count_matches(session: Session, filters: SearchFilters, *, at_most: int | None = None) -> int:
    """How many locations :func:`search` can return with these filters (the API's ``total``);
    with ``at_most``, counting stops there: ``at_most + 1`` means "more than ``at_most``".

    A name's matches are read provider by provider from its trigram index; otherwise from the
    same place as the search's (a rare specialty, a small network) or from the walked layer of
    the spatial index over the area; up to ``at_most + 1`` rows: bounded by ``at_most``, not by
    the size of the network (p95 ~6 ms SQLite, ~16 ms PostgreSQL for 1,000 at 400k providers,
    scripts/bench_search.py).  Without it every match is read (0.1-0.5 s for a national
    product at 400k).
    """
    if at_most is not None and at_most < 0:
        raise ValueError("at_most deve ser >= 0.")
    return planner.count(SearchReader(session, filters), EVERY if at_most is None else int(at_most))
