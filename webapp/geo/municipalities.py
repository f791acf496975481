"""Brazilian municipalities and states: lookup by IBGE code, name search, suggestions.

Names are compared accent-, case- and punctuation-insensitively: "SAO PAULO", "são paulo"
and "Sao-Paulo" are the same key; "Santana do Livramento" finds "Sant'Ana do Livramento".
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Mapping

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from webapp.geo import _data


@dataclass(frozen=True, slots=True)
class Municipality:
    ibge_code: int
    name: str
    uf: str
    lat: float  # seat (sede)
    lon: float
    population: int  # IBGE 2021 estimate; 0 when unknown (municipality installed later)
    ddd: int
    capital: bool

    @property
    def label(self) -> str:
        """Display form, e.g. ``"Niterói/RJ"``."""
        return f"{self.name}/{self.uf}"


@dataclass(frozen=True, slots=True)
class State:
    code: int  # IBGE state code, e.g. 33
    uf: str  # e.g. "RJ"
    name: str  # e.g. "Rio de Janeiro"
    region: str  # e.g. "Sudeste"
    lat: float  # approximate centre
    lon: float


# --- normalisation ----------------------------------------------------------------------


def fold_words(text: str) -> str:
    """Lower-case, accent-free words separated by single spaces ("Olho-d'Água" -> "olho d agua")."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def name_key(text: str) -> str:
    """Exact-match key: folded, without any separator ("Sant'Ana" == "Santana")."""
    return fold_words(text).replace(" ", "")


# "Campo Grande/MS", "campo grande - ms", "Campo Grande (MS)", "Campo Grande, MS", "Campo Grande MS"
_UF_SUFFIX = re.compile(r"^(?P<name>.*?\S)\s*(?P<sep>[/,(\-–—]|\s)\s*(?P<uf>[A-Za-z]{2})\s*\)?\s*$")


def _split_uf(text: str, *, explicit_only: bool = False) -> tuple[str, str] | None:
    """``("Campo Grande", "MS")`` for ``"Campo Grande/MS"``; ``None`` without a valid UF suffix."""
    match = _UF_SUFFIX.match(text)
    if not match:
        return None
    if explicit_only and match["sep"].isspace():
        return None
    uf = match["uf"].upper()
    if uf not in _index().states:
        return None
    return match["name"].strip(), uf


# --- index ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    by_code: Mapping[int, Municipality]
    by_key: Mapping[str, tuple[Municipality, ...]]  # current name (and its parenthesised parts)
    by_alias_key: Mapping[str, tuple[Municipality, ...]]  # other spellings / former names
    # for suggest(): (municipality, folded name, compact name, folded alternative names), most
    # populous first; and, sorted for bisection, (compact name, row) and (the folded name from its
    # second, third... word on, row), so that a prefix is found without reading every name.
    suggest_rows: tuple[tuple[Municipality, str, str, tuple[str, ...]], ...]
    compact_sorted: tuple[tuple[str, int], ...]
    later_words_sorted: tuple[tuple[str, int], ...]
    with_alternatives: tuple[int, ...]
    states: Mapping[str, State]


def _by_population(items) -> tuple[Municipality, ...]:
    return tuple(sorted(set(items), key=lambda m: (-m.population, m.ibge_code)))


@lru_cache(maxsize=1)
def _index() -> _Index:
    states = {}
    for r in _data.state_rows():
        st = State(int(r["codigo_uf"]), r["uf"], r["nome"], r["regiao"], float(r["latitude"]), float(r["longitude"]))
        states[st.uf] = st

    by_code: dict[int, Municipality] = {}
    for r in _data.municipality_rows():
        m = Municipality(
            ibge_code=int(r["codigo_ibge"]),
            name=r["nome"],
            uf=r["uf"],
            lat=float(r["latitude"]),
            lon=float(r["longitude"]),
            population=int(r["populacao"] or 0),
            ddd=int(r["ddd"]),
            capital=r["capital"] == "1",
        )
        by_code[m.ibge_code] = m

    by_key: dict[str, list[Municipality]] = {}
    by_alias_key: dict[str, list[Municipality]] = {}
    alternatives: dict[int, list[str]] = {}
    for m in by_code.values():
        by_key.setdefault(name_key(m.name), []).append(m)
    for r in _data.alias_rows():
        m = by_code.get(int(r["codigo_ibge"]))
        if m is None:
            continue
        # parts of the current name ("Augusto Severo (Campo Grande)") count as the name itself
        target = by_key if r["origem"] == "nome" else by_alias_key
        target.setdefault(name_key(r["nome_alternativo"]), []).append(m)
        alternatives.setdefault(m.ibge_code, []).append(fold_words(r["nome_alternativo"]))

    rows = tuple(
        (m, fold_words(m.name), name_key(m.name), tuple(alternatives.get(m.ibge_code, ())))
        for m in _by_population(by_code.values())
    )
    later_words = []
    for i, (_, words, _, _) in enumerate(rows):
        parts = words.split(" ")
        later_words.extend((" ".join(parts[j:]), i) for j in range(1, len(parts)))
    return _Index(
        by_code=MappingProxyType(by_code),
        by_key=MappingProxyType({k: _by_population(v) for k, v in by_key.items()}),
        by_alias_key=MappingProxyType({k: _by_population(v) for k, v in by_alias_key.items()}),
        suggest_rows=rows,
        compact_sorted=tuple(sorted((compact, i) for i, (_, _, compact, _) in enumerate(rows))),
        later_words_sorted=tuple(sorted(later_words)),
        with_alternatives=tuple(i for i, row in enumerate(rows) if row[3]),
        states=MappingProxyType(states),
    )


def _starting_with(table: tuple[tuple[str, int], ...], prefix: str) -> set[int]:
    """Rows of a sorted ``(text, row)`` table whose text starts with ``prefix``."""
    start = bisect_left(table, (prefix, -1))
    end = bisect_left(table, (prefix + "\U0010ffff", -1))
    return {row for _, row in table[start:end]}


# --- public API -------------------------------------------------------------------------


def get(ibge_code: int | str) -> Municipality | None:
    """Municipality by its 7-digit IBGE code (int or numeric string), or ``None``."""
    try:
        code = int(ibge_code)
    except (TypeError, ValueError):
        return None
    return _index().by_code.get(code)


def all_municipalities() -> tuple[Municipality, ...]:
    """Every municipality, sorted by IBGE code."""
    return tuple(sorted(_index().by_code.values(), key=lambda m: m.ibge_code))


def in_state(uf: str) -> tuple[Municipality, ...]:
    """Municipalities of one state, sorted by IBGE code."""
    uf = uf.strip().upper()
    return tuple(m for m in all_municipalities() if m.uf == uf)


def _lookup(name: str, uf: str | None) -> list[Municipality]:
    idx = _index()
    key = name_key(name)
    if not key:
        return []
    for table in (idx.by_key, idx.by_alias_key):  # former names only if no current name matches
        found = [m for m in table.get(key, ()) if uf is None or m.uf == uf]
        if found:
            return found
    return []


def search(name: str, uf: str | None = None) -> list[Municipality]:
    """Municipalities whose name is exactly ``name`` (ignoring accents, case and punctuation).

    ``name`` may carry the state: "Campo Grande/MS", "campo grande - ms", "Campo Grande MS",
    "Campo Grande (MS)". Without a state, every homonym is returned, most populous first.
    Former names / other spellings (e.g. "Embu", "Moji Mirim") are used only when no current
    name matches. Returns ``[]`` when nothing matches or ``uf`` is not a valid state.
    """
    if not name or not name.strip():
        return []
    if uf is not None:
        uf = uf.strip().upper()
        if uf not in _index().states:
            return []
    found = _lookup(name, uf)
    if found:
        return found
    split = _split_uf(name)
    if split is None:
        return []
    base, suffix_uf = split
    if uf is not None and uf != suffix_uf:
        return []
    return _lookup(base, suffix_uf)


def suggest(prefix: str, limit: int = 10, uf: str | None = None) -> list[Municipality]:
    """As-you-type suggestions: names starting with ``prefix`` or with a word starting with it.

    Order: names that start with the prefix, then names with a later word starting with it,
    then matches on former names/other spellings; most populous first within each group.
    "campo gr" -> Campo Grande/MS, Campo Grande/AL, ...; "grande" -> Campo Grande/MS, ...
    An explicit state suffix ("campo grande/ms") or ``uf`` restricts the state.
    """
    if limit <= 0 or not prefix:
        return []
    split = _split_uf(prefix, explicit_only=True)
    if split is not None:
        prefix, suffix_uf = split
        if uf is not None and uf.strip().upper() != suffix_uf:
            return []
        uf = suffix_uf
    elif uf is not None:
        uf = uf.strip().upper()
    q_words = fold_words(prefix)
    q_compact = q_words.replace(" ", "")
    if not q_words:
        return []
    q_word_start = " " + q_words
    idx = _index()
    # A name starting with the words starts with them without spaces too: one test for both.
    first = _starting_with(idx.compact_sorted, q_compact)
    later = _starting_with(idx.later_words_sorted, q_words) - first
    seen = first | later
    other_names = {i for i in idx.with_alternatives if i not in seen
                   and any(a.startswith(q_words) or q_word_start in " " + a for a in idx.suggest_rows[i][3])}
    found: list[Municipality] = []
    for tier in (first, later, other_names):
        for i in sorted(tier):  # rows are sorted by population
            m = idx.suggest_rows[i][0]
            if uf is None or m.uf == uf:
                found.append(m)
                if len(found) == limit:
                    return found
    return found


def states() -> list[State]:
    """The 27 federative units, sorted by name (pt-BR, ignoring accents)."""
    return sorted(_index().states.values(), key=lambda s: fold_words(s.name))


def state(uf: str) -> State | None:
    """State by its abbreviation (``"rj"``, ``"RJ"``), or ``None``."""
    if not isinstance(uf, str):
        return None
    return _index().states.get(uf.strip().upper())


# --- geometry access (used by locate, coverage and svgmap) ------------------------------


def geometry(ibge_code: int) -> BaseGeometry | None:
    """Simplified boundary polygon of a municipality (``None`` for the 7 without polygon)."""
    m = get(ibge_code)
    if m is None:
        return None
    return _data.state_municipality_geometries(m.uf).get(m.ibge_code)


def state_geometry(uf: str) -> BaseGeometry | None:
    """Simplified outline of a state."""
    st = state(uf)
    return None if st is None else _data.state_outlines().get(st.uf)


@lru_cache(maxsize=64)
def territory(ibge_code: int) -> BaseGeometry | None:
    """Where a municipality's locations lie: its own polygon or, for the 7 without one, the
    polygon of its state that holds its seat (the "host" it was split from, see
    :mod:`webapp.geo.locate`), else its state's outline.  ``None`` for an unknown code."""
    own = geometry(ibge_code)
    if own is not None:
        return own
    m = get(ibge_code)
    if m is None:
        return None
    seat = Point(m.lon, m.lat)
    for geom in _data.state_municipality_geometries(m.uf).values():
        if geom.contains(seat):
            return geom
    return state_geometry(m.uf)


@lru_cache(maxsize=1)
def _all_geometries() -> tuple[tuple[int, BaseGeometry], ...]:
    return tuple(
        (code, geom)
        for uf in sorted(_index().states)
        for code, geom in sorted(_data.state_municipality_geometries(uf).items())
    )


def all_geometries() -> tuple[tuple[int, BaseGeometry], ...]:
    """``(ibge_code, polygon)`` for every municipality with a polygon (loads all states)."""
    return _all_geometries()
