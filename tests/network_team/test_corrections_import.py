"""The network team's corrections and the operator's file, on both databases: a correction made
through the report page survives a re-import of the same file, and the file takes over (the
correction superseded) as soon as it brings another value — or the corrected one."""

import pytest
from sqlalchemy import select

from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.network import network_rows, row, write_csv
from tests.support.network_team import act, reports_from_many
from webapp.core import clock
from webapp.network.importer import import_network
from webapp.network.models import Location, LocationCorrection

both = pytest.mark.parametrize("backend", BACKENDS, indirect=True)
N1_FORM = {"telefones": "(21) 2711-0000", "whatsapp": "(21) 99876-5432", "logradouro": "Rua Moreira César",
           "numero": "100", "complemento": "Sala 201", "bairro": "Icaraí", "cep": "24230-052"}


def the_file(**n1_changes) -> list[dict]:
    """The small network's file, with N1's row changed by *n1_changes*."""
    return [{**r, **n1_changes} if r["provider_key"] == "N1" else r for r in network_rows(extra_niteroi=22)]


def n1(session) -> Location:
    session.expire_all()
    return session.scalars(select(Location).where(Location.key == "N1-L1")).one()


def corrections(session) -> list[LocationCorrection]:
    session.expire_all()
    return list(session.scalars(select(LocationCorrection).order_by(LocationCorrection.id)))


@pytest.fixture
def corrected(team_world):
    """N1's phone and street corrected by the team through the report page."""
    session = team_world.session
    [report_id] = reports_from_many(session, team_world.providers["N1"], "telefone-errado")
    response = act(team_world.client, report_id, "corrigir", {
        **N1_FORM, "local": str(n1(session).id), "telefones": "(21) 2711-9999", "logradouro": "Rua Moreira Cesar"})
    assert response.status_code == 303
    assert [c.field for c in corrections(session)] == ["phones", "street"]
    return team_world


@both
def test_a_reimport_of_the_same_file_keeps_the_corrections(corrected, tmp_path, backend):
    session = corrected.session
    before = n1(session).updated_at
    report = import_network(session, write_csv(tmp_path / "mesmo.csv", the_file()), today=TODAY)
    assert report.rejects == [] and (report.corrections_kept, report.corrections_superseded) == (2, 0)
    assert report.locations_updated == 0 and not report.changed_anything  # the same file changes nothing
    location = n1(session)
    assert location.phones == ["(21) 2711-9999"] and location.street == "Rua Moreira Cesar"
    assert location.updated_at == before
    assert all(c.superseded_at is None for c in corrections(session))


@both
def test_a_file_with_a_new_value_supersedes_the_correction(corrected, tmp_path, backend, frozen_clock):
    session = corrected.session
    report = import_network(session, write_csv(tmp_path / "novo.csv", the_file(phones="(21) 3333-0000")),
                            today=TODAY)
    assert (report.corrections_kept, report.corrections_superseded) == (1, 1)
    assert report.locations_updated == 1
    location = n1(session)
    assert location.phones == ["(21) 3333-0000"]  # the operator's word again
    assert location.street == "Rua Moreira Cesar"  # the other correction still holds
    phones, street = corrections(session)
    assert phones.superseded_at == clock.utcnow() and street.superseded_at is None
    # The next import of that file keeps the street's correction and says nothing of the phone's.
    again = import_network(session, write_csv(tmp_path / "novo2.csv", the_file(phones="(21) 3333-0000")),
                           today=TODAY)
    assert (again.corrections_kept, again.corrections_superseded) == (1, 0) and not again.changed_anything


@both
def test_a_file_that_caught_up_supersedes_the_correction_too(corrected, tmp_path, backend):
    session = corrected.session
    report = import_network(session, write_csv(tmp_path / "corrigido.csv", the_file(
        phones="(21) 2711-9999", street="Rua Moreira Cesar")), today=TODAY)
    assert (report.corrections_kept, report.corrections_superseded) == (0, 2)
    assert report.locations_updated == 0  # the values were already there
    assert n1(session).phones == ["(21) 2711-9999"]
    assert all(c.superseded_at is not None for c in corrections(session))


def test_a_file_without_the_location_leaves_its_correction_alone(corrected, tmp_path):
    session = corrected.session
    other = [row(provider_key="Z9", location_key="Z9-L1", name="Dr. Outro", phones="(21) 2222-3333")]
    report = import_network(session, write_csv(tmp_path / "parcial.csv", other), today=TODAY)
    assert (report.corrections_kept, report.corrections_superseded) == (0, 0)
    assert n1(session).phones == ["(21) 2711-9999"]
    assert all(c.superseded_at is None for c in corrections(session))


def test_the_import_command_says_what_happened_to_the_corrections(corrected, runner, tmp_path):
    path = write_csv(tmp_path / "cli.csv", the_file(phones="(21) 3333-0000"))
    result = runner.invoke(args=["network", "import", str(path), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert ("Correções da equipe de rede: 1 mantidas (o arquivo ainda traz o valor antigo), 1 encerradas "
            "(o arquivo agora traz outro valor).") in result.output
