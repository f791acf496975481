"""The committed derived data in geodata/ (built by scripts/build_geodata.py)."""

import csv
import json
from pathlib import Path

from shapely.geometry import shape

from webapp.geo import _data

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
NO_POLYGON = {1504752, 2206720, 4212650, 4220000, 4314548, 5006275, 5101837}


def _rows(name):
    with (GEODATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_default_data_dir_is_repo_geodata(monkeypatch):
    monkeypatch.delenv(_data.ENV_VAR, raising=False)
    assert _data.data_dir() == GEODATA


def test_data_dir_env_override(monkeypatch, tmp_path):
    monkeypatch.setenv(_data.ENV_VAR, str(tmp_path))
    assert _data.data_dir() == tmp_path.resolve()


def test_municipios_csv():
    rows = _rows("municipios.csv")
    # 5,570 municipalities of the 2021 estimate + Boa Esperança do Norte/MT (created later)
    assert len(rows) == 5571
    codes = [int(r["codigo_ibge"]) for r in rows]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert list(rows[0]) == ["codigo_ibge", "nome", "uf", "latitude", "longitude", "capital", "ddd", "populacao"]
    assert sum(r["capital"] == "1" for r in rows) == 27
    assert [int(r["codigo_ibge"]) for r in rows if not r["populacao"]] == [5101837]
    for r in rows:
        assert -34 < float(r["latitude"]) < 6 and -74 < float(r["longitude"]) < -28
        assert 11 <= int(r["ddd"]) <= 99


def test_estados_csv():
    rows = _rows("estados.csv")
    assert len(rows) == 27
    assert {r["regiao"] for r in rows} == {"Norte", "Nordeste", "Sudeste", "Sul", "Centro-Oeste"}
    assert {r["uf"] for r in rows} >= {"SP", "RJ", "MS", "DF"}


def test_provenance_and_licences():
    readme = (GEODATA / "README.md").read_text(encoding="utf-8")
    assert "Fonte: IBGE, dados tratados por Álvaro Justen/Brasil.IO" in readme
    for code in NO_POLYGON:
        assert str(code) in readme
    assert "scripts/build_geodata.py" in readme
    assert (GEODATA / "LICENSE-municipios-brasileiros.txt").is_file()
    assert (GEODATA / "LICENSE-geodata-br.md").is_file()


def test_boundary_files():
    states = {r["uf"] for r in _rows("estados.csv")}
    files = {p.stem for p in (GEODATA / "boundaries").glob("*.geojson")}
    assert files == states | {"estados"}
    codes = set()
    total = 0
    for uf in sorted(states):
        path = GEODATA / "boundaries" / f"{uf}.geojson"
        total += path.stat().st_size
        for feat in json.loads(path.read_text(encoding="utf-8"))["features"]:
            geom = shape(feat["geometry"])
            assert geom.is_valid and not geom.is_empty, feat["id"]
            codes.add(feat["id"])
    all_codes = {int(r["codigo_ibge"]) for r in _rows("municipios.csv")}
    assert all_codes - codes == NO_POLYGON
    assert 2_000_000 < total < 4_500_000


def test_app_code_never_reads_shared_sources():
    package = Path(__file__).resolve().parents[2] / "webapp" / "geo"
    for source in package.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "geodata-src" not in text and "shared" not in text, source


def test_missing_data_dir_gives_clear_error(monkeypatch, tmp_path):
    from webapp.geo import GeodataError, clear_caches, municipalities

    monkeypatch.setenv(_data.ENV_VAR, str(tmp_path))
    clear_caches()
    try:
        try:
            municipalities.get(3303302)
        except GeodataError as exc:
            assert "build_geodata.py" in str(exc)
        else:
            raise AssertionError("expected GeodataError")
    finally:
        monkeypatch.undo()
        clear_caches()
    assert municipalities.get(3303302).name == "Niterói"
