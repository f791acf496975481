"""Hostile input, as a class: every parameter of every route that reads numbers, dates, ids or
free text, given look-alike digits, numbers past 2⁶³, dates the calendar cannot hold, NUL, CR/LF
and very long strings, anonymous, as a member and as an agent, on SQLite and PostgreSQL.

Nothing answers 5xx.  A value that is bad for its parameter gets a 400 with the pt-BR message of
that parameter (a 404 for an id in the path); a value that is fine for it (``²`` typed as a
dentist's name) is simply searched for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.support.databases import BACKENDS
from tests.support.members import CASSEMS_HOLDER_CPF
from tests.support.pages import csrf
from tests.support.world import enter_as
from webapp.core.parsing import MAX_ID, control_characters, parse_id
from webapp.core.urls import safe_next

LEVE, NITEROI = "leve-dental-rj-1-adesao", "3303302"
POINT = {"lat": "-22.9035", "lon": "-43.1094"}

HOSTILE = {
    "superscript two": "²",
    "Arabic-Indic three": "٣",
    "full-width three": "３",
    "full-width year": "２０２６-01-01",
    "mathematical bold seven": "𝟕",
    "2**63": str(2**63),
    "2**64": str(2**64),
    "forty nines": "9" * 40,
    "minus one": "-1",
    "exponent": "1e400",
    "not a number": "nan",
    "year 9999": "9999-12-31",
    "year 1": "0001-01-01",
    "30 February": "2026-02-30",
    "NUL": "\x00",
    "NUL inside": "12\x0034",
    "CR/LF": "\r\n",
    "header injection": "1\r\nSet-Cookie: x=1",
    "percent-encoded NUL, as text": "%00",
    "right-to-left override": "\u202e12",
    "provider URL past 2**63": "https://guia.example/rede/dentista/99999999999999999999-x",
    "very long": "9" * 5000,
}

# How a parameter reads its value, and so which hostile values are bad for it.
NUMBER = "number"  # ASCII digits within bounds (ids in the query string too); blank means absent
DATE = "date"  # AAAA-MM-DD within 1900–2100
CHOICE = "choice"  # one of a list
COORDINATE = "coordinate"  # a decimal number of degrees
TEXT = "text"  # one line of free text: no control characters, bounded
TEXTAREA = "textarea"  # free text where line breaks are allowed
QUIET = "quiet"  # anything may come; only "no 5xx" is promised (a look-up key, a sign-in name)


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    messages: tuple[str, ...] = ()  # one of them is in the answer to a bad value
    max_length: int = 100

    def is_bad(self, value: str) -> bool:
        if self.kind == QUIET:
            return False
        if self.kind in (TEXT, TEXTAREA):
            collapsed = " ".join(value.split())
            return bool(control_characters(value, allow_newlines=self.kind == TEXTAREA)) or len(
                collapsed) > self.max_length
        if not value.strip():
            return False  # a blank field is an absent one
        return not (self.kind == COORDINATE and value == "-1")  # -1° is a fine latitude


@dataclass(frozen=True)
class Route:
    name: str
    role: str
    path: str  # may name {provider}, {slug}, {lookup}, {code}
    params: tuple[Param, ...]
    base: dict = field(default_factory=dict)  # valid values of the other parameters
    method: str = "GET"
    token_from: str | None = None  # the page whose form gives the CSRF token of a POST
    json: bool = False
    # False where no value of these parameters reaches the database (refused or used in memory first).
    reaches_database: bool = True


def p(name, kind, *messages, max_length=100) -> Param:
    return Param(name, kind, messages, max_length)


SEARCH_PARAMS = (
    p("municipio", NUMBER, "Município não encontrado"),
    p("pagina", NUMBER, "Página inválida"),
    p("plano", CHOICE, "Plano desconhecido"),
    p("especialidade", CHOICE, "Especialidade desconhecida"),
    p("urgencia", CHOICE, "Valor inválido para um filtro"),
    p("q", TEXT, "O nome do dentista ou clínica"),
    p("cidade", TEXT, "O nome da cidade"),
)
POINT_PARAMS = (p("lat", COORDINATE, "Localização inválida"), p("lon", COORDINATE, "Localização inválida"))
STATEMENT_PARAMS = (
    p("pessoa", NUMBER, "Escolha uma pessoa da lista"),
    p("ano", NUMBER, "Ano inválido"),
    p("de", DATE, "A data de início do período"),
    p("ate", DATE, "A data de fim do período"),
    p("categoria", CHOICE, "Categoria desconhecida"),
    p("dente", NUMBER, "Dente inválido"),
)
AUDIT_PARAMS = (
    p("agente", NUMBER, "Escolha o atendente na lista"),
    p("beneficiario", NUMBER, "Nenhum beneficiário"),
    p("de", DATE, "A data inicial"),
    p("ate", DATE, "A data final"),
    p("pagina", NUMBER, "A página"),
)
SHARE = "/atendimento/consultas/{lookup}/enviar-link"
TEAM_QUEUE_PARAMS = (
    p("plano", CHOICE, "Plano desconhecido"),
    p("municipio", NUMBER, "O código do município", "Município não encontrado"),
    p("motivo", CHOICE, "Tipo de relato desconhecido"),
    p("ordem", CHOICE, "Ordem desconhecida"),
    p("pagina", NUMBER, "A página"),
)
REPORT = "/atendimento/rede/relatos/{report}"

ROUTES = [
    # anonymous, public
    Route("search", "anonymous", "/rede", SEARCH_PARAMS, {"plano": LEVE, "municipio": NITEROI}),
    Route("search from a point", "anonymous", "/rede", POINT_PARAMS, {"plano": LEVE, **POINT}),
    Route("search API", "anonymous", "/api/v1/rede", SEARCH_PARAMS, {"plano": LEVE, "municipio": NITEROI},
          json=True),
    Route("search API from a point", "anonymous", "/api/v1/rede", POINT_PARAMS, {"plano": LEVE, **POINT}, json=True),
    Route("network changes", "anonymous", "/rede/alteracoes",
          (p("municipio", NUMBER, "Código de município inválido"), p("plano", CHOICE, "Plano desconhecido")),
          {"plano": LEVE}),
    Route("city suggestions", "anonymous", "/rede/municipios", (p("cidade", QUIET), p("q", QUIET)), {"plano": LEVE},
          reaches_database=False),
    Route("provider page", "anonymous", "/rede/dentista/{provider}-{slug}",
          (p("enviado", QUIET), p("voltar", QUIET)), reaches_database=False),
    # The search a result's link carries: a search that is not valid is ignored, not refused.
    Route("provider page in a search", "anonymous", "/rede/dentista/{provider}-{slug}",
          tuple(p(name, QUIET) for name in ("plano", "municipio", "especialidade", "q", "pagina", "urgencia", "cidade")),
          {"plano": LEVE, "municipio": NITEROI}, reaches_database=False),
    Route("provider page in a search from a point", "anonymous", "/rede/dentista/{provider}-{slug}",
          (p("lat", QUIET), p("lon", QUIET)), {"plano": LEVE, **POINT}, reaches_database=False),
    Route("waiting calculator", "anonymous", "/planos/cassems-odonto/carencias",
          (p("inclusao", DATE, "Data de inclusão inválida", "entre 1900 e 2100", "não existe"),),
          reaches_database=False),
    Route("waiting calculator API", "anonymous", "/api/v1/planos/cassems-odonto/carencias",
          (p("inclusao", DATE, "Data de inclusão inválida", "entre 1900 e 2100", "não existe"),), json=True,
          reaches_database=False),
    Route("posso fazer", "anonymous", "/planos/cassems-odonto/coberturas", (p("q", TEXT, "A busca"),)),
    Route("posso fazer API", "anonymous", "/api/v1/planos/cassems-odonto/coberturas",
          (p("q", TEXT, "A busca"),
           p("inclusao", DATE, "Data de inclusão inválida", "entre 1900 e 2100", "não existe")),
          base={"q": "canal"}, json=True),
    Route("error report", "anonymous", "/rede/dentista/{provider}/erro",
          (p("motivo", CHOICE, "Escolha o que está errado"),
           p("detalhe", TEXTAREA, "Use nos detalhes só texto", "no máximo 500 caracteres", max_length=500),
           p("local", NUMBER, "Escolha um dos endereços da lista")),
          {"motivo": "telefone-errado", "detalhe": "O número mudou"}, method="POST",
          token_from="/rede/dentista/{provider}-{slug}"),
    Route("first access", "anonymous", "/primeiro-acesso", (p("nascimento", DATE, "data de nascimento"),),
          {"cpf": CASSEMS_HOLDER_CPF, "carteirinha": "{card}", "senha": "nova-senha-123",
           "confirmacao": "nova-senha-123"}, method="POST", token_from="/primeiro-acesso", reaches_database=False),
    Route("forgot password", "anonymous", "/esqueci-senha", (p("nascimento", DATE, "data de nascimento"),),
          {"cpf": CASSEMS_HOLDER_CPF, "carteirinha": "{card}"}, method="POST", token_from="/esqueci-senha",
          reaches_database=False),
    Route("reset code", "anonymous", "/esqueci-senha/codigo", (p("codigo", NUMBER, "O código tem 6 números"),),
          {"senha": "nova-senha-123", "confirmacao": "nova-senha-123"}, method="POST", token_from="/esqueci-senha",
          reaches_database=False),
    Route("member sign-in", "anonymous", "/entrar", (p("login", QUIET),), {"senha": "errada"}, method="POST",
          token_from="/entrar"),
    Route("card check", "anonymous", "/verificar",
          (p("carteirinha", NUMBER, "Informe o número da carteirinha", "Código inválido ou vencido"),
           p("codigo", NUMBER, "código de 6 números")),
          {"carteirinha": "{card}", "codigo": "123456"}, method="POST", token_from="/verificar"),
    Route("agent sign-in", "anonymous", "/atendimento/entrar", (p("usuario", QUIET),), {"senha": "errada"},
          method="POST", token_from="/atendimento/entrar"),
    # a member
    Route("statement", "member", "/extrato", STATEMENT_PARAMS),
    Route("statement CSV", "member", "/extrato.csv", STATEMENT_PARAMS),
    Route("authorizations", "member", "/autorizacoes", (p("pessoa", NUMBER, "Escolha uma pessoa da lista"),)),
    # The statement's filters ride along only as the way back: a bad one is dropped, not refused.
    Route("statement answer", "member", "/extrato/1/confirmacao",
          (p("resposta", CHOICE, "Escolha uma das respostas"),
           *(p(name, QUIET) for name in ("pessoa", "ano", "de", "ate", "categoria", "dente"))),
          {"resposta": "atendido"}, method="POST", token_from="/extrato"),
    # an agent
    Route("audit log", "supervisor", "/atendimento/auditoria", AUDIT_PARAMS),
    Route("audit CSV", "supervisor", "/atendimento/auditoria.csv", AUDIT_PARAMS),
    Route("audit filter form", "supervisor", "/atendimento/auditoria", (p("carteirinha", QUIET),),
          method="POST", token_from="/atendimento/auditoria"),
    Route("look-up", "agent", "/atendimento",
          (p("motivo", CHOICE, "Escolha o motivo"), p("protocolo", TEXT, "O protocolo", max_length=30),
           p("identificador", QUIET)),
          {"identificador": "{card}", "motivo": "ligacao"}, method="POST", token_from="/atendimento"),
    Route("share a search", "agent", SHARE + "?tipo=busca",
          (p("validade", CHOICE, "Escolha a validade"), p("plano", CHOICE, "Escolha o plano"),
           p("especialidade", CHOICE, "Escolha a especialidade"), p("q", TEXT, "O nome do dentista ou clínica"),
           p("cidade", TEXT, "O nome da cidade")),
          {"plano": LEVE, "cidade": "Niterói/RJ", "validade": "30"}, method="POST", token_from="/atendimento"),
    Route("share a search from a point", "agent", SHARE + "?tipo=busca",
          (p("lat", COORDINATE, "Ponto inválido"), p("lon", COORDINATE, "Ponto inválido")),
          {"plano": LEVE, **POINT, "validade": "30"}, method="POST", token_from="/atendimento"),
    Route("share a provider", "agent", SHARE + "?tipo=dentista",
          (p("dentista", CHOICE, "Cole o link", "Não existe dentista"),),
          {"validade": "30"}, method="POST", token_from="/atendimento"),
    Route("share a plan section", "agent", SHARE + "?tipo=plano",
          (p("secao", CHOICE, "Escolha a seção"),), {"plano": LEVE, "validade": "30"}, method="POST",
          token_from="/atendimento"),
    Route("share posso fazer", "agent", SHARE + "?tipo=posso-fazer",
          (p("procedimento", TEXT, "O tratamento"),), {"plano": LEVE, "validade": "30"}, method="POST",
          token_from="/atendimento"),
    Route("share builder form", "agent", SHARE, (p("tipo", QUIET),), reaches_database=False),
    # the network team
    Route("network queue", "team", "/atendimento/rede", TEAM_QUEUE_PARAMS),
    Route("network report", "team", REPORT, (p("local", QUIET), p("feito", QUIET)), reaches_database=False),
    # A location that is not the provider's: no correction is ever made, each field still checked.
    Route("network correction", "team", REPORT + "/corrigir",
          (p("telefones", QUIET), p("whatsapp", QUIET), p("logradouro", TEXT, "O logradouro", max_length=200),
           p("numero", TEXT, "O número", max_length=20), p("complemento", TEXT, "O complemento", max_length=120),
           p("bairro", TEXT, "O bairro", max_length=120), p("cep", QUIET), p("local", QUIET)),
          {"local": "999999", "logradouro": "Rua Moreira César"}, method="POST", token_from=REPORT),
    Route("network exit", "team", REPORT + "/saiu", (p("plano", CHOICE, "Escolha um dos planos"),), method="POST",
          token_from=REPORT),
    Route("network verified", "team", REPORT + "/verificar", (p("local", NUMBER, "Escolha um dos endereços"),),
          method="POST", token_from=REPORT),
    Route("network rejection", "team", REPORT + "/rejeitar",
          (p("justificativa", TEXTAREA, "Use na justificativa só texto", "no máximo 500 caracteres",
             max_length=500),), method="POST", token_from=REPORT),
    Route("network export", "team", "/atendimento/rede/exportar", (p("operadora", CHOICE, "Escolha a operadora"),),
          method="POST", token_from="/atendimento/rede"),
    Route("network export CSV", "team", "/atendimento/rede/exportar.csv",
          (p("operadora", CHOICE, "Escolha a operadora"), p("registro", QUIET)), {"operadora": "leve-saude"}),
]
CASES = [pytest.param(route, backend, id=f"{route.name}-{backend}")
         for route in ROUTES for backend in (BACKENDS if route.reaches_database else ("sqlite",))]

# Path segments: an id the databases cannot hold, or that is not ASCII digits, names nothing.
PATHS = [
    ("anonymous", "/rede/dentista/{value}", {404}),
    ("anonymous", "/rede/dentista/{value}-{slug}", {404}),
    ("anonymous", "/api/v1/rede/dentista/{value}", {404}),
    ("anonymous", "/planos/{value}", {404}),
    ("anonymous", "/s/{value}", {404}),
    ("anonymous", "/nova-senha/{value}", {404}),  # a reset link nobody was sent
    ("agent", "/atendimento/consultas/{value}", {404}),
    ("agent", "/atendimento/consultas/{value}/enviar-link", {404}),
    ("agent", "/atendimento/consultas/{lookup}/links/{value}", {404}),
    ("team", "/atendimento/rede/relatos/{value}", {404}),
    ("anonymous", "/verificar/{value}", {400, 404}),  # a token that is not one; a "/" in it is another path
    ("anonymous", "/verificar/c/{value}", {400, 404}),  # the phone's QR link: ids and a code, or nothing
]
_ID_AND_SLUG = re.compile(r"([0-9]+)-")


def fill(text: str, world) -> str:
    return text.format(provider=world.provider_id, slug=world.provider_slug, lookup=world.lookup_id,
                       code=world.link_code, card=world.holder_card, report=world.report_id)


def answer_text(response, as_json: bool) -> str:
    body = response.get_data(as_text=True)
    if as_json:
        return json.loads(body).get("erro", "") if body.startswith("{") else body
    return BeautifulSoup(body, "html.parser").get_text(" ")


@pytest.mark.slow  # every hostile value through every parameter of every route
@pytest.mark.parametrize(("route", "backend"), CASES, indirect=["backend"])
def test_every_parameter_refuses_hostile_values_without_a_5xx(client, world, route, backend):
    enter_as(client, world, route.role)
    path = fill(route.path, world)
    base = {k: fill(v, world) for k, v in route.base.items()}
    token = {"csrf_token": csrf(client, fill(route.token_from, world))} if route.token_from else {}
    failures = []
    for param in route.params:
        for label, value in HOSTILE.items():
            values = {**base, param.name: value}
            if route.method == "GET":
                response = client.get(path, query_string=values)
            else:
                response = client.post(path, data={**values, **token})
            status = response.status_code
            where = f"{param.name}={label!r}: {status}"
            if status >= 500:
                failures.append(where)
            elif param.is_bad(value):
                text = answer_text(response, route.json)
                if status != 400 or not any(m in text for m in param.messages):
                    failures.append(f"{where}, expected 400 with {param.messages}: {' '.join(text.split())[:200]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_ids_and_codes_in_the_path_that_name_nothing_are_a_404(client, world, backend):
    failures = []
    for role, template, expected in PATHS:
        enter_as(client, world, role)
        for label, value in HOSTILE.items():
            url = fill(template.replace("{value}", quote(value, safe="")), world)
            status = client.get(url).status_code
            # "0001-01-01" reads as provider 1 with a wrong slug: its canonical redirect, or a 404.
            named = template.startswith("/rede/dentista/") and _ID_AND_SLUG.match(value)
            if status not in (expected | {301} if named and parse_id(named.group(1)) else expected):
                failures.append(f"{template} with {label!r}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_ids_at_the_edge_of_the_databases_integers(client, world, backend):
    # MAX_ID (PostgreSQL's INTEGER) is looked up and not found; one more names nothing: never an overflow.
    for number, expected in ((MAX_ID, 404), (MAX_ID + 1, 404), (2**63 - 1, 404)):
        for url in (f"/rede/dentista/{number}", f"/rede/dentista/{number}-x", f"/api/v1/rede/dentista/{number}"):
            assert client.get(url).status_code == expected, url
        enter_as(client, world, "agent")
        assert client.get(f"/atendimento/consultas/{number}").status_code == expected
        enter_as(client, world, "member")
        page = client.get(f"/extrato?pessoa={number}")
        assert page.status_code == 400 and "Escolha uma pessoa da lista" in answer_text(page, False)
        enter_as(client, world, "anonymous")
    enter_as(client, world, "supervisor")
    page = client.get(f"/atendimento/auditoria?agente={MAX_ID}")
    assert page.status_code == 200 and "Nenhum acesso registrado com estes filtros" in answer_text(page, False)
    page = client.get(f"/atendimento/auditoria?agente={MAX_ID + 1}")
    assert page.status_code == 400 and "Escolha o atendente na lista" in answer_text(page, False)


# --- the provider page's canonical redirect ------------------------------------------------------


@pytest.mark.parametrize("query", ["slug=x", "endpoint=x", "_method=POST", "_external=1", "_anchor=x",
                                   "_scheme=javascript", "provider_id=1", "slug=x&slug=y&enviado=1", "%00=%00"])
def test_the_canonical_redirect_keeps_the_query_as_text_and_stays_on_this_site(client, world, query):
    response = client.get(f"/rede/dentista/{world.provider_id}?{query}", headers={"Host": "evil.example"})
    assert response.status_code == 301
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location  # relative: the forged Host goes nowhere
    assert parts.path == f"/rede/dentista/{world.provider_id}-{world.provider_slug}"
    assert "#" not in location
    followed = client.get(location)
    assert followed.status_code == 200


def test_the_canonical_redirect_carries_the_parameters_over(client, world):
    response = client.get(f"/rede/dentista/{world.provider_id}?enviado=1&utm_source=whatsapp")
    assert response.headers["Location"] == (f"/rede/dentista/{world.provider_id}-{world.provider_slug}"
                                            "?enviado=1&utm_source=whatsapp")
    bare = client.get(f"/rede/dentista/{world.provider_id}")
    assert bare.headers["Location"] == f"/rede/dentista/{world.provider_id}-{world.provider_slug}"


# --- where a sign-in sends a person afterwards ---------------------------------------------------

ELSEWHERE = ["https://evil.example/", "http:/evil.example", "//evil.example", "///evil.example",
             "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/\r\n/evil.example",
             "/x\r\nSet-Cookie: a=1", "/\x00", "javascript:alert(1)", " /carteirinha", "carteirinha",
             "/" + "a" * 3000, "", "²"]
LOCAL = ["/carteirinha", "/extrato?pessoa=2&ano=2026", "/rede?cidade=Niter%C3%B3i", "/%0d%0aSet-Cookie:a=1"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_safe_next_refuses_anything_but_a_path_of_this_site(target):
    assert safe_next(target, default="/carteirinha?x") == "/carteirinha?x"


@pytest.mark.parametrize("target", LOCAL)
def test_safe_next_keeps_a_local_path(target):
    assert safe_next(target, default="/") == target


def test_safe_next_under_a_prefix():
    assert safe_next("/atendimento/auditoria?de=2026-01-01", default="/atendimento",
                     under="/atendimento") == "/atendimento/auditoria?de=2026-01-01"
    for target in ("/atendimentos", "/carteirinha", "/atendimento\\..", "//atendimento"):
        assert safe_next(target, default="/atendimento", under="/atendimento") == "/atendimento"


@pytest.mark.parametrize("role", ["member", "agent"])
def test_both_sign_ins_send_hostile_next_home(client, world, role):
    from webapp.agents.demo import DEMO_PASSWORD as AGENT_PASSWORD
    from webapp.members.demo import DEMO_PASSWORD as MEMBER_PASSWORD

    sign_in, home = ("/entrar", "/carteirinha") if role == "member" else ("/atendimento/entrar", "/atendimento")
    form = ({"login": CASSEMS_HOLDER_CPF, "senha": MEMBER_PASSWORD} if role == "member"
            else {"usuario": "atendente", "senha": AGENT_PASSWORD})
    # The rule itself is tested above, value by value; here, that both sign-ins follow it.
    for target in ("//evil.example", "/\\evil.example", "/\r\n/evil.example", "/" + "a" * 3000, "/\x00"):
        enter_as(client, world, "anonymous")
        page = client.get(sign_in, query_string={"next": target})
        assert page.status_code == 200, target
        token = BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one("input[name=csrf_token]")
        response = client.post(sign_in, query_string={"next": target}, data={**form, "csrf_token": token["value"]})
        assert response.status_code == 303 and response.headers["Location"] == home, (target, response.headers)
