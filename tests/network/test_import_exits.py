"""An import never ends what it could not read: exits only from a clean file, and a file that
would empty a network's share past MAX_EXIT_SHARE is refused unless its number is confirmed."""

import pytest
from sqlalchemy import func, select

from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.network import row, write_csv
from webapp.network.importer import MAX_EXIT_SHARE, ExitsNotConfirmed, import_network
from webapp.network.layout import COLUMN_NAMES
from webapp.network.models import Location, NetworkChange, NetworkMembership, Provider

pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)
LEVE = "leve-dental-rj-1-adesao"


def dentist(n: int, **overrides) -> dict:
    return row(**{"provider_key": f"P{n:02d}", "location_key": f"P{n:02d}-L1", "name": f"Dentista {n:02d}",
                  "products": LEVE, **overrides})


def state(session) -> dict:
    """Everything an import could have written, to compare before and after."""
    session.expire_all()
    return {
        "providers": session.scalar(select(func.count()).select_from(Provider)),
        "locations": sorted(session.execute(select(Location.key, Location.active, Location.phones)).all()),
        "memberships": sorted(session.execute(
            select(NetworkMembership.provider_id, NetworkMembership.product_id, NetworkMembership.until)).all()),
        "changes": session.scalar(select(func.count()).select_from(NetworkChange)),
    }


def ended(session) -> list[str]:
    """Keys of providers with a membership ended by an import (until = today)."""
    return sorted(session.scalars(select(Provider.key).join(NetworkMembership)
                                  .where(NetworkMembership.until == TODAY).distinct()))


def exits_logged(session) -> int:
    return session.scalar(select(func.count()).select_from(NetworkChange).where(NetworkChange.kind == "saida"))


@pytest.fixture
def network_of_twenty(session, tmp_path):
    """Twenty dentists in one product's network (5% of it is one dentist)."""
    report = import_network(session, write_csv(tmp_path / "base.csv", [dentist(n) for n in range(20)]), today=TODAY)
    assert report.rejects == [] and report.memberships_created == 20
    session.flush()
    return [dentist(n) for n in range(20)]


def import_cli(runner, path, *options):
    return runner.invoke(args=["network", "import", str(path), "--today", TODAY.isoformat(), *options])


def test_a_rejected_row_in_a_full_file_ends_no_membership_and_says_why(runner, session, tmp_path, network_of_twenty):
    rows = network_of_twenty[:19]  # P19 is missing: it would leave
    rows[4] = dentist(4, phones="2711-0000")  # no DDD: P04's row is rejected (line 6)
    rows[7] = dentist(7, name="Dentista 07 (novo nome)")
    before = state(session)

    result = import_cli(runner, write_csv(tmp_path / "rede.csv", rows), "--full")
    assert result.exit_code == 0, result.output
    assert "19 linhas lidas: 18 aceitas, 1 rejeitadas" in result.output
    assert "linha 6, coluna phones: telefone inválido" in result.output
    assert ("Saídas bloqueadas: 1 linhas do arquivo foram rejeitadas" in result.output
            and "Nenhum vínculo foi encerrado (2 seriam)" in result.output)  # P04 and P19
    assert "0 encerrados" in result.output
    assert ended(session) == [] and exits_logged(session) == 0
    after = state(session)
    assert after["memberships"] == before["memberships"]
    # The good rows still went in.
    assert session.scalar(select(Provider.name).where(Provider.key == "P07")) == "Dentista 07 (novo nome)"


def test_a_stray_quote_in_a_full_file_ends_no_membership_and_reports_the_line(runner, session, tmp_path,
                                                                           network_of_twenty):
    path = write_csv(tmp_path / "rede.csv", network_of_twenty)
    lines = path.read_text(encoding="utf-8").splitlines()
    name = COLUMN_NAMES.index("name")
    cells = lines[3].split(",")  # P02, file line 4
    cells[name] = '"Dentista 02'  # opens a quoted cell that is never closed
    lines[3] = ",".join(cells)
    lines[8] = lines[8].replace("Dentista 07", "Dentista Sete")  # a change after the broken line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = import_cli(runner, path, "--full")
    assert result.exit_code == 0, result.output
    assert "20 linhas lidas: 19 aceitas, 1 rejeitadas" in result.output
    assert "linha 4, coluna -: aspas abertas que não fecham nesta linha" in result.output
    assert "Saídas bloqueadas" in result.output and "Nenhum vínculo foi encerrado (1 seriam)" in result.output
    assert ended(session) == [] and exits_logged(session) == 0
    # The lines after the stray quote were read as written, not swallowed into its cell.
    assert session.scalar(select(Provider.name).where(Provider.key == "P07")) == "Dentista Sete"
    assert "aspas" in (tmp_path / "rede-rejeicoes.csv").read_text(encoding="utf-8")


def test_a_clean_full_file_within_the_share_ends_the_missing_provider(runner, session, tmp_path, network_of_twenty):
    assert MAX_EXIT_SHARE == 0.05  # one of twenty is exactly the share: allowed without confirming
    result = import_cli(runner, write_csv(tmp_path / "rede.csv", network_of_twenty[:19]), "--full")
    assert result.exit_code == 0, result.output
    assert "1 encerrados" in result.output and "Saídas bloqueadas" not in result.output
    assert ended(session) == ["P19"] and exits_logged(session) == 1


def test_a_full_file_dropping_more_than_the_share_is_refused_and_writes_nothing(runner, session, tmp_path,
                                                                             network_of_twenty):
    rows = [*network_of_twenty[:18], dentist(30)]  # P18 and P19 leave (10%); P30 is new
    rows[0] = dentist(0, phones="(21) 2711-9999")
    path = write_csv(tmp_path / "rede.csv", rows)
    before = state(session)

    result = import_cli(runner, path, "--full")
    assert result.exit_code == 1
    assert "importação cancelada, nada foi alterado" in result.output
    assert "o arquivo tiraria 2 vínculos de prestadores da rede, mais de 5,0% da rede de um plano" in result.output
    assert "LEVE DENTAL RJ 1 Adesão: 2 de 20 (10,0%)" in result.output
    assert "importe de novo com --confirmar-saidas 2" in result.output
    assert state(session) == before

    wrong = import_cli(runner, path, "--full", "--confirmar-saidas", "3")
    assert wrong.exit_code == 1
    assert "o número de saídas confirmado (3) não confere: o arquivo tiraria 2 vínculos" in wrong.output
    assert state(session) == before

    confirmed = import_cli(runner, path, "--full", "--confirmar-saidas", "2")
    assert confirmed.exit_code == 0, confirmed.output
    assert "2 encerrados" in confirmed.output
    assert ended(session) == ["P18", "P19"] and exits_logged(session) == 2
    assert session.scalar(select(Location.phones).where(Location.key == "P00-L1")) == ["(21) 2711-9999"]
    assert session.scalar(select(func.count()).select_from(Provider).where(Provider.key == "P30")) == 1


def test_the_importer_itself_refuses_before_writing_anything(session, tmp_path, network_of_twenty):
    rows = [dentist(n, phones="(21) 2711-9999") for n in range(15)]  # 5 of 20 leave; 15 change
    path = write_csv(tmp_path / "rede.csv", rows)
    before = state(session)
    with pytest.raises(ExitsNotConfirmed) as refused:
        import_network(session, path, full=True, today=TODAY)
    assert refused.value.exits == 5
    session.flush()  # the session holds no pending write either
    assert state(session) == before
    with pytest.raises(ExitsNotConfirmed, match=r"confirmado \(4\) não confere: o arquivo tiraria 5"):
        import_network(session, path, full=True, today=TODAY, confirm_exits=4)
    assert state(session) == before
    report = import_network(session, path, full=True, today=TODAY, confirm_exits=5)
    assert report.memberships_ended == 5 and report.locations_updated == 15


def test_a_confirmed_number_is_checked_even_below_the_share(session, tmp_path, network_of_twenty):
    path = write_csv(tmp_path / "rede.csv", network_of_twenty[:19])
    with pytest.raises(ExitsNotConfirmed, match=r"confirmado \(0\) não confere: o arquivo tiraria 1 vínculos"):
        import_network(session, path, full=True, today=TODAY, confirm_exits=0)


def test_an_incremental_file_with_a_rejected_row_drops_no_product_and_closes_no_location(session, tmp_path):
    both = f"{LEVE}|sintaema-convencional"
    import_network(session, write_csv(tmp_path / "a.csv", [
        row(products=both), row(location_key="P1-L2", street="Rua da Conceição", products=both),
        dentist(2), dentist(3),
    ]), today=TODAY)
    session.flush()
    before = state(session)
    # P1 now lists one product and one location; P2's row is broken.
    report = import_network(session, write_csv(tmp_path / "b.csv", [
        row(products=LEVE), dentist(2, cro_uf="ZZ"),
    ]), today=TODAY)
    assert report.exits_blocked and (report.memberships_kept, report.locations_kept) == (1, 1)
    assert (report.memberships_ended, report.locations_deactivated) == (0, 0)
    assert state(session) == before

    # Once the file is clean, the same exits happen (confirmed: they are half of a small network).
    report = import_network(session, write_csv(tmp_path / "c.csv", [row(products=LEVE), dentist(2)]),
                            today=TODAY, confirm_exits=1)
    assert not report.exits_blocked
    assert (report.memberships_ended, report.locations_deactivated) == (1, 1)
    assert session.scalar(select(Location.active).where(Location.key == "P1-L2")) is False


def test_a_full_file_with_only_rejected_rows_for_the_missing_is_still_blocked(session, tmp_path, network_of_twenty):
    # Every row but one is rejected, so the file would "lose" nineteen providers at once.
    rows = [dentist(n, latitude="abc") for n in range(19)] + [network_of_twenty[19]]
    before = state(session)
    report = import_network(session, write_csv(tmp_path / "rede.csv", rows), full=True, today=TODAY)
    assert report.rejected_lines == 19 and report.exits_blocked and report.memberships_kept == 19
    assert state(session) == before
