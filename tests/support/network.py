"""The dentist network in tests: rows and files in the importer's layout, and a small real
network in Niterói, Rio de Janeiro and São Paulo, imported through the importer.

Fixtures: ``small_network`` (its providers' ids by key) and ``fixed_today`` (the clock stopped
on ``TODAY``, the day the network is read on).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.support import csv_files
from tests.support.clock import TODAY
from webapp.network.importer import import_network
from webapp.network.layout import COLUMN_NAMES
from webapp.network.models import Provider

# A real place: the seat of Niterói/RJ.
NITEROI = {"municipality_ibge": "3303302", "latitude": "-22.9035", "longitude": "-43.1094"}


def row(**overrides) -> dict:
    base = {
        "provider_key": "P1", "kind": "dentista", "name": "Dra. Ana Souza", "cro_uf": "RJ",
        "cro_number": "12345", "specialties": "clinico-geral|endodontia", "location_key": "P1-L1",
        "street": "Rua Moreira César", "number": "100", "complement": "Sala 201",
        "neighbourhood": "Icaraí", "cep": "24230-052", **NITEROI,
        "phones": "(21) 2711-0000", "whatsapp": "(21) 99876-5432",
        "opening_hours": "seg a sex 8h-18h", "wheelchair_access": "sim", "sees_children": "nao",
        "urgency_24h": "nao", "products": "leve-dental-rj-1-adesao|sintaema-convencional",
        "network_since": "2024-03-01",
    }
    base.update(overrides)
    return base


def write_csv(path: Path, rows: list[dict], columns=COLUMN_NAMES) -> Path:
    """A network file of *rows*, in the importer's columns unless *columns* says otherwise."""
    return csv_files.write_csv(path, rows, columns)


# (key, name, specialties, lat, lon, municipality, products, extra)
PLACES = [
    ("N1", "Dra. Ana Endo", "endodontia", -22.9035, -43.1094, "3303302", "leve-dental-rj-1-adesao", {}),
    ("N2", "Dr. Bruno Canal", "endodontia|clinico-geral", -22.8960, -43.1180, "3303302", "leve-dental-rj-1-adesao",
     {"urgency_24h": "sim"}),
    ("N3", "Clínica Icaraí", "clinico-geral", -22.9100, -43.1000, "3303302", "leve-dental-rj-1-adesao|sintaema-master",
     {"kind": "clinica", "cnpj": "11.222.333/0001-81", "sees_children": "sim"}),
    ("R1", "Dr. Carlos Rio", "endodontia|odontopediatria", -22.9068, -43.1729, "3304557", "leve-dental-rj-1-adesao", {}),
    ("X1", "Dra. Saiu da Rede", "endodontia", -22.9040, -43.1090, "3303302", "leve-dental-rj-1-adesao",
     {"network_since": "2020-01-01", "network_until": "2026-06-01"}),
    ("F1", "Dr. Futuro", "endodontia", -22.9030, -43.1100, "3303302", "leve-dental-rj-1-adesao",
     {"network_since": "2027-01-10"}),
    ("S1", "Dra. Paulista", "clinico-geral", -23.5505, -46.6333, "3550308", "sao-cristovao-odontologico|sintaema-master",
     {"cro_uf": "SP", "phones": "(11) 3333-4444", "whatsapp": "(11) 98888-7777"}),
]


def network_rows(extra_niteroi: int = 0) -> list[dict]:
    rows = []
    for key, name, specialties, lat, lon, code, products, extra in PLACES:
        rows.append(row(provider_key=key, location_key=f"{key}-L1", name=name, specialties=specialties,
                        latitude=str(lat), longitude=str(lon), municipality_ibge=code, products=products,
                        **{"network_since": "2026-10-01", **extra}))
    for i in range(extra_niteroi):
        rows.append(row(provider_key=f"G{i:02d}", location_key=f"G{i:02d}-L1", name=f"Dentista Geral {i:02d}",
                        specialties="clinico-geral", latitude=f"{-22.90 - i * 0.001:.4f}",
                        longitude=f"{-43.10 - i * 0.0005:.4f}", products="leve-dental-rj-1-adesao",
                        network_since="2025-01-01"))
    return rows


@pytest.fixture
def small_network(session, tmp_path, fixed_today):
    report = import_network(session, write_csv(tmp_path / "rede.csv", network_rows(extra_niteroi=22)), today=TODAY)
    assert report.rejects == [], report.rejects
    session.flush()
    return {p.key: p.id for p in session.scalars(select(Provider))}


@pytest.fixture
def fixed_today(frozen_clock):
    frozen_clock(TODAY)
