"""Small server-rendered SVG maps (no JavaScript, no tiles).

Equirectangular projection with a cos(latitude) correction at the centre of the view, so
shapes are not stretched east-west; coordinates are rounded to 0.1 SVG unit and geometry
is simplified to ~0.5 px before drawing, which keeps a municipality map to a few kB.

Every map has ``role="img"`` and a pt-BR ``<title>``; labels are XML-escaped. Styling uses
presentation attributes plus classes (``geo-map``, ``geo-context``, ``geo-target``,
``geo-seat``, ``geo-point``) so a stylesheet can override the colours. No ``<style>``
element and no ``id`` attributes are emitted, so several maps can share a page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Iterable, Sequence

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from webapp.geo import _data, _validate, municipalities
from webapp.geo.coverage import CoverageArea

MapPoint = Sequence[object]  # (lat, lon) or (lat, lon, label)

PAD = 8.0  # px around the drawing
MAX_MUNICIPALITY_LAYER_DEG = 3.0  # above this view span, draw state outlines instead of municipalities
SEAT_ONLY_HALF_SIZE_DEG = 0.25  # view around the seat of a municipality without polygon

_COLORS = {
    "background": "#f3f5f7",
    "context_fill": "#ffffff",
    "context_stroke": "#b9c3cd",
    "target_fill": "#d6e6f5",
    "target_stroke": "#1d5a91",
    "point": "#c0392b",
    "origin": "#1b1f23",
}
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    return escape(_INVALID_XML.sub("", str(value)), quote=True)


# --- projection ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Projection:
    min_lon: float
    max_lat: float
    kx: float  # px per degree of longitude
    ky: float  # px per degree of latitude
    ox: float
    oy: float
    width: float
    height: float

    @classmethod
    def fit(cls, bbox: tuple[float, float, float, float], width: float, min_span: float = 0.02) -> _Projection:
        min_lat, min_lon, max_lat, max_lon = bbox
        # enforce a minimal span so a single point still gets a sensible view
        if max_lat - min_lat < min_span:
            c = (max_lat + min_lat) / 2
            min_lat, max_lat = c - min_span / 2, c + min_span / 2
        coslat = max(math.cos(math.radians((min_lat + max_lat) / 2)), 0.05)
        if (max_lon - min_lon) * coslat < min_span:
            c = (max_lon + min_lon) / 2
            half = min_span / coslat / 2
            min_lon, max_lon = c - half, c + half
        dx = (max_lon - min_lon) * coslat
        dy = max_lat - min_lat
        inner = width - 2 * PAD
        scale = min(inner / dx, inner / dy)  # fits in a width x width square at most
        draw_w = dx * scale
        height = round(dy * scale + 2 * PAD, 1)
        return cls(
            min_lon=min_lon,
            max_lat=max_lat,
            kx=scale * coslat,
            ky=scale,
            ox=PAD + (inner - draw_w) / 2,
            oy=PAD,
            width=float(width),
            height=height,
        )

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.min_lon) * self.kx + self.ox, (self.max_lat - lat) * self.ky + self.oy

    def view_rect(self, margin_px: float = 2.0) -> tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat) of the whole SVG plus ``margin_px``."""
        min_lon = self.min_lon + (-margin_px - self.ox) / self.kx
        max_lon = self.min_lon + (self.width + margin_px - self.ox) / self.kx
        max_lat = self.max_lat - (-margin_px - self.oy) / self.ky
        min_lat = self.max_lat - (self.height + margin_px - self.oy) / self.ky
        return (min_lon, min_lat, max_lon, max_lat)

    @property
    def deg_per_px(self) -> float:
        return 1.0 / self.ky


def _num(v: float) -> str:
    s = f"{v:.1f}"
    if s.endswith(".0"):
        s = s[:-2]
    return "0" if s == "-0" else s


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon) or hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def _path_d(geoms: Iterable[BaseGeometry], proj: _Projection, clip: bool) -> str:
    rect = proj.view_rect()
    tol = proj.deg_per_px * 0.5
    out: list[str] = []
    for geom in geoms:
        if clip:
            geom = shapely.clip_by_rect(geom, *rect)
        geom = shapely.simplify(geom, tol, preserve_topology=False)
        for poly in _polygons(geom):
            for ring in (poly.exterior, *poly.interiors):
                c = np.asarray(ring.coords)
                if len(c) < 4:
                    continue
                pts = np.column_stack(
                    [np.round((c[:, 0] - proj.min_lon) * proj.kx + proj.ox, 1), np.round((proj.max_lat - c[:, 1]) * proj.ky + proj.oy, 1)]
                )
                keep = np.ones(len(pts), dtype=bool)
                keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
                pts = pts[keep]
                if len(pts) > 1 and (pts[0] == pts[-1]).all():
                    pts = pts[:-1]
                if len(pts) < 3:
                    continue
                out.append("M" + " ".join(f"{_num(x)} {_num(y)}" for x, y in pts.tolist()) + "Z")
    return "".join(out)


# --- geometry access --------------------------------------------------------------------


@lru_cache(maxsize=None)
def _state_arrays(uf: str) -> tuple[np.ndarray, np.ndarray]:
    geoms = _data.state_municipality_geometries(uf)
    codes = sorted(geoms)
    return np.array(codes, dtype=np.int64), np.array([geoms[c] for c in codes], dtype=object)


def _municipalities_in(rect: tuple[float, float, float, float]) -> list[tuple[int, BaseGeometry]]:
    """Municipality polygons intersecting ``rect`` (loads only the states it touches)."""
    area = box(*rect)
    found: list[tuple[int, BaseGeometry]] = []
    for uf, outline in sorted(_data.state_outlines().items()):
        if not area.intersects(outline.envelope):
            continue
        codes, geoms = _state_arrays(uf)
        hit = shapely.intersects(area, shapely.envelope(geoms))
        found.extend(zip(codes[hit].tolist(), geoms[hit].tolist()))
    return found


def _states_in(rect: tuple[float, float, float, float]) -> list[tuple[str, BaseGeometry]]:
    area = box(*rect)
    return [(uf, g) for uf, g in sorted(_data.state_outlines().items()) if area.intersects(g.envelope)]


# --- rendering ------------------------------------------------------------------------------


def _parse_points(points: Iterable[MapPoint]) -> list[tuple[float, float, str | None]]:
    parsed = []
    for p in points:
        if len(p) not in (2, 3):
            raise ValueError("Cada ponto deve ser (latitude, longitude) ou (latitude, longitude, rótulo).")
        lat, lon = _validate.lat_lon(p[0], p[1])
        label = None if len(p) == 2 or p[2] is None else str(p[2])
        parsed.append((lat, lon, label))
    return parsed


def _svg(
    proj: _Projection,
    title: str,
    *,
    context: str = "",
    target: str = "",
    seats: Sequence[tuple[float, float, str]] = (),
    points: Sequence[tuple[float, float, str | None]] = (),
    numbered: bool = False,
    origin: tuple[float, float, str | None] | None = None,
) -> str:
    w, h = _num(proj.width), _num(proj.height)
    c = _COLORS
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        f'role="img" class="geo-map"><title>{_text(title)}</title>',
        f'<rect width="{w}" height="{h}" fill="{c["background"]}"/>',
    ]
    if context:
        parts.append(
            f'<path class="geo-context" fill="{c["context_fill"]}" stroke="{c["context_stroke"]}" '
            f'stroke-width="0.7" stroke-linejoin="round" fill-rule="evenodd" d="{context}"/>'
        )
    if target:
        parts.append(
            f'<path class="geo-target" fill="{c["target_fill"]}" stroke="{c["target_stroke"]}" '
            f'stroke-width="1.6" stroke-linejoin="round" fill-rule="evenodd" d="{target}"/>'
        )
    for lat, lon, label in seats:
        x, y = proj.xy(lon, lat)
        parts.append(
            f'<rect class="geo-seat" x="{_num(x - 4)}" y="{_num(y - 4)}" width="8" height="8" '
            f'fill="{c["target_stroke"]}" stroke="#fff" stroke-width="1.2"><title>{_text(label)}</title></rect>'
        )
    if origin is not None:
        x, y = proj.xy(origin[1], origin[0])
        tip = f"<title>{_text(origin[2])}</title>" if origin[2] else ""
        # A diamond: not a pin, so it is not read as one more result.
        parts.append(
            f'<path class="geo-origin" d="M{_num(x)} {_num(y - 7)}l7 7-7 7-7-7z" fill="{c["origin"]}" '
            f'stroke="#fff" stroke-width="1.5">{tip}</path>'
        )
    order = list(enumerate(points, start=1))
    # Numbered pins are drawn last first, so that pin 1 lies on top where pins overlap.
    for number, (lat, lon, label) in (reversed(order) if numbered else order):
        x, y = proj.xy(lon, lat)
        tip = f"<title>{_text(label)}</title>" if label else ""
        if numbered:
            parts.append(
                f'<g class="geo-pin">{tip}<circle cx="{_num(x)}" cy="{_num(y)}" r="9" fill="{c["point"]}" '
                f'stroke="#fff" stroke-width="1.5"/><text x="{_num(x)}" y="{_num(y + 4)}" text-anchor="middle" '
                f'font-size="11" font-weight="700" fill="#fff">{number}</text></g>'
            )
        else:
            parts.append(
                f'<circle class="geo-point" cx="{_num(x)}" cy="{_num(y)}" r="4.5" fill="{c["point"]}" '
                f'stroke="#fff" stroke-width="1.5">{tip}</circle>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _expand(bbox: tuple[float, float, float, float], frac: float, min_deg: float) -> tuple[float, float, float, float]:
    min_lat, min_lon, max_lat, max_lon = bbox
    m = max(frac * max(max_lat - min_lat, max_lon - min_lon), min_deg)
    return (min_lat - m, min_lon - m, max_lat + m, max_lon + m)


def _union_bbox(*boxes: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _points_bbox(points: Sequence[tuple[float, float, object]]) -> tuple[float, float, float, float]:
    return (min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points), max(p[1] for p in points))


def _span_deg(proj: _Projection) -> float:
    r = proj.view_rect(0)
    return max(r[2] - r[0], r[3] - r[1])


def _context_layer(proj: _Projection, exclude: set[int] | set[str]) -> str:
    rect = proj.view_rect()
    if _span_deg(proj) <= MAX_MUNICIPALITY_LAYER_DEG:
        geoms = [g for code, g in _municipalities_in(rect) if code not in exclude]
    else:
        geoms = [g for uf, g in _states_in(rect) if uf not in exclude]
    return _path_d(geoms, proj, clip=True)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def municipality_svg(ibge_code: int, points: Iterable[MapPoint] = (), width: int = 320, *,
                     numbered: bool = False, origin: MapPoint | None = None) -> str:
    """Map of one municipality (highlighted) with its neighbours lightly, plus optional points.

    ``points``: ``(lat, lon)`` or ``(lat, lon, label)``; labels become tooltips (``<title>``).
    ``numbered``: each point is a pin carrying its position in ``points`` (1, 2, …), as the
    numbered list beside the map. ``origin``: where a search started, drawn as a diamond.
    The view grows to include every point. For the 7 municipalities without polygon, the map
    shows the surroundings of the seat and marks the seat instead of an outline.
    Raises ``ValueError`` for an unknown code or invalid points.
    """
    m = municipalities.get(ibge_code)
    if m is None:
        raise ValueError(f"Município desconhecido: {ibge_code!r}.")
    pts = _parse_points(points)
    start = _parse_points([origin])[0] if origin is not None else None
    drawn = [*pts, start] if start else pts
    geom = municipalities.geometry(m.ibge_code)
    seats: list[tuple[float, float, str]] = []
    if geom is not None:
        minx, miny, maxx, maxy = geom.bounds
        base = (miny, minx, maxy, maxx)
    else:
        d = SEAT_ONLY_HALF_SIZE_DEG
        base = (m.lat - d, m.lon - d, m.lat + d, m.lon + d)
        seats.append((m.lat, m.lon, f"Sede de {m.label}"))
    bbox = _union_bbox(base, _points_bbox(drawn)) if drawn else base
    proj = _Projection.fit(_expand(bbox, 0.08, 0.005), width)
    title = f"Mapa de {m.label}"
    if geom is None:
        title += " (limites do município indisponíveis; mostrada a sede)"
    if pts:
        title += f", com {_plural(len(pts), 'ponto marcado', 'pontos marcados')}"
        if numbered:
            title += " e numerado" + ("s" if len(pts) > 1 else "") + " como a lista"
    if start:
        title += f"; o losango marca {start[2] or 'o ponto de partida'}"
    context, target = _municipality_layers(m.ibge_code, proj)
    return _svg(proj, title, context=context, target=target, seats=seats, points=pts, numbered=numbered,
                origin=start)


@lru_cache(maxsize=256)
def _municipality_layers(ibge_code: int, proj: _Projection) -> tuple[str, str]:
    """The neighbours' and the municipality's paths in a view.  Cached: they are most of a
    results map's cost (clipping and simplifying polygons), and the view of a municipality
    search is usually the municipality's own (its results lie inside it)."""
    geom = municipalities.geometry(ibge_code)
    target = _path_d([geom], proj, clip=True) if geom is not None else ""
    return _context_layer(proj, {ibge_code}), target


def points_svg(points: Iterable[MapPoint], width: int = 320) -> str:
    """Map of the region covered by ``points`` (municipality or, for wide views, state outlines)."""
    pts = _parse_points(points)
    if not pts:
        raise ValueError("Informe ao menos um ponto para desenhar o mapa.")
    proj = _Projection.fit(_expand(_points_bbox(pts), 0.12, 0.02), width)
    title = f"Mapa com {_plural(len(pts), 'ponto marcado', 'pontos marcados')}"
    return _svg(proj, title, context=_context_layer(proj, set()), points=pts)


def area_svg(area: CoverageArea, width: int = 320) -> str:
    """Map of a coverage area: the states of Brazil (national), the chosen states, or the
    chosen municipalities, highlighted over their surroundings."""
    outlines = _data.state_outlines()
    seats: list[tuple[float, float, str]] = []
    if area.kind == "national":
        proj = _Projection.fit(_expand(area.bbox(), 0.02, 0.0), width)
        target = _path_d([outlines[uf] for uf in sorted(outlines)], proj, clip=False)
        return _svg(proj, "Área de cobertura: nacional (todos os estados)", target=target)
    proj = _Projection.fit(_expand(area.bbox(), 0.06, 0.005), width)
    if area.kind == "states":
        target = _path_d([outlines[uf] for uf in sorted(area.states)], proj, clip=True)
        context = _path_d([g for uf, g in _states_in(proj.view_rect()) if uf not in area.states], proj, clip=True)
        names = ", ".join(s.name for s in municipalities.states() if s.uf in area.states)
        return _svg(proj, f"Área de cobertura: {names}", context=context, target=target)
    geoms = []
    for code in sorted(area.municipalities):
        g = municipalities.geometry(code)
        if g is not None:
            geoms.append(g)
        else:
            m = municipalities.get(code)
            assert m is not None
            seats.append((m.lat, m.lon, f"Sede de {m.label} (limites indisponíveis)"))
    title = f"Área de cobertura: {_plural(len(area.municipalities), 'município', 'municípios')} ({area.describe()})"
    return _svg(
        proj,
        title,
        context=_context_layer(proj, set(area.municipalities)),
        target=_path_d(geoms, proj, clip=True),
        seats=seats,
    )
