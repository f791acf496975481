#!/usr/bin/env python3
"""Generate a synthetic (demo) dentist network as a CSV in the import layout.

Usage (from the repository root)::

    python scripts/generate_network.py [--count 20000] [--seed 20261124]
                                       [--out instance/network-demo.csv] [--today 2026-11-24]

Importable as well: ``generate(count, seed, out_path, today) -> stats``.

The file follows ``webapp/network/layout.py`` exactly (one row per provider location, header
= ``layout.COLUMN_NAMES``), so the demo goes through the real import path.  Everything is
invented: names, CRO numbers, CPF/CNPJ (valid check digits, random bases), addresses, phones.

Reproducibility: the same arguments give a byte-identical file.  All randomness comes from
one ``random.Random(seed)``, one ``numpy`` generator seeded from ``seed`` (coordinates) and a
``Faker('pt_BR')`` seeded with ``seed_instance`` (only used to build name/street pools); no
global random state and no clock (``--today`` defaults to a constant).

How the network is shaped:

* providers are placed by municipality population (with a small floor for municipalities
  without an estimate), all over Brazil -- the SINTAEMA products are national;
* providers whose first location lies in a regional product's area join it with probability
  ``REGIONAL_JOIN``; each provider joins each SINTAEMA product with its own probability and
  every provider ends up in at least one product (outside the regional areas, at least one
  SINTAEMA product).  A provider in a regional product keeps all its locations in the area;
* ~85 % of providers have one location, the rest 2-3 (clinics more often), in the same or a
  nearby municipality of the same state;
* coordinates: a point inside the municipality polygon, gaussian around the seat with a
  sigma derived from the polygon's size (capped by an "urban radius" derived from the
  population, so providers of huge Amazon municipalities stay near town), rejection-sampled
  in batches with ``shapely.contains_xy``; municipalities without polygon use their host's
  polygon, restricted to the part nearer their seat than the other seats sharing it (the
  rule ``webapp.geo.locate`` applies); ~3 % of locations leave the coordinates empty and
  ~5 % name the municipality (name + UF) instead of giving its IBGE code;
* ~2 % of providers have an announced exit (``network_until`` within 60 days) and ~1 % are
  substitutes (``replaces_provider_key``) of an earlier exiting provider of the same
  municipality, in the same products;
* trust columns, drawn from a random generator of their own (so every other column is what
  it was before they existed): ~70 % of locations verified in the last 180 days
  (``verificado_em``), ~12 % between 180 days and a year ago, ~10 % up to three years ago, the
  rest never; ~35 % say whether they take new patients (``aceita_novos_pacientes``, mostly
  ``sim``), half of those with the day it was informed (``aceita_novos_pacientes_em``, in the
  last 120 days), the others left to the import's day.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import math
import sys
import time
from datetime import date
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python scripts/generate_network.py` without an installed package
    sys.path.insert(0, str(ROOT))

import random  # noqa: E402

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from faker import Faker  # noqa: E402

from webapp.geo import municipalities as geo_municipalities  # noqa: E402
from webapp.network import layout  # noqa: E402
from webapp.plans.schema import SPECIALTY_IDS  # noqa: E402

DEFAULT_COUNT = 20_000
DEFAULT_SEED = 20261124
DEFAULT_TODAY = date(2026, 11, 24)  # a constant, so the output does not change with the day
DEFAULT_OUT = ROOT / "instance" / "network-demo.csv"

# --------------------------------------------------------------------------- products
# Coverage areas of the six products.  Hard-coded here because the plan catalog (YAML) may not
# exist yet when this script is written; keep in sync with webapp/plans/catalog/*.yaml.
NATIONAL_PRODUCTS = ("sintaema-convencional", "sintaema-integral", "sintaema-master")
#: Probability that a provider joins each SINTAEMA product (independently).
NATIONAL_JOIN = {"sintaema-convencional": 0.55, "sintaema-integral": 0.45, "sintaema-master": 0.35}
#: Regional products: slug -> ("states", UFs) or ("municipalities", IBGE codes).
REGIONAL_PRODUCTS: dict[str, tuple[str, frozenset]] = {
    "cassems-odonto": ("states", frozenset({"MS"})),
    "leve-dental-rj-1-adesao": ("states", frozenset({"RJ"})),
    # Guarulhos, Osasco, Santo André, São Bernardo do Campo, São Caetano do Sul, São Paulo
    "sao-cristovao-odontologico": (
        "municipalities",
        frozenset({3518800, 3534401, 3547809, 3548708, 3548807, 3550308}),
    ),
}
#: Probability that a provider inside a regional area joins that regional product.
REGIONAL_JOIN = 0.75
PRODUCT_SLUGS = NATIONAL_PRODUCTS + tuple(REGIONAL_PRODUCTS)

# --------------------------------------------------------------------------- proportions
POPULATION_FLOOR = 1_000  # weight of a municipality without population estimate
CLINIC_SHARE = 0.20
SINGLE_LOCATION = {"dentista": 0.89, "clinica": 0.69}  # => ~85 % of providers overall
THREE_LOCATIONS = {"dentista": 0.25, "clinica": 0.40}  # among multi-location providers
NEAREST_NEIGHBOURS = 8  # candidate municipalities for a provider's other locations
NO_COORDINATES = 0.03
BY_NAME = 0.05
EXIT_SHARE = 0.02  # announced exits (network_until within EXIT_WINDOW_DAYS)
EXIT_WINDOW_DAYS = 60
REPLACED_SHARE = 0.65  # of the exiting providers, how many get a substitute later
NETWORK_YEARS = 10
URGENCY_MIN_POPULATION = 200_000
URGENCY_CLINIC = 0.06  # clinics in such municipalities offering 24 h urgency
WHEELCHAIR = 0.45
SEES_CHILDREN = 0.57  # plus every odontopediatria provider => ~60 %
WHATSAPP = 0.60
CPF_SHARE = 0.30
#: Ages of ``verificado_em`` (days before --today): cumulative shares of (at most N days ago);
#: what is left is never verified.
VERIFIED_AGES = ((0.70, 179), (0.82, 365), (0.92, 3 * 365))
ACCEPTING_INFORMED, ACCEPTING_YES, ACCEPTING_DATED, ACCEPTING_MAX_AGE = 0.35, 0.80, 0.5, 120

# Specialty weights for the specialists (clinico-geral handled apart: ~70 % of providers).
SPECIALTY_WEIGHTS: dict[str, float] = {
    "endodontia": 20, "ortodontia": 20, "implantodontia": 14, "periodontia": 12,
    "odontopediatria": 12, "protese-dentaria": 12, "cirurgia-e-traumatologia-bucomaxilofacial": 8,
    "radiologia-odontologica-e-imaginologia": 6, "dentistica": 6, "harmonizacao-orofacial": 5,
    "disfuncao-temporomandibular-e-dor-orofacial": 2, "estomatologia": 1.5,
    "odontologia-para-pacientes-com-necessidades-especiais": 1.5,
    "ortopedia-funcional-dos-maxilares": 1.5, "odontogeriatria": 1.0,
    "odontologia-do-trabalho": 0.8, "odontologia-hospitalar": 0.6, "saude-coletiva": 0.5,
    "patologia-oral-e-maxilofacial": 0.3, "protese-bucomaxilofacial": 0.2,
    "odontologia-legal": 0.2, "acupuntura": 0.2, "odontologia-do-esporte": 0.2, "homeopatia": 0.1,
}
assert set(SPECIALTY_WEIGHTS) | {"clinico-geral"} == set(SPECIALTY_IDS), "specialty slugs out of sync"
_SPECIALTY_ORDER = {slug: i for i, slug in enumerate(SPECIALTY_IDS)}

# CEP ranges (first five digits) of each UF.
CEP_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "AC": ((69900, 69999),), "AL": ((57000, 57999),), "AM": ((69000, 69299), (69400, 69899)),
    "AP": ((68900, 68999),), "BA": ((40000, 48999),), "CE": ((60000, 63999),),
    "DF": ((70000, 72799), (73000, 73699)), "ES": ((29000, 29999),),
    "GO": ((72800, 72999), (73700, 76799)), "MA": ((65000, 65999),), "MG": ((30000, 39999),),
    "MS": ((79000, 79999),), "MT": ((78000, 78899),), "PA": ((66000, 68899),),
    "PB": ((58000, 58999),), "PE": ((50000, 56999),), "PI": ((64000, 64999),),
    "PR": ((80000, 87999),), "RJ": ((20000, 28999),), "RN": ((59000, 59999),),
    "RO": ((76800, 76999),), "RR": ((69300, 69399),), "RS": ((90000, 99999),),
    "SC": ((88000, 89999),), "SE": ((49000, 49999),), "SP": ((1000, 19999),),
    "TO": ((77000, 77999),),
}

STREET_TYPES = (("Rua", 60), ("Avenida", 24), ("Travessa", 4), ("Alameda", 4), ("Praça", 3),
                ("Estrada", 2), ("Rodovia", 1), ("Largo", 1), ("Via", 1))
STREET_TITLES = ("Dr.", "Prof.", "Profa.", "Cel.", "Gen.", "Mal.", "Padre", "Dom", "Dep.", "Ver.",
                 "Pres.", "Eng.", "Des.", "Sen.", "Cap.", "Maj.", "Irmã", "Monsenhor")
STREET_CLASSICS = (
    "XV de Novembro", "Sete de Setembro", "Tiradentes", "Getúlio Vargas", "Brasil",
    "Rio Branco", "Santos Dumont", "Marechal Deodoro", "Duque de Caxias", "Barão do Rio Branco",
    "da Independência", "das Flores", "Presidente Vargas", "Dom Pedro II", "Treze de Maio",
    "Primeiro de Maio", "da República", "Juscelino Kubitschek", "Castro Alves", "Rui Barbosa",
    "José Bonifácio", "São João", "Santa Catarina", "Floriano Peixoto", "Princesa Isabel",
    "Benjamin Constant", "Visconde de Mauá", "Quintino Bocaiúva", "Vinte e Um de Abril",
    "Nove de Julho", "Osvaldo Cruz", "Carlos Gomes", "Olavo Bilac", "Anita Garibaldi",
)
CLINIC_THEMES = (
    "Sorriso Vivo", "Sorriso Feliz", "Bem Sorrir", "Dente Sadio", "Sorriso Perfeito", "Nova Odonto",
    "Vida", "Saúde Bucal", "Boca Saudável", "Arte do Sorriso", "Sorrir Mais", "Sorriso Leve",
    "Prime", "Premium", "Integrada", "da Família", "São Lucas", "Santa Apolônia", "Bom Jesus",
    "Central", "Popular", "Ideal", "Essencial", "Sorriso Real", "Novo Sorriso", "Sorriso Aberto",
    "Sorriso Brilhante", "Dente Forte", "Bem-Estar", "Harmonia", "Esmalte", "Sorriso Saudável",
    "Excellence", "Odontoclin", "Sorriso da Gente", "Dentalis", "Oral Care", "Sorriso & Cia",
)
ODONTO_SUFFIXES = ("Vida", "Mais", "Clin", "Life", "Prime", "Med", "Center", "Care", "Art",
                   "Face", "Smile", "Plus", "Sul", "Norte", "Leste", "Oeste", "Max", "Top")

HOURS_FULL = (
    ("seg a sex 8h-18h", 20), ("seg a sex 8h-12h e 14h-18h", 16),
    ("seg a sex 8h-12h e 14h-19h; sáb 8h-12h", 10), ("seg a sex 9h-19h", 8),
    ("seg a sex 7h30-17h30", 5), ("seg a sex 8h-20h; sáb 8h-13h", 6),
    ("seg a qui 8h-18h; sex 8h-16h", 4), ("seg a sex 13h-20h", 4),
    ("seg a sex 8h-17h; sáb 8h-12h", 6), ("seg a sex 10h-19h; sáb 9h-13h", 3),
    ("seg a sáb 8h-20h", 3), ("seg a sex 7h-11h e 13h-17h", 3), ("seg a sex 9h-12h e 14h-20h", 3),
)
HOURS_PART = (
    ("seg, qua e sex 8h-17h", 6), ("ter e qui 8h-18h", 6), ("seg e qua 13h-19h", 4),
    ("ter, qui e sáb 8h-12h", 3), ("seg a qua 8h-12h", 3), ("qui e sex 9h-18h", 4),
    ("seg, qua e sex 13h-19h", 4), ("ter e qui 8h-12h e 14h-18h", 3), ("sex 8h-18h; sáb 8h-12h", 2),
)
HOURS_CLINIC = HOURS_FULL + (
    ("seg a sex 8h-20h; sáb 8h-14h", 10), ("seg a sex 7h-21h; sáb 8h-17h", 6),
    ("seg a sex 8h-19h; sáb 8h-13h", 8), ("seg a sáb 7h-22h", 3), ("seg a sex 8h-21h", 5),
)
NO_HOURS = 0.02

COMPLEMENT_SHARE = {"dentista": 0.45, "clinica": 0.30}


# --------------------------------------------------------------------------- CPF / CNPJ


def cpf_check_digits(base9: str) -> str:
    """The two check digits of a CPF whose first nine digits are ``base9``."""
    digits = [int(c) for c in base9]
    for _ in range(2):
        total = sum(d * w for d, w in zip(digits, range(len(digits) + 1, 1, -1)))
        rest = total % 11
        digits.append(0 if rest < 2 else 11 - rest)
    return f"{digits[-2]}{digits[-1]}"


def cnpj_check_digits(base12: str) -> str:
    """The two check digits of a CNPJ whose first twelve digits are ``base12``."""
    digits = [int(c) for c in base12]
    for weights in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        rest = sum(d * w for d, w in zip(digits, weights)) % 11
        digits.append(0 if rest < 2 else 11 - rest)
    return f"{digits[-2]}{digits[-1]}"


def random_cpf(rng: random.Random) -> str:
    """A CPF with valid check digits (11 digits, no punctuation; never all digits equal)."""
    while True:
        base = f"{rng.randrange(1_000_000_000):09d}"
        if len(set(base)) > 1:
            return base + cpf_check_digits(base)


def random_cnpj(rng: random.Random) -> str:
    """A head-office CNPJ with valid check digits, punctuated: ``12.345.678/0001-95``."""
    while True:
        root = f"{rng.randrange(100_000_000):08d}"
        if len(set(root)) > 1:
            break
    base = root + "0001"
    d = base + cnpj_check_digits(base)
    return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"


# --------------------------------------------------------------------------- helpers


class _Weighted:
    """Fast weighted choice with a shared ``random.Random`` (cumulative weights + bisect)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        self.items = [p[0] for p in pairs]
        self.cum = []
        acc = 0.0
        for _, w in pairs:
            acc += w
            self.cum.append(acc)
        self.total = acc

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _unique_draws(fn, draws: int) -> list[str]:
    """Distinct values of ``draws`` calls of a (seeded) Faker method, in first-seen order."""
    seen: dict[str, None] = {}
    for _ in range(draws):
        seen.setdefault(fn(), None)
    return list(seen)


class _Pools(NamedTuple):
    male: list[str]
    female: list[str]
    surnames: list[str]
    streets: list[str]
    bairros: list[str]


def _build_pools(seed: int) -> _Pools:
    """Name/street/bairro pools from a seeded Faker (Faker is slow: call it a few thousand times)."""
    fake = Faker("pt_BR")
    fake.seed_instance(seed)
    male = _unique_draws(fake.first_name_male, 3000)
    female = _unique_draws(fake.first_name_female, 3000)
    surnames = _unique_draws(fake.last_name, 3000)
    bairros = [
        " ".join(w.lower() if w in ("Da", "De", "Do", "Das", "Dos", "E") else w for w in b.split(" "))
        for b in _unique_draws(fake.bairro, 4000)
    ]
    frng = random.Random(fake.random.random())  # derived from the seeded Faker
    street_names: dict[str, None] = {}
    for _ in range(4000):
        r = frng.random()
        if r < 0.45:
            first = fake.first_name()
            name = f"{first} {fake.last_name()}"
        elif r < 0.65:
            name = f"{frng.choice(STREET_TITLES)} {fake.first_name()} {fake.last_name()}"
        elif r < 0.90:
            name = fake.last_name()
            if name[:3] in ("da ", "de ", "do ") or name[:4] in ("das ", "dos "):
                name = f"{fake.first_name()} {name}"
        else:
            name = frng.choice(STREET_CLASSICS)
        street_names.setdefault(name, None)
    return _Pools(male, female, surnames, list(street_names), bairros)


def _fmt_coord(v: float) -> str:
    s = f"{v:.6f}"
    return "0.000000" if s == "-0.000000" else s


# --------------------------------------------------------------------------- geography


class _Geo:
    """Municipalities as parallel lists, with neighbours, weights and point samplers."""

    def __init__(self) -> None:
        self.munis = list(geo_municipalities.all_municipalities())
        self.index = {m.ibge_code: i for i, m in enumerate(self.munis)}
        self.weights = [max(m.population, POPULATION_FLOOR) for m in self.munis]
        self.cum_weights = []
        acc = 0
        for w in self.weights:
            acc += w
            self.cum_weights.append(acc)
        self.lat = np.array([m.lat for m in self.munis])
        self.lon = np.array([m.lon for m in self.munis])
        self._neighbours: dict[int, tuple[list[int], list[float]]] = {}
        self._by_uf: dict[str, np.ndarray] = {}
        for uf in sorted({m.uf for m in self.munis}):
            self._by_uf[uf] = np.array([i for i, m in enumerate(self.munis) if m.uf == uf])
        self._by_name_ok: dict[int, bool] = {}

    def neighbours(self, i: int) -> tuple[list[int], list[float]]:
        """Up to NEAREST_NEIGHBOURS nearest municipalities of the same state, with cum. weights."""
        hit = self._neighbours.get(i)
        if hit is not None:
            return hit
        same = self._by_uf[self.munis[i].uf]
        coslat = math.cos(math.radians(self.munis[i].lat))
        d2 = ((self.lat[same] - self.lat[i]) ** 2) + ((self.lon[same] - self.lon[i]) * coslat) ** 2
        order = np.lexsort((same, d2))  # ties broken by index: deterministic
        near = [int(same[j]) for j in order if int(same[j]) != i][:NEAREST_NEIGHBOURS]
        cum, acc = [], 0
        for j in near:
            acc += self.weights[j]
            cum.append(acc)
        self._neighbours[i] = (near, cum)
        return near, cum

    def by_name_ok(self, i: int) -> bool:
        """Whether name + UF designates exactly this municipality (so the file can use it)."""
        ok = self._by_name_ok.get(i)
        if ok is None:
            m = self.munis[i]
            ok = [x.ibge_code for x in geo_municipalities.search(m.name, m.uf)] == [m.ibge_code]
            self._by_name_ok[i] = ok
        return ok


class _PointSampler:
    """Random points inside a municipality, biased toward its seat."""

    MAX_ROUNDS = 30

    def __init__(self, geo: _Geo, nprng: np.random.Generator) -> None:
        self.geo = geo
        self.nprng = nprng
        # municipalities without polygon -> host polygon (the one holding their seat)
        self.hosts: dict[int, int] = {}  # ibge code -> host code
        hosted: dict[int, list[int]] = {}
        for m in geo.munis:
            if geo_municipalities.geometry(m.ibge_code) is not None:
                continue
            for other in geo_municipalities.in_state(m.uf):
                g = geo_municipalities.geometry(other.ibge_code)
                if g is not None and shapely.contains_xy(g, m.lon, m.lat):
                    self.hosts[m.ibge_code] = other.ibge_code
                    hosted.setdefault(other.ibge_code, []).append(m.ibge_code)
                    break
        # seats sharing one polygon (host + hosted): a point belongs to the nearest seat
        self.seat_groups: dict[int, list[int]] = {}
        for host, codes in hosted.items():
            group = [host, *sorted(codes)]
            for code in group:
                self.seat_groups[code] = group

    def sample(self, code: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        m = geo_municipalities.get(code)
        assert m is not None
        own = geo_municipalities.geometry(code)
        geom = own if own is not None else (
            geo_municipalities.geometry(self.hosts[code]) if code in self.hosts else None
        )
        if geom is None:
            return np.full(n, m.lon), np.full(n, m.lat)
        shapely.prepare(geom)
        coslat = max(math.cos(math.radians(m.lat)), 0.2)
        urban_km = max(0.3, 0.6 * math.sqrt(max(m.population, POPULATION_FLOOR) / 12_566))
        if own is not None:
            area_km2 = own.area * 111.32 * 111.32 * coslat
            sigma_km = min(0.25 * math.sqrt(area_km2), urban_km)
        else:
            sigma_km = urban_km
        s_lat = sigma_km / 111.32
        s_lon = s_lat / coslat
        group = self.seat_groups.get(code)
        if group is not None:
            seats = [geo_municipalities.get(c) for c in group]
            g_lon = np.array([s.lon for s in seats])
            g_lat = np.array([s.lat for s in seats])
            own_pos = group.index(code)

        def accept(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            ok = shapely.contains_xy(geom, x, y)
            if group is not None:
                d2 = (y[:, None] - g_lat) ** 2 + ((x[:, None] - g_lon) * coslat) ** 2
                ok &= d2.argmin(axis=1) == own_pos
            return ok

        xs, ys, have = [], [], 0
        rate = 0.7
        for _ in range(self.MAX_ROUNDS):
            need = n - have
            if need <= 0:
                break
            size = max(8, int(need / max(rate, 0.05) * 1.3) + 4)
            x = m.lon + self.nprng.standard_normal(size) * s_lon
            y = m.lat + self.nprng.standard_normal(size) * s_lat
            ok = accept(x, y)
            rate = max(ok.mean(), 0.01)
            xs.append(x[ok][:need])
            ys.append(y[ok][:need])
            have += len(xs[-1])
        if have < n:  # seat far from (or outside) the polygon: uniform in the bounding box
            minx, miny, maxx, maxy = geom.bounds
            for _ in range(self.MAX_ROUNDS):
                need = n - have
                if need <= 0:
                    break
                size = max(64, need * 20)
                x = self.nprng.uniform(minx, maxx, size)
                y = self.nprng.uniform(miny, maxy, size)
                ok = accept(x, y)
                xs.append(x[ok][:need])
                ys.append(y[ok][:need])
                have += len(xs[-1])
        if have < n:
            xs.append(np.full(n - have, m.lon))
            ys.append(np.full(n - have, m.lat))
        return np.concatenate(xs), np.concatenate(ys)


# --------------------------------------------------------------------------- generation


def _progress(iterable, total, desc, enabled):
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, file=sys.stderr, unit=" it", leave=False)


def generate(
    count: int = DEFAULT_COUNT,
    seed: int = DEFAULT_SEED,
    out_path: str | Path = DEFAULT_OUT,
    today: date = DEFAULT_TODAY,
    progress: bool | None = None,
) -> dict:
    """Write ``count`` synthetic providers to ``out_path``; return statistics.

    Stats: ``rows``, ``providers``, ``products`` (providers per product slug), ``elapsed``
    (seconds), plus counters of the special cases (``clinics``, ``urgency_24h``,
    ``no_coordinates``, ``by_name``, ``exits``, ``replacements``).
    """
    started = time.perf_counter()
    if count < 0:
        raise ValueError("count must be >= 0")
    if count > 9_999_999:
        raise ValueError("count must be < 10,000,000 (provider keys have 7 digits)")
    if progress is None:
        progress = sys.stderr.isatty()
    out_path = Path(out_path)
    rng = random.Random(seed)
    nprng = np.random.Generator(np.random.PCG64(seed))
    pools = _build_pools(seed)
    geo = _Geo()
    munis = geo.munis
    today_ord = today.toordinal()
    n_products = len(PRODUCT_SLUGS)
    national_idx = [(PRODUCT_SLUGS.index(s), NATIONAL_JOIN[s]) for s in NATIONAL_PRODUCTS]
    national_fallback = _Weighted([(PRODUCT_SLUGS.index(s), NATIONAL_JOIN[s]) for s in NATIONAL_PRODUCTS])
    # regional product index of each municipality (at most one: the areas do not overlap)
    regional_of: dict[int, tuple[int, frozenset | None]] = {}
    for slug, (kind, values) in REGIONAL_PRODUCTS.items():
        p = PRODUCT_SLUGS.index(slug)
        for i, m in enumerate(munis):
            inside = (m.uf in values) if kind == "states" else (m.ibge_code in values)
            if inside:
                assert i not in regional_of, "regional areas overlap"
                regional_of[i] = (p, None if kind == "states" else frozenset(geo.index[c] for c in values))

    # ---- phase 1: structure (municipalities, products, dates, locations) -----------------
    primaries = rng.choices(range(len(munis)), cum_weights=geo.cum_weights, k=count)
    p_kind: list[int] = []  # 0 dentista, 1 clinica
    p_since: list[int] = []
    p_until: list[int] = []  # 0 = none
    p_replaces: list[int] = []  # -1 = none
    p_products: list[int] = []  # bit mask over PRODUCT_SLUGS
    p_urgent: list[bool] = []
    p_loc_start: list[int] = []
    loc_muni: list[int] = []
    loc_coords: list[bool] = []
    pending_exit: dict[int, list[int]] = {}
    ten_years = int(NETWORK_YEARS * 365.25)
    for i in _progress(range(count), count, "estrutura", progress):
        mi = primaries[i]
        kind = 1 if rng.random() < CLINIC_SHARE else 0
        replaces, until = -1, 0
        pending = pending_exit.get(mi)
        if pending:
            replaces = pending.pop(0)
            since = today_ord - rng.randint(0, 45)
            products = p_products[replaces]
        else:
            since = today_ord - rng.randint(1, ten_years)
            if rng.random() < EXIT_SHARE:
                until = today_ord + rng.randint(1, EXIT_WINDOW_DAYS)
                if rng.random() < REPLACED_SHARE:
                    pending_exit.setdefault(mi, []).append(i)
            products = 0
            regional = regional_of.get(mi)
            joined_regional = regional is not None and rng.random() < REGIONAL_JOIN
            if joined_regional:
                products |= 1 << regional[0]
            for pidx, prob in national_idx:
                if rng.random() < prob:
                    products |= 1 << pidx
            if not joined_regional and not products & 0b111:
                products |= 1 << national_fallback.pick(rng)
        # locations: first in the primary municipality, others in the same or a nearby one
        restrict = None
        regional = regional_of.get(mi)
        if regional is not None and products >> regional[0] & 1:
            restrict = regional[1]  # municipality-group product: stay inside the group
        kname = "clinica" if kind else "dentista"
        n_locs = 1
        if rng.random() >= SINGLE_LOCATION[kname]:
            n_locs = 3 if rng.random() < THREE_LOCATIONS[kname] else 2
        p_loc_start.append(len(loc_muni))
        loc_muni.append(mi)
        loc_coords.append(rng.random() >= NO_COORDINATES)
        if n_locs > 1:
            p_same = 0.75 if munis[mi].population > 300_000 else 0.45
            near, cum = geo.neighbours(mi)
            if restrict is not None:
                pairs = [(j, geo.weights[j]) for j in near if j in restrict]
                near = [j for j, _ in pairs]
                cum = list(np.cumsum([w for _, w in pairs]).tolist())
            for _ in range(n_locs - 1):
                if not near or rng.random() < p_same:
                    loc_muni.append(mi)
                else:
                    loc_muni.append(near[bisect.bisect_right(cum, rng.random() * cum[-1])])
                loc_coords.append(rng.random() >= NO_COORDINATES)
        urgent = bool(kind) and munis[mi].population > URGENCY_MIN_POPULATION and rng.random() < URGENCY_CLINIC
        p_kind.append(kind)
        p_since.append(since)
        p_until.append(until)
        p_replaces.append(replaces)
        p_products.append(products)
        p_urgent.append(urgent)
    p_loc_start.append(len(loc_muni))
    n_rows = len(loc_muni)

    # ---- phase 2: coordinates, batched per municipality ------------------------------------
    lat = np.full(n_rows, np.nan)
    lon = np.full(n_rows, np.nan)
    muni_arr = np.array(loc_muni, dtype=np.int64)
    need = np.flatnonzero(np.array(loc_coords, dtype=bool))
    if len(need):
        order = need[np.argsort(muni_arr[need], kind="stable")]
        codes_needed, starts = np.unique(muni_arr[order], return_index=True)
        bounds = list(starts.tolist()) + [len(order)]
        sampler = _PointSampler(geo, nprng)
        for k in _progress(range(len(codes_needed)), len(codes_needed), "coordenadas", progress):
            idx = order[bounds[k]:bounds[k + 1]]
            xs, ys = sampler.sample(munis[int(codes_needed[k])].ibge_code, len(idx))
            lon[idx] = xs
            lat[idx] = ys
    lat_s = [_fmt_coord(v) if v == v else "" for v in lat.tolist()]
    lon_s = [_fmt_coord(v) if v == v else "" for v in lon.tolist()]

    # ---- phase 3: details, written row by row ---------------------------------------------
    male, female, surnames = pools.male, pools.female, pools.surnames
    streets, bairros = pools.streets, pools.bairros
    street_type = _Weighted(STREET_TYPES)
    specialty_pick = _Weighted(list(SPECIALTY_WEIGHTS.items()))
    hours_full, hours_part, hours_clinic = _Weighted(HOURS_FULL), _Weighted(HOURS_PART), _Weighted(HOURS_CLINIC)
    cep_ranges = {uf: _Weighted([(r, r[1] - r[0] + 1) for r in rs]) for uf, rs in CEP_RANGES.items()}
    total_pop = sum(geo.weights)
    uf_pop: dict[str, int] = {}
    for m, w in zip(munis, geo.weights):
        uf_pop[m.uf] = uf_pop.get(m.uf, 0) + w
    cro_max = {uf: min(999_999, max(999, pop // 300, int(3 * count * pop / total_pop))) for uf, pop in uf_pop.items()}
    cro_used: dict[str, set[int]] = {uf: set() for uf in uf_pop}
    columns = layout.COLUMN_NAMES
    product_counts = [0] * n_products
    stats = {"clinics": 0, "urgency_24h": 0, "no_coordinates": 0, "by_name": 0, "exits": 0, "replacements": 0,
             "with_cpf": 0, "clinico_geral": 0, "verified": 0, "accepting_informed": 0}
    SIM, NAO = "sim", "nao"
    # The trust columns' own generator: drawing them from `rng` would change every later value.
    trust_rng = random.Random(f"{seed}-trust")

    def trust_cells() -> dict[str, str]:
        cells = {"verificado_em": "", "aceita_novos_pacientes": "", "aceita_novos_pacientes_em": ""}
        r, low = trust_rng.random(), 0
        for share, oldest in VERIFIED_AGES:
            if r < share:
                cells["verificado_em"] = date.fromordinal(today_ord - trust_rng.randint(low, oldest)).isoformat()
                stats["verified"] += 1
                break
            low = oldest + 1
        if trust_rng.random() < ACCEPTING_INFORMED:
            cells["aceita_novos_pacientes"] = SIM if trust_rng.random() < ACCEPTING_YES else NAO
            if trust_rng.random() < ACCEPTING_DATED:
                informed = today_ord - trust_rng.randint(0, ACCEPTING_MAX_AGE)
                cells["aceita_novos_pacientes_em"] = date.fromordinal(informed).isoformat()
            stats["accepting_informed"] += 1
        return cells

    def person_name() -> tuple[str, bool]:
        female_ = rng.random() < 0.58
        first = rng.choice(female if female_ else male)
        r = rng.random()
        if r < 0.55:
            last = f"{rng.choice(surnames)} {rng.choice(surnames)}"
        elif r < 0.92:
            last = rng.choice(surnames)
        else:
            last = f"{rng.choice(surnames)} {rng.choice(surnames)} {rng.choice(surnames)}"
        return f"{first} {last}", female_

    def surname() -> str:
        s = rng.choice(surnames)
        while s[:3] in ("da ", "de ", "do ") or s[:4] in ("das ", "dos "):
            s = s.split(" ", 1)[1]
        return s

    def landline(ddd: int) -> str:
        return f"({ddd}) 3{rng.randrange(1000):03d}-{rng.randrange(10000):04d}"

    def mobile(ddd: int) -> str:
        return f"({ddd}) 9{rng.randint(6, 9)}{rng.randrange(1000):03d}-{rng.randrange(10000):04d}"

    def clinic_name(bairro: str, city: str, specs: list[str], urgent: bool) -> str:
        if bairro == "Centro":  # "OdontoCenter Centro" reads badly: use the city instead
            bairro = city
        if urgent:
            return rng.choice((
                f"Pronto-Socorro Odontológico {bairro}", f"Odonto 24 Horas {city}",
                f"Urgência Odontológica 24h {bairro}", f"Clínica Odontológica 24 Horas {rng.choice(CLINIC_THEMES)}",
            ))
        if specs == ["radiologia-odontologica-e-imaginologia"] or (
            "radiologia-odontologica-e-imaginologia" in specs and rng.random() < 0.3
        ):
            return rng.choice((
                f"Radiologia Odontológica {surname()}", f"Centro de Imagem Odontológica {bairro}",
                f"OdontoImagem {city}", f"Radio Odonto {bairro}",
            ))
        if "ortodontia" in specs and rng.random() < 0.12:
            return rng.choice((f"OrtoCenter {bairro}", f"Ortodontia {surname()}", f"Clínica de Ortodontia {city}"))
        if "implantodontia" in specs and rng.random() < 0.10:
            return rng.choice((f"Instituto de Implantes {surname()}", f"Implant Center {city}"))
        r = rng.random()
        if r < 0.22:
            return f"Clínica Odontológica {rng.choice(CLINIC_THEMES)}"
        if r < 0.34:
            return f"OdontoCenter {bairro}"
        if r < 0.46:
            return rng.choice((f"Odonto {surname()}", f"{surname()} Odontologia"))
        if r < 0.56:
            return f"Centro Odontológico {rng.choice((bairro, rng.choice(CLINIC_THEMES)))}"
        if r < 0.65:
            return f"Clínica {surname()} & {surname()}"
        if r < 0.72:
            return f"Instituto {surname()} de Odontologia"
        if r < 0.82:
            return f"Odonto{rng.choice(ODONTO_SUFFIXES)} {rng.choice((city, bairro))}"
        if r < 0.90:
            return f"{rng.choice(CLINIC_THEMES)} Odontologia"
        if r < 0.96:
            return f"Espaço {rng.choice(('Sorriso', 'Odonto', 'Oral', 'Dental'))} {bairro}"
        return f"Clínica Odontológica {surname()}"

    def specialties(kind: int) -> list[str]:
        chosen: list[str] = []
        if kind:  # clinic: usually general practice plus several specialties
            with_cg = rng.random() < 0.92
            k = rng.choice((2, 2, 3, 3, 3, 4, 4, 5, 6)) if with_cg else rng.choice((1, 1, 2, 3))
        else:
            with_cg = rng.random() < 0.66
            if with_cg:
                k = 0 if rng.random() < 0.7 else (1 if rng.random() < 0.85 else 2)
            else:
                k = 1 if rng.random() < 0.85 else 2
        while len(chosen) < k:
            s = specialty_pick.pick(rng)
            if s not in chosen:
                chosen.append(s)
        if with_cg:
            chosen.append("clinico-geral")
        chosen.sort(key=_SPECIALTY_ORDER.__getitem__)
        return chosen

    def complement(kname: str) -> str:
        r = rng.random()
        if kname == "dentista":
            if r < 0.65:
                return f"Sala {rng.randint(1, 18)}{rng.randint(1, 20):02d}"
            if r < 0.80:
                return f"Conj. {rng.randint(1, 20)}{rng.randint(1, 9)}"
            if r < 0.90:
                return f"Bloco {rng.choice('ABCD')}, Sala {rng.randint(101, 512)}"
            return f"{rng.randint(1, 15)}º andar"
        if r < 0.35:
            return f"Loja {rng.randint(1, 30)}"
        if r < 0.55:
            return "Térreo"
        if r < 0.80:
            return f"{rng.randint(1, 12)}º andar"
        return f"Sala {rng.randint(1, 9)}{rng.randint(1, 20):02d}"

    def cep(uf: str) -> str:
        lo, hi = cep_ranges[uf].pick(rng)
        return f"{rng.randint(lo, hi):05d}-{rng.randrange(1000):03d}"

    def cro(uf: str) -> str:
        used = cro_used[uf]
        top = cro_max[uf]
        while True:
            n = rng.randint(1, top)
            if n not in used:
                used.add(n)
                return str(n)

    out_path.parent.mkdir(parents=True, exist_ok=True)
    rows_written = 0
    with out_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for i in _progress(range(count), count, "gravando", progress):
            kind = p_kind[i]
            kname = "clinica" if kind else "dentista"
            key = f"P{i + 1:07d}"
            specs = specialties(kind)
            start, end = p_loc_start[i], p_loc_start[i + 1]
            first = munis[loc_muni[start]]
            person, is_female = person_name()
            if kind:
                responsible, cpf, cnpj = person, "", random_cnpj(rng)
                name = None  # after the first location's bairro
                stats["clinics"] += 1
            else:
                responsible, cnpj = "", ""
                name = person
                if rng.random() < 0.3:
                    name = ("Dra. " if is_female else "Dr. ") + person
                cpf = random_cpf(rng) if rng.random() < CPF_SHARE else ""
                if cpf:
                    stats["with_cpf"] += 1
            if "clinico-geral" in specs:
                stats["clinico_geral"] += 1
            products = p_products[i]
            product_list = []
            for p in range(n_products):
                if products >> p & 1:
                    product_list.append(PRODUCT_SLUGS[p])
                    product_counts[p] += 1
            since = date.fromordinal(p_since[i]).isoformat()
            until = date.fromordinal(p_until[i]).isoformat() if p_until[i] else ""
            if until:
                stats["exits"] += 1
            replaces = f"P{p_replaces[i] + 1:07d}" if p_replaces[i] >= 0 else ""
            if replaces:
                stats["replacements"] += 1
            pediatric = "odontopediatria" in specs
            base = {
                "provider_key": key, "kind": kname, "cro_uf": first.uf, "cro_number": cro(first.uf),
                "responsible_dentist": responsible, "cnpj": cnpj, "cpf": cpf,
                "specialties": layout.LIST_SEPARATOR.join(specs),
                "products": layout.LIST_SEPARATOR.join(product_list),
                "network_since": since, "network_until": until, "replaces_provider_key": replaces,
            }
            multi_dentist = not kind and end - start > 1
            for n_loc, li in enumerate(range(start, end), start=1):
                m = munis[loc_muni[li]]
                bairro = "Centro" if rng.random() < 0.22 else rng.choice(bairros)
                if name is None:
                    name = clinic_name(bairro, m.name, [s for s in specs if s != "clinico-geral"], p_urgent[i])
                ddd = m.ddd
                r = rng.random()
                if r < 0.45:
                    phones = [landline(ddd), mobile(ddd)]
                elif r < 0.75:
                    phones = [landline(ddd)]
                else:
                    phones = [mobile(ddd)]
                if kind and rng.random() < 0.25:
                    phones.insert(1, landline(ddd))
                whatsapp = ""
                if rng.random() < WHATSAPP:
                    whatsapp = phones[-1] if phones[-1][5] == "9" and rng.random() < 0.85 else mobile(ddd)
                urgent = p_urgent[i] and m.population > URGENCY_MIN_POPULATION
                if urgent:
                    hours = "24 horas"
                    stats["urgency_24h"] += 1
                elif rng.random() < NO_HOURS:
                    hours = ""
                elif kind:
                    hours = hours_clinic.pick(rng)
                elif multi_dentist:
                    hours = hours_part.pick(rng)
                else:
                    hours = hours_full.pick(rng)
                by_name = rng.random() < BY_NAME and geo.by_name_ok(loc_muni[li])
                if by_name:
                    stats["by_name"] += 1
                if not lat_s[li]:
                    stats["no_coordinates"] += 1
                number = "s/n" if rng.random() < 0.04 else str(int(10 ** rng.uniform(0.3, 3.6)))
                row = dict(base)
                row.update({
                    "name": name,
                    "location_key": f"{key}-L{n_loc}",
                    "street": f"{street_type.pick(rng)} {rng.choice(streets)}",
                    "number": number,
                    "complement": complement(kname) if rng.random() < COMPLEMENT_SHARE[kname] else "",
                    "neighbourhood": bairro,
                    "cep": cep(m.uf),
                    "municipality_ibge": "" if by_name else str(m.ibge_code),
                    "municipality_name": m.name if by_name else "",
                    "uf": m.uf if by_name else "",
                    "latitude": lat_s[li],
                    "longitude": lon_s[li],
                    "phones": layout.LIST_SEPARATOR.join(phones),
                    "whatsapp": whatsapp,
                    "opening_hours": hours,
                    "wheelchair_access": SIM if rng.random() < WHEELCHAIR or (urgent and rng.random() < 0.5) else NAO,
                    "sees_children": SIM if pediatric or urgent or rng.random() < SEES_CHILDREN else NAO,
                    "urgency_24h": SIM if urgent else NAO,
                    **trust_cells(),
                })
                writer.writerow([row.get(c, "") for c in columns])
                rows_written += 1

    elapsed = time.perf_counter() - started
    return {
        "rows": rows_written,
        "providers": count,
        "products": {slug: product_counts[p] for p, slug in enumerate(PRODUCT_SLUGS)},
        "elapsed": elapsed,
        "out": str(out_path),
        **stats,
    }


_WRITTEN_COLUMNS = {
    "provider_key", "kind", "name", "cro_uf", "cro_number", "responsible_dentist", "cnpj", "cpf",
    "specialties", "location_key", "street", "number", "complement", "neighbourhood", "cep",
    "municipality_ibge", "municipality_name", "uf", "latitude", "longitude", "phones", "whatsapp",
    "opening_hours", "wheelchair_access", "sees_children", "urgency_24h", "products", "network_since",
    "network_until", "replaces_provider_key", "verificado_em", "aceita_novos_pacientes", "aceita_novos_pacientes_em",
}
assert _WRITTEN_COLUMNS == set(layout.COLUMN_NAMES), "generator out of sync with webapp/network/layout.py"


def _parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Gera uma rede credenciada fictícia (CSV no layout de importação).")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help=f"prestadores (padrão {DEFAULT_COUNT})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"semente (padrão {DEFAULT_SEED})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="arquivo CSV de saída")
    parser.add_argument(
        "--today", type=date.fromisoformat, default=DEFAULT_TODAY,
        help=f"data de referência AAAA-MM-DD (padrão {DEFAULT_TODAY.isoformat()}, fixa)",
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = _parse_args(argv)
    stats = generate(args.count, args.seed, args.out, args.today)
    per_product = ", ".join(f"{slug}={n}" for slug, n in stats["products"].items())
    print(
        f"{stats['out']}: {stats['rows']} rows, {stats['providers']} providers in {stats['elapsed']:.1f} s"
        f" | {per_product}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
