"""Look-up: exact CPF or card number, a reason before the member is shown, every view audited."""

from datetime import timedelta

import pytest

from tests.support.agents import AGENT, SUPERVISOR, agent_named, agent_session, log_rows, look_up, lookup_id
from tests.support.databases import BACKENDS
from tests.support.members import CASSEMS_HOLDER_CPF, CASSEMS_SPOUSE_CPF, LEVE_HOLDER_CPF, member_by_cpf
from webapp.core import clock


def formatted(cpf):
    return f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_look_up_by_cpf_with_a_reason_is_audited_and_shows_the_family(agent_client, families):
    response = look_up(agent_client, formatted(CASSEMS_HOLDER_CPF), reason="whatsapp", protocol="2026-000123")
    entry_id = lookup_id(response)
    holder = member_by_cpf(families, CASSEMS_HOLDER_CPF)
    [row] = log_rows(families)
    agent = agent_named(families, AGENT)
    assert (row.id, row.agent_id, row.member_id, row.reason, row.action, row.protocol, row.ip) == (
        entry_id, agent.id, holder.id, "whatsapp", "consulta", "2026-000123", "127.0.0.1")
    assert row.at is not None and row.lookup_id is None

    page = agent_client.page(f"/atendimento/consultas/{entry_id}")
    text = page.get_text(" ")
    assert page.h1.get_text(" ", strip=True).startswith("Mariana Alves Rocha")
    for needle in ("CASSEMS ODONTO", "Viventeris", holder.card_number, holder.cns, holder.contract_number,
                   "Conversa pelo WhatsApp", "2026-000123", "Somente leitura", "(67) 91888-1201"):
        assert needle in text, needle
    people = [h.get_text(" ", strip=True) for h in page.select(".go-agent-person h3")]
    assert people == ["Mariana Alves Rocha consultado", "Paulo Rocha", "Lívia Alves Rocha"]
    spouse = page.select(".go-agent-person")[1]
    assert spouse.select("table tbody tr"), "the spouse joined 45 days ago: waiting periods still running"
    assert "Campo Grande/MS" in text  # the DDD's municipality, suggested for searches
    # Read-only: the only forms open the audited extrato, send the audited link for a new password or
    # sign the agent out; no field edits the member.
    assert {f["action"] for f in page.select("main form")} == {f"/atendimento/consultas/{entry_id}/extrato",
                                                                 f"/atendimento/consultas/{entry_id}/nova-senha",
                                                                 "/atendimento/sair"}
    assert page.select("main input:not([type=hidden]), main select, main textarea") == []
    assert len(log_rows(families)) == 1  # reading the page wrote nothing


def test_look_up_by_card_number_of_a_dependant(agent_client, families):
    spouse = member_by_cpf(families, CASSEMS_SPOUSE_CPF)
    entry_id = lookup_id(look_up(agent_client, spouse.card_number, reason="ouvidoria"))
    page = agent_client.page(f"/atendimento/consultas/{entry_id}")
    assert page.h1.get_text(strip=True).startswith("Paulo Rocha")
    assert "Paulo Rocha consultado" in page.select_one(".go-agent-person--current h3").get_text(" ", strip=True)
    assert "do titular" in page.get_text()  # his own phone is not on file: the holder's is used


def test_reason_is_required_before_the_member_is_shown(agent_client, families):
    response = look_up(agent_client, CASSEMS_HOLDER_CPF, reason="")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Escolha o motivo" in text and "Mariana" not in text
    assert log_rows(families) == []
    unknown_reason = look_up(agent_client, CASSEMS_HOLDER_CPF, reason="curiosidade")
    assert unknown_reason.status_code == 400 and log_rows(families) == []
    empty = look_up(agent_client, "", reason="ligacao")
    assert empty.status_code == 400 and "Informe o CPF" in empty.get_data(as_text=True)
    long_protocol = look_up(agent_client, CASSEMS_HOLDER_CPF, protocol="9" * 31)
    assert long_protocol.status_code == 400 and log_rows(families) == []


@pytest.mark.parametrize("partial", [
    CASSEMS_HOLDER_CPF[:9],  # a prefix of the CPF
    CASSEMS_HOLDER_CPF[:-1] + str((int(CASSEMS_HOLDER_CPF[-1]) + 1) % 10),  # one digit off
    "9",  # a prefix of every demo card number
    "%", "1' OR '1'='1",
])
def test_only_exact_matches_and_misses_are_audited(agent_client, families, partial):
    response = look_up(agent_client, partial)
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Nenhum beneficiário" in text and "Mariana" not in text
    [row] = log_rows(families)
    assert row.action == "nao-encontrado" and row.member_id is None


def test_twenty_misses_pause_the_agent(agent_client, families):
    for _ in range(20):
        assert look_up(agent_client, "123").status_code == 404
    paused = look_up(agent_client, CASSEMS_HOLDER_CPF)
    assert paused.status_code == 429 and "pausadas" in paused.get_data(as_text=True)
    assert paused.headers["Retry-After"] == str(15 * 60)  # the clock stands still in these tests


def test_a_look_up_is_the_agents_own_and_closes_after_30_minutes(client, families, frozen_clock):
    agent_session(client, agent_named(families, AGENT))
    entry_id = lookup_id(look_up(client, LEVE_HOLDER_CPF))
    assert client.get(f"/atendimento/consultas/{entry_id}").status_code == 200
    index = client.page("/atendimento")
    assert [a.get_text(strip=True) for a in index.select("#abertas-title + ul a")] == ["Luiz Henrique Barbosa"]

    agent_session(client, agent_named(families, SUPERVISOR))  # another agent, even a supervisor
    for url in (f"/atendimento/consultas/{entry_id}", f"/atendimento/consultas/{entry_id}/enviar-link",
                "/atendimento/consultas/999999"):
        assert client.get(url).status_code == 404, url

    agent_session(client, agent_named(families, AGENT))
    frozen_clock(clock.now() + timedelta(minutes=31))
    agent_session(client, agent_named(families, AGENT))
    page = client.page(f"/atendimento/consultas/{entry_id}", status=410)
    assert "Consulta encerrada" in page.h1.get_text() and "Luiz" not in page.get_text()
    assert client.page("/atendimento").select("#abertas-title") == []


def test_a_miss_row_is_not_a_look_up(agent_client, families):
    look_up(agent_client, "123")
    [row] = log_rows(families)
    assert agent_client.get(f"/atendimento/consultas/{row.id}").status_code == 404


def test_look_up_page_lists_reasons_and_is_private(agent_client, families):
    page = agent_client.page("/atendimento")
    reasons = [label.get_text(strip=True) for label in page.select("fieldset .go-radio__label")]
    assert "Ligação do beneficiário" in reasons and "Ouvidoria" in reasons and "Conversa pelo WhatsApp" in reasons
    response = agent_client.get("/atendimento")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_error_page_is_a_valid_page(agent_client, families):
    from tests.support.pages import check_page

    response = look_up(agent_client, "", reason="")
    page = check_page(response.get_data(as_text=True), response.headers["Content-Security-Policy"])
    assert [a["href"] for a in page.select(".go-error-summary a")] == ["#identificador", "#motivo-ligacao"]
