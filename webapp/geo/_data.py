"""Locating and loading the derived data in ``geodata/`` (lazily, cached per process)."""

from __future__ import annotations

import csv
import json
import os
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

ENV_VAR = "GUIA_GEODATA_DIR"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "geodata"


class GeodataError(RuntimeError):
    """The derived data is missing or unreadable."""


def data_dir() -> Path:
    """Directory with the derived data: ``$GUIA_GEODATA_DIR`` or ``<repo>/geodata``."""
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser().resolve() if env else DEFAULT_DIR


def _open(path: Path):
    try:
        return path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        raise GeodataError(
            f"{path} not found: run `python scripts/build_geodata.py` or set {ENV_VAR}"
        ) from None


@lru_cache(maxsize=8)
def read_csv(path: Path) -> tuple[dict[str, str], ...]:
    with _open(path) as fh:
        return tuple(csv.DictReader(fh))


@lru_cache(maxsize=64)
def _feature_collection(path: Path) -> tuple[Mapping[object, BaseGeometry], Mapping[object, Mapping[str, object]]]:
    """(geometries by feature id, properties by feature id) of a GeoJSON FeatureCollection."""
    with _open(path) as fh:
        data = json.load(fh)
    geoms = {f["id"]: shape(f["geometry"]) for f in data["features"]}
    props = {f["id"]: MappingProxyType(f.get("properties") or {}) for f in data["features"]}
    return MappingProxyType(geoms), MappingProxyType(props)


def municipality_rows() -> tuple[dict[str, str], ...]:
    return read_csv(data_dir() / "municipios.csv")


def alias_rows() -> tuple[dict[str, str], ...]:
    path = data_dir() / "municipios-nomes-alternativos.csv"
    return read_csv(path) if path.exists() else ()


def state_rows() -> tuple[dict[str, str], ...]:
    return read_csv(data_dir() / "estados.csv")


def state_municipality_geometries(uf: str) -> Mapping[int, BaseGeometry]:
    """Simplified polygons of one state's municipalities, keyed by IBGE code."""
    return _feature_collection(data_dir() / "boundaries" / f"{uf}.geojson")[0]  # type: ignore[return-value]


def state_municipality_tolerances(uf: str) -> Mapping[int, float]:
    """Simplification tolerance (degrees) used for each municipality polygon of a state."""
    props = _feature_collection(data_dir() / "boundaries" / f"{uf}.geojson")[1]
    return MappingProxyType({code: float(p.get("tol", 0.01)) for code, p in props.items()})  # type: ignore[arg-type]


def state_outlines() -> Mapping[str, BaseGeometry]:
    """Simplified outline of each state, keyed by UF."""
    return _feature_collection(data_dir() / "boundaries" / "estados.geojson")[0]  # type: ignore[return-value]

