"""Fuzzing as a habit: hypothesis writes query strings for every GET route of the site (all but
the JSON API, which schemathesis fuzzes against its OpenAPI document), anonymous, as a member
and as an agent, and no answer may be a 5xx or a redirect to another host.

The routes come from the app's URL map, so a new page is fuzzed the day it appears (a new kind
of path argument fails here until it is given a value below).  Keys are drawn from what each
route reads, from Flask's own ``url_for`` keywords and at random; values from real ones (so the
code behind the validation runs too), look-alike digits, control characters, huge numbers, dates
far from now and any text.  Derandomized: the same examples on every run and in CI.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer

from tests.support.databases import BACKENDS
from tests.support.world import enter_as
from webapp.members.services import VERIFY_SALT

#: Examples per route, role and database (about 30 routes, 2 databases: ~500 per role).
EXAMPLES_PER_ROUTE = 8
FORGED_HOST = "evil.example"
# The supervisor is an agent who also sees the audit log; the network team (``team``) is fuzzed
# on its own pages only: everywhere else it is an agent like the others.
ROLES = ("anonymous", "member", "supervisor", "team")

PLANS = ("cassems-odonto", "sintaema-convencional", "leve-dental-rj-1-adesao", "sao-cristovao-odontologico")
SEARCH_KEYS = ("plano", "municipio", "lat", "lon", "cidade", "especialidade", "q", "urgencia", "acessivel",
               "criancas", "pagina")
STATEMENT_KEYS = ("pessoa", "ano", "de", "ate", "categoria", "dente")
AUDIT_KEYS = ("agente", "beneficiario", "de", "ate", "pagina")
# What each route reads from its query string; any other route still gets the keys below.
KEYS = {
    "network.search": SEARCH_KEYS,
    "network.suggest_municipalities": ("cidade", "plano", "especialidade", "q", "urgencia"),
    "network.changes": ("plano", "municipio"),
    "network.provider": ("enviado", "voltar"),
    "plans.coverage": ("q",),
    "plans.waiting": ("inclusao",),
    "members.sign_in": ("next", "saiu"),
    "history.statement": STATEMENT_KEYS,
    "history.statement_csv": STATEMENT_KEYS,
    "history.authorizations": ("pessoa",),
    "agents.sign_in": ("next", "saiu"),
    "agents.share": ("tipo",),
    "agents.audit": AUDIT_KEYS,
    "agents.audit_csv": AUDIT_KEYS,
    "network_team.queue": ("plano", "municipio", "motivo", "ordem", "pagina"),
    "network_team.report": ("local", "feito"),
    "network_team.export_csv": ("operadora", "registro"),
}
# Valid queries to start from, so that one changed parameter reaches the code behind validation.
BASES = {
    "network.search": {"plano": "leve-dental-rj-1-adesao", "municipio": "3303302"},
    "network.changes": {"plano": "leve-dental-rj-1-adesao", "municipio": "3303302"},
    "plans.waiting": {"inclusao": "2026-01-10"},
    "plans.coverage": {"q": "canal"},
    "history.statement": {"ano": "2026"},
    "agents.audit": {"de": "2026-11-01", "ate": "2026-11-24"},
    "network_team.queue": {"plano": "leve-dental-rj-1-adesao", "municipio": "3303302", "motivo": "telefone-errado"},
    "network_team.export_csv": {"operadora": "leve-saude"},
}
# url_for's own keywords and the path's arguments, which a careless view would pass on.
TRICKY_KEYS = ("_external", "_anchor", "_scheme", "_method", "endpoint", "slug", "provider_id", "lookup_id",
               "code", "token", "next", "csrf_token")
REAL_VALUES = ("leve-dental-rj-1-adesao", "cassems-odonto", "3303302", "3550308", "-22.9035", "-43.1094",
               "endodontia", "clinico-geral", "odontopediatria", "Niterói", "Rio de Janeiro/RJ", "canal", "1", "on",
               "2", "50", "51", "2026", "2025", "2026-01-01", "2026-11-24", "36", "85", "dentistica", "busca",
               "dentista", "plano", "posso-fazer", "/carteirinha", "/atendimento/auditoria", "telefone-errado",
               "recentes", "relevancia", "leve-saude", "odontoprev")
ODD_VALUES = ("nan", "inf", "-inf", "1e400", "-0", "0", "1_000", " 7 ", "+7", "0x1f", "%00", "%", "١٢", "²",
              "9" * 5000, "x" * 300, "https://evil.example/", "//evil.example", "/\\evil.example",
              "javascript:alert(1)", "9999-12-31", "0001-01-01", "2026-02-30", str(2**31), str(2**63), str(2**64))
HTMX_TARGETS = ("mais-resultados", "extrato", "resultados-cobertura", "sugestoes-cidade", "outro")
# Raw bytes that no encoder would write: a lone %, invalid UTF-8.
RAW_TAILS = ("", "", "", "&%", "&a=%FF%FE", "&%C3%28=1", "&&&", "&==", "&q=%E0%A4")


def _values(world_values: tuple[str, ...]):
    text = st.characters(codec="utf-8")  # every code point but lone surrogates, which no URL carries
    return st.one_of(
        st.sampled_from(REAL_VALUES + world_values),
        st.sampled_from(ODD_VALUES),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
        st.floats().map(str),
        st.text(st.characters(categories=("Nd", "No")), min_size=1, max_size=12),  # look-alike digits
        st.text(st.characters(categories=("Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=4),
        st.tuples(st.sampled_from(REAL_VALUES), st.text(st.characters(categories=("Cc", "Cf")), min_size=1,
                                                        max_size=2)).map("".join),
        st.text(text, max_size=60),
    )


def html_routes(app) -> list:
    """Every GET route but the JSON API's and the static files'."""
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.endpoint != "static" and not rule.endpoint.startswith("api.")),
                  key=lambda rule: rule.rule)


def path_values(rule, world, token: str):
    """A strategy for the path arguments of *rule*, from the world's real things."""
    known = {
        "provider_id": st.just(world.provider_id),
        "lookup_id": st.just(world.lookup_id),
        "report_id": st.just(world.report_id),
        "code": st.just(world.link_code),
        "token": st.just(token),
        "payload": st.just(f"{world.holder_id}.1.123456"),  # the card's QR link: a wrong code
        "slug": (st.sampled_from(PLANS) if rule.endpoint.startswith("plans.")
                 else st.sampled_from([world.provider_slug, "outro-nome", "x"])),
    }
    missing = set(rule.arguments) - set(known)
    assert not missing, f"{rule.rule}: give the fuzzer a value for {sorted(missing)}"
    return st.fixed_dictionaries({name: known[name] for name in rule.arguments})


@pytest.mark.slow  # hundreds of generated query strings per role
@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
@pytest.mark.parametrize("role", ROLES)
def test_no_query_string_gets_a_5xx(app, client, world_with_history, role, backend):
    world = world_with_history
    routes = html_routes(app)
    assert {"/rede", "/extrato", "/atendimento/auditoria", "/rede/dentista/<id:provider_id>-<slug>",
            "/atendimento/rede"} <= {rule.rule for rule in routes}
    if role == "team":
        routes = [rule for rule in routes if rule.endpoint.startswith("network_team.")]
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=VERIFY_SALT).dumps({"m": world.holder_id})
    adapter = app.url_map.bind("localhost")
    values = _values((str(world.holder_id), str(world.agent_id), str(world.provider_id), world.holder_card))
    all_keys = tuple(sorted({key for keys in KEYS.values() for key in keys}))
    requests: list[str] = []

    def fuzz_route(rule):
        own = st.sampled_from(KEYS.get(rule.endpoint) or all_keys)
        # Mostly what the route reads, then url_for's keywords and other routes' keys, then anything.
        keys = st.one_of(own, own, own, st.sampled_from(TRICKY_KEYS + all_keys), st.text(max_size=12))

        @settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(st.data())
        def fuzz(data):
            path = adapter.build(rule.endpoint, data.draw(path_values(rule, world, token), label="path"))
            pairs = data.draw(st.lists(st.tuples(keys, values), min_size=1, max_size=5), label="query")
            if rule.endpoint in BASES and data.draw(st.booleans(), label="from a valid query"):
                pairs = [pair for pair in BASES[rule.endpoint].items() if pair[0] not in dict(pairs)] + pairs
            query = urlencode(pairs) + data.draw(st.sampled_from(RAW_TAILS), label="raw tail")
            # Always a forged Host: whatever the query, no redirect may lead there.
            headers = data.draw(st.one_of(st.just({}), st.sampled_from(HTMX_TARGETS).map(
                lambda target: {"HX-Request": "true", "HX-Target": target})), label="htmx") | {"Host": FORGED_HOST}
            enter_as(client, world, role)
            url = f"{path}?{query}"
            response = client.get(url, headers=headers)
            requests.append(url)
            assert response.status_code < 500, (url, headers, response.status_code)
            if 300 <= response.status_code < 400:
                assert urlsplit(response.headers["Location"]).netloc != FORGED_HOST, (url, response.headers)

        fuzz()

    for rule in routes:
        fuzz_route(rule)
    # Derandomized, so this is the same number on every run; a strategy that stopped producing
    # examples (everything filtered out) would show here rather than pass quietly.
    assert len(requests) >= EXAMPLES_PER_ROUTE * len(routes), len(requests)
