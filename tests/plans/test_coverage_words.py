"""The coverage area in words: said once, and a list of municipalities the document masks
("Xxxxxxxxx, Xxxxxx…") never shown as such — the decoded names, with a note that they were
inferred — on every page that shows a plan's area."""

import re

import pytest

from tests.support.members import holder_cpf, member_by_cpf, member_session
from webapp.plans.catalog import read_catalog
from webapp.plans.services import INFERRED_NAMES_NOTE, coverage_text

MASK = re.compile(r"\bX[x]+\b|\bXX\b")
# The masked list as the contract prints it (other masked words of that contract are not lists
# of places, and stay as printed).
MASKED_LIST = re.compile(r"Xxxxxxxxx, Xxxxxx|Xxx Xxxxx/XX|/XX\b")
SAO_CRISTOVAO = "sao-cristovao-odontologico"
DECODED = ("Grupo de Municípios, abrangendo somente os municípios de Guarulhos, Osasco, Santo André, São Bernardo "
           f"do Campo, São Caetano do Sul e São Paulo/SP ({INFERRED_NAMES_NOTE}).")


def test_the_masked_list_is_decoded_from_the_catalogs_municipalities():
    areas = {p.slug: p.coverage_area.model_dump(mode="json") for p in read_catalog().products}
    assert MASK.search(areas[SAO_CRISTOVAO]["description"])  # the document's words, kept in the catalog
    assert coverage_text(areas[SAO_CRISTOVAO]) == DECODED
    for slug, area in areas.items():
        assert not MASK.search(coverage_text(area)), slug
        if slug != SAO_CRISTOVAO:
            assert coverage_text(area) == area["description"]  # nothing masked: the document's words


@pytest.mark.parametrize(("names", "expected"), [
    (["Osasco/SP"], "Osasco/SP"),
    (["Osasco/SP", "São Paulo/SP"], "Osasco e São Paulo/SP"),
    (["Niterói/RJ", "Osasco/SP", "São Paulo/SP"], "Niterói/RJ, Osasco/SP e São Paulo/SP"),
])
def test_the_decoded_names_read_as_a_list(names, expected):
    area = {"kind": "municipalities", "description": "Somente em Xxxxxx e Xxx Xxxxx/XX.", "municipality_names": names}
    assert coverage_text(area) == f"Somente em {expected} ({INFERRED_NAMES_NOTE})."


def test_a_mask_in_another_kind_of_area_is_left_to_the_document():
    area = {"kind": "states", "description": "Estadual (Xxxxx).", "states": ["SP"]}
    assert coverage_text(area) == "Estadual (Xxxxx)."


@pytest.mark.parametrize("path", [
    "/planos",
    f"/planos/{SAO_CRISTOVAO}",
    f"/urgencia?plano={SAO_CRISTOVAO}",
    f"/rede?plano={SAO_CRISTOVAO}&municipio=3303302",  # Niterói: outside the area, which the notice names
])
def test_no_page_shows_the_masked_list(client, path):
    text = " ".join(client.page(path).get_text(" ").split())
    assert not MASKED_LIST.search(text)
    assert "Guarulhos, Osasco, Santo André" in text and "nomes inferidos pelo Guia Odonto" in text


def test_the_card_shows_the_decoded_list_too(client, families):
    member_session(client, member_by_cpf(families, holder_cpf(5)))  # the São Cristóvão family
    text = " ".join(client.page("/carteirinha").get_text(" ").split())
    assert not MASKED_LIST.search(text) and "Guarulhos, Osasco, Santo André" in text


def test_outside_the_area_the_search_says_the_area_once(client):
    notice = client.page("/rede?plano=leve-dental-rj-1-adesao&municipio=3550308").select_one(".go-notice--warning")
    text = " ".join(notice.get_text(" ").split())
    assert "A área de abrangência é Estadual, sendo a atuação exclusiva no Estado do Rio de Janeiro." in text
    assert text.count("A área de abrangência é Estadual") == 1 and "deste plano é" not in text
