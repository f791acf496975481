"""The matching locations a search has read so far, and what is known of their distances to
the origin: spherical bounds for all (cheap), exact geodesic distances only where the order or
the count within a radius is undecided."""

from __future__ import annotations

import numpy as np

from ...geo.distance import RATIO_HIGH, RATIO_LOW, distances_km, spherical_km
from .ordering import bucket_edge_km


class Candidates:
    def __init__(self, lat: float, lon: float) -> None:
        self.lat, self.lon = lat, lon
        self.ids: list[int] = []
        self.lats: list[float] = []
        self.lons: list[float] = []
        self.seen: set[int] = set()
        self._exact = np.empty(0)  # geodesic km per candidate, NaN until computed
        self.complete = False  # every matching location is here

    def add(self, rows) -> None:
        seen = self.seen
        for id_, lat, lon in rows:
            if id_ not in seen:
                seen.add(id_)
                self.ids.append(id_)
                self.lats.append(lat)
                self.lons.append(lon)

    def __len__(self) -> int:
        return len(self.ids)

    def exact(self, idx: np.ndarray) -> np.ndarray:
        """Geodesic km of the candidates ``idx`` (computed once, in one vectorised call)."""
        n = len(self.ids)
        if len(self._exact) < n:
            self._exact = np.concatenate([self._exact, np.full(n - len(self._exact), np.nan)])
        missing = idx[np.isnan(self._exact[idx])]
        if len(missing):
            lats = np.asarray(self.lats, dtype=float)[missing]
            lons = np.asarray(self.lons, dtype=float)[missing]
            self._exact[missing] = distances_km(self.lat, self.lon, lats, lons)
        return self._exact[idx]

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of each candidate's geodesic distance (exact when known)."""
        s = spherical_km(self.lat, self.lon, np.asarray(self.lats, dtype=float), np.asarray(self.lons, dtype=float))
        lo, hi = s * RATIO_LOW - 1e-9, s * RATIO_HIGH + 1e-9
        known = np.flatnonzero(~np.isnan(self._exact))
        lo[known] = hi[known] = self._exact[known]
        return lo, hi

    def holds(self, r: float, needed: int) -> bool:
        """Whether at least ``needed`` candidates are within ``r`` km (geodesic computed only
        for those the bounds leave undecided)."""
        lo, hi = self.bounds()
        within = int(np.count_nonzero(hi <= r))
        if within >= needed:
            return True
        undecided = np.flatnonzero((lo <= r) & (hi > r))
        if within + len(undecided) < needed:
            return False
        return within + int(np.count_nonzero(self.exact(undecided) <= r)) >= needed

    def kth_upper(self, needed: int) -> float:
        """A radius surely holding ``needed`` candidates (``len(self) >= needed``)."""
        return float(np.partition(self.bounds()[1], needed - 1)[needed - 1])

    def kth_exact(self, k: int) -> float:
        """The ``k``-th smallest geodesic distance (``len(self) >= k``)."""
        lo, _ = self.bounds()
        keep = np.flatnonzero(lo <= self.kth_upper(k))
        return float(np.partition(self.exact(keep), k - 1)[k - 1])

    def rank(self, wanted: int) -> tuple[list[tuple[float, int]], bool]:
        """``(geodesic km, id)`` of every candidate that can be among the first ``wanted`` in
        :func:`~.ordering.result_order` -- whole buckets of equal shown distance, whose order
        by name is left to the caller, who has the names -- sorted by (shown distance, id); and
        whether more than ``wanted`` exist.

        Exact provided the candidates hold every match up to the bucket edge of the
        ``wanted``-th (see :func:`~.ordering.bucket_edge_km`), or everything."""
        n = len(self.ids)
        has_more = n > wanted
        if n == 0:
            return [], False
        lo, hi = self.bounds()
        if n > wanted:
            # The wanted-th is at most `cut` away; nothing farther than the edge of cut's bucket
            # can share its shown distance.
            cut = np.partition(hi, wanted - 1)[wanted - 1]
            keep = np.flatnonzero(lo <= bucket_edge_km(float(cut)))
        else:
            keep = np.arange(n)
        distances = self.exact(keep)
        ids = np.asarray(self.ids, dtype=np.int64)[keep]
        pairs = sorted(zip(distances.tolist(), ids.tolist()), key=lambda p: (round(p[0], 1), p[1]))
        if n > wanted:
            edge = bucket_edge_km(pairs[wanted - 1][0])
            pairs = [p for p in pairs if p[0] <= edge]
        return pairs, has_more
