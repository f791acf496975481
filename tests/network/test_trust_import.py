"""The network file's trust columns (``verificado_em``, ``aceita_novos_pacientes``,
``aceita_novos_pacientes_em``), imported through the CLI on SQLite and PostgreSQL and read back
through the provider API: good values, rejected values with their pt-BR reasons, and the rule
that a file only ever brings news (an empty cell or an older date keeps what is there)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.support.api import validator
from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.network import row, write_csv
from webapp.network import trust
from webapp.network.models import Location, Provider

pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


def import_cli(runner, tmp_path, rows, name="rede.csv"):
    result = runner.invoke(args=["network", "import", str(write_csv(tmp_path / name, rows)),
                                 "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def locations_of(client, session, key: str) -> list[dict]:
    """The provider *key*'s locations as the public API gives them (checked against its schema)."""
    provider_id = session.scalars(select(Provider.id).where(Provider.key == key)).one()
    response = client.get(f"/api/v1/rede/dentista/{provider_id}")
    assert response.status_code == 200
    body = response.get_json()
    validator(client.get("/api/v1/openapi.json").get_json(), "Dentista").validate(body)
    return body["locais"]


def trust_of(location: dict) -> tuple:
    return (location["verificado_em"], location["verificacao_vencida"], location["aceita_novos_pacientes"],
            location["aceita_novos_pacientes_em"])


def test_the_trust_columns_go_in_and_the_api_says_them(runner, client, session, tmp_path, fixed_today):
    output = import_cli(runner, tmp_path, [
        row(verificado_em="2026-11-20", aceita_novos_pacientes="sim", aceita_novos_pacientes_em="2026-11-01"),
        # "nao" without its day: informed on the import's day.
        row(provider_key="P2", location_key="P2-L1", name="Dr. Beto", aceita_novos_pacientes="não"),
        row(provider_key="P3", location_key="P3-L1", name="Dra. Carla"),  # nothing said
        row(provider_key="P4", location_key="P4-L1", name="Dr. Davi", verificado_em="2025-01-10",
            aceita_novos_pacientes="nao", aceita_novos_pacientes_em=""),
    ])
    assert "4 linhas lidas: 4 aceitas, 0 rejeitadas" in output
    # The day the operator verified, from 00:00 in São Paulo (03:00 UTC): 4 days ago, not stale.
    assert [trust_of(loc) for loc in locations_of(client, session, "P1")] == [
        ("2026-11-20T03:00:00+00:00", False, True, "2026-11-01")]
    assert [trust_of(loc) for loc in locations_of(client, session, "P2")] == [(None, True, False, "2026-11-24")]
    assert [trust_of(loc) for loc in locations_of(client, session, "P3")] == [(None, True, None, None)]
    assert [trust_of(loc) for loc in locations_of(client, session, "P4")] == [
        ("2025-01-10T03:00:00+00:00", True, False, "2026-11-24")]
    stored = session.scalars(select(Location).where(Location.key == "P1-L1")).one()
    assert stored.verified_source == "arquivo"
    assert stored.verified_at == datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(("cells", "column", "reason"), [
    ({"verificado_em": "2026-11-25"}, "verificado_em", "data de verificação no futuro (depois de 24/11/2026)"),
    ({"verificado_em": "20/11/2026"}, "verificado_em", "a data deve estar no formato AAAA-MM-DD"),
    ({"verificado_em": "2026-02-30"}, "verificado_em", "a data não existe no calendário"),
    ({"verificado_em": "２026-11-20"}, "verificado_em", "a data deve estar no formato AAAA-MM-DD"),
    ({"verificado_em": "1899-12-31"}, "verificado_em", "a data deve estar entre 01/01/1900 e 31/12/2100"),
    ({"aceita_novos_pacientes": "talvez"}, "aceita_novos_pacientes", "use sim ou não (ou deixe vazio"),
    ({"aceita_novos_pacientes": "sim", "aceita_novos_pacientes_em": "2026-12-01"}, "aceita_novos_pacientes_em",
     "data informada no futuro (depois de 24/11/2026)"),
    ({"aceita_novos_pacientes": "sim", "aceita_novos_pacientes_em": "ontem"}, "aceita_novos_pacientes_em",
     "a data deve estar no formato AAAA-MM-DD"),
    ({"aceita_novos_pacientes_em": "2026-11-01"}, "aceita_novos_pacientes_em",
     "informe aceita_novos_pacientes (sim ou não) junto com a data"),
])
def test_a_bad_trust_cell_rejects_its_line_with_a_reason(runner, client, session, tmp_path, fixed_today,
                                                          cells, column, reason):
    output = import_cli(runner, tmp_path, [
        row(provider_key="OK", location_key="OK-L1", name="Dra. Certa", verificado_em="2026-11-24"),
        row(**cells),
    ])
    assert "2 linhas lidas: 1 aceitas, 1 rejeitadas" in output
    assert f"linha 3, coluna {column}: {reason}" in output
    assert session.scalars(select(Provider.key)).all() == ["OK"]  # the good line went in
    assert trust_of(locations_of(client, session, "OK")[0])[:2] == ("2026-11-24T03:00:00+00:00", False)


def test_a_file_only_brings_news(runner, client, session, tmp_path, fixed_today):
    """An empty cell or an older date keeps what is there; a newer one replaces it; the same
    file twice changes nothing; a new verification does not move "atualizado em"."""
    def cells(verified="", accepts="", accepts_on=""):
        return [row(verificado_em=verified, aceita_novos_pacientes=accepts, aceita_novos_pacientes_em=accepts_on)]

    import_cli(runner, tmp_path, cells("2026-11-20", "sim", "2026-11-01"))
    first = locations_of(client, session, "P1")[0]
    assert "0 alterados, 0 desativados, 0 com verificação nova, 0 com \"aceita novos pacientes\" informado" in \
        import_cli(runner, tmp_path, cells("2026-11-20", "sim", "2026-11-01"))
    assert "1 sem mudança" in import_cli(runner, tmp_path, cells(), "vazio.csv")
    assert trust_of(locations_of(client, session, "P1")[0]) == trust_of(first)

    # Older news is not news; the same answer without a day is nothing new either.
    import_cli(runner, tmp_path, cells("2026-10-01", "nao", "2026-10-15"), "antigo.csv")
    import_cli(runner, tmp_path, cells("", "sim"), "mesma-resposta.csv")
    assert trust_of(locations_of(client, session, "P1")[0]) == ("2026-11-20T03:00:00+00:00", False, True,
                                                                "2026-11-01")

    output = import_cli(runner, tmp_path, cells("2026-11-23", "nao"), "novo.csv")
    assert "1 com verificação nova, 1 com \"aceita novos pacientes\" informado" in output
    after = locations_of(client, session, "P1")[0]
    assert trust_of(after) == ("2026-11-23T03:00:00+00:00", False, False, "2026-11-24")
    assert after["atualizado_em"] == first["atualizado_em"]  # verification is not a change of the data


def test_an_older_file_date_does_not_undo_the_teams_verification(runner, client, session, tmp_path,
                                                                  frozen_clock):
    frozen_clock(TODAY)
    import_cli(runner, tmp_path, [row(verificado_em="2026-11-01")])
    location = session.scalars(select(Location).where(Location.key == "P1-L1")).one()
    trust.mark_verified(location, "equipe")  # the network team, at noon today
    session.flush()
    import_cli(runner, tmp_path, [row(verificado_em="2026-11-20")], "depois.csv")
    session.refresh(location)
    assert (location.verified_source, location.verified_at) == ("equipe", datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
