""""Seu dentista vai sair da rede", through HTTP on both databases (the clock stopped on TODAY):
when the network file announces a provider's exit from a plan, the families of that plan who went
there in the last 24 months are told on their home screen and on the provider's page — the date,
the ANS rule on substitutions, the three nearest providers of the same specialty — and their open
guias there say so; everybody else sees nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.history import authorization_row, import_events, import_guides, usage_row
from tests.support.members import add_family, member_session
from tests.support.network import network_rows, row, write_csv
from tests.support.pages import text_of
from webapp.core.clock import TIMEZONE
from webapp.history.departures import months_before
from webapp.network.importer import import_network
from webapp.network.models import Provider

LEVE = "leve-dental-rj-1-adesao"
LEAVES_ON = date(2027, 1, 15)
# Endodontists of the plan near Dra. Ana Endo (N1, -22.9035 -43.1094); E3 leaves too.
NEIGHBOURS = [("E1", "Dr. Elias Vizinho", -22.9040, -43.1100, {}),
              ("E2", "Dra. Eva Perto", -22.9100, -43.1150, {}),
              ("E3", "Dr. Ênio Também Sai", -22.9036, -43.1095, {"network_until": "2027-02-01"})]


@pytest.fixture
def network(session, small_network, tmp_path):
    rows = [row(provider_key=key, location_key=f"{key}-L1", name=name, specialties="endodontia", latitude=str(lat),
                longitude=str(lon), products=LEVE, network_since="2025-01-01", cro_number=f"9{n}001", **extra)
            for n, (key, name, lat, lon, extra) in enumerate(NEIGHBOURS)]
    assert import_network(session, write_csv(tmp_path / "vizinhos.csv", rows), today=TODAY).rejects == []
    session.flush()
    return dict(session.execute(select(Provider.key, Provider.id)).all())


def announce_exit(session, tmp_path, key: str = "N1", until: date = LEAVES_ON, **changes) -> None:
    """The operator's network file gives *key* an exit date (``network_until``)."""
    line = {**next(r for r in network_rows() if r["provider_key"] == key), "network_until": until.isoformat(),
            **changes}
    assert import_network(session, write_csv(tmp_path / f"saida-{key}.csv", [line]), today=TODAY).rejects == []
    session.flush()


@pytest.fixture
def families(session, network, tmp_path):
    """Three LEVE families: one went to N1 last month (and has a guia there and one at N2), one
    only to N2, one to N1 two years and a month ago."""
    went, elsewhere, long_ago = (
        add_family(session, LEVE, [(f"Titular {label}", "titular", datetime(2023, 1, 10, 9, tzinfo=TIMEZONE)),
                                   (f"Cônjuge {label}", "conjuge", datetime(2023, 1, 10, 9, tzinfo=TIMEZONE))],
                   seed=seed)
        for label, seed in (("Foi", 900), ("Outro", 910), ("Antigo", 920)))
    import_events(session, tmp_path / "uso.csv", [
        usage_row(event_id="FOI", card_number=went[1].card_number, performed_on="2026-10-20", provider_key="N1",
                  provider_name="Dra. Ana Endo", location_key="N1-L1", procedure="radiografia-periapical",
                  tooth="26"),
        usage_row(event_id="OUTRO", card_number=elsewhere[0].card_number, performed_on="2026-10-20",
                  provider_key="N2", provider_name="Dr. Bruno Canal", location_key="N2-L1"),
        usage_row(event_id="ANTIGO", card_number=long_ago[0].card_number,
                  performed_on=(months_before(TODAY, 24) - timedelta(days=1)).isoformat(), provider_key="N1",
                  provider_name="Dra. Ana Endo", location_key="N1-L1"),
    ])
    import_guides(session, tmp_path / "guias.csv", [
        authorization_row(authorization_number="7001", card_number=went[0].card_number, requested_on="2026-11-18",
                          decided_on="2026-11-19", provider_key="N1", provider_name="Dra. Ana Endo"),
        authorization_row(authorization_number="7002", protocol="40233920260601000002",
                          card_number=went[0].card_number, requested_on="2026-11-18", decided_on="2026-11-19",
                          provider_key="N2", provider_name="Dr. Bruno Canal"),
    ])
    return {"went": went, "elsewhere": elsewhere, "long_ago": long_ago}


def notices(page):
    return page.select(".go-departure")


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_an_announced_exit_is_told_to_the_families_who_went_there(client, session, network, families, tmp_path):
    n1 = network["N1"]
    member_session(client, families["went"][0])
    assert notices(client.page("/")) == []  # nothing announced yet
    announce_exit(session, tmp_path)

    page = client.page("/")
    [notice] = notices(page)
    assert notice["id"] == f"saida-{n1}"
    text = text_of(notice)
    assert "Dra. Ana Endo deixa a rede do seu plano em 15/01/2027." in text
    assert notice.select_one("a")["href"].startswith(f"/rede/dentista/{n1}-")
    assert ("a operadora pode substituí-lo por outro equivalente, avisando os beneficiários com 30 dias de "
            "antecedência (ANS, RN nº 365/2014, art. 3º)") in text
    assert "A guia nº 7001 (autorizada) é para ele: fale com a operadora sobre ela antes dessa data." in text
    assert "Na mesma especialidade (Endodontia), os 3 mais perto no seu plano:" in text
    nearest = [a.get_text(strip=True) for a in notice.select(".go-departure__item a")]
    assert nearest == ["Dr. Elias Vizinho", "Dra. Eva Perto", "Dr. Bruno Canal"]  # not N1, not E3 (leaving too)
    assert all(" km" in text_of(li) for li in notice.select(".go-departure__item"))
    # Its open guia, in the list of open authorizations: marked; the other one not.
    marked = {li["data-number"]: li.select_one(".go-home-auth__leaving") is not None
              for li in page.select(".go-home-auth")}
    assert marked == {"7001": True, "7002": False}

    page = client.page("/autorizacoes")
    assert "deixa a rede do seu plano em 15/01/2027" in text_of(page.select_one("#guia-7001 .go-auth__leaving"))
    assert page.select_one("#guia-7002 .go-auth__leaving") is None

    provider_url = client.get(f"/rede/dentista/{n1}").headers["Location"]
    notice = client.page(provider_url).select_one("#saida-do-plano")
    assert "Este dentista deixa a rede do seu plano em 15/01/2027." in text_of(notice)
    assert "A guia nº 7001 (autorizada) é para este dentista" in text_of(notice)

    # The spouse, who was the one seen there, is told too (a dependant sees only themself).
    member_session(client, families["went"][1])
    assert [n["id"] for n in notices(client.page("/"))] == [f"saida-{n1}"]
    # Nobody else: a family that went elsewhere, one that went there more than 24 months ago,
    # and anybody signed out.
    for other in (families["elsewhere"][0], families["long_ago"][0]):
        member_session(client, other)
        assert notices(client.page("/")) == []
        assert client.page(provider_url).select_one("#saida-do-plano") is None
    with client.session_transaction() as cookie:
        cookie.clear()
    assert client.page(provider_url).select_one("#saida-do-plano") is None


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_after_the_exit_the_notice_says_so_for_60_days(client, session, network, families, tmp_path,
                                                       frozen_clock):
    announce_exit(session, tmp_path, until=TODAY - timedelta(days=30))
    member_session(client, families["went"][0])
    [notice] = notices(client.page("/"))
    assert f"Dra. Ana Endo deixou a rede do seu plano em {(TODAY - timedelta(days=30)):%d/%m/%Y}." in text_of(notice)
    assert "fale com a operadora sobre ela." in text_of(notice)  # no "antes dessa data": it has passed
    provider_url = client.get(f"/rede/dentista/{network['N1']}").headers["Location"]
    page = client.page(provider_url)
    assert "Este dentista deixou a rede do seu plano" in text_of(page.select_one("#saida-do-plano"))

    frozen_clock(TODAY + timedelta(days=30))  # 60 days after the exit: still told
    assert len(notices(client.page("/"))) == 1
    frozen_clock(TODAY + timedelta(days=31))  # 61 days: no longer
    assert notices(client.page("/")) == []


def test_the_substitute_the_operator_named_is_shown(client, session, network, families, tmp_path):
    leaving = {**next(r for r in network_rows() if r["provider_key"] == "N1"), "network_until": LEAVES_ON.isoformat()}
    substitute = row(provider_key="SUB", location_key="SUB-L1", name="Dra. Sara Substituta", specialties="endodontia",
                     cro_number="77001", products=LEVE, network_since="2026-11-20", replaces_provider_key="N1")
    report = import_network(session, write_csv(tmp_path / "sub.csv", [leaving, substitute]), today=TODAY)
    assert report.rejects == [] and report.warnings == []
    member_session(client, families["went"][0])
    [notice] = notices(client.page("/"))
    assert "Substituto indicado pela operadora: Dra. Sara Substituta" in text_of(notice)
    assert "Pergunte à operadora" not in text_of(notice)


def test_a_return_to_the_network_ends_the_notice(client, session, network, families, tmp_path):
    """The provider left ten days ago; the file then brings it back (a new membership) next week."""
    announce_exit(session, tmp_path, until=TODAY - timedelta(days=10))
    member_session(client, families["went"][0])
    assert len(notices(client.page("/"))) == 1
    again = {**next(r for r in network_rows() if r["provider_key"] == "N1"),
             "network_since": (TODAY + timedelta(days=7)).isoformat()}
    report = import_network(session, write_csv(tmp_path / "volta.csv", [again]), today=TODAY)
    assert report.rejects == [] and report.memberships_created == 1
    assert notices(client.page("/")) == []


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 11, 24), 24, date(2024, 11, 24)),
    (date(2026, 3, 31), 1, date(2026, 2, 28)),
    (date(2028, 2, 29), 24, date(2026, 2, 28)),
    (date(2026, 1, 15), 1, date(2025, 12, 15)),
])
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected
