"""Who may join each product (issue 14, item 6): one row per document clause, on the plan page
and in its JSON twin (valid against the OpenAPI document), on SQLite and PostgreSQL; and the
demo data follow it (SINTAEMA MASTER's demo member is a holder without dependants)."""

import pytest
from sqlalchemy import select

from tests.support.api import validator
from tests.support.databases import BACKENDS
from tests.support.members import demo_families, holder_cpf, member_by_cpf
from tests.support.pages import text_of
from webapp.core import clock
from webapp.members.demo import FAMILIES
from webapp.members.models import Member

# (product, clause, modalities, takes dependants, words of the document the page must show)
ENROLMENT = [
    ("cassems-odonto", "Extrato de Utilização; Dúvidas frequentes, 02", [], True,
     "cada beneficiário (titulares e dependentes)"),
    ("sintaema-convencional", "art. 5º, I", ["individual", "familiar"], True,
     "Oferecido nas modalidades individual e familiar"),
    ("sintaema-integral", "art. 5º, II", ["individual", "familiar"], True,
     "Oferecido nas modalidades individual e familiar"),
    ("sintaema-master", "art. 5º, III", ["individual"], False, "Oferecido somente na modalidade individual"),
    ("sao-cristovao-odontologico", "Tipo de contratação; cláusula 2", ["individual", "familiar"], True,
     "livre adesão de beneficiários, pessoas naturais, com ou sem grupo familiar"),
    ("leve-dental-rj-1-adesao", "cláusulas 8.4 a 8.6", [], True,
     "a adesão do grupo familiar dependerá da participação do beneficiário titular"),
]


def overview_row(page, key: str) -> str:
    for row in page.select("#visao-geral .go-summary__row"):
        if text_of(row.dt) == key:
            return text_of(row.dd)
    raise AssertionError(f"sem linha {key}")


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
@pytest.mark.parametrize(("slug", "clause", "modalities", "dependants", "words"), ENROLMENT)
def test_who_may_join_on_the_page_and_in_the_json(client, spec, slug, clause, modalities, dependants, words):
    page = client.page(f"/planos/{slug}")
    section = page.find(id="dependentes")
    assert text_of(section.h2) == "Quem pode entrar no plano"
    answer = text_of(section.select_one("#adesao"))
    assert answer == overview_row(page, "Dependentes")
    assert answer.startswith("Titular e dependentes" if dependants else "Só o titular, sem dependentes")
    assert f"({clause})" in answer
    assert words in text_of(section)
    # Who may be a dependant is listed only where dependants are admitted.
    assert (section.find("h3", string="Quem pode ser dependente") is not None) == (
        dependants and slug != "cassems-odonto")

    body = client.get(f"/api/v1/planos/{slug}").get_json()
    validator(spec, "Plano").validate(body)
    adesao = body["adesao"]
    assert adesao["modalidades"] == modalities and adesao["aceita_dependentes"] is dependants
    assert adesao["referencia"] == clause and adesao["resumo"] == answer
    assert words in " ".join(adesao["texto"].split())


def test_master_says_in_one_line_that_it_takes_no_dependants(client):
    page = client.page("/planos/sintaema-master")
    assert overview_row(page, "Dependentes") == (
        "Só o titular, sem dependentes: plano oferecido somente na modalidade individual (art. 5º, III).")
    section = text_of(page.find(id="dependentes"))
    assert "Cônjuge" not in section and "Filhos" not in section
    assert "mesmo tipo de Plano Odontológico escolhido pelo titular (art. 4º, § 1º)" in section


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_demo_families_follow_who_may_join(session):
    demo_families(session, clock.today())
    for index, (slug, *_rest) in enumerate(FAMILIES, start=1):
        holder = member_by_cpf(session, holder_cpf(index))
        kinships = sorted(m.kinship for m in holder.dependants)
        expected = [] if slug == "sintaema-master" else ["conjuge", "filho"]
        assert kinships == expected, slug
    master = member_by_cpf(session, holder_cpf(4))
    assert session.scalars(select(Member).where(Member.holder_id == master.id)).all() == []


def test_the_demo_sign_in_table_says_master_has_no_dependant(client, app, session):
    app.config["DEMO"] = True
    demo_families(session, clock.today())
    rows = [[text_of(td) for td in tr.find_all("td")] for tr in client.page("/entrar").select("tbody tr")]
    master = next(r for r in rows if r[0] == "Plano MASTER")
    assert master[2] == "Sem dependentes (plano individual)"
