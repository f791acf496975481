"""A typed place name -> municipalities: exact first, then forgiving (typos, missing spaces).

People type "niteroy", "sao paolo", "rio de janiero", "riodejaneiro" or "niterói-rj".  The exact
lookup (:func:`webapp.geo.municipalities.search`: accents, case, punctuation and spaces ignored,
an optional UF suffix) always wins; only when it finds nothing are the names compared by
similarity (rapidfuzz's normalised Indel ratio on the compact key, so a missing or extra space
costs nothing).  A similar name is a *suggestion*, never a silent choice: the caller shows
"Você quis dizer …?".  Given a coverage area, the municipalities inside it come first and the
others are marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from rapidfuzz import fuzz, process

from webapp.geo import municipalities
from webapp.geo.coverage import CoverageArea
from webapp.geo.municipalities import Municipality, name_key

# A name is "similar" from this score (0-100): one wrong letter in "niteroi" scores 85.7, two in
# "itaguai" ("itaguay") 85.7; "floripa" -> Flórida is 85.7 too, which is why nothing is picked
# without asking.  Below it the suggestions are noise ("manaos" -> Manaus is 83.3).
SIMILAR_FROM = 80.0
# Candidates within this many points of the best are "close": all of them are offered.
CLOSE = 5.0
MAX_CANDIDATES = 6
# No municipality's name holds a digit: one typed in a name is a look-alike letter ("n1ter0i").
_LOOK_ALIKE = str.maketrans("013457", "oieast")


@dataclass(frozen=True, slots=True)
class Candidate:
    municipality: Municipality
    score: float  # 100 for an exact (accent-insensitive) match
    in_area: bool  # True when no area was given

    @property
    def label(self) -> str:
        return self.municipality.label


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a typed name may mean: exact matches, or else similar names; inside the area first."""

    typed: str
    exact: bool
    candidates: tuple[Candidate, ...]

    @property
    def single(self) -> Municipality | None:
        """The one municipality an exact match names (safe to search at once), else ``None``."""
        return self.candidates[0].municipality if self.exact and len(self.candidates) == 1 else None

    @property
    def any_in_area(self) -> bool:
        return any(c.in_area for c in self.candidates)


# --- the index -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    keys: tuple[str, ...]  # compact keys of current names, their parts and former names
    owners: tuple[Municipality, ...]  # the municipality of each key
    longest: int


@lru_cache(maxsize=1)
def _names() -> _Names:
    pairs: dict[tuple[str, int], Municipality] = {}
    index = municipalities._index()
    for table in (index.by_key, index.by_alias_key):
        for key, found in table.items():
            for m in found:
                pairs.setdefault((key, m.ibge_code), m)
    ordered = sorted(pairs.items(), key=lambda item: (item[0][0], item[0][1]))
    keys = tuple(key for (key, _), _ in ordered)
    return _Names(keys=keys, owners=tuple(m for _, m in ordered), longest=max(map(len, keys)))


def clear_cache() -> None:
    _names.cache_clear()


# --- matching --------------------------------------------------------------------------


def similar(text: str, uf: str | None = None) -> list[tuple[Municipality, float]]:
    """Municipalities whose name (or a former name) is like ``text``: score ≥ ``SIMILAR_FROM``
    and within ``CLOSE`` points of the best, best first (then most populous).  ``uf`` limits the
    state.  Spaces, accents, case and punctuation are ignored; a text far longer than any name
    finds nothing."""
    key = name_key(text).translate(_LOOK_ALIKE)
    names = _names()
    if len(key) < 3 or len(key) > names.longest + 8:
        return []
    best: dict[int, tuple[Municipality, float]] = {}
    for _, score, i in process.extract(key, names.keys, scorer=fuzz.ratio, score_cutoff=SIMILAR_FROM, limit=None):
        m = names.owners[i]
        if uf is not None and m.uf != uf:
            continue
        if m.ibge_code not in best or best[m.ibge_code][1] < score:
            best[m.ibge_code] = (m, score)
    ranked = sorted(best.values(), key=lambda ms: (-ms[1], -ms[0].population, ms[0].ibge_code))
    if not ranked:
        return []
    top = ranked[0][1]
    return [(m, score) for m, score in ranked if score >= top - CLOSE][:MAX_CANDIDATES]


def rank(found: Iterable[tuple[Municipality, float]], area: CoverageArea | None) -> tuple[Candidate, ...]:
    """Candidates inside ``area`` first (stable: the given order is kept within each group)."""
    candidates = [Candidate(m, score, area is None or area.contains_municipality(m.ibge_code)) for m, score in found]
    return tuple(sorted(candidates, key=lambda c: not c.in_area))


def resolve(text: str, area: CoverageArea | None = None) -> Resolution:
    """What a typed place name means.

    Exact matches (accents, case, punctuation and spaces ignored; "Niterói/RJ", "niteroi rj";
    former names) win, every homonym kept.  Without one, similar names (see :func:`similar`); a
    UF suffix ("niteroy rj") limits them to that state, and when that finds nothing the name is
    compared in every state ("niteroi/sp" -> Niterói/RJ).  Inside ``area`` first.
    """
    exact = municipalities.search(text)
    if exact:
        return Resolution(text, True, rank(((m, 100.0) for m in exact), area))
    found: list[tuple[Municipality, float]] = []
    split = municipalities._split_uf(text)
    if split is not None:
        base, uf = split
        found = similar(base, uf) or similar(base)
    if not found:
        found = similar(text)
    return Resolution(text, False, rank(found, area))


def suggest(prefix: str, area: CoverageArea | None = None, limit: int = 8) -> Resolution:
    """As-you-type suggestions: names starting with ``prefix`` (see
    :func:`webapp.geo.municipalities.suggest`), those inside ``area`` first; when none starts so,
    the similar names of :func:`resolve` (``exact`` is then ``False``)."""
    # Read past the limit so that names inside the area, less populous, are not cut off.
    started = municipalities.suggest(prefix, limit=limit * 5)
    if started:
        return Resolution(prefix, True, rank(((m, 100.0) for m in started), area)[:limit])
    resolution = resolve(prefix, area)
    return Resolution(prefix, resolution.exact, resolution.candidates[:limit])


def largest_in(area: CoverageArea) -> Municipality | None:
    """The most populous municipality of an area (an example of a city to type)."""
    found = (municipalities.get(code) for code in area.municipality_codes())
    return max((m for m in found if m is not None), key=lambda m: (m.population, -m.ibge_code), default=None)
