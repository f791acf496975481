"""Each product's coverage area contains and excludes the places it should (real codes)."""

import pytest

from webapp.geo import locate
from webapp.plans import services

NITEROI, RIO, CAMPO_GRANDE_MS, DOURADOS, GUARULHOS, SAO_PAULO, CAMPINAS, MANAUS, CUIABA = (
    3303302, 3304557, 5002704, 5003702, 3518800, 3550308, 3509502, 1302603, 5103403)

CASES = {
    "leve-dental-rj-1-adesao": ({NITEROI, RIO}, {SAO_PAULO, CAMPO_GRANDE_MS}),
    "cassems-odonto": ({CAMPO_GRANDE_MS, DOURADOS}, {CUIABA, SAO_PAULO}),
    "sao-cristovao-odontologico": ({GUARULHOS, SAO_PAULO, 3534401, 3547809, 3548708, 3548807}, {CAMPINAS, NITEROI}),
    "sintaema-convencional": ({MANAUS, SAO_PAULO, CUIABA}, set()),
    "sintaema-integral": ({MANAUS, NITEROI}, set()),
    "sintaema-master": ({CAMPO_GRANDE_MS, CAMPINAS}, set()),
}


@pytest.mark.parametrize("slug", sorted(CASES))
def test_coverage_area_contains_and_excludes(session, slug):
    area = services.coverage_area(services.get_product(session, slug))
    inside, outside = CASES[slug]
    for code in inside:
        assert area.contains_municipality(code), (slug, code)
    for code in outside:
        assert not area.contains_municipality(code), (slug, code)


def test_points_inside_and_outside_the_leve_area(session):
    area = services.coverage_area(services.get_product(session, "leve-dental-rj-1-adesao"))
    assert area.contains_point(-22.9035, -43.1094)  # Niterói, Icaraí
    assert not area.contains_point(-23.5505, -46.6333)  # São Paulo, Sé
    assert not locate.municipality_at(-23.0, -40.0).found  # the Atlantic
