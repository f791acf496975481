"""Importing an operator's network file, on SQLite and PostgreSQL, through the CLI and the service."""

import pytest
from sqlalchemy import func, select

from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.network import row, write_csv
from webapp.network.importer import FatalImportError, import_network
from webapp.network.models import Location, NetworkChange, NetworkMembership, Provider, ProviderSpecialty

pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


def counts(session):
    session.expire_all()
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m))
            for m in (Provider, ProviderSpecialty, Location, NetworkMembership, NetworkChange)}


def run(session, path, **kwargs):
    kwargs.setdefault("today", TODAY)
    report = import_network(session, path, **kwargs)
    session.flush()
    return report


def test_a_valid_file_is_imported_and_reimporting_changes_nothing(session, tmp_path):
    path = write_csv(tmp_path / "rede.csv", [
        row(),
        row(location_key="P1-L2", street="Rua da Conceição", number="50", cep="24020-080"),
        row(provider_key="C1", kind="clinica", name="Clínica Sorriso", cnpj="11.222.333/0001-81",
            responsible_dentist="Dr. João Lima", location_key="C1-L1", specialties="ortodontia",
            products="leve-dental-rj-1-adesao"),
    ])
    report = run(session, path)
    assert (report.rows, report.accepted, report.rejects) == (3, 3, [])
    assert (report.providers_created, report.locations_created, report.memberships_created) == (2, 3, 3)
    ana = session.scalars(select(Provider).where(Provider.key == "P1")).one()
    assert ana.specialties == ["clinico-geral", "endodontia"] and ana.cro_uf == "RJ"
    location = session.scalars(select(Location).where(Location.key == "P1-L1")).one()
    assert location.municipality_ibge == 3303302 and location.precision == "exact" and location.coordinates_match
    assert location.phones == ["(21) 2711-0000"] and location.whatsapp == "(21) 99876-5432"
    assert location.cep == "24230052" and location.wheelchair_access and not location.sees_children
    before = counts(session)
    stamp = ana.updated_at

    again = run(session, path)
    assert not again.changed_anything and again.providers_unchanged == 2
    assert counts(session) == before
    session.refresh(ana)
    assert ana.updated_at == stamp


def test_a_changed_row_updates_only_what_changed(session, tmp_path):
    run(session, write_csv(tmp_path / "a.csv", [row(), row(provider_key="P2", location_key="P2-L1", name="Dr. Beto")]))
    report = run(session, write_csv(tmp_path / "b.csv", [
        row(phones="(21) 2711-9999"), row(provider_key="P2", location_key="P2-L1", name="Dr. Beto")]))
    assert report.locations_updated == 1 and report.providers_updated == 0 and report.providers_unchanged == 2
    assert session.scalars(select(Location.phones).where(Location.key == "P1-L1")).one() == ["(21) 2711-9999"]


@pytest.mark.parametrize(
    ("bad", "column", "reason"),
    [
        ({"cro_uf": "XX"}, "cro_uf", "UF inexistente"),
        ({"cro_number": "12a"}, "cro_number", "1 a 6 dígitos"),
        ({"kind": "clinica", "cnpj": "11.222.333/0001-82"}, "cnpj", "dígitos verificadores"),
        ({"kind": "clinica", "cnpj": ""}, "cnpj", "clínica sem CNPJ"),
        ({"cpf": "123.456.789-00"}, "cpf", "CPF inválido"),
        ({"specialties": "clinico-geral|magia"}, "specialties", "especialidade desconhecida: magia"),
        ({"products": "plano-inventado"}, "products", "plano desconhecido"),
        ({"municipality_ibge": "9999999"}, "municipality_ibge", "inexistente"),
        ({"municipality_ibge": "", "municipality_name": "Niterói", "uf": ""}, "uf", "UF ausente"),
        ({"latitude": "-23.0", "longitude": "-40.0"}, "latitude", "fora do Brasil"),
        ({"latitude": "abc"}, "latitude", "coordenadas inválidas"),
        ({"longitude": ""}, "longitude", "latitude e longitude juntas"),
        ({"phones": "2711-0000"}, "phones", "telefone inválido"),
        ({"phones": "(20) 2711-0000"}, "phones", "telefone inválido"),
        ({"whatsapp": "(21) 2711-0000"}, "whatsapp", "celular"),
        ({"network_since": "01/03/2024"}, "network_since", "AAAA-MM-DD"),
        ({"network_until": "2020-01-01"}, "network_until", "depois da entrada"),
        ({"cep": "2423"}, "cep", "8 dígitos"),
        ({"name": ""}, "name", "obrigatório"),
        ({"wheelchair_access": "talvez"}, "wheelchair_access", "sim ou não"),
        ({"uf": "SP"}, "uf", "não confere"),
    ],
)
def test_a_bad_row_is_reported_with_line_column_and_reason_and_good_rows_go_in(session, tmp_path, bad, column, reason):
    path = write_csv(tmp_path / "rede.csv", [
        row(provider_key="OK1", location_key="OK1-L1"),
        row(provider_key="BAD", location_key="BAD-L1", **bad),
        row(provider_key="OK2", location_key="OK2-L1"),
    ])
    report = run(session, path)
    assert report.accepted == 2
    assert {(r.line, r.column) for r in report.rejects} == {(3, column)}
    assert reason in report.rejects[0].reason
    keys = set(session.scalars(select(Provider.key)))
    assert {"OK1", "OK2"} <= keys and "BAD" not in keys


# Cells a hostile or broken export sends: look-alike digits ('²'.isdigit() is true and int('²')
# raises; int('３') and float('３') read full-width digits), control characters, values longer
# than their column (a database error on PostgreSQL, silently kept on SQLite), out-of-range dates.
HOSTILE_CELLS = [
    ("municipality_ibge", "330330²", "o código IBGE deve ter 7 dígitos"),
    ("municipality_ibge", "３３０３３０２", "o código IBGE deve ter 7 dígitos"),
    ("municipality_ibge", "٣٣٠٣٣٠٢", "o código IBGE deve ter 7 dígitos"),
    ("cro_number", "12３45", "o número do CRO deve ter de 1 a 6 dígitos"),
    ("cro_number", "¹²³", "o número do CRO deve ter de 1 a 6 dígitos"),
    ("cep", "24230-052²", "o CEP deve ter 8 dígitos"),
    ("cpf", "529.982.247-25²", "o CPF deve ter 11 dígitos"),
    ("phones", "(21) 2711-0000²", "telefone inválido"),
    ("whatsapp", "(21) 99876-543２", "celular"),
    ("network_since", "２０２４-03-01", "AAAA-MM-DD"),
    ("network_since", "20240301", "AAAA-MM-DD"),
    ("network_until", "9999-12-31", "entre 01/01/1900 e 31/12/2100"),
    ("latitude", "-２２.9035", "coordenadas inválidas"),
    ("latitude", "-2290.35e-2", "coordenadas inválidas"),
    ("name", "Dra. Ana\x00 Souza", "caractere de controle (U+0000)"),
    ("name", "\x1b[31mDra. Ana", "caractere de controle (U+001B)"),
    ("street", "Rua \u202eAzul", "caractere de controle (U+202E)"),
    ("complement", "Sala\t201", "caractere de controle (U+0009)"),
    ("provider_key", "P" * 61, "no máximo 60 caracteres"),
    ("name", "A" * 201, "no máximo 200 caracteres"),
    ("location_key", "L" * 81, "no máximo 80 caracteres"),
    ("street", "R" * 201, "no máximo 200 caracteres"),
    ("number", "1" * 21, "no máximo 20 caracteres"),
    ("complement", "S" * 121, "no máximo 120 caracteres"),
    ("neighbourhood", "B" * 121, "no máximo 120 caracteres"),
    ("opening_hours", "h" * 501, "no máximo 500 caracteres"),
    ("opening_hours", "h" * 2001, "célula longa demais"),
    ("replaces_provider_key", "K" * 61, "no máximo 60 caracteres"),
]


@pytest.mark.parametrize(("column", "value", "reason"), HOSTILE_CELLS,
                         ids=[f"{column}-{n}" for n, (column, _, _) in enumerate(HOSTILE_CELLS)])
def test_a_hostile_cell_rejects_its_row_with_line_and_reason_and_the_rest_is_imported(
        session, tmp_path, column, value, reason):
    path = write_csv(tmp_path / "rede.csv", [
        row(provider_key="OK1", location_key="OK1-L1"),
        row(**{"provider_key": "BAD", "location_key": "BAD-L1", column: value}),
        row(provider_key="OK2", location_key="OK2-L1"),
    ])
    report = run(session, path)
    assert report.accepted == 2
    assert [(r.line, r.column) for r in report.rejects] == [(3, column)], report.rejects
    assert reason in report.rejects[0].reason
    assert not any(ch in report.rejects[0].value for ch in "\x00\x1b\u202e\t")  # shown escaped
    assert set(session.scalars(select(Provider.key))) == {"OK1", "OK2"}
    assert session.scalar(select(func.max(func.length(Location.street)))) == len(row()["street"])


def test_a_cnpj_with_a_look_alike_digit_is_refused_not_read_without_it(session, tmp_path):
    report = run(session, write_csv(tmp_path / "r.csv", [
        row(provider_key="C1", kind="clinica", cnpj="11.222.333/0001-8¹"),
        row(provider_key="C2", location_key="C2-L1", kind="clinica", cnpj="11.222.333/0001-81²"),
        row(provider_key="C3", location_key="C3-L1", kind="clinica", cnpj="11.222.333/0001-81"),
    ]))
    assert [(r.line, r.column) for r in report.rejects] == [(2, "cnpj"), (3, "cnpj")]
    assert session.scalars(select(Provider.cnpj)).all() == ["11222333000181"]


def test_municipality_by_name_and_uf(session, tmp_path):
    report = run(session, write_csv(tmp_path / "r.csv", [row(municipality_ibge="", municipality_name="NITEROI", uf="rj")]))
    assert report.accepted == 1
    assert session.scalars(select(Location.municipality_ibge)).one() == 3303302


def test_repeated_location_and_diverging_provider_rows_are_rejected(session, tmp_path):
    report = run(session, write_csv(tmp_path / "r.csv", [
        row(), row(), row(location_key="P1-L2", name="Outro Nome"),
    ]))
    assert [(r.line, r.column) for r in report.rejects] == [(3, "location_key"), (4, "provider_key")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"provider_key,kind\nP1,dentista\n", "colunas obrigatórias ausentes"),
        (b"", "arquivo vazio"),
        ("provider_key,nome_errado\n".encode(), "coluna desconhecida"),
        ("Olá".encode("latin-1"), "não está em UTF-8"),
    ],
)
def test_fatal_file_problems_change_nothing(session, tmp_path, content, message):
    run(session, write_csv(tmp_path / "first.csv", [row()]))
    before = counts(session)
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(FatalImportError, match=message):
        run(session, path)
    assert counts(session) == before


def test_a_file_where_every_row_is_bad_is_fatal(session, tmp_path):
    with pytest.raises(FatalImportError, match="nenhuma linha válida"):
        run(session, write_csv(tmp_path / "r.csv", [row(cro_uf="XX")]))


def test_without_coordinates_the_seat_is_used_and_marked_approximate(session, tmp_path):
    report = run(session, write_csv(tmp_path / "r.csv", [row(latitude="", longitude="")]))
    assert report.approximate == 1
    location = session.scalars(select(Location)).one()
    assert location.precision == "approximate"
    assert (location.latitude, location.longitude) == pytest.approx((-22.8832, -43.1034), abs=0.05)


class StandInGeocoder:
    def __init__(self):
        self.queries = []

    def geocode(self, query):
        self.queries.append(query)
        return (-22.9035, -43.1094)


def test_a_configured_geocoder_is_asked_and_its_answers_cached(session, tmp_path):
    from webapp.network.geocoding import CachedGeocoder

    stand_in = StandInGeocoder()
    geocoder = CachedGeocoder(session, stand_in)
    path = write_csv(tmp_path / "r.csv", [row(latitude="", longitude="")])
    report = run(session, path, geocoder=geocoder)
    assert report.geocoded == 1 and stand_in.queries == ["Rua Moreira César, 100, Icaraí, Niterói, RJ, Brasil"]
    assert session.scalars(select(Location.precision)).one() == "exact"
    run(session, path, geocoder=geocoder)
    assert len(stand_in.queries) == 1  # the second time the cache answered


def test_coordinates_in_another_municipality_are_kept_and_flagged(session, tmp_path):
    # A point in downtown Rio de Janeiro, stated as Niterói.
    report = run(session, write_csv(tmp_path / "r.csv", [row(latitude="-22.9068", longitude="-43.1729")]))
    assert report.accepted == 1 and len(report.warnings) == 1
    assert "Rio de Janeiro/RJ" in report.warnings[0].reason
    assert session.scalars(select(Location.coordinates_match)).one() is False


def test_full_network_file_ends_missing_providers_without_deleting(session, tmp_path):
    run(session, write_csv(tmp_path / "a.csv", [row(), row(provider_key="P2", location_key="P2-L1")]))
    partial = write_csv(tmp_path / "b.csv", [row()])
    report = run(session, partial)  # not --full: P2 untouched
    assert report.memberships_ended == 0
    report = run(session, partial, full=True, confirm_exits=2)  # half of each network: confirmed
    assert report.memberships_ended == 2
    p2 = session.scalars(select(Provider).where(Provider.key == "P2")).one()
    assert {m.until for m in p2.memberships} == {TODAY}
    exits = session.scalars(select(NetworkChange).where(NetworkChange.provider_id == p2.id)).all()
    assert {c.kind for c in exits} >= {"saida"} and all(c.municipality_ibge == 3303302 for c in exits)
    assert not run(session, partial, full=True).changed_anything


def test_dropping_a_product_ends_that_membership_only(session, tmp_path):
    run(session, write_csv(tmp_path / "a.csv", [row()]))
    report = run(session, write_csv(tmp_path / "b.csv", [row(products="leve-dental-rj-1-adesao")]), confirm_exits=1)
    assert report.memberships_ended == 1
    memberships = session.scalars(select(NetworkMembership)).all()
    assert sorted(str(m.until) for m in memberships) == ["2026-11-24", "None"]


def test_entries_exits_and_substitutions_are_logged(session, tmp_path):
    run(session, write_csv(tmp_path / "a.csv", [
        row(provider_key="OLD", location_key="OLD-L1", network_until="2026-12-20", products="leve-dental-rj-1-adesao"),
    ]))
    run(session, write_csv(tmp_path / "b.csv", [
        row(provider_key="OLD", location_key="OLD-L1", network_until="2026-12-20", products="leve-dental-rj-1-adesao"),
        row(provider_key="NEW", location_key="NEW-L1", network_since="2026-12-20",
            replaces_provider_key="OLD", products="leve-dental-rj-1-adesao"),
    ]))
    changes = session.execute(
        select(Provider.key, NetworkChange.kind, NetworkChange.effective_date)
        .join(Provider, Provider.id == NetworkChange.provider_id).order_by(Provider.key, NetworkChange.kind)
    ).all()
    assert [tuple(map(str, c)) for c in changes] == [
        ("NEW", "entrada", "2026-12-20"), ("NEW", "substituicao", "2026-12-20"),
        ("OLD", "saida", "2026-12-20"),  # its entry (2024) is older than the 180-day log
    ]
    substitution = session.scalars(select(NetworkChange).where(NetworkChange.kind == "substituicao")).one()
    assert substitution.replaced_provider_id == session.scalars(select(Provider.id).where(Provider.key == "OLD")).one()


def test_cli_import_prints_a_summary_and_writes_the_rejects_report(runner, session, tmp_path):
    path = write_csv(tmp_path / "rede.csv", [row(), row(provider_key="BAD", location_key="B-L1", cro_uf="ZZ")])
    result = runner.invoke(args=["network", "import", str(path), "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert "2 linhas lidas: 1 aceitas, 1 rejeitadas" in result.output
    assert "linha 3, coluna cro_uf: UF inexistente [ZZ]" in result.output
    report = (tmp_path / "rede-rejeicoes.csv").read_text(encoding="utf-8").splitlines()
    assert report == ["linha,coluna,valor,motivo,tipo", "3,cro_uf,ZZ,UF inexistente,rejeitada"]


def test_cli_fatal_error_exits_non_zero(runner, session, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("provider_key\nP1\n", encoding="utf-8")
    result = runner.invoke(args=["network", "import", str(path)])
    assert result.exit_code == 1
    assert "importação cancelada, nada foi alterado" in result.output
    assert counts(session)["provider"] == 0
