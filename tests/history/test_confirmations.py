""""Fui atendido pelo plano" / "Não aceitou meu plano" on the statement, through HTTP on both
databases (the clock stopped on TODAY): which visits offer the two answers, once per visit, only
the family's own, "atendido" verifying the address, and three families' "não aceitou" opening one
high-priority report for the network team."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.history import import_events, usage_row
from tests.support.members import add_family, member_session
from tests.support.network import network_rows, write_csv
from tests.support.pages import csrf, text_of
from webapp.core import clock
from webapp.core.clock import TIMEZONE
from webapp.history.confirmations import REPORT_MARKER
from webapp.history.models import UsageConfirmation
from webapp.network.importer import import_network
from webapp.network.models import DataReport, Location

LEVE = "leve-dental-rj-1-adesao"
INCLUDED = datetime(2025, 1, 10, 9, tzinfo=TIMEZONE)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def households(session, small_network):
    """Five LEVE families, each a holder and a spouse: [(holder, spouse), ...]."""
    return [tuple(add_family(session, LEVE, [(f"Titular Número {n}", "titular", INCLUDED),
                                             (f"Cônjuge Número {n}", "conjuge", INCLUDED)], seed=900 + 10 * n))
            for n in range(5)]


def visit(key: str, member, days_ago: int = 10, provider: str = "N1", location: str | None = "N1-L1",
          **overrides) -> dict:
    """A consultation at a network provider *days_ago* days before TODAY."""
    return usage_row(event_id=key, card_number=member.card_number,
                     performed_on=(TODAY - timedelta(days=days_ago)).isoformat(), provider_key=provider,
                     provider_name="Dra. Ana Endo", location_key=location or "", **overrides)


def answer(client, event_id: int, resposta: str, headers=None, **hidden):
    token = csrf(client, "/extrato")
    return client.post(f"/extrato/{event_id}/confirmacao", headers=headers or {},
                       data={"resposta": resposta, "csrf_token": token, **hidden})


def event_item(page, event_id: int):
    return page.select_one(f"#evento-{event_id}")


def offers_answers(page, event_id: int) -> bool:
    item = event_item(page, event_id)
    return item.select_one("form.go-confirm") is not None


def reports(session):
    return session.scalars(select(DataReport).where(DataReport.source == REPORT_MARKER)).all()


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_only_recent_visits_to_a_known_network_address_offer_the_two_answers(client, session, households,
                                                                             tmp_path):
    holder, spouse = households[0]
    ids = import_events(session, tmp_path / "uso.csv", [
        visit("OK", holder),
        visit("CONJUGE", spouse, days_ago=3),
        visit("SEM-LOCAL", holder, location=None, days_ago=12),  # N1 has one address: that one
        visit("GLOSA", holder, days_ago=20, status="glosado", status_reason="Guia sem assinatura"),
        visit("NEGADO", holder, days_ago=21, status="negado", status_reason="Carência"),
        visit("REEMBOLSO", holder, days_ago=22, source="reembolso", status="reembolsado", amount="100",
              reimbursed="60", provider="", location=None),
        visit("ANTIGO", holder, days_ago=181),
        visit("LIMITE", holder, days_ago=180),
        visit("FORA-DA-REDE", holder, provider="ZZ9", location=None),
        visit("LOCAL-DESCONHECIDO", holder, location="N1-L9"),
    ])
    member_session(client, holder)
    page = client.page("/extrato")
    offered = {key for key, event_id in ids.items() if offers_answers(page, event_id)}
    assert offered == {"OK", "CONJUGE", "SEM-LOCAL", "GLOSA", "LIMITE"}
    form = event_item(page, ids["OK"]).select_one("form.go-confirm")
    assert form["method"] == "post" and form["action"] == f"/extrato/{ids['OK']}/confirmacao"
    assert [b.get_text(strip=True) for b in form.select("button[name=resposta]")] == [
        "Fui atendido pelo plano", "Não aceitou meu plano"]
    assert [b["value"] for b in form.select("button[name=resposta]")] == ["atendido", "recusado"]
    assert "últimos 180 dias" in text_of(page.select_one(".go-confirm__about"))

    member_session(client, spouse)  # a dependant sees (and answers) only their own visits
    page = client.page("/extrato")
    assert [li["id"] for li in page.select(".go-event")] == [f"evento-{ids['CONJUGE']}"]
    assert offers_answers(page, ids["CONJUGE"])


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_atendido_verifies_the_address_from_the_day_of_the_visit_once(client, session, households, tmp_path,
                                                                      small_network):
    holder, _spouse = households[0]
    ids = import_events(session, tmp_path / "uso.csv", [visit("V1", holder, days_ago=10)])
    location = session.scalars(select(Location).where(Location.key == "N1-L1")).one()
    # Last verified long before the visit (as by an old network file).
    location.verified_at = datetime(2025, 6, 1, tzinfo=UTC)
    location.verified_source = "arquivo"
    session.flush()
    member_session(client, holder)

    response = answer(client, ids["V1"], "atendido", pessoa=str(holder.id), ano=str(TODAY.year))
    assert response.status_code == 303
    assert response.headers["Location"] == (f"/extrato?pessoa={holder.id}&ano={TODAY.year}"
                                            f"&confirmado={ids['V1']}#evento-{ids['V1']}")
    page = client.page(response.headers["Location"].split("#")[0])
    item = event_item(page, ids["V1"])
    assert not offers_answers(page, ids["V1"])
    assert text_of(item.select_one(".go-confirm__answer")) == "Sua resposta: Fui atendido pelo plano"
    thanks = item.select_one(".go-confirm__thanks")
    assert thanks["role"] == "status" and thanks["data-module"] == "take-focus" and "Obrigado!" in text_of(thanks)
    assert not client.page("/extrato").select_one(".go-confirm__thanks")  # thanked once, where it was

    session.expire_all()
    location = session.get(Location, location.id)
    assert location.verified_source == "membros"
    assert location.verified_at == datetime.combine(TODAY - timedelta(days=10), time(0), tzinfo=TIMEZONE)
    stored = session.scalars(select(UsageConfirmation)).one()
    assert (stored.usage_event_id, stored.member_id, stored.answer) == (ids["V1"], holder.id, "atendido")
    assert (stored.provider_id, stored.location_id) == (small_network["N1"], location.id)

    # A second answer, the other one or the same: refused with the first kept, never a 500.
    for second in ("recusado", "atendido"):
        response = answer(client, ids["V1"], second)
        assert response.status_code == 409
        item = event_item(client.page("/extrato"), ids["V1"])  # the page still shows the one answer
        assert "Fui atendido pelo plano" in text_of(item)
        text = response.get_data(as_text=True)
        assert "Você já tinha respondido sobre este atendimento: “Fui atendido pelo plano”" in text
    assert session.scalar(select(func.count()).select_from(UsageConfirmation)) == 1
    assert reports(session) == []


def test_an_answer_without_a_known_address_verifies_no_address(client, session, households, tmp_path):
    """Dr. Carlos Rio has one address, but this visit names none and he gets a second one: the
    answer is about the provider, and no address is marked verified."""
    holder, _spouse = households[0]
    first = next(r for r in network_rows() if r["provider_key"] == "R1")
    second = {**first, "location_key": "R1-L2", "street": "Rua do Catete", "number": "20", "latitude": "-22.9250",
              "longitude": "-43.1760"}
    assert import_network(session, write_csv(tmp_path / "rede.csv", [first, second]), today=TODAY).rejects == []
    assert session.scalar(select(func.count()).where(Location.key.like("R1-%"), Location.active.is_(True))) == 2
    ids = import_events(session, tmp_path / "uso.csv", [visit("R", holder, provider="R1", location=None)])
    member_session(client, holder)
    assert answer(client, ids["R"], "atendido").status_code == 303
    stored = session.scalars(select(UsageConfirmation)).one()
    assert stored.location_id is None and stored.provider_id is not None
    assert session.scalars(select(Location.verified_source).where(Location.key.like("R1-%"))).all() in (
        [None, None], ["arquivo", "arquivo"])


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_another_familys_visit_cannot_be_answered(client, session, households, tmp_path):
    (holder, spouse), (other, _) = households[0], households[1]
    ids = import_events(session, tmp_path / "uso.csv", [visit("MEU", holder), visit("DELA", spouse),
                                                        visit("DE-OUTRO", other)])
    member_session(client, holder)
    assert answer(client, ids["DE-OUTRO"], "recusado").status_code == 404
    assert answer(client, 2**31 - 1, "recusado").status_code == 404  # nobody's
    member_session(client, spouse)  # a dependant: not even the holder's own visit
    assert answer(client, ids["MEU"], "atendido").status_code == 404
    assert session.scalar(select(func.count()).select_from(UsageConfirmation)) == 0
    # The holder may answer for the spouse, whose visit is the family's.
    member_session(client, holder)
    assert answer(client, ids["DELA"], "atendido").status_code == 303
    assert session.scalars(select(UsageConfirmation.member_id)).all() == [holder.id]


def test_bad_answers_and_visits_that_cannot_be_answered_are_a_400(client, session, households, tmp_path):
    holder, _ = households[0]
    ids = import_events(session, tmp_path / "uso.csv", [visit("OK", holder), visit("ANTIGO", holder, days_ago=200)])
    member_session(client, holder)
    for value in ("", "talvez", "atendido\x00", "ATENDIDO"):
        response = answer(client, ids["OK"], value)
        assert response.status_code == 400
        item = event_item(client.page("/extrato"), ids["OK"])
        assert item.select_one("form.go-confirm") is not None
        assert "Escolha uma das respostas" in response.get_data(as_text=True)
    response = answer(client, ids["ANTIGO"], "atendido")
    assert response.status_code == 400
    assert "Não é possível responder sobre este atendimento" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(UsageConfirmation)) == 0
    # Filters that do not parse are only the way back: the answer is taken, the way back is plain.
    response = answer(client, ids["OK"], "atendido", pessoa="²", ano="abc")
    assert response.status_code == 303 and response.headers["Location"].startswith(f"/extrato?confirmado={ids['OK']}")


def test_signed_out_the_answer_goes_to_the_sign_in(client, session, households, tmp_path):
    holder, _ = households[0]
    ids = import_events(session, tmp_path / "uso.csv", [visit("OK", holder)])
    token = csrf(client, "/entrar")
    response = client.post(f"/extrato/{ids['OK']}/confirmacao", data={"resposta": "atendido", "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].startswith("/entrar")
    assert session.scalar(select(func.count()).select_from(UsageConfirmation)) == 0


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_three_families_refusals_open_one_high_priority_report(client, session, households, tmp_path,
                                                               small_network, frozen_clock):
    rows = []
    for n, (holder, spouse) in enumerate(households):
        rows += [visit(f"T{n}", holder, days_ago=5 + n), visit(f"C{n}", spouse, days_ago=5 + n)]
    rows.append(visit("VELHO", households[4][0], days_ago=120))  # answerable, but outside the 90-day window
    ids = import_events(session, tmp_path / "uso.csv", rows)
    location_id = session.scalars(select(Location.id).where(Location.key == "N1-L1")).one()

    def refuse(family: int, key: str):
        member_session(client, households[family][0])
        assert answer(client, ids[key], "recusado").status_code == 303

    refuse(0, "T0")
    refuse(0, "C0")  # the same family twice: one family
    refuse(4, "VELHO")  # a visit four months ago says nothing about today
    refuse(1, "T1")
    assert reports(session) == []
    refuse(2, "T2")  # the third family
    [report] = reports(session)
    assert (report.priority, report.status, report.reason, report.client_hash) == (
        "alta", "novo", "nao-atende-plano", REPORT_MARKER)
    assert (report.provider_id, report.location_id) == (small_network["N1"], location_id)
    assert "3 famílias diferentes" in report.detail
    for member in (m for family in households for m in family):  # nobody's name in it
        assert member.name not in report.detail and member.card_number not in report.detail

    refuse(3, "T3")  # a fourth family while it is open: no second report
    refuse(2, "C2")
    assert len(reports(session)) == 1

    # The network team closes it the next day; it takes three families answering after that to
    # open another.
    report.status, report.resolved_at = "resolvido", frozen_clock(TODAY + timedelta(days=1))
    session.flush()
    refuse(1, "C1")
    refuse(3, "C3")
    assert len(reports(session)) == 1
    member_session(client, households[4][0])
    assert answer(client, ids["T4"], "recusado").status_code == 303
    assert [r.status for r in sorted(reports(session), key=lambda r: r.id)] == ["resolvido", "novo"]


def test_an_open_report_from_a_member_does_not_stop_the_high_priority_one(client, session, households, tmp_path,
                                                                         small_network):
    """A member's own "Informar erro" is a normal report: the answers still open theirs."""
    session.add(DataReport(provider_id=small_network["N1"], reason="nao-atende-plano", client_hash="x" * 64,
                           created_at=clock.utcnow(), updated_at=clock.utcnow()))
    session.flush()
    ids = import_events(session, tmp_path / "uso.csv", [visit(f"T{n}", households[n][0]) for n in range(3)])
    for n in range(3):
        member_session(client, households[n][0])
        assert answer(client, ids[f"T{n}"], "recusado").status_code == 303
    assert len(reports(session)) == 1


def test_through_htmx_the_answer_replaces_the_visit_alone(client, session, households, tmp_path):
    holder, _ = households[0]
    ids = import_events(session, tmp_path / "uso.csv", [visit("V", holder)])
    member_session(client, holder)
    form = event_item(client.page("/extrato"), ids["V"]).select_one("form.go-confirm")
    assert form["hx-post"] == f"/extrato/{ids['V']}/confirmacao"
    assert (form["hx-target"], form["hx-select"], form["hx-swap"]) == (f"#evento-{ids['V']}", f"#evento-{ids['V']}",
                                                                       "outerHTML")
    headers = {**HTMX, "HX-Target": f"evento-{ids['V']}"}
    response = answer(client, ids["V"], "recusado", headers=headers)
    assert response.status_code == 303
    # The browser follows the redirect with the same headers: the page, whose event htmx selects.
    followed = client.get(response.headers["Location"].split("#")[0], headers=headers)
    assert followed.status_code == 200 and f'id="evento-{ids["V"]}"' in followed.get_data(as_text=True)
    again = answer(client, ids["V"], "atendido", headers=headers)
    assert again.status_code == 409 and again.headers["HX-Reswap"] == "outerHTML"  # swapped in, in place


def test_how_far_back_visits_may_be_answered_is_a_setting(app, client, session, households, tmp_path):
    holder, _ = households[0]
    ids = import_events(session, tmp_path / "uso.csv", [visit("ONTEM", holder, days_ago=1),
                                                        visit("SEMANA", holder, days_ago=8)])
    app.config["CONFIRMATION_MAX_AGE_DAYS"] = 7
    member_session(client, holder)
    page = client.page("/extrato")
    assert offers_answers(page, ids["ONTEM"]) and not offers_answers(page, ids["SEMANA"])
    assert "últimos 7 dias" in text_of(page.select_one(".go-confirm__about"))
    assert answer(client, ids["SEMANA"], "atendido").status_code == 400
