"""The actions that settle a report, through HTTP on both databases: "não atende mais o plano"
takes the provider out of that plan's results at once and into "Alterações da rede"; a correction
changes the location and is kept; "verificado" dates the location; a rejection needs a reason.
Each is audited, settles the same complaint sent again, and loses cleanly to a colleague who
settled the report first."""

import pytest
from sqlalchemy import select

from tests.support.agents import AGENT, SUPERVISOR, TEAM, agent_named, agent_session
from tests.support.databases import BACKENDS
from tests.support.network_team import act, latest_report, member_reports, reports_from_many
from tests.support.pages import check_page, csrf, text_of
from webapp.agents.demo import demo_password_hash
from webapp.agents.models import AccessLog, Agent
from webapp.core import clock
from webapp.network.models import DataReport, Location, LocationCorrection, NetworkChange, NetworkMembership

both = pytest.mark.parametrize("backend", BACKENDS, indirect=True)
LEVE, MASTER = "leve-dental-rj-1-adesao", "sintaema-master"
NITEROI = "3303302"
CORRECT_N1 = {"telefones": "(21) 2711-0000", "whatsapp": "(21) 99876-5432", "logradouro": "Rua Moreira César",
              "numero": "100", "complemento": "Sala 201", "bairro": "Icaraí", "cep": "24230-052"}


def result_names(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.select(".go-result__name a")]


def audit_rows(session, action: str) -> list[AccessLog]:
    session.expire_all()
    return list(session.scalars(select(AccessLog).where(AccessLog.action == action)))


def location_of(session, provider_id: int) -> Location:
    session.expire_all()
    return session.scalars(select(Location).where(Location.provider_id == provider_id)).one()


@both
def test_not_taking_the_plan_anymore_ends_that_membership_and_shows_in_network_changes(team_world, backend):
    client, session, pid = team_world.client, team_world.session, team_world.providers["N3"]
    search = f"/rede?plano={LEVE}&municipio={NITEROI}"
    assert "Clínica Icaraí" in result_names(client.page(search))
    member_reports(client, pid, "nao-atende-plano", "Disseram que não aceitam mais o LEVE")
    report = latest_report(session)
    page = client.page(f"/atendimento/rede/relatos/{report.id}")
    assert [o["value"] for o in page.select("#saiu-plano option") if o["value"]] == [LEVE, MASTER]

    response = act(client, report.id, "saiu", {"plano": LEVE})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/atendimento/rede/relatos/{report.id}?feito=1#resultado"

    assert "Clínica Icaraí" not in result_names(client.page(search))  # at once
    api = client.get(f"/api/v1/rede?plano={LEVE}&municipio={NITEROI}").get_json()
    assert "Clínica Icaraí" not in {r["nome"] for r in api["resultados"]}
    assert "Clínica Icaraí" in result_names(client.page(f"/rede?plano={MASTER}&municipio={NITEROI}"))  # still there
    changes = client.page(f"/rede/alteracoes?plano={LEVE}")
    row = next(tr for tr in changes.select("tbody tr") if "Clínica Icaraí" in text_of(tr))
    assert text_of(row).startswith(clock.today().strftime("%d/%m/%Y") + " Saída Clínica Icaraí")

    session.expire_all()
    settled = session.get(DataReport, report.id)
    team = agent_named(session, TEAM)
    assert (settled.status, settled.resolution, settled.resolved_by) == ("resolvido", "saiu", team.id)
    assert settled.resolved_at == clock.utcnow() and settled.resolution_note == "Saiu da rede do LEVE DENTAL RJ 1 Adesão"
    membership = session.scalars(select(NetworkMembership).join(NetworkMembership.provider)
                                 .where(NetworkMembership.provider_id == pid)).all()
    assert sorted((m.until is not None) for m in membership) == [False, True]
    assert session.scalars(select(NetworkChange.municipality_ibge).where(
        NetworkChange.provider_id == pid, NetworkChange.kind == "saida")).all() == [int(NITEROI)]
    [entry] = audit_rows(session, "rede-saida")
    assert (entry.agent_id, entry.reason, entry.member_id) == (team.id, "rede", None)
    assert entry.detail == f"relato {report.id}; prestador {pid}; plano {LEVE}"

    page = client.page(response.headers["Location"].split("#")[0])
    done = page.select_one("#resultado")
    assert "Relato resolvido: Não atende mais o plano" in text_of(done)
    assert page.select(".go-team-action") == []  # nothing left to do on it
    assert "Saiu em" in text_of(page.select_one(".go-team-plans"))


def test_an_announced_exit_happens_today_instead(team_world):
    """Dra. Saiu da Rede was announced to leave later; leaving today moves that one exit."""
    client, session = team_world.client, team_world.session
    pid = team_world.providers["X1"]
    membership = session.scalars(select(NetworkMembership).where(NetworkMembership.provider_id == pid)).one()
    membership.until = clock.today().replace(year=clock.today().year + 1)
    session.execute(NetworkChange.__table__.update().where(NetworkChange.provider_id == pid)
                    .values(effective_date=membership.until))
    session.flush()
    [report_id] = reports_from_many(session, pid, "nao-atende-plano")
    assert act(client, report_id, "saiu", {"plano": LEVE}).status_code == 303
    session.expire_all()
    assert session.scalars(select(NetworkChange.effective_date).where(
        NetworkChange.provider_id == pid, NetworkChange.kind == "saida")).all() == [clock.today()]


@both
def test_a_correction_changes_the_location_is_recorded_and_verifies_it(team_world, backend):
    client, session, pid = team_world.client, team_world.session, team_world.providers["N1"]
    member_reports(client, pid, "telefone-errado", "O número mudou para 2711-9999")
    report = latest_report(session)
    before = location_of(session, pid)
    page = client.page(f"/atendimento/rede/relatos/{report.id}")
    assert page.select_one("#telefones")["value"] == "(21) 2711-0000"  # the form starts from what is published
    response = act(client, report.id, "corrigir", {**CORRECT_N1, "local": str(before.id),
                                                   "telefones": "21 2711 9999 | (21) 3333-4444", "cep": "24230052"})
    assert response.status_code == 303

    location = location_of(session, pid)
    assert location.phones == ["(21) 2711-9999", "(21) 3333-4444"]
    assert location.cep == "24230052" and location.street == "Rua Moreira César"  # the same, no correction
    assert (location.verified_at, location.verified_source) == (clock.utcnow(), "relato")
    [correction] = session.scalars(select(LocationCorrection)).all()
    assert (correction.field, correction.value, correction.file_value) == (
        "phones", ["(21) 2711-9999", "(21) 3333-4444"], ["(21) 2711-0000"])
    assert correction.report_id == report.id and correction.superseded_at is None
    settled = session.get(DataReport, report.id)
    assert (settled.resolution, settled.resolution_note) == ("corrigido", "Corrigido: Telefones")
    [entry] = audit_rows(session, "rede-corrigido")
    assert entry.detail == f"relato {report.id}; prestador {pid}; local {location.id}; campos: phones"

    public = client.page(client.get(f"/rede/dentista/{pid}").headers["Location"])
    assert "(21) 2711-9999" in text_of(public.select_one("main"))
    page = client.page(f"/atendimento/rede/relatos/{report.id}")
    assert "No arquivo da operadora: (21) 2711-0000" in text_of(page.select_one(".go-team-location__correction"))


def test_correcting_a_field_twice_keeps_the_files_value(team_world):
    client, session, pid = team_world.client, team_world.session, team_world.providers["N1"]
    first, second, third = reports_from_many(session, pid, "telefone-errado", 1) + reports_from_many(
        session, pid, "outro", 1) + reports_from_many(session, pid, "endereco-errado", 1)
    loc = location_of(session, pid)
    assert act(client, first, "corrigir", {**CORRECT_N1, "local": str(loc.id), "whatsapp": "(21) 98888-0000"}
               ).status_code == 303
    assert act(client, second, "corrigir", {**CORRECT_N1, "local": str(loc.id), "whatsapp": "(21) 97777-0000"}
               ).status_code == 303
    session.expire_all()
    rows = session.scalars(select(LocationCorrection).order_by(LocationCorrection.id)).all()
    assert [(c.value, c.file_value, c.superseded_at is None) for c in rows] == [
        ("(21) 98888-0000", "(21) 99876-5432", False), ("(21) 97777-0000", "(21) 99876-5432", True)]
    # Back to what the file says: no correction left to keep.
    assert act(client, third, "corrigir", {**CORRECT_N1, "local": str(loc.id)}).status_code == 303
    session.expire_all()
    assert session.scalars(select(LocationCorrection).where(LocationCorrection.superseded_at.is_(None))).all() == []
    assert location_of(session, pid).whatsapp == "(21) 99876-5432"


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"telefones": "2711-0000"}, "telefones", "Telefone inválido: 2711-0000"),
    ({"telefones": "(20) 2711-0000"}, "telefones", "Telefone inválido"),  # no such DDD
    ({"whatsapp": "(21) 2711-0000"}, "whatsapp", "O WhatsApp deve ser um celular"),
    ({"logradouro": ""}, "logradouro", "Informe o logradouro"),
    ({"logradouro": "Rua\x00A"}, "logradouro", "caracteres de controle"),
    ({"numero": "1" * 21}, "numero", "O número pode ter no máximo 20 caracteres"),
    ({"cep": "2423005"}, "cep", "O CEP deve ter 8 dígitos"),
    ({"cep": "２４２３００５２"}, "cep", "O CEP deve ter 8 dígitos"),
    ({}, "telefones", "Nada mudou"),
    ({"local": "999999"}, "local", "Escolha um dos endereços do prestador"),
    ({"local": "x"}, "local", "Escolha um dos endereços do prestador"),
])
def test_a_correction_with_errors_is_a_400_that_keeps_what_was_typed(team_world, data, field, message):
    session, pid = team_world.session, team_world.providers["N1"]
    [report_id] = reports_from_many(session, pid, "telefone-errado")
    loc = location_of(session, pid)
    response = act(team_world.client, report_id, "corrigir", {**CORRECT_N1, "local": str(loc.id), **data})
    assert response.status_code == 400
    page = check_page(response.get_data(as_text=True), response.headers["Content-Security-Policy"])
    assert message in text_of(page.select_one(".go-error-summary"))
    if field != "local":
        assert message in text_of(page.select_one(f"#{field}-error"))
        assert page.select_one(f"#{field}")["aria-describedby"].endswith(f"{field}-error")
    if field in ("whatsapp", "numero", "cep"):
        assert page.select_one(f"#{field}")["value"] == data[field]  # what was typed, to fix
    assert session.get(DataReport, report_id).status == "novo"
    assert session.scalars(select(LocationCorrection)).all() == []


@both
def test_verified_dates_the_chosen_location(team_world, backend):
    client, session, pid = team_world.client, team_world.session, team_world.providers["N2"]
    [report_id] = reports_from_many(session, pid, "horario-errado")
    loc = location_of(session, pid)
    assert loc.verified_at is None
    assert act(client, report_id, "verificar", {"local": str(loc.id)}).status_code == 303
    loc = location_of(session, pid)
    assert (loc.verified_at, loc.verified_source) == (clock.utcnow(), "equipe")
    assert session.get(DataReport, report_id).resolution == "verificado"
    assert [e.detail for e in audit_rows(session, "rede-verificado")] == [
        f"relato {report_id}; prestador {pid}; local {loc.id}"]
    other = location_of(session, team_world.providers["N1"])
    response = act(client, reports_from_many(session, pid, "fechado")[0], "verificar", {"local": str(other.id)})
    assert response.status_code == 400 and "Escolha um dos endereços do prestador" in response.get_data(as_text=True)


@both
def test_a_rejection_needs_a_reason_and_keeps_it(team_world, backend):
    client, session, pid = team_world.client, team_world.session, team_world.providers["N2"]
    [report_id] = reports_from_many(session, pid, "fechado")
    for blank in ("", "   \n  "):
        response = act(client, report_id, "rejeitar", {"justificativa": blank})
        assert response.status_code == 400
        assert "Escreva por que o relato está sendo rejeitado" in response.get_data(as_text=True)
    too_long = act(client, report_id, "rejeitar", {"justificativa": "x" * 501})
    assert too_long.status_code == 400 and "no máximo 500 caracteres" in too_long.get_data(as_text=True)
    assert act(client, report_id, "rejeitar", {"justificativa": "Liguei:\r\n atende normalmente."}).status_code == 303
    session.expire_all()
    report = session.get(DataReport, report_id)
    assert (report.status, report.resolution, report.resolution_note) == (
        "rejeitado", "rejeitado", "Liguei: atende normalmente.")
    assert len(audit_rows(session, "rede-rejeitado")) == 1
    page = client.page(f"/atendimento/rede/relatos/{report_id}")
    assert "“Liguei: atende normalmente.”" in text_of(page.select_one(".go-team-report__report"))


def test_the_same_complaint_sent_again_is_settled_with_it_other_complaints_stay_open(team_world):
    client, session, pid = team_world.client, team_world.session, team_world.providers["N1"]
    phone = reports_from_many(session, pid, "telefone-errado", 3)
    hours = reports_from_many(session, pid, "horario-errado")
    page = client.page(f"/atendimento/rede/relatos/{phone[-1]}")
    assert "2 relatos iguais (mesmo motivo e endereço) são resolvidos junto com este" in text_of(page)
    assert [a["href"] for a in page.select(".go-team-report__report .go-list a")] == [
        f"/atendimento/rede/relatos/{hours[0]}"]
    assert act(client, phone[-1], "rejeitar", {"justificativa": "Número confirmado."}).status_code == 303
    session.expire_all()
    assert [session.get(DataReport, i).status for i in phone + hours] == ["rejeitado"] * 3 + ["novo"]
    assert len(audit_rows(session, "rede-rejeitado")) == 1


@both
def test_two_team_members_settling_the_same_report_one_wins_the_other_is_told(app, team_world, backend):
    client, session, pid = team_world.client, team_world.session, team_world.providers["N2"]
    colleague = Agent(username="equipe-dois", name="Otávio Reis", password_hash=demo_password_hash(),
                      is_network_team=True, active=True, session_version=0)
    session.add(colleague)
    session.flush()
    other = app.test_client()
    agent_session(other, colleague)
    [report_id] = reports_from_many(session, pid, "nao-atende-plano")
    loc = location_of(session, pid)
    # Both have the page open, with its forms; the colleague posts first.
    mine = csrf(client, f"/atendimento/rede/relatos/{report_id}")
    theirs = csrf(other, f"/atendimento/rede/relatos/{report_id}")
    assert other.post(f"/atendimento/rede/relatos/{report_id}/saiu",
                      data={"plano": LEVE, "csrf_token": theirs}).status_code == 303
    late = client.post(f"/atendimento/rede/relatos/{report_id}/verificar",
                       data={"local": str(loc.id), "csrf_token": mine})
    assert late.status_code == 409
    page = check_page(late.get_data(as_text=True), late.headers["Content-Security-Policy"])
    notice = text_of(page.select_one("#resultado"))
    assert notice.startswith("Este relato já foi resolvido por Otávio Reis em ")
    assert "(Não atende mais o plano: saída registrada). Nada foi alterado agora" in notice
    assert page.select_one("#resultado")["role"] == "alert"
    session.expire_all()
    assert location_of(session, pid).verified_at is None  # the late action changed nothing
    assert session.get(DataReport, report_id).resolved_by == colleague.id
    assert audit_rows(session, "rede-verificado") == []


def test_the_service_refuses_a_report_settled_between_the_page_and_the_post(team_world):
    """The conditional UPDATE decides, not the page's earlier read: settled meanwhile by another
    request (a row changed behind the session's back), the action raises and writes nothing."""
    from webapp.network_team import services

    session, pid = team_world.session, team_world.providers["N2"]
    [report_id] = reports_from_many(session, pid, "fechado")
    session.connection().execute(DataReport.__table__.update().where(DataReport.__table__.c.id == report_id)
                                 .values(status="resolvido", resolution="verificado"))
    team = agent_named(session, TEAM)
    with pytest.raises(services.AlreadySettled, match="Este relato já foi resolvido"):
        services.reject(session, report_id, team, "Repetido", "127.0.0.1", clock.utcnow())
    assert audit_rows(session, "rede-rejeitado") == []


def test_the_audit_log_shows_the_teams_actions_to_supervisors(team_world):
    client, session, pid = team_world.client, team_world.session, team_world.providers["N2"]
    [report_id] = reports_from_many(session, pid, "fechado")
    assert act(client, report_id, "rejeitar", {"justificativa": "Está aberto."}).status_code == 303
    agent_session(client, agent_named(session, SUPERVISOR))
    page = client.page("/atendimento/auditoria")
    row = text_of(page.select_one(".go-agent-audit__row"))
    assert "Sandra Lima" in row and "Fila da equipe de rede" in row and "Rede: relato rejeitado" in row
    assert f"relato {report_id}; prestador {pid}" in row and "consulta nº" not in row
    csv_text = client.get("/atendimento/auditoria.csv").get_data(as_text=True)
    assert "Rede: relato rejeitado" in csv_text
    # And the look-up still offers only the reasons for opening a member's data.
    agent_session(client, agent_named(session, AGENT))
    reasons = {i["value"] for i in client.page("/atendimento").select("input[name=motivo]")}
    assert "rede" not in reasons and "ligacao" in reasons
