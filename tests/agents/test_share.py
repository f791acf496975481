"""The share builder: four kinds of public links, short links audited, WhatsApp / copy / QR."""

from urllib.parse import parse_qs, unquote, urlparse

import pytest
from werkzeug.datastructures import MultiDict

from tests.support.agents import log_rows, look_up, lookup_id
from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.members import CASSEMS_SPOUSE_CPF, LEVE_HOLDER_CPF, member_by_cpf
from tests.support.pages import csrf
from webapp.agents import share
from webapp.agents.models import ShortLink
from webapp.plans import services as plan_services

LEVE = "leve-dental-rj-1-adesao"


def create_link(client, entry_id, **fields):
    token = csrf(client, f"/atendimento/consultas/{entry_id}/enviar-link?tipo={fields.get('tipo', 'busca')}")
    return client.post(f"/atendimento/consultas/{entry_id}/enviar-link", data={"csrf_token": token, **fields})


@pytest.fixture
def leve_lookup(agent_client, families):
    return lookup_id(look_up(agent_client, LEVE_HOLDER_CPF, reason="ligacao", protocol="P-77"))


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_search_link_for_endodontia_near_the_members_municipality(app, agent_client, families, leve_lookup):
    base = app.config["PUBLIC_BASE_URL"]  # never the request's Host
    form = agent_client.page(f"/atendimento/consultas/{leve_lookup}/enviar-link")
    assert form.select_one("#plano option[selected]")["value"] == LEVE
    assert form.select_one("#cidade")["value"] == "Rio de Janeiro/RJ"  # from the phone's DDD 21
    assert form.select_one("#validade option[selected]")["value"] == "30"

    response = create_link(agent_client, leve_lookup, tipo="busca", plano=LEVE, cidade="Rio de Janeiro/RJ",
                           especialidade="endodontia", validade="30")
    assert response.status_code == 303
    code = response.headers["Location"].rsplit("/", 1)[1]
    link = families.query(ShortLink).filter_by(code=code).one()
    assert link.target == f"/rede?plano={LEVE}&municipio=3304557&especialidade=endodontia"
    assert link.title == "Dentistas de Endodontia perto de Rio de Janeiro/RJ — LEVE DENTAL RJ 1 Adesão"
    assert (link.expires_at - link.created_at).days == 30 and link.visits == 0
    holder = member_by_cpf(families, LEVE_HOLDER_CPF)
    for personal in (holder.name, holder.cpf, holder.card_number, holder.phone, "Luiz"):
        assert personal not in link.target and personal not in link.title and personal not in link.code

    lookup_row, link_row = log_rows(families)
    assert (link_row.action, link_row.member_id, link_row.lookup_id, link_row.short_link_id, link_row.reason,
            link_row.protocol) == ("link", holder.id, leve_lookup, link.id, "ligacao", "P-77")
    assert link_row.detail.startswith(code)

    page = agent_client.page(response.headers["Location"])
    short_url = f"{base}/s/{code}"
    assert page.select_one("#link-curto").get_text() == short_url
    whatsapp = page.select_one("a[href^='https://wa.me/']")["href"]
    assert whatsapp.startswith("https://wa.me/5521968881206?text=")
    message = unquote(whatsapp.split("?text=", 1)[1])
    assert short_url in message and "Endodontia" in message and "válido até" in message
    assert holder.name not in message
    assert page.select_one(".js-copy-link")["data-copy"] == short_url
    assert page.select_one("figure svg title").get_text() == "Código QR do link curto"
    assert f"{base}{link.target}" in page.get_text()

    followed = agent_client.get(f"/s/{code}")
    assert followed.status_code == 302 and followed.headers["Location"] == link.target


def test_search_link_with_a_point_filters_and_a_name(agent_client, families, leve_lookup):
    response = create_link(agent_client, leve_lookup, tipo="busca", plano=LEVE, cidade="", lat="-22,9035",
                           lon="-43.1094", especialidade="", q="Ana", urgencia="1", criancas="1", validade="7")
    assert response.status_code == 303
    link = families.query(ShortLink).one()
    query = parse_qs(urlparse(link.target).query)
    assert query == {"plano": [LEVE], "lat": ["-22.90350"], "lon": ["-43.10940"], "q": ["Ana"], "urgencia": ["1"],
                     "criancas": ["1"]}
    assert link.title == ("Dentistas perto de um ponto em Niterói/RJ — LEVE DENTAL RJ 1 Adesão "
                          "(urgência 24 h, atende crianças, nome com “Ana”)")
    assert (link.expires_at - link.created_at).days == 7


def test_search_link_for_dentists_taking_new_patients(agent_client, families, leve_lookup):
    page = agent_client.page(f"/atendimento/consultas/{leve_lookup}/enviar-link?tipo=busca")
    assert page.select_one("input[name=novos]") is not None
    response = create_link(agent_client, leve_lookup, tipo="busca", plano=LEVE, cidade="Niterói", especialidade="",
                           q="", novos="1", validade="7")
    assert response.status_code == 303
    link = families.query(ShortLink).one()
    assert parse_qs(urlparse(link.target).query) == {"plano": [LEVE], "municipio": ["3303302"], "novos": ["1"]}
    assert link.title.endswith("(aceita novos pacientes)")


@pytest.mark.parametrize("fields, field, message", [
    ({"cidade": "Campo Grande"}, "cidade", "mais de uma cidade"),
    ({"cidade": "Cidade Que Não Existe"}, "cidade", "Confira a grafia"),
    ({"cidade": "niteroy"}, "cidade", "Não encontramos a cidade “niteroy”. Você quis dizer Niterói/RJ?"),
    ({"cidade": "maric"}, "cidade", "Você quis dizer Maricá/RJ ou Mari/PB?"),
    ({"cidade": ""}, "cidade", "Digite a cidade"),
    ({"lat": "0", "lon": "0"}, "lat", "fora do Brasil"),
    ({"lat": "abc", "lon": "1"}, "lat", "Ponto inválido"),
    ({"especialidade": "astrologia"}, "especialidade", "Escolha a especialidade"),
    ({"plano": "nao-existe"}, "plano", "Escolha o plano"),
    ({"validade": "365"}, "validade", "validade"),
    ({"q": "x" * 101}, "q", "no máximo"),
    ({"q": "Dr."}, "q", "pelo menos 3 letras"),
])
def test_search_link_errors(agent_client, families, leve_lookup, fields, field, message):
    data = {"tipo": "busca", "plano": LEVE, "cidade": "Niterói", "validade": "30", **fields}
    response = create_link(agent_client, leve_lookup, **data)
    assert response.status_code == 400
    from tests.support.pages import check_page

    page = check_page(response.get_data(as_text=True), response.headers["Content-Security-Policy"])
    assert message in page.select_one(f"#{field}-error").get_text(), page.select_one(".go-error-summary")
    assert families.query(ShortLink).count() == 0 and len(log_rows(families)) == 1


def test_provider_link_from_a_pasted_url_or_a_number(agent_client, families, leve_lookup, small_network):
    provider_id = small_network["R1"]
    response = create_link(agent_client, leve_lookup, tipo="dentista",
                           dentista=f"https://guia.example/rede/dentista/{provider_id}-dr-carlos-rio?x=1")
    assert response.status_code == 303
    link = families.query(ShortLink).one()
    assert link.target == f"/rede/dentista/{provider_id}-dr-carlos-rio"
    assert link.title == "Dr. Carlos Rio — Endodontia, Odontopediatria" and link.kind == "dentista"
    assert create_link(agent_client, leve_lookup, tipo="dentista", dentista=str(provider_id)).status_code == 303
    for bad, message in (("", "Cole o link"), ("abc", "Cole o link"), ("99999999", "Não existe dentista")):
        response = create_link(agent_client, leve_lookup, tipo="dentista", dentista=bad)
        assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_plan_section_link(agent_client, families, leve_lookup):
    response = create_link(agent_client, leve_lookup, tipo="plano", plano=LEVE, secao="reembolso", validade="90")
    assert response.status_code == 303
    link = families.query(ShortLink).one()
    assert link.target == f"/planos/{LEVE}#reembolso"
    assert link.title == "LEVE DENTAL RJ 1 Adesão: Reembolso"
    assert agent_client.get(f"/s/{link.code}").headers["Location"] == f"/planos/{LEVE}#reembolso"
    bad = create_link(agent_client, leve_lookup, tipo="plano", plano=LEVE, secao="inexistente")
    assert bad.status_code == 400 and "Escolha a seção" in bad.get_data(as_text=True)


def test_a_section_the_plan_does_not_have_is_refused(agent_client, families, leve_lookup, session):
    products = {p.slug: p for p in plan_services.list_products(session, with_document=True)}
    missing = [(slug, anchor) for slug, p in products.items() for anchor in plan_services.SECTION_TITLES
               if anchor not in plan_services.product_sections(p)]
    assert missing, "every product has every section: nothing to check"
    slug, anchor = missing[0]
    response = create_link(agent_client, leve_lookup, tipo="plano", plano=slug, secao=anchor)
    assert response.status_code == 400 and "não tem a seção" in response.get_data(as_text=True)


def test_can_i_do_it_link(agent_client, families, leve_lookup):
    response = create_link(agent_client, leve_lookup, tipo="posso-fazer", plano=LEVE, procedimento="  tratamento   de canal ")
    assert response.status_code == 303
    link = families.query(ShortLink).one()
    assert link.target == f"/planos/{LEVE}/coberturas?q=tratamento+de+canal"
    assert link.title == "Posso fazer “tratamento de canal” pelo LEVE DENTAL RJ 1 Adesão?"
    for bad in ("", "x" * 101):
        assert create_link(agent_client, leve_lookup, tipo="posso-fazer", plano=LEVE,
                           procedimento=bad).status_code == 400


def test_builder_tabs_and_unknown_kind(agent_client, families, leve_lookup):
    base = f"/atendimento/consultas/{leve_lookup}/enviar-link"
    for kind, field in (("busca", "#cidade"), ("dentista", "#dentista"), ("plano", "#secao"),
                        ("posso-fazer", "#procedimento")):
        page = agent_client.page(f"{base}?tipo={kind}")
        assert page.select_one(field) is not None
        assert page.select_one("nav[aria-label='Tipo de link'] a[aria-current=page]")["href"].endswith(kind)
    assert agent_client.page(f"{base}?tipo=outro").select_one("#cidade") is not None
    assert create_link(agent_client, leve_lookup, tipo="outro").status_code == 400


def test_the_link_page_belongs_to_its_look_up(agent_client, families, leve_lookup):
    response = create_link(agent_client, leve_lookup, tipo="plano", plano=LEVE, secao="carencias")
    code = response.headers["Location"].rsplit("/", 1)[1]
    spouse = member_by_cpf(families, CASSEMS_SPOUSE_CPF)
    other = lookup_id(look_up(agent_client, spouse.card_number))
    assert agent_client.get(f"/atendimento/consultas/{other}/links/{code}").status_code == 404
    assert agent_client.get(f"/atendimento/consultas/{leve_lookup}/links/AAAAAAAAAAAAAAAA").status_code == 404


def test_no_whatsapp_without_a_valid_phone(agent_client, families, leve_lookup):
    holder = member_by_cpf(families, LEVE_HOLDER_CPF)
    holder.phone = "(00) 1234"
    families.flush()
    response = create_link(agent_client, leve_lookup, tipo="plano", plano=LEVE, secao="carencias")
    page = agent_client.page(response.headers["Location"])
    assert page.select("a[href^='https://wa.me/']") == []
    assert "Sem celular válido" in page.get_text() and page.select_one("figure svg") is not None


def test_parse_and_build_without_http(session):
    products = {p.slug: p for p in plan_services.list_products(session, with_document=True)}
    req = share.parse(MultiDict({"plano": LEVE, "cidade": "niteroi", "especialidade": "endodontia",
                                 "acessivel": "on"}), "busca", session, products, TODAY)
    assert req.errors == {} and req.municipality.ibge_code == 3303302 and req.flags == ("acessivel",)
    built = share.build(req, lambda endpoint, **values: (endpoint, values))
    assert built[0] == ("network.search", {"plano": LEVE, "municipio": "3303302", "especialidade": "endodontia",
                                           "acessivel": "1"})
    with pytest.raises(ValueError):
        share.parse(MultiDict(), "outro", session, products, TODAY)
    bad = share.parse(MultiDict({"plano": LEVE}), "busca", session, products, TODAY)
    with pytest.raises(ValueError):
        share.build(bad, lambda *a, **k: "")
