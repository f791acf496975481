"""The waiting-period calculator /planos/<slug>/carencias?inclusao=AAAA-MM-DD.

Table-driven: for every case typed from the documents (``expected_waiting_periods.CASES``),
the row of the statement that governs the procedure shows the date the document's period gives
for an inclusion on 10/01/2026 (00:00 America/Sao_Paulo) — on the page and in the JSON twin.
"""

from collections import defaultdict
from datetime import datetime

import pytest

from tests.plans.expected_waiting_periods import CASES
from tests.support.databases import BACKENDS
from tests.support.pages import squeeze, text_of
from tests.support.plans import INCLUSION, expected_moment, family_member, member_of
from webapp.core.clock import TIMEZONE
from webapp.plans import schedules, services
from webapp.plans.schema import PRODUCT_SLUGS

BY_PRODUCT = defaultdict(list)
for _case in CASES:
    BY_PRODUCT[_case[0]].append(_case)


def table_rows(page, scope="#datas"):
    """(label, period, date cell) of every row of the calculator's tables."""
    return [tuple(text_of(td) for td in tr.find_all("td")) for tr in page.select(f"{scope} tbody tr")]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
@pytest.mark.parametrize("slug", sorted(BY_PRODUCT))
def test_calculator_dates_match_the_documents_tables(client, session, slug):
    product = services.get_product(session, slug)
    page = client.page(f"/planos/{slug}/carencias?inclusao=2026-01-10")
    rows = table_rows(page)
    assert len(rows) == len(product.waiting_periods)
    api = client.get(f"/api/v1/planos/{slug}/carencias?inclusao=2026-01-10").get_json()
    problems = []
    for _, wording, procedure_id, period in BY_PRODUCT[slug]:
        rule = schedules.procedure_availability(session, product, procedure_id, INCLUSION).rule
        label = squeeze(rule.label)
        # LEVE's table words each row as the oracle does (the 14.1 row is the catalog's words).
        if slug == "leve-dental-rj-1-adesao" and not (rule.section or "").endswith("(cláusula 14.1)"):
            if label != squeeze(wording):
                problems.append((wording, "linha", label))
        expected = expected_moment(period)
        dates = {cell.split(" já liberado")[0] for lab, _, cell in rows if lab == label}
        if dates != {expected.strftime("%d/%m/%Y")}:
            problems.append((wording, "página", dates, expected))
        api_dates = {i["liberado_em"] for i in api["itens"] if squeeze(i["procedimento"]) == label}
        if api_dates != {expected.isoformat()}:
            problems.append((wording, "api", api_dates, expected.isoformat()))
    assert problems == []


@pytest.mark.parametrize("slug", PRODUCT_SLUGS)
def test_every_statement_of_the_document_is_a_row_in_document_order(client, session, slug):
    product = services.get_product(session, slug)
    rows = table_rows(client.page(f"/planos/{slug}/carencias?inclusao=2026-01-10"))
    assert [r[0] for r in rows] == [squeeze(w.label) for w in product.waiting_periods]
    for (_, period, _), w in zip(rows, product.waiting_periods):
        assert period == ("sem carência" if not (w.hours or w.days) else
                          f"{w.hours} horas" if w.hours else f"{w.days} dias")


def test_leve_table_keeps_the_documents_headings(client):
    page = client.page("/planos/leve-dental-rj-1-adesao/carencias?inclusao=2026-01-10")
    captions = [text_of(c) for c in page.select("#datas caption")]
    assert captions[:3] == ["Diagnóstico", "Urgência", "Prevenção"]


def test_items_already_free_are_marked(client, clock):
    # now = 15/02/2026 09:30: 24 h (11/01) is free, the 60 days (11/03) are not.
    rows = table_rows(client.page("/planos/cassems-odonto/carencias?inclusao=2026-01-10"))
    by_label = {label: cell for label, _, cell in rows}
    assert by_label["60 dias para todos os procedimentos odontológicos"] == "11/03/2026"
    urgency = next(cell for label, _, cell in rows if label.startswith("Urgência e emergência"))
    assert urgency == "11/01/2026 já liberado"


def test_sintaema_no_waiting_period_is_free_from_the_inclusion_day(client, clock):
    rows = table_rows(client.page("/planos/sintaema-convencional/carencias?inclusao=2026-02-15"))
    assert rows == [("Não há carências a partir da data efetiva de inclusão", "sem carência", "15/02/2026 já liberado")]


def test_typed_brazilian_date_is_understood(client):
    page = client.page("/planos/cassems-odonto/carencias?inclusao=10/01/2026")
    assert page.find("input", attrs={"name": "inclusao"})["value"] == "2026-01-10"
    assert text_of(page.find(id="datas-title")) == "Inclusão em 10/01/2026"


@pytest.mark.parametrize(("value", "message"), [
    ("", "Informe a data de inclusão no plano."),
    ("2026-02-30", "A data 30/02/2026 não existe."),
    ("amanhã", "Data de inclusão inválida"),
    ("2026-1-10", "Data de inclusão inválida"),
    ("1800-01-01", "entre 1900 e 2100"),
    ("9999-12-31", "entre 1900 e 2100"),
])
def test_missing_or_invalid_date_is_a_400_with_a_clear_message(client, value, message):
    page = client.page(f"/planos/cassems-odonto/carencias?inclusao={value}", status=400)
    summary = page.select_one(".go-error-summary")
    assert message in text_of(summary)
    assert summary.find("a", href="#inclusao") is not None
    assert message in text_of(page.select_one("#inclusao-error"))
    assert page.find(id="datas") is None


def test_missing_parameter_is_a_400_when_nobody_is_signed_in(client):
    page = client.page("/planos/cassems-odonto/carencias", status=400)
    form = page.select_one("main form")
    assert form["action"] == "/planos/cassems-odonto/carencias" and form["method"] == "get"
    assert form.find("input", attrs={"type": "date", "name": "inclusao"}) is not None


def test_unknown_product_is_a_404(client):
    client.page("/planos/nao-existe/carencias?inclusao=2026-01-10", status=404)


def test_signed_in_member_without_inclusao_sees_their_familys_dates(client, sign_in, clock):
    holder = family_member(1, "Maria Souza", "titular", datetime(2026, 1, 10, tzinfo=TIMEZONE))
    child = family_member(2, "Ana Souza", "filho", datetime(2026, 2, 14, 16, 20, tzinfo=TIMEZONE))
    sign_in(member_of("cassems-odonto", holder, child))
    response = client.get("/planos/cassems-odonto/carencias")
    assert response.status_code == 200 and "private" in response.headers["Cache-Control"]
    page = client.page("/planos/cassems-odonto/carencias")
    people = page.select("#datas .go-personal__person")
    assert [text_of(p.h3) for p in people] == ["Você (Maria Souza)", "Ana Souza (filho ou filha)"]
    assert page.select_one("#datas").find("a", href="/minhas-carencias") is not None
    maria = {label: cell for label, _, cell in table_rows(people[0], "")}
    assert maria["60 dias para todos os procedimentos odontológicos"] == "11/03/2026"
    ana = {label: cell for label, _, cell in table_rows(people[1], "")}
    assert ana["60 dias para todos os procedimentos odontológicos"] == "15/04/2026 às 16:20"
    # An explicit date still works for a signed-in member (e.g. to check a new dependant).
    rows = table_rows(client.page("/planos/cassems-odonto/carencias?inclusao=2026-03-01"))
    assert ("60 dias para todos os procedimentos odontológicos", "60 dias", "30/04/2026") in rows


def test_adopted_child_counts_from_the_holders_inclusion(client, session, sign_in, clock):
    product = services.get_product(session, "sao-cristovao-odontologico")
    code = next(e.code for e in product.exemptions if e.effect == "count_from_holder")
    holder_in = datetime(2025, 1, 10, tzinfo=TIMEZONE)
    child = family_member(2, "Bia", "filho", datetime(2026, 2, 1, tzinfo=TIMEZONE), exemption=code,
                          holder_inclusion=holder_in)
    sign_in(member_of("sao-cristovao-odontologico", family_member(1, "Rui", "titular", holder_in), child))
    people = client.page("/planos/sao-cristovao-odontologico/carencias").select("#datas .go-personal__person")
    bia = table_rows(people[1], "")
    assert all(cell.endswith("já liberado") for _, _, cell in bia)
    assert "Carências contadas da inclusão do titular" in text_of(people[1])
