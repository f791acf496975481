"""Table-driven: every waiting-period statement of the documents, on SQLite and PostgreSQL.

The expected values live in ``expected_waiting_periods.py``, typed from the documents
independently of the catalog files, so a wrong row in the catalog fails here.
"""

from datetime import datetime, timedelta

import pytest

from tests.plans.expected_waiting_periods import CASES
from tests.support.databases import BACKENDS
from tests.support.plans import INCLUSION, expected_moment
from webapp.core.clock import TIMEZONE
from webapp.plans import models, schedules, services

pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


def _product(session, slug):
    return services.get_product(session, slug)


@pytest.mark.parametrize(("slug", "wording", "procedure_id", "period"), CASES,
                         ids=[f"{c[0]}:{c[2]}" for c in CASES])
def test_procedure_becomes_available_as_the_document_says(session, slug, wording, procedure_id, period):
    product = _product(session, slug)
    result = schedules.procedure_availability(session, product, procedure_id, INCLUSION)
    assert result.rule is not None, f"sem carência encontrada para {wording!r}"
    assert result.available_at == expected_moment(period)


def test_the_example_of_the_issue(session):
    # CASSEMS: 60 days for everything but urgency; included 10/01/2026 → available 11/03/2026.
    product = _product(session, "cassems-odonto")
    restoration = next(pp for pp in product.procedures if pp.category == "dentistica")
    result = schedules.procedure_availability(session, product, restoration.procedure_id, INCLUSION)
    assert result.available_at == datetime(2026, 3, 11, tzinfo=TIMEZONE)


def test_every_leve_table_row_is_covered_by_the_oracle(session):
    product = _product(session, "leve-dental-rj-1-adesao")
    oracle = {c[2] for c in CASES if c[0] == "leve-dental-rj-1-adesao"}
    in_table = {p for w in product.waiting_periods for p in w.procedures}
    assert in_table <= oracle, f"linhas da tabela sem caso de teste: {sorted(in_table - oracle)}"


def test_sintaema_master_exemption_waives_the_90_days(session):
    product = _product(session, "sintaema-master")
    ortho = next(pp for pp in product.procedures if pp.category == "ortodontia")
    exemption = product.exemptions[0].code
    result = schedules.procedure_availability(session, product, ortho.procedure_id, INCLUSION, exemption=exemption)
    assert result.exempt and result.available_at == datetime(2026, 1, 10, tzinfo=TIMEZONE)


def test_unknown_exemption_and_procedure_are_errors(session):
    product = _product(session, "cassems-odonto")
    with pytest.raises(LookupError):
        schedules.procedure_availability(session, product, "nao-existe", INCLUSION)
    any_procedure = product.procedures[0].procedure_id
    with pytest.raises(LookupError):
        schedules.procedure_availability(session, product, any_procedure, INCLUSION, exemption="inventada")


def test_sao_cristovao_is_silent_on_prosthesis(session):
    product = _product(session, "sao-cristovao-odontologico")
    prosthesis_only = [
        pp for pp in product.procedures
        if pp.category == "protese"
        and {c.category for c in product.procedures if c.procedure_id == pp.procedure_id} == {"protese"}
        and session.get(models.Procedure, pp.procedure_id).category == "protese"
    ]
    assert prosthesis_only, "o contrato lista próteses cobertas"
    result = schedules.procedure_availability(session, product, prosthesis_only[0].procedure_id, INCLUSION)
    assert result.rule is None and result.available_at is None


def test_holder_inclusion_as_a_datetime(session):
    product = _product(session, "cassems-odonto")
    urgent = next(pp for pp in product.procedures if pp.category == "urgencia")
    moment = datetime(2026, 1, 10, 16, 20, tzinfo=TIMEZONE)
    result = schedules.procedure_availability(session, product, urgent.procedure_id, moment)
    assert result.available_at == moment + timedelta(hours=24)
