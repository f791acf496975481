"""``/`` signed in: the member's own start page — each person's card front, what frees next, open
authorizations with their countdown, notices and the four actions; only the people the
signed-in member may see. Through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.members import CASSEMS, LEVE, demo_families, family_of, member_session
from tests.support.pages import text_of
from webapp.core import clock
from webapp.history.demo import create_demo_history

ACTIONS = {"Urgência": "/urgencia", "Buscar dentista": "/rede?plano=cassems-odonto", "Extrato": "/extrato",
           "Meu plano": "/planos/cassems-odonto"}


@pytest.fixture
def families(session, frozen_clock):
    frozen_clock(TODAY)
    demo_families(session, TODAY)
    create_demo_history(session, TODAY)
    session.flush()
    return session


def card_names(page) -> list[str]:
    return [text_of(h) for h in page.select(".go-card-mini__name")]


def test_signed_out_the_home_page_is_the_sites(client):
    page = client.page("/")
    assert page.select(".go-tile") and not page.select(".go-card-mini") and not page.select(".go-home-actions")


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_holder_sees_the_family_the_actions_and_the_open_authorizations(client, families):
    holder, spouse, child = family_of(families, CASSEMS)
    member_session(client, holder)
    assert client.get("/").headers["Cache-Control"] == "private, no-store"
    page = client.page("/")
    assert card_names(page) == [holder.name, spouse.name, child.name]
    assert [text_of(n) for n in page.select(".go-card-mini__number")] == [
        f"Número da carteirinha: {p.card_number}" for p in (holder, spouse, child)]
    assert page.select_one(".go-card-mini a")["href"] == f"/carteirinha#beneficiario-{holder.id}"
    assert {text_of(a): a["href"] for a in page.select(".go-home-actions a")} == ACTIONS
    lines = {li["id"]: text_of(li) for li in page.select("#carencias li")}
    assert lines[f"liberado-{holder.id}"] == f"{holder.name}: tudo liberado."  # joined 420 days ago
    # The spouse joined 45 days ago: CASSEMS's 60 days for everything end in 15 days.
    spouse_free = clock.local(spouse.inclusion_at) + timedelta(days=60)
    assert (f"{spouse.name}: 60 dias para todos os procedimentos odontológicos liberado em "
            f"{spouse_free:%d/%m/%Y} às {spouse_free:%H:%M}.") in lines[f"liberado-{spouse.id}"]
    auths = page.select(".go-home-auth")
    assert auths and all(holder.name in text_of(a) for a in auths)
    statuses = {text_of(a.select_one(".go-status")) for a in auths}
    assert statuses <= {"Autorizada", "Em análise"} and "Autorizada" in statuses
    countdowns = [text_of(a.select_one(".go-home-auth__countdown")) for a in auths
                  if a.select_one(".go-home-auth__countdown")]
    assert countdowns and all(c.startswith("vence ") for c in countdowns)
    leve = family_of(families, LEVE)
    text = page.get_text()
    assert not any(p.name in text or p.card_number in text for p in leve)  # nobody else's family


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_dependant_sees_only_themself(client, families):
    holder, spouse, child = family_of(families, CASSEMS)
    member_session(client, spouse)
    page = client.page("/")
    assert card_names(page) == [spouse.name]
    assert [li["id"] for li in page.select("#carencias li")] == [f"liberado-{spouse.id}"]
    assert holder.name not in page.get_text() and child.name not in page.get_text()
    assert page.select(".go-home-auth") == []  # the holder's guias are not the spouse's
    assert not page.select(".go-home-cards[role=region]")  # one card: nothing to swipe


def test_notices_a_suspended_plan_and_a_period_ending_this_week(client, families, frozen_clock):
    holder, spouse, child = family_of(families, CASSEMS)
    child.status = "suspenso"
    families.flush()
    frozen_clock(clock.local(spouse.inclusion_at) + timedelta(days=55))  # the spouse's 60 days: 5 to go
    member_session(client, holder)
    notices = [" ".join(li.get_text().split()) for li in client.page("/").select(".go-home-notices li")]
    assert notices[0] == f"O plano de {child.name} está suspenso. Para ser atendido, fale com a operadora."
    assert any(n.startswith(f"{spouse.name}: a carência de “60 dias para todos os procedimentos odontológicos” "
                            "termina nesta semana") for n in notices)
    assert not any(n.startswith(holder.name) for n in notices)
