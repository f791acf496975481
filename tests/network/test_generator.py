"""The demo network generator (scripts/generate_network.py) writes a valid, reproducible file."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.support.clock import TODAY
from webapp.geo import municipalities as M
from webapp.geo.coverage import CoverageArea
from webapp.geo.locate import municipality_at
from webapp.network import layout
from webapp.plans.schema import SPECIALTY_IDS

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "generate_network.py"
COUNT = 500
SEED = 7

NATIONAL = {"sintaema-convencional", "sintaema-integral", "sintaema-master"}
REGIONAL = {  # written independently of the generator's own table
    "cassems-odonto": CoverageArea.of_states(["MS"]),
    "leve-dental-rj-1-adesao": CoverageArea.of_states(["RJ"]),
    "sao-cristovao-odontologico": CoverageArea.of_municipalities(
        [3518800, 3534401, 3547809, 3548708, 3548807, 3550308]
    ),
}
PRODUCTS = NATIONAL | set(REGIONAL)


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_network", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_network", module)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("network") / "net.csv"
    stats = gen.generate(COUNT, SEED, out, TODAY, progress=False)
    return out, stats


@pytest.fixture(scope="module")
def rows(generated):
    with generated[0].open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _municipality(row) -> M.Municipality:
    if row["municipality_ibge"]:
        m = M.get(row["municipality_ibge"])
    else:
        found = M.search(row["municipality_name"], row["uf"])
        assert len(found) == 1, row
        m = found[0]
    assert m is not None, row
    return m


# --- independent check-digit validators (mod-11 written as "sum * 10 % 11 % 10") ---------


def valid_cpf(value: str) -> bool:
    d = re.sub(r"\D", "", value)
    if len(d) != 11 or d == d[0] * 11:
        return False
    n = [int(c) for c in d]
    for size in (9, 10):
        check = sum(n[i] * (size + 1 - i) for i in range(size)) * 10 % 11 % 10
        if check != n[size]:
            return False
    return True


def valid_cnpj(value: str) -> bool:
    d = re.sub(r"\D", "", value)
    if len(d) != 14 or d == d[0] * 14:
        return False
    n = [int(c) for c in d]
    for size in (12, 13):
        weights = [(size - 7 - i) if i < size - 8 else (size + 1 - i) for i in range(size)]
        # i.e. 5 4 3 2 9 8 7 6 5 4 3 2 for the first digit, 6 5 4 3 2 9 ... for the second
        rest = sum(a * b for a, b in zip(n, weights)) % 11
        if (0 if rest < 2 else 11 - rest) != n[size]:
            return False
    return True


def test_independent_validators_themselves():
    assert valid_cpf("529.982.247-25") and not valid_cpf("529.982.247-24") and not valid_cpf("111.111.111-11")
    assert valid_cnpj("11.222.333/0001-81") and not valid_cnpj("11.222.333/0001-82")
    assert valid_cnpj("11444777000161") and not valid_cnpj("00000000000000")


# --- tests ---------------------------------------------------------------------------------


def test_deterministic(generated, tmp_path):
    out, _ = generated
    again = tmp_path / "again.csv"
    gen.generate(COUNT, SEED, again, TODAY, progress=False)
    assert again.read_bytes() == out.read_bytes()
    other = tmp_path / "other.csv"
    gen.generate(COUNT, SEED + 1, other, TODAY, progress=False)
    assert other.read_bytes() != out.read_bytes()


def test_header_and_encoding(generated, rows):
    out, stats = generated
    raw = out.read_bytes()
    raw.decode("utf-8")
    assert b"\r" not in raw and raw.endswith(b"\n")
    assert tuple(raw.split(b"\n", 1)[0].decode().split(",")) == layout.COLUMN_NAMES
    assert stats["rows"] == len(rows) and stats["providers"] == COUNT


def test_keys_sorted_and_complete(rows):
    keys = [(r["provider_key"], r["location_key"]) for r in rows]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    providers = sorted({r["provider_key"] for r in rows})
    assert providers == [f"P{i:07d}" for i in range(1, COUNT + 1)]
    for r in rows:
        assert re.fullmatch(r"P\d{7}-L[123]", r["location_key"])
        assert r["location_key"].startswith(r["provider_key"] + "-")
        for col in layout.REQUIRED:
            assert r[col], (col, r)
    single = sum(1 for p in providers if sum(1 for r in rows if r["provider_key"] == p) == 1)
    assert 0.78 <= single / COUNT <= 0.92


def test_products_valid_and_inside_areas(rows):
    seen = set()
    for r in rows:
        products = r["products"].split(layout.LIST_SEPARATOR)
        assert products and set(products) <= PRODUCTS, r["products"]
        assert len(set(products)) == len(products)
        seen.update(products)
        m = _municipality(r)
        in_regional = False
        for slug, area in REGIONAL.items():
            inside = area.contains_municipality(m.ibge_code)
            in_regional |= inside
            if slug in products:
                assert inside, (slug, m.label, r["location_key"])
        if not in_regional:
            assert set(products) & NATIONAL, r
    assert seen == PRODUCTS


def test_product_counts_in_stats(generated, rows):
    _, stats = generated
    counts = {slug: 0 for slug in PRODUCTS}
    for r in rows:
        if r["location_key"].endswith("-L1"):
            for slug in r["products"].split("|"):
                counts[slug] += 1
    assert stats["products"] == counts


def test_provider_fields_constant_across_locations(rows):
    by_provider: dict[str, list[dict]] = {}
    for r in rows:
        by_provider.setdefault(r["provider_key"], []).append(r)
    provider_cols = ("kind", "name", "cro_uf", "cro_number", "responsible_dentist", "cnpj", "cpf",
                     "specialties", "products", "network_since", "network_until", "replaces_provider_key")
    for locs in by_provider.values():
        for col in provider_cols:
            assert len({r[col] for r in locs}) == 1, (col, locs[0]["provider_key"])
        # other locations in the same state as the first one
        assert len({_municipality(r).uf for r in locs}) == 1
        assert locs[0]["cro_uf"] == _municipality(locs[0]).uf


def test_documents_and_cro(rows):
    cpfs = cnpjs = 0
    cros = set()
    for r in rows:
        if not r["location_key"].endswith("-L1"):
            continue
        assert re.fullmatch(r"\d{1,6}", r["cro_number"]) and int(r["cro_number"]) > 0
        cros.add((r["cro_uf"], r["cro_number"]))
        if r["kind"] == "clinica":
            assert r["cnpj"] and valid_cnpj(r["cnpj"]), r["cnpj"]
            assert r["responsible_dentist"] and not r["cpf"]
            cnpjs += 1
        else:
            assert r["kind"] == "dentista" and not r["cnpj"] and not r["responsible_dentist"]
            if r["cpf"]:
                assert valid_cpf(r["cpf"]), r["cpf"]
                cpfs += 1
    dentists = COUNT - cnpjs
    assert 0.12 <= cnpjs / COUNT <= 0.28
    assert 0.2 <= cpfs / dentists <= 0.4
    assert len(cros) == COUNT  # no two providers share a CRO registration


def test_generator_check_digits_match_known_documents():
    assert gen.cpf_check_digits("529982247") == "25"
    assert gen.cnpj_check_digits("112223330001") == "81"
    import random

    rng = random.Random(1)
    assert all(valid_cpf(gen.random_cpf(rng)) for _ in range(200))
    assert all(valid_cnpj(gen.random_cnpj(rng)) for _ in range(200))


def test_phones_use_the_municipality_ddd(rows):
    landline = re.compile(r"\((\d\d)\) 3\d{3}-\d{4}")
    mobile = re.compile(r"\((\d\d)\) 9\d{4}-\d{4}")
    for r in rows:
        ddd = f"{_municipality(r).ddd:02d}"
        phones = r["phones"].split(layout.LIST_SEPARATOR)
        assert phones
        for phone in phones:
            match = landline.fullmatch(phone) or mobile.fullmatch(phone)
            assert match and match[1] == ddd, (phone, ddd)
        if r["whatsapp"]:
            match = mobile.fullmatch(r["whatsapp"])
            assert match and match[1] == ddd
    share = sum(1 for r in rows if r["whatsapp"]) / len(rows)
    assert 0.5 <= share <= 0.7


def test_coordinates_inside_the_stated_municipality(rows):
    with_coords = [r for r in rows if r["latitude"]]
    empty = [r for r in rows if not r["latitude"]]
    assert all(not r["longitude"] for r in empty)
    assert 0.005 <= len(empty) / len(rows) <= 0.06
    ok = 0
    for r in with_coords:
        assert re.fullmatch(r"-?\d+\.\d{6}", r["latitude"]) and re.fullmatch(r"-?\d+\.\d{6}", r["longitude"])
        lat, lon = float(r["latitude"]), float(r["longitude"])
        m = _municipality(r)
        found = municipality_at(lat, lon).municipality
        if (found is not None and found.ibge_code == m.ibge_code) or (lat, lon) == (round(m.lat, 6), round(m.lon, 6)):
            ok += 1
    assert ok / len(with_coords) >= 0.97  # simplified polygons: ~1 % border mismatch documented


def test_municipality_by_name(rows):
    by_name = [r for r in rows if not r["municipality_ibge"]]
    assert 0.01 <= len(by_name) / len(rows) <= 0.1
    for r in by_name:
        assert r["municipality_name"] and r["uf"]
    for r in rows:
        if r["municipality_ibge"]:
            assert re.fullmatch(r"\d{7}", r["municipality_ibge"]) and not r["municipality_name"]


def test_specialties_and_flags(rows):
    providers = [r for r in rows if r["location_key"].endswith("-L1")]
    general = 0
    for r in providers:
        specs = r["specialties"].split(layout.LIST_SEPARATOR)
        assert specs and set(specs) <= set(SPECIALTY_IDS) and len(set(specs)) == len(specs)
        general += "clinico-geral" in specs
    assert 0.6 <= general / COUNT <= 0.8
    for r in rows:
        for col in ("wheelchair_access", "sees_children", "urgency_24h"):
            assert r[col] in ("sim", "nao")
        if "odontopediatria" in r["specialties"].split("|"):
            assert r["sees_children"] == "sim"
        if r["urgency_24h"] == "sim":
            assert r["opening_hours"] == "24 horas" and r["kind"] == "clinica"
            assert _municipality(r).population > 200_000
        else:
            assert r["opening_hours"] != "24 horas"
        assert re.fullmatch(r"\d{5}-\d{3}", r["cep"])
        assert r["number"] == "s/n" or r["number"].isdigit()
        assert r["street"] and r["neighbourhood"]


def test_dates_exits_and_substitutions(rows):
    providers = {r["provider_key"]: r for r in rows if r["location_key"].endswith("-L1")}
    earliest = date(TODAY.year - 10, TODAY.month, TODAY.day)
    exits = 0
    for key, r in providers.items():
        since = date.fromisoformat(r["network_since"])
        assert earliest <= since <= TODAY
        if r["network_until"]:
            exits += 1
            assert 0 < (date.fromisoformat(r["network_until"]) - TODAY).days <= 60
        if r["replaces_provider_key"]:
            old = providers[r["replaces_provider_key"]]
            assert old["provider_key"] < key and old["network_until"] and not r["network_until"]
            assert _municipality(old).ibge_code == _municipality(r).ibge_code
    assert 1 <= exits <= 0.05 * COUNT


def test_cli_prints_summary(tmp_path, capsys):
    out = tmp_path / "cli.csv"
    assert gen.main(["--count", "30", "--seed", "3", "--out", str(out), "--today", "2026-01-15"]) == 0
    line = capsys.readouterr().out.strip()
    assert "\n" not in line and "30 providers" in line and "sintaema-convencional=" in line
    with out.open(encoding="utf-8", newline="") as fh:
        data = list(csv.DictReader(fh))
    assert {r["provider_key"] for r in data} == {f"P{i:07d}" for i in range(1, 31)}
    assert max(r["network_since"] for r in data) <= "2026-01-15"
