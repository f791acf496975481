"""Plain service functions behind the plan pages (no HTTP)."""

from datetime import date, datetime

import pytest

from tests.support.plans import family_member
from webapp.core.clock import TIMEZONE
from webapp.plans import schedules, services
from webapp.plans.answers import coverage_answers
from webapp.plans.waiting import Rule


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-01-10", date(2026, 1, 10)), (" 2026-01-10 ", date(2026, 1, 10)), ("10/01/2026", date(2026, 1, 10)),
    ("1/2/2026", date(2026, 2, 1)), ("2024-02-29", date(2024, 2, 29)),
])
def test_parse_inclusion_accepts_iso_and_typed_dates(raw, expected):
    assert schedules.parse_inclusion(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "  ", "2026-02-29", "2026-13-01", "10-01-2026", "20260110", "1899-12-31",
                                 "2101-01-01", "ontem"])
def test_parse_inclusion_rejects_with_a_portuguese_message(raw):
    with pytest.raises(schedules.InvalidInclusion) as err:
        schedules.parse_inclusion(raw)
    assert str(err.value)[0].isupper() and str(err.value).endswith(".")


def test_api_parsing_accepts_only_iso():
    with pytest.raises(schedules.InvalidInclusion):
        schedules.parse_inclusion("10/01/2026", allow_br=False)


def test_prior_authorization_only_where_the_document_says(session):
    leve = services.prior_authorization(services.get_product(session, "leve-dental-rj-1-adesao"))
    assert leve.except_urgency and leve.reference == "cláusulas 15.5.1 e 15.5.4"
    sao = services.prior_authorization(services.get_product(session, "sao-cristovao-odontologico"))
    assert not sao.except_urgency and sao.reference == "cláusula 22"
    for slug in ("cassems-odonto", "sintaema-convencional", "sintaema-integral", "sintaema-master"):
        assert services.prior_authorization(services.get_product(session, slug)) is None, slug


def test_sections_follow_the_document(session):
    assert services.product_sections(services.get_product(session, "cassems-odonto")) == [
        "coberturas", "carencias", "urgencia", "reembolso", "regras", "pagamento-e-cancelamento", "dependentes",
        "contatos", "duvidas"]
    assert "duvidas" not in services.product_sections(services.get_product(session, "sintaema-master"))


def test_waiting_schedule_dates_and_exemptions(session):
    product = services.get_product(session, "sintaema-master")
    rows = schedules.waiting_schedule(product, date(2026, 1, 10), session=session)
    assert [(r.rule.days, r.available_at) for r in rows] == [
        (0, datetime(2026, 1, 10, tzinfo=TIMEZONE)), (90, datetime(2026, 4, 10, tzinfo=TIMEZONE))]
    assert rows[1].group == "Prótese, Ortodontia" and rows[0].group is None
    waived = schedules.waiting_schedule(product, date(2026, 1, 10), exemption=product.exemptions[0].code)
    assert {r.available_at for r in waived} == {datetime(2026, 1, 10, tzinfo=TIMEZONE)}


def test_family_schedule_ignores_unknown_exemptions(session):
    product = services.get_product(session, "leve-dental-rj-1-adesao")
    person = family_member(1, "Ana", "titular", datetime(2026, 1, 10, tzinfo=TIMEZONE), exemption="nao-existe")
    (schedule,) = schedules.family_schedules(product, [person])
    assert schedule.exemption_note is None
    assert {r.available_at.date() for r in schedule.rows} == {
        date(2026, 1, 11), date(2026, 3, 11), date(2026, 4, 10), date(2026, 7, 9)}


def test_release_text(app):
    from webapp.plans.views import release_text

    now = datetime(2026, 2, 15, 9, 30, tzinfo=TIMEZONE)
    assert release_text(None, now) == "o documento não informa a carência"
    assert release_text(datetime(2026, 2, 15, tzinfo=TIMEZONE), now) == "liberado"
    assert release_text(datetime(2026, 3, 11, tzinfo=TIMEZONE), now) == "liberado a partir de 11/03/2026"
    assert release_text(datetime(2026, 2, 15, 16, 20, tzinfo=TIMEZONE), now) == "liberado a partir de 15/02/2026 às 16:20"


def test_procedures_in_the_documents_waiting_table_count_as_covered(session):
    # LEVE cláusula 13.3 gives "Pulpectomia" 24 horas; the catalog's coverage list does not repeat it.
    product = services.get_product(session, "leve-dental-rj-1-adesao")
    answers = coverage_answers(session, product, "pulpectomia")
    (answer,) = [a for a in answers.covered if a.match.procedure.id == "pulpectomia"]
    assert answer.match.wording == "Pulpectomia" and answer.rule == Rule(
        label="Pulpectomia", hours=24, procedures=frozenset({"pulpectomia"}), section="Urgência")
    assert answer.urgency
    assert not [a for a in answers.not_covered if a.match.procedure.id == "pulpectomia"]


def test_not_covered_answers_carry_the_exclusion_that_explains_them(session):
    product = services.get_product(session, "leve-dental-rj-1-adesao")
    answers = coverage_answers(session, product, "aparelho")
    ortho = next(a for a in answers.not_covered if a.match.procedure.id == "tratamento-ortodontico")
    assert [e.reference for e in ortho.exclusions] == ["cláusula 11.1, i"]


def test_family_availability_for_a_procedure(session):
    product = services.get_product(session, "cassems-odonto")
    family = [family_member(1, "Ana", "titular", datetime(2026, 1, 10, tzinfo=TIMEZONE))]
    answers = coverage_answers(session, product, "canal", family)
    for answer in answers.covered:
        (person,) = answer.family
        assert person.availability.available_at == datetime(2026, 3, 11, tzinfo=TIMEZONE)
        assert person.free(datetime(2026, 3, 11, tzinfo=TIMEZONE)) is True
