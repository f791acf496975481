"""Coverage areas of a plan or provider network: national, a set of states, or a set of municipalities."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Literal

from webapp.geo import locate, municipalities

Kind = Literal["national", "states", "municipalities"]
BBox = tuple[float, float, float, float]  # (min_lat, min_lon, max_lat, max_lon)



@dataclass(frozen=True, slots=True)
class CoverageArea:
    kind: Kind
    states: frozenset[str] = frozenset()
    municipalities: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        if self.kind not in ("national", "states", "municipalities"):
            raise ValueError(f"Tipo de área de cobertura desconhecido: {self.kind!r}.")
        states = frozenset(str(uf).strip().upper() for uf in self.states)
        codes = frozenset(int(c) for c in self.municipalities)
        if self.kind == "national" and (states or codes):
            raise ValueError("Área nacional não aceita lista de estados ou municípios.")
        if self.kind == "states":
            if codes:
                raise ValueError("Área por estados não aceita lista de municípios.")
            if not states:
                raise ValueError("Informe ao menos um estado.")
            unknown = sorted(uf for uf in states if municipalities.state(uf) is None)
            if unknown:
                raise ValueError(f"Estado(s) desconhecido(s): {', '.join(unknown)}.")
        if self.kind == "municipalities":
            if states:
                raise ValueError("Área por municípios não aceita lista de estados.")
            if not codes:
                raise ValueError("Informe ao menos um município.")
            unknown_codes = sorted(c for c in codes if municipalities.get(c) is None)
            if unknown_codes:
                raise ValueError(f"Código(s) IBGE desconhecido(s): {', '.join(map(str, unknown_codes))}.")
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "municipalities", codes)

    # --- constructors -------------------------------------------------------------------

    @classmethod
    def national(cls) -> CoverageArea:
        return cls("national")

    @classmethod
    def of_states(cls, ufs: Iterable[str]) -> CoverageArea:
        return cls("states", states=frozenset(ufs))

    @classmethod
    def of_municipalities(cls, codes: Iterable[int]) -> CoverageArea:
        return cls("municipalities", municipalities=frozenset(codes))

    # --- queries ------------------------------------------------------------------------

    def contains_municipality(self, ibge_code: int) -> bool:
        m = municipalities.get(ibge_code)
        if m is None:
            return False
        if self.kind == "national":
            return True
        if self.kind == "states":
            return m.uf in self.states
        return m.ibge_code in self.municipalities

    def contains_point(self, lat: float, lon: float) -> bool:
        """Whether the point's municipality (see ``locate.municipality_at``) is in the area.

        Points outside Brazil are never contained. Raises ``ValueError`` for invalid coordinates.
        """
        result = locate.municipality_at(lat, lon)
        return result.municipality is not None and self.contains_municipality(result.municipality.ibge_code)

    def municipality_codes(self) -> frozenset[int]:
        """IBGE codes of every municipality in the area."""
        if self.kind == "municipalities":
            return self.municipalities
        return frozenset(
            m.ibge_code
            for m in municipalities.all_municipalities()
            if self.kind == "national" or m.uf in self.states
        )

    def bbox(self) -> BBox:
        """``(min_lat, min_lon, max_lat, max_lon)`` of where the area's locations can lie: the
        boxes of its municipalities' territories (a municipality without polygon: the polygon
        hosting its seat, see :func:`municipalities.territory`, and the seat) and of its states'
        outlines.  The map frames it; the network search reads inside it."""
        return _bbox(self)

    def describe(self) -> str:
        """Short pt-BR description, e.g. "Nacional", "RJ, SP", "Guarulhos/SP e mais 5 municípios"."""
        if self.kind == "national":
            return "Nacional"
        if self.kind == "states":
            return ", ".join(sorted(self.states))
        ms = sorted(
            (m for m in map(municipalities.get, self.municipalities) if m is not None),
            key=lambda m: (-m.population, m.ibge_code),
        )
        if len(ms) == 1:
            return ms[0].label
        rest = len(ms) - 1
        return f"{ms[0].label} e mais {rest} município{'s' if rest > 1 else ''}"


@lru_cache(maxsize=256)
def _bbox(area: CoverageArea) -> BBox:
    if area.kind == "national":
        ufs = [s.uf for s in municipalities.states()]
    else:
        ufs = sorted(area.states)
    boxes = []  # shapely order: minx, miny, maxx, maxy
    for code in sorted(area.municipality_codes()):
        land = municipalities.territory(code)
        if land is not None:
            boxes.append(land.bounds)
        if municipalities.geometry(code) is None:
            m = municipalities.get(code)
            assert m is not None
            boxes.append((m.lon, m.lat, m.lon, m.lat))
    for uf in ufs:
        outline = municipalities.state_geometry(uf)
        if outline is not None:
            boxes.append(outline.bounds)
    return (min(b[1] for b in boxes), min(b[0] for b in boxes), max(b[3] for b in boxes), max(b[2] for b in boxes))
