"""Which matches a search reads, and in what order: the way in that the statistics say is
cheapest (a name's providers, a rare specialty whole, a small network's memberships, or the
expanding circle over the spatial index), each giving the same answer.

The expanding circle.  Around the origin, a circle of radius ``r`` (km, geodesic) is covered by
bands of latitude (:func:`webapp.geo.area.circle_cover`), clipped to the area's search box, and
each index entry is first tested against an ellipse in degrees that holds the circle (cheap, on
the index's coordinates), then against every filter.  When at least ``offset + limit + 1``
matches lie within ``r`` they hold the page (anything not read is farther than ``r``);
otherwise ``r`` grows -- to the distance that surely holds enough when enough were found, else
by the density seen so far -- and only the new ring is read, until it is enough or the circle
covers the area's box.  A query reads at most ~8 rows per row wanted: a ring too full (the
first guess of ``r`` is made from the population density, and can be wrong) is halved instead.
From outside the area, ``r`` starts at about the distance to the area, so the far side of the
country is never walked; from far outside a small area the area is read in grid cells instead
(:func:`_far_cells`).  Ties: results at the same shown distance are ordered by name, so the
circle is grown to the edge of the last page row's 0.1 km bucket.  A municipality search starts
at the seat, where the importer puts the addresses it could not geocode: that pile is read
first, alone and with its names, then the circle goes on from the density guess.
"""

from __future__ import annotations

import math

import numpy as np

from ...geo import area as geo_area
from ...geo import locate
from ...geo.distance import RATIO_LOW, distances_km, spherical_km
from .candidates import Candidates
from .ordering import bucket_edge_km
from .reads import SearchReader
from .sql import MIN_INDEXED_NAME, name_is_indexed  # noqa: F401 - the parameters' check uses them

#: The first radius: from the population density (see _first_depth), times FIRST_RADIUS_FACTOR
#: (locations cluster in town centres, where people search from; at 400k providers the median
#: first circle then holds ~2x the rows needed), within these bounds; FIRST_RADIUS_KM when the
#: origin is outside Brazil (at sea, off a coastal city).
FIRST_RADIUS_FACTOR = 0.5
MIN_RADIUS_KM, MAX_FIRST_RADIUS_KM, FIRST_RADIUS_KM = 0.3, 200.0, 1.0
#: Growth of the radius (of its part inside the area, from outside it) when too few matches
#: were found: by the density seen so far, within these bounds; EMPTY_GROWTH when the last
#: query found nothing new.
MIN_GROWTH, MAX_GROWTH, EMPTY_GROWTH = 1.25, 4.0, 2.0
#: A query of the expanding circle reads at most max(ROWS_PER_QUERY_FACTOR * needed,
#: MIN_ROWS_PER_QUERY) rows (~2-5 us each): beyond, a thinner ring is tried first.
ROWS_PER_QUERY_FACTOR, MIN_ROWS_PER_QUERY = 8, 160
#: Steps of the expanding circle after which the area's whole box is read (a safety net: the
#: growth rules end far sooner -- the 400k benchmark's worst query takes ~12 steps).
MAX_CIRCLE_STEPS = 48
#: From outside the area only the edge of the circle matters, and narrower bands follow it
#: closer (odd, as geo.area.CIRCLE_STRIPS).  Far cells are read this many boxes per query.
CIRCLE_STRIPS_OUTSIDE, FAR_BOXES_PER_QUERY = 15, 16
#: A specialty without a layer with at most SELECTIVE_FACTOR * sqrt(needed * locations) rows
#: is read whole.
SELECTIVE_FACTOR = 1.0
#: A name matching more providers than this is "common": use the expanding circle over the
#: name stripes instead of reading every match of the name.  Reading a provider's locations costs
#: ~2.5-3 us, a location of the circle whose name does not match ~0.5 us, and the circle holds
#: needed / (name share * product share) locations: the two cost the same near
#: sqrt(needed * providers * 0.5 us / (product share * 3 us)), ~1,500 at 400k providers.
NAME_DRIVEN_CAP = 1500
#: The providers are not listed when the sample (SearchReader.sampled_name_share: 5,000 names)
#: says the name matches more than this times NAME_DRIVEN_CAP (listing them would cost
#: ~2-3 us each for nothing: 3-5 ms on PostgreSQL).
NAME_LIKELY_COMMON = 1.2
#: A product with at most PRODUCT_DRIVEN_MAX memberships and fewer than PRODUCT_SPARSE_SHARE
#: of the area's locations (estimated from its population) is read whole from its memberships.
PRODUCT_DRIVEN_MAX, PRODUCT_SPARSE_SHARE = 20_000, 0.1


_NOTHING = "nothing"  # a driver that knows there is no match


def _driver(reader: SearchReader, needed: int) -> str | None:
    """The SQL of every match read from a small set -- a name's providers, a rare specialty
    without a layer, a small network's memberships -- when the statistics say one is cheaper
    than the spatial index for ``needed`` rows; _NOTHING when a name matches no provider;
    None to use the spatial index."""
    f, sql = reader.f, reader.sql
    cap = NAME_DRIVEN_CAP
    if f.name and name_is_indexed(f.name) and \
            reader.sampled_name_share() * reader.providers() <= NAME_LIKELY_COMMON * cap:
        # A name that the sample does not say is common: list the providers it matches,
        # unless there are too many for that.
        ids = reader.name_matching_providers(cap)
        if ids is not None:
            return sql.providers_driven(ids) if ids else _NOTHING
    if f.specialty and not sql.layer_has_specialty and not f.urgency_24h:
        # A specialty without a layer (added after migration 0003): read it whole if rare.
        if reader.specialty_at_most(int(SELECTIVE_FACTOR * math.sqrt(needed * reader.locations()))):
            return sql.specialty_driven()
    members = reader.memberships()
    if members <= PRODUCT_DRIVEN_MAX and members < PRODUCT_SPARSE_SHARE * reader.locations() * \
            geo_area.population_share(f.area):
        # A small network spread over a large area: the circle would walk a lot of other
        # operators' locations before finding enough of this one's.
        return sql.product_driven()
    return None


def find_candidates(reader: SearchReader, lat: float, lon: float, needed: int) -> Candidates:
    """Every match that can be among the first ``needed`` (or every match, ``complete``), read
    the way the estimates suggest is cheapest; each way gives the same answer."""
    cands = Candidates(lat, lon)
    driver = _driver(reader, needed)
    if driver is None:
        _expanding_circle(reader, cands, lat, lon, needed)
        return cands
    if driver != _NOTHING:
        cands.add(reader.fetch(driver))
    cands.complete = True
    return cands


def count(reader: SearchReader, at_most: int) -> int:
    """The number of matches, counting no further than ``at_most + 1`` (so its cost is bounded
    by that, not by the size of the network): a name's from its trigram index, provider by
    provider; otherwise from the same small set as the search when there is one, else from
    the walked layer of the spatial index over the area's box."""
    sql, area, f = reader.sql, reader.f.area, reader.f
    if f.name and name_is_indexed(f.name):
        # The name's providers one by one from the trigram index until at_most + 1 matches:
        # all of them for a rare name, a few thousand for a common one -- over the area's box
        # a common name was 200+ ms (national) for the few rows that bear it.
        return reader.scalar(sql.counted(sql.name_driven(), at_most))
    driver = _driver(reader, at_most + 1)
    if driver is not None:
        return reader.scalar(sql.counted(driver, at_most))
    box = geo_area.search_bbox(area)
    s, w, n, e = box
    n_found = reader.scalar(sql.counted(sql.in_area_box(), at_most), **sql.box_params([box]),
                            **sql.circle_params((s + n) / 2, (w + e) / 2, None, None, box))
    if area.kind != "national" and n_found <= at_most:
        # The area's locations whose coordinates lie elsewhere (outside its box, maybe).
        n_found += reader.scalar(sql.counted(sql.misplaced(), at_most))
    return min(n_found, at_most + 1)


def _first_depth(reader: SearchReader, lat: float, lon: float, needed: int, outside: bool) -> float:
    """A guess of the radius holding ``needed`` matches: networks follow population, so the
    population density (the origin's municipality's; the area's, from outside it) times the
    layer's locations per inhabitant (about half of them in a given product), times the share
    of providers a common name matches."""
    if outside:
        density = geo_area.area_shape(reader.f.area)[1]
    else:
        where = locate.municipality_at(lat, lon).municipality
        if where is None:
            return FIRST_RADIUS_KM
        density = geo_area.population_density(where.ibge_code)
    per_km2 = (0.5 * reader.layer_share() * reader.name_share() * reader.locations() / geo_area.brazil_population()
               * density)
    r = FIRST_RADIUS_FACTOR * math.sqrt(needed / (math.pi * max(per_km2, 1e-9)))
    return min(max(r, MIN_RADIUS_KM), MAX_FIRST_RADIUS_KM)


def _expanding_circle(reader: SearchReader, cands: Candidates, lat: float, lon: float, needed: int) -> None:
    """Grow a circle of radius ``r = gap + depth`` -- ``gap`` about the distance from the origin
    to the area (0 inside it), ``depth`` how far into the area -- reading only each new ring,
    until it holds ``needed`` matches or covers the area's box."""
    area, sql = reader.f.area, reader.sql
    area_box = geo_area.search_bbox(area)
    if area.kind != "national":
        # The area's locations whose coordinates lie elsewhere (outside its box, maybe).
        cands.add(reader.fetch(sql.misplaced()))
    gap = geo_area.distance_to_area_km(area, lat, lon)
    if gap > 0 and _far_cells(reader, cands, lat, lon, needed, area_box, gap):
        return
    depth = _first_depth(reader, lat, lon, needed, outside=gap > 0)
    at_seat = gap == 0 and (lat, lon) in geo_area.seats()
    guess = depth
    if at_seat:
        # A municipality search: its seat may hold a pile of locations (those whose address
        # could not be geocoded).  Read the seat's first bucket alone first, so a pile is read
        # once, and nothing around it unless needed; then go on from the guess.
        depth = min(depth, bucket_edge_km(0.0))
    strips = CIRCLE_STRIPS_OUTSIDE if gap > 0 else geo_area.CIRCLE_STRIPS
    # At most this many rows per query: a query that hits it read a ring too wide (the density
    # guess was wrong); a thinner one is tried, and its rows are kept.
    cap = max(ROWS_PER_QUERY_FACTOR * needed, MIN_ROWS_PER_QUERY)
    unlimited = at_seat  # the ring cannot be thinned (locations piled on one point): read it whole
    found = len(cands)
    queried = None  # radius of the last complete query: its rows are not read again
    ceiling = None  # a radius whose ring (from `queried`) held more than `cap` rows
    for step in range(MAX_CIRCLE_STEPS + 1):
        r = gap + depth
        boxes, covered = geo_area.circle_cover(lat, lon, r + sql.slack_km, area_box, strips, queried)
        if covered or step == MAX_CIRCLE_STEPS:
            # Every location of the area is wanted (or, as a safety net that should never be
            # reached, the steps ran out): read the area's box, no circle.
            cands.add(reader.fetch(sql.spatial(1), **sql.box_params([area_box]),
                                   **sql.circle_params(lat, lon, None, queried, area_box)))
            cands.complete = True
            return
        truncated = False
        if boxes:
            limit = None if unlimited else cap
            with_names = at_seat and step == 0  # the seat's pile, if any
            rows = reader.fetch(sql.spatial(len(boxes), limit, with_names), **sql.box_params(boxes),
                                **sql.circle_params(lat, lon, r, queried, area_box))
            truncated = limit is not None and rows.count >= limit
            cands.add(rows)
        previous, found = found, len(cands)
        done = queried or 0.0
        if truncated:
            # Half the ring, or less if the rows read already put enough matches closer.
            ceiling = r if ceiling is None else min(ceiling, r)
            target = done + 0.5 * (r - done)
            if found >= needed:
                target = min(target, cands.kth_upper(needed) * 1.000001)
            if target - done > 0.01 and target < r:
                depth = target - gap
            else:
                # Locations piled on one point (where addresses that could not be geocoded
                # sit: the seat): read the pile whole -- but, when the needed ones are in it,
                # no farther than the edge of its shown-distance bucket.
                if found >= needed and done < bucket_edge_km(target) < r:
                    depth = bucket_edge_km(target) - gap
                unlimited = True
            continue
        unlimited = False
        if boxes:
            queried = done = r
        if ceiling is not None and done >= ceiling - 1e-6:
            ceiling = None
        if found >= needed:
            if cands.holds(r, needed):
                # Every match sharing the shown distance of the needed-th is wanted too (they
                # are ordered by name): read up to the edge of its bucket.
                edge = bucket_edge_km(cands.kth_exact(needed))
                if edge <= r:
                    return
                target = edge
            else:
                target = cands.kth_upper(needed) * 1.000001  # surely holds `needed`
        elif found == previous:  # nothing (new) yet: perhaps the empty edge of the area
            target = gap + depth * EMPTY_GROWTH
        else:
            target = gap + depth * min(MAX_GROWTH, max(MIN_GROWTH, 1.1 * math.sqrt(needed / found)))
        if at_seat and step == 0 and found < needed:
            target = max(target, gap + guess)
        if ceiling is not None and target >= ceiling:  # known too full: half the way there
            if ceiling - done > 0.01:
                target = done + 0.5 * (ceiling - done)
            else:  # a thin ring with a pile of locations on it: read it whole, once
                unlimited, ceiling = True, None
        depth = target - gap


def _far_cells(reader: SearchReader, cands: Candidates, lat: float, lon: float, needed: int, area_box,
               gap: float) -> bool:
    """From far outside an area, read it cell by cell, nearest cells first; False when the
    cells would not be tighter than the circle (the area is too big for its distance).

    The circle's ellipse bound loosens with distance (~1% of it, see lon_km_per_deg): from
    1,000 km away a ring 10 km thick of a dense area would be read for nothing.  Instead the
    area's box is cut in a grid of small cells (those touching the area, see
    :func:`webapp.geo.area.far_grid`); each cell's distances lie within its centre's exact
    distance plus or minus its half-diagonal (triangle inequality).  Cells are read in order of
    that lower bound until the needed matches, and their shown-distance bucket, are nearer than
    every cell not read: exact, and loose by a cell's size whatever the distance."""
    grid = geo_area.far_grid(reader.f.area)
    if grid is None:
        return False
    sql = reader.sql
    # Lower bounds from the spherical distance (cheap), made exact (geodesic) for the cells near
    # the front, those the search will read: all are true bounds, the exact ones tight.
    lower = spherical_km(lat, lon, grid.lat, grid.lon) * RATIO_LOW - 1e-9 - grid.half_km - sql.slack_km
    front = np.flatnonzero(lower <= lower.min() * 1.02 + 20.0)
    lower[front] = distances_km(lat, lon, grid.lat[front], grid.lon[front]) - grid.half_km[front] - sql.slack_km
    order = np.argsort(lower, kind="stable")
    lower = lower[order]
    done, batch = 0, 8  # cells order[:done] are read
    while done < len(order):
        if len(cands) >= needed:
            edge = bucket_edge_km(cands.kth_exact(needed))
            if lower[done] > edge:
                return True  # every unread cell is beyond the needed ones' bucket
            upto = int(np.searchsorted(lower, edge, side="right"))
        else:  # the next cells, as many as the matches per cell so far suggest (at most double)
            missing = needed - len(cands)
            guess = batch if not len(cands) else int(1.5 * missing * done / len(cands)) + 1
            upto, batch = done + max(1, min(guess, batch)), batch * 2
        chosen = order[done:max(upto, done + 1)]
        done += len(chosen)
        boxes = grid.boxes(chosen, area_box)
        for i in range(0, len(boxes), FAR_BOXES_PER_QUERY):
            part = boxes[i:i + FAR_BOXES_PER_QUERY]
            cands.add(reader.fetch(sql.spatial(len(part)), **sql.box_params(part),
                                   **sql.circle_params(lat, lon, None, None, area_box)))
    cands.complete = True
    return True
