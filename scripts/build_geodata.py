#!/usr/bin/env python3
"""Derive the project's committed geographic data (``geodata/``) from the raw sources.

Usage (from the repository root)::

    python scripts/build_geodata.py [--source ../shared/geodata-src] [--out geodata]

The running application never reads the raw sources: everything it needs is written
to ``geodata/`` by this script and committed.  The output is deterministic: running the
script twice on the same sources (with the same GEOS version) yields byte-identical files.

Outputs (see the generated ``geodata/README.md`` for the details):

* ``municipios.csv`` -- every IBGE municipality, sorted by code;
* ``municipios-nomes-alternativos.csv`` -- other spellings / former names, for search;
* ``estados.csv`` -- the 27 federative units;
* ``boundaries/<UF>.geojson`` -- simplified municipality polygons, one file per state;
* ``boundaries/estados.geojson`` -- simplified state outlines;
* ``README.md`` and the licence files of the sources.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import math
import shutil
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.polygon import orient
from shapely.ops import polylabel

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "geodata-src"
DEFAULT_OUT = REPO_ROOT / "geodata"

# --- simplification parameters -------------------------------------------------------
# Municipality polygons: Douglas-Peucker with preserve_topology=True.  The tolerance is
# MUNI_TOLERANCE (0.01 deg ~ 1.1 km) for ordinary municipalities, but for small ones it is
# reduced to MUNI_TOLERANCE_FACTOR * sqrt(area) (never below MUNI_TOLERANCE_MIN), so that
# tiny municipalities (e.g. Aguas de Sao Pedro/SP, ~4 km2) keep a recognisable shape in
# the mini-maps instead of collapsing into triangles.
MUNI_TOLERANCE = 0.01
MUNI_TOLERANCE_FACTOR = 0.05
MUNI_TOLERANCE_MIN = 0.001
# State outlines (union of the raw municipality polygons, then simplified).
STATE_TOLERANCE = 0.005
# Coordinates are snapped to a 1e-4 deg grid (~11 m) -> 4 decimals in the files.
GRID = 1e-4
DECIMALS = 4
# Interior rings smaller than this (deg2) in a state union are slivers between
# municipality polygons of the source, not real holes: they are dropped.
STATE_MIN_HOLE_AREA = 1e-4
# A seat more than this far (deg) outside its own municipality polygon is a known error
# of the seat source; it is replaced by an interior point of the polygon (listed in README).
SEAT_MAX_OFFSET_DEG = 0.2

EXPECTED_NO_POLYGON = {1504752, 2206720, 4212650, 4220000, 4314548, 5006275, 5101837}


@dataclass
class Muni:
    code: int
    name: str
    uf: str
    lat: str  # kept as source text (deterministic, no float re-formatting)
    lon: str
    capital: int
    ddd: int
    population: int | None


# --- helpers --------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c for c in text.casefold() if c.isalnum())


def polygons_of(geom) -> list[Polygon]:
    """Polygonal parts of any geometry (drops points/lines left by make_valid)."""
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in polygons_of(g)]
    return []


def as_valid_polygonal(geom):
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    parts = [p for p in polygons_of(geom) if p.area > 0]
    if not parts:
        raise ValueError("geometry collapsed to nothing")
    out = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    if not out.is_valid:  # can only happen for touching parts; buffer(0) dissolves them
        out = out.buffer(0)
    return out


def source_geometry(rings: list) -> Polygon | MultiPolygon:
    """Rebuild a municipality geometry from the source's ring list.

    tbrugz/geodata-br stores multi-part municipalities (islands, exclaves) as a single
    GeoJSON ``Polygon`` whose extra "holes" are actually further parts.  The rings are
    therefore combined with the even-odd rule (symmetric difference), which turns
    disjoint rings into parts and rings nested inside another ring into real holes.
    """
    ring_polys = [as_valid_polygonal(Polygon(r)) for r in rings]
    geom = functools.reduce(lambda a, b: a.symmetric_difference(b), ring_polys)
    return as_valid_polygonal(geom)


def simplify(geom, tolerance: float):
    out = geom.simplify(tolerance, preserve_topology=True)
    out = shapely.set_precision(out, GRID)  # snaps to the grid, keeps output valid
    out = as_valid_polygonal(out)
    return orient_all(out)


def orient_all(geom):
    """RFC 7946 winding: exterior rings counter-clockwise, holes clockwise."""
    if isinstance(geom, Polygon):
        return orient(geom, 1.0)
    return MultiPolygon([orient(p, 1.0) for p in geom.geoms])


def muni_tolerance(geom) -> float:
    return min(MUNI_TOLERANCE, max(MUNI_TOLERANCE_MIN, MUNI_TOLERANCE_FACTOR * math.sqrt(geom.area)))


def _ring(ring) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring.coords:
        pt = [round(x, DECIMALS) + 0.0, round(y, DECIMALS) + 0.0]  # +0.0 turns -0.0 into 0.0
        if not out or out[-1] != pt:
            out.append(pt)
    return out


def geometry_json(geom) -> dict:
    if isinstance(geom, Polygon):
        return {"type": "Polygon", "coordinates": [_ring(geom.exterior), *(_ring(r) for r in geom.interiors)]}
    return {
        "type": "MultiPolygon",
        "coordinates": [[_ring(p.exterior), *(_ring(r) for r in p.interiors)] for p in geom.geoms],
    }


def write_feature_collection(path: Path, features: list[dict]) -> None:
    """GeoJSON, one feature per line (compact yet diff-friendly)."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8", newline="")


def human_size(n: int) -> str:
    return f"{n / 1_000_000:.2f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} kB"


# --- build ----------------------------------------------------------------------------


def build(source: Path, out: Path) -> dict:
    report: dict = {}
    states_src = read_csv(source / "estados.csv")
    uf_by_code = {int(r["codigo_uf"]): r["uf"] for r in states_src}

    population = {int(r["city_ibge_code"]): r for r in read_csv(source / "populacao-estimada-2021.csv")}

    munis: dict[int, Muni] = {}
    for r in read_csv(source / "municipios.csv"):
        code = int(r["codigo_ibge"])
        pop = population.get(code)
        munis[code] = Muni(
            code=code,
            name=r["nome"].strip(),
            uf=uf_by_code[int(r["codigo_uf"])],
            lat=r["latitude"].strip(),
            lon=r["longitude"].strip(),
            capital=1 if r["capital"].strip() in ("1", "True", "true") else 0,
            ddd=int(r["ddd"]),
            population=int(pop["estimated_population"]) if pop else None,
        )
    report["municipalities"] = len(munis)
    report["without_population"] = sorted(c for c, m in munis.items() if m.population is None)
    report["population_without_municipality"] = sorted(set(population) - set(munis))

    # --- polygons
    raw: dict[int, object] = {}
    source_names: dict[int, str] = {}
    for path in sorted((source / "municipios-geojson").glob("geojs-*-mun.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for feat in data["features"]:
            code = int(feat["properties"]["id"])
            geom = feat["geometry"]
            if geom["type"] == "Polygon":
                g = source_geometry(geom["coordinates"])
            elif geom["type"] == "MultiPolygon":
                g = as_valid_polygonal(
                    shapely.union_all([source_geometry(rings) for rings in geom["coordinates"]])
                )
            else:
                raise ValueError(f"{path.name}: unexpected geometry {geom['type']} for {code}")
            if code in raw:
                raise ValueError(f"duplicate polygon for {code}")
            raw[code] = g
            source_names[code] = feat["properties"].get("name", "")
    unknown = sorted(set(raw) - set(munis))
    if unknown:
        raise ValueError(f"polygons for unknown IBGE codes: {unknown}")
    no_polygon = sorted(set(munis) - set(raw))
    report["no_polygon"] = no_polygon
    if set(no_polygon) != EXPECTED_NO_POLYGON:
        print(f"WARNING: municipalities without polygon changed: {no_polygon}", file=sys.stderr)

    # --- seat sanity check against the (raw) polygons
    corrected = []
    for code, g in sorted(raw.items()):
        m = munis[code]
        seat = Point(float(m.lon), float(m.lat))
        offset = g.distance(seat)
        if offset > SEAT_MAX_OFFSET_DEG:
            largest = max(polygons_of(g), key=lambda p: p.area)
            inner = polylabel(largest, tolerance=0.001)
            new_lat, new_lon = f"{inner.y:.4f}", f"{inner.x:.4f}"
            corrected.append((code, m.name, m.uf, m.lat, m.lon, new_lat, new_lon, offset))
            m.lat, m.lon = new_lat, new_lon
    report["corrected_seats"] = corrected

    # --- no-polygon municipalities: which polygon holds their seat (for the README)
    tree_codes = sorted(raw)
    tree = shapely.STRtree([raw[c] for c in tree_codes])
    hosts = {}
    for code in no_polygon:
        m = munis[code]
        hits = tree.query(Point(float(m.lon), float(m.lat)), predicate="intersects")
        hosts[code] = [tree_codes[i] for i in hits]
    report["hosts"] = hosts

    # --- write tables
    out.mkdir(parents=True, exist_ok=True)
    write_csv(
        out / "municipios.csv",
        ["codigo_ibge", "nome", "uf", "latitude", "longitude", "capital", "ddd", "populacao"],
        [
            [m.code, m.name, m.uf, m.lat, m.lon, m.capital, m.ddd, "" if m.population is None else m.population]
            for m in sorted(munis.values(), key=lambda m: m.code)
        ],
    )

    aliases: set[tuple[int, str, str]] = set()
    for code, m in munis.items():
        if "(" in m.name and m.name.endswith(")"):  # "Augusto Severo (Campo Grande)"
            before, _, inside = m.name[:-1].partition("(")
            aliases.add((code, before.strip(), "nome"))
            aliases.add((code, inside.strip(), "nome"))
        for other, origin in ((population.get(code, {}).get("city"), "ibge-2021"), (source_names.get(code), "geodata-br")):
            if other and fold(other) != fold(m.name):
                aliases.add((code, other.strip(), origin))
    # "nome" (a part of the current name) wins over the same spelling from another source
    best: dict[tuple[int, str], tuple[int, str, str]] = {}
    for code, name, origin in sorted(aliases, key=lambda a: (a[0], a[1], a[2] != "nome", a[2])):
        best.setdefault((code, fold(name)), (code, name, origin))
    write_csv(
        out / "municipios-nomes-alternativos.csv",
        ["codigo_ibge", "nome_alternativo", "origem"],
        [list(a) for a in sorted(best.values())],
    )

    write_csv(
        out / "estados.csv",
        ["codigo_uf", "uf", "nome", "regiao", "latitude", "longitude"],
        [
            [int(r["codigo_uf"]), r["uf"], r["nome"], r["regiao"], r["latitude"], r["longitude"]]
            for r in sorted(states_src, key=lambda r: int(r["codigo_uf"]))
        ],
    )
    report["states"] = len(states_src)

    # --- boundaries
    bdir = out / "boundaries"
    if bdir.exists():
        shutil.rmtree(bdir)
    bdir.mkdir()
    by_uf: dict[str, list[int]] = defaultdict(list)
    for code in sorted(raw):
        by_uf[munis[code].uf].append(code)
    points = 0
    for uf in sorted(by_uf):
        feats = []
        for code in by_uf[uf]:
            tol = round(muni_tolerance(raw[code]), 5)
            g = simplify(raw[code], tol)
            assert g.is_valid, code
            points += shapely.get_num_coordinates(g)
            feats.append(
                {"type": "Feature", "id": code, "properties": {"nome": munis[code].name, "tol": tol}, "geometry": geometry_json(g)}
            )
        write_feature_collection(bdir / f"{uf}.geojson", feats)
    report["polygon_points"] = points

    state_feats = []
    code_by_uf = {v: k for k, v in uf_by_code.items()}
    for uf in sorted(by_uf, key=lambda u: code_by_uf[u]):
        union = as_valid_polygonal(shapely.union_all([raw[c] for c in by_uf[uf]]))
        cleaned = [
            Polygon(p.exterior, [h for h in p.interiors if Polygon(h).area >= STATE_MIN_HOLE_AREA])
            for p in polygons_of(union)
        ]
        union = as_valid_polygonal(cleaned[0] if len(cleaned) == 1 else MultiPolygon(cleaned))
        g = simplify(union, STATE_TOLERANCE)
        assert g.is_valid, uf
        state_feats.append({"type": "Feature", "id": uf, "properties": {"codigo_uf": code_by_uf[uf]}, "geometry": geometry_json(g)})
    write_feature_collection(bdir / "estados.geojson", state_feats)

    # --- licences
    shutil.copyfile(source / "LICENSE-municipios-brasileiros.txt", out / "LICENSE-municipios-brasileiros.txt")
    shutil.copyfile(source / "municipios-geojson" / "LICENSE.md", out / "LICENSE-geodata-br.md")

    muni_bytes = sum(p.stat().st_size for p in bdir.glob("*.geojson") if p.name != "estados.geojson")
    report["sizes"] = {
        "boundaries_municipios": muni_bytes,
        "boundaries_estados": (bdir / "estados.geojson").stat().st_size,
        "largest_state_file": max(
            ((p.stat().st_size, p.name) for p in bdir.glob("*.geojson") if p.name != "estados.geojson")
        ),
        "municipios.csv": (out / "municipios.csv").stat().st_size,
    }
    (out / "README.md").write_text(readme(report, munis), encoding="utf-8", newline="")
    report["sizes"]["total"] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return report


def readme(report: dict, munis: dict[int, Muni]) -> str:
    s = report["sizes"]
    no_pop = ", ".join(f"{c} ({munis[c].name}/{munis[c].uf})" for c in report["without_population"]) or "nenhum"
    hosts_lines = "\n".join(
        f"| {c} | {munis[c].name}/{munis[c].uf} | "
        + (", ".join(f"{h} ({munis[h].name})" for h in report["hosts"][c]) or "—")
        + " |"
        for c in report["no_polygon"]
    )
    corrected_lines = "\n".join(
        f"| {c} | {name}/{uf} | {lat}, {lon} | {nlat}, {nlon} | {off:.1f}° |"
        for c, name, uf, lat, lon, nlat, nlon, off in report["corrected_seats"]
    ) or "| — | — | — | — | — |"
    return f"""# geodata — dados geográficos derivados

Gerado por `scripts/build_geodata.py`; **não edite à mão**. Para reconstruir (na raiz do repositório):

```sh
python scripts/build_geodata.py --source ../shared/geodata-src --out geodata
```

O script é determinístico (mesmas fontes + mesma versão do GEOS ⇒ arquivos idênticos byte a byte).
A aplicação lê apenas este diretório (ou o indicado em `GUIA_GEODATA_DIR`), nunca as fontes brutas.

## Arquivos

| arquivo | conteúdo |
|---|---|
| `municipios.csv` | {report['municipalities']} municípios (os 5.570 da estimativa 2021 + os criados depois, ver abaixo): `codigo_ibge, nome, uf, latitude, longitude` (sede), `capital` (0/1), `ddd`, `populacao` (estimativa IBGE 2021; vazio = sem estimativa), ordenado por código |
| `municipios-nomes-alternativos.csv` | grafias alternativas e nomes antigos usados na busca (`origem`: `nome` = parte do nome atual entre parênteses; `ibge-2021` = nome na tabela de população; `geodata-br` = nome no arquivo de polígonos) |
| `estados.csv` | {report['states']} UFs: `codigo_uf, uf, nome, regiao, latitude, longitude` (ponto central aproximado) |
| `boundaries/<UF>.geojson` | polígonos simplificados dos municípios da UF (GeoJSON RFC 7946, `id` = código IBGE, propriedades `nome` e `tol` = tolerância usada, uma feature por linha) — total {human_size(s['boundaries_municipios'])}, maior arquivo {s['largest_state_file'][1]} ({human_size(s['largest_state_file'][0])}) |
| `boundaries/estados.geojson` | contornos simplificados das 27 UFs (`id` = sigla) — {human_size(s['boundaries_estados'])} |
| `LICENSE-municipios-brasileiros.txt`, `LICENSE-geodata-br.md` | licenças das fontes |

Um arquivo por UF: a busca por ponto carrega todos (uma vez por processo, ~0,5 s), mas mapas e
áreas de cobertura de uma UF só leem o arquivo dela, e cada arquivo fica pequeno e com diffs legíveis.

## Fontes e licenças

- **Municípios e estados** (código IBGE, nome, sede, capital, DDD): repositório
  [kelvins/municipios-brasileiros](https://github.com/kelvins/municipios-brasileiros), licença MIT
  (`LICENSE-municipios-brasileiros.txt`).
- **População**: estimativa da população 2021 do IBGE, processada por Álvaro Justen/Brasil.IO
  (repositório [turicas/censo-ibge](https://github.com/turicas/censo-ibge)), licença CC BY-SA 4.0.
  Fonte: IBGE, dados tratados por Álvaro Justen/Brasil.IO
- **Limites municipais**: repositório [tbrugz/geodata-br](https://github.com/tbrugz/geodata-br),
  CC0 1.0 (`LICENSE-geodata-br.md`).

## Processamento

- Polígonos: a fonte grava municípios com várias partes (ilhas) como um único `Polygon` cujos
  "buracos" são na verdade outras partes; os anéis são recombinados pela regra par-ímpar
  (diferença simétrica), gerando `MultiPolygon` quando necessário.
- Simplificação: `geom.simplify(tol, preserve_topology=True)` com `tol = min({MUNI_TOLERANCE}, max({MUNI_TOLERANCE_MIN}, {MUNI_TOLERANCE_FACTOR}·√área))`
  graus — {MUNI_TOLERANCE}° (≈1,1 km) para a maioria; municípios pequenos usam tolerância menor para não virarem
  triângulos. Coordenadas arredondadas a {DECIMALS} casas (grade de 1e-4°, `shapely.set_precision`),
  todas as geometrias válidas (`make_valid` quando necessário), anéis orientados conforme RFC 7946.
  Total: {report['polygon_points']} vértices.
- Contornos das UFs: união dos polígonos originais (descartando buracos < {STATE_MIN_HOLE_AREA} grau²),
  simplificada com tolerância {STATE_TOLERANCE}°.
- Como cada polígono é simplificado separadamente, vizinhos podem ter pequenas frestas ou
  sobreposições (≤ ~1 km) nas divisas; `webapp/geo/locate.py` trata esses casos. Em pontos a até
  ~3 km das sedes, cerca de 1 % cai no município vizinho em relação aos polígonos originais
  (todos a menos de ~1 km de uma divisa).

### Municípios sem população 2021

{no_pop} — instalado(s) depois da estimativa de 2021; `populacao` fica vazio (0 em `webapp.geo`).
Os códigos da tabela de população e de municípios coincidem nos demais casos.

### Municípios sem polígono

A fonte de limites é anterior à criação destes municípios; o território deles está dentro do
polígono do(s) município(s) de origem ("hospedeiro" = polígono que contém a sede):

| código | município | polígono hospedeiro |
|---|---|---|
{hosts_lines}

Tratamento (`webapp/geo/locate.py`): um ponto que cai no polígono hospedeiro é atribuído à sede
mais próxima entre o hospedeiro e os municípios sem polígono que ele hospeda (método
`nearest_seat`). A sede de cada um desses municípios resolve, portanto, para ele mesmo.
Em mapas, eles aparecem pela sede, sobre o contorno do hospedeiro.

### Sedes corrigidas

A fonte de sedes tem coordenadas claramente erradas para alguns municípios (sede a mais de
{SEAT_MAX_OFFSET_DEG}° do próprio polígono). Nesses casos a sede foi substituída por um ponto interior
do polígono (`polylabel`) — aproximação, não a localização real da sede:

| código | município | fonte (lat, lon) | usado (lat, lon) | distância ao polígono |
|---|---|---|---|---|
{corrected_lines}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help=f"raw sources (default {DEFAULT_SOURCE})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output dir (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    report = build(args.source, args.out)
    print(f"municipalities: {report['municipalities']}  states: {report['states']}")
    print(f"without 2021 population: {report['without_population']}")
    if report["population_without_municipality"]:
        print(f"population rows without municipality: {report['population_without_municipality']}")
    print(f"without polygon: {report['no_polygon']}")
    for code, hosts in report["hosts"].items():
        print(f"  {code} seat inside polygon(s) {hosts}")
    for c, name, uf, lat, lon, nlat, nlon, off in report["corrected_seats"]:
        print(f"corrected seat {c} {name}/{uf}: ({lat}, {lon}) -> ({nlat}, {nlon}), was {off:.2f} deg outside")
    print(f"polygon vertices: {report['polygon_points']}")
    for k, v in report["sizes"].items():
        print(f"size {k}: {v if isinstance(v, tuple) else human_size(v)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
