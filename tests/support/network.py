"""Builders of network CSV files for the importer tests."""

from __future__ import annotations

import csv
from pathlib import Path

from webapp.network.layout import COLUMN_NAMES

# Real places: Niterói/RJ seat and a point in Icaraí; Campo Grande/MS seat.
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
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({c: r.get(c, "") for c in columns})
    return path
