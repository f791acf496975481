"""/rede, the provider page, "Alterações da rede" and error reports, through HTTP."""

from urllib.parse import parse_qs, urlparse

import pytest

LEVE = "leve-dental-rj-1-adesao"
NITEROI = "3303302"


def result_names(page):
    return [a.get_text(strip=True) for a in page.select(".go-result__name a")]


def distances(page):
    return [float(p.strong.get_text().replace(" km", "").replace(".", "").replace(",", "."))
            for p in page.select(".go-result__distance")]


def test_empty_search_page_is_a_form(client):
    page = client.page("/rede")
    assert page.h1.get_text(strip=True) == "Buscar dentista"
    form = page.find("form", id="buscar")
    assert form["method"] == "get" and form["action"] == "/rede"
    assert {i["name"] for i in form.select("[name]")} >= {"plano", "cidade", "especialidade", "q", "urgencia",
                                                            "acessivel", "criancas"}
    assert page.select(".go-result") == []


def test_municipality_search_lists_in_network_active_providers_by_distance(client, small_network):
    page = client.page(f"/rede?plano={LEVE}&municipio={NITEROI}&especialidade=endodontia")
    names = result_names(page)
    assert "Dra. Saiu da Rede" not in names and "Dr. Futuro" not in names  # left / not yet in the network
    assert "Dra. Paulista" not in names  # another product's area
    assert set(names) == {"Dr. Bruno Canal", "Dra. Ana Endo", "Dr. Carlos Rio"}
    d = distances(page)
    assert d == sorted(d)
    first = page.select_one(".go-result")
    hrefs = [a["href"] for a in first.select("a")]
    assert any(h.startswith("tel:") for h in hrefs)
    assert any(h.startswith("https://wa.me/55") for h in hrefs)
    assert any(h.startswith("https://www.google.com/maps/search/?api=1&query=") for h in hrefs)
    assert not any(h.startswith("geo:") for h in hrefs)
    assert "Atualizado em" in first.get_text()
    assert page.select_one(".go-map svg") is not None


def test_point_search_and_filters(client, small_network):
    page = client.page(f"/rede?plano={LEVE}&lat=-22.9035&lon=-43.1094&urgencia=1")
    assert result_names(page) == ["Dr. Bruno Canal"]
    page = client.page(f"/rede?plano={LEVE}&lat=-22.9035&lon=-43.1094&criancas=1")
    assert result_names(page) == ["Clínica Icaraí"]
    page = client.page(f"/rede?plano={LEVE}&lat=-22.9035&lon=-43.1094&q=canal")
    assert result_names(page) == ["Dr. Bruno Canal"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("lat=999&lon=10", "Localização inválida"),
        ("municipio=3303302&especialidade=astrologia", "Especialidade desconhecida"),
        ("plano=plano-x&municipio=3303302", "Plano desconhecido"),
        ("municipio=3303302&pagina=0", "Página inválida"),
        ("municipio=3303302&pagina=abc", "Página inválida"),
        ("municipio=3303302&q=" + "a" * 2000, "no máximo 100 caracteres"),
        ("municipio=3303302&urgencia=2", "Valor inválido"),
        ("municipio=12", "Município não encontrado"),
        ("lat=-23.0&lon=-40.0", "fora do Brasil"),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, small_network, query, message):
    if "plano=" not in query:
        query = f"plano={LEVE}&{query}"
    page = client.page(f"/rede?{query}", status=400)
    summary = page.select_one(".go-error-summary")
    assert summary is not None and message in summary.get_text()


def test_typed_city_is_resolved_on_the_server(client):
    response = client.get(f"/rede?plano={LEVE}&cidade=niteroi&especialidade=endodontia")
    assert response.status_code == 303
    query = parse_qs(urlparse(response.headers["Location"]).query)
    assert query == {"plano": [LEVE], "municipio": [NITEROI], "especialidade": ["endodontia"]}


def test_ambiguous_city_gets_a_choice_page(client):
    page = client.page(f"/rede?plano={LEVE}&cidade=Campo+Grande")
    links = {a.get_text(strip=True): a["href"] for a in page.select("#escolha-title ~ ul a")}
    assert "Campo Grande/MS" in links and len(links) >= 2
    assert "municipio=5002704" in links["Campo Grande/MS"]


def test_unknown_city_is_a_400(client):
    page = client.page(f"/rede?plano={LEVE}&cidade=Xyzópolis", status=400)
    assert "Não encontramos a cidade" in page.select_one(".go-error-summary").get_text()


def test_outside_the_coverage_area_says_so_and_lists_the_nearest_inside(client, small_network):
    page = client.page(f"/rede?plano={LEVE}&municipio=3550308")
    notice = page.select_one(".go-notice--warning").get_text(" ")
    assert "fora da área" in notice and "Rio de Janeiro" in notice
    assert "Reembolso" in notice or "Urgência" in notice
    names = result_names(page)
    assert names and "Dra. Paulista" not in names  # only providers inside the RJ area


def test_no_provider_of_the_specialty_in_the_municipality_explains_the_members_right(client, small_network):
    page = client.page(f"/rede?plano={LEVE}&municipio={NITEROI}&especialidade=odontopediatria")
    text = page.get_text(" ")
    assert "Não há dentista da rede em Odontopediatria em Niterói/RJ" in text
    assert "7 dias úteis" in text and "566/2022" in text
    assert result_names(page) == ["Dr. Carlos Rio"]  # the nearest one, in Rio


@pytest.mark.parametrize("query", ["q=zzzz", "q=zzzz&especialidade=endodontia", "q=zzzz&urgencia=1"])
def test_a_name_nobody_has_says_so_without_quoting_the_members_rights(client, small_network, query):
    page = client.page(f"/rede?plano={LEVE}&municipio={NITEROI}&{query}")
    notice = page.select_one("#resultados .go-notice").get_text(" ", strip=True)
    assert "com “zzzz” no nome na rede do LEVE DENTAL RJ 1 Adesão" in notice
    assert "566" not in page.get_text() and "7 dias úteis" not in page.get_text()
    assert result_names(page) == []
    without_name = page.select_one("#resultados .go-notice a")
    assert without_name.get_text(strip=True) == "veja todos os dentistas perto de Niterói/RJ"
    assert "q=" not in without_name["href"] and f"municipio={NITEROI}" in without_name["href"]


def test_a_name_found_only_elsewhere_says_where_it_looked(client, small_network):
    page = client.page(f"/rede?plano={LEVE}&municipio={NITEROI}&q=carlos")
    notice = page.select_one("#resultados .go-notice").get_text(" ", strip=True)
    assert "Nenhum dentista ou clínica com “carlos” no nome em Niterói/RJ" in notice
    assert "Mostramos os mais próximos com esse nome" in notice
    assert "566" not in page.get_text()
    assert result_names(page) == ["Dr. Carlos Rio"]


def test_pages_accumulate_and_the_htmx_fragment_has_only_the_next_page(client, small_network):
    base = f"/rede?plano={LEVE}&municipio={NITEROI}"
    first = client.page(base)
    assert len(first.select(".go-result")) == 20
    more = first.select_one(".go-results__more a")
    assert "pagina=2" in more["href"] and more["hx-push-url"] == "true"
    full = client.page(base + "&pagina=2")
    all_names = result_names(full)
    assert len(all_names) == 26 and all_names[:20] == result_names(first)
    assert full.select_one(".go-results__more") is None
    response = client.get(base + "&pagina=2", headers={"HX-Request": "true", "HX-Target": "mais-resultados"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment and "<h1" not in fragment
    assert fragment.count('class="go-result"') == 6
    assert 'id="r-21"' in fragment
    assert {"HX-Request", "HX-Target"} <= {v.strip() for v in response.headers["Vary"].split(",")}
    # A history restore gets the whole page.
    restore = client.get(base + "&pagina=2", headers={"HX-Request": "true", "HX-Target": "mais-resultados",
                                                       "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_city_suggestions_fragment_and_page(client):
    response = client.get("/rede/municipios?cidade=niter&plano=" + LEVE,
                          headers={"HX-Request": "true", "HX-Target": "sugestoes-cidade"})
    body = response.get_data(as_text=True)
    assert "Niterói/RJ" in body and "<html" not in body
    assert f"municipio={NITEROI}" in body and f"plano={LEVE}" in body
    page = client.page("/rede/municipios?cidade=niter")
    assert page.select_one("a[href*='municipio=3303302']") is not None


def test_provider_page_redirects_to_its_canonical_url_and_has_previews(client, small_network):
    pid = small_network["N3"]
    response = client.get(f"/rede/dentista/{pid}")
    assert response.status_code == 301 and response.headers["Location"].endswith(f"/rede/dentista/{pid}-clinica-icarai")
    assert client.get(f"/rede/dentista/{pid}-nome-antigo").status_code == 301
    page = client.page(f"/rede/dentista/{pid}-clinica-icarai")
    assert page.h1.get_text(strip=True) == "Clínica Icaraí"
    assert page.find("meta", property="og:title")["content"] == "Clínica Icaraí"
    assert page.find("link", rel="canonical")["href"].endswith(f"/rede/dentista/{pid}-clinica-icarai")
    text = page.get_text(" ")
    assert "LEVE DENTAL RJ 1 Adesão" in text and "Rua Moreira César" in text and "CRO-RJ" in text
    assert page.select_one("#informar-erro form[method=post]") is not None


def test_unknown_provider_is_404(client, small_network):
    client.page("/rede/dentista/999999-ninguem", status=404)


def _csrf(client, pid):
    page = client.page(client.get(f"/rede/dentista/{pid}").headers["Location"])
    return page.select_one("input[name=csrf_token]")["value"]


def test_error_report_is_stored_rate_limited_and_protected_by_csrf(client, session, small_network):
    from sqlalchemy import func, select

    from webapp.network.models import DataReport

    pid = small_network["N1"]
    assert client.post(f"/rede/dentista/{pid}/erro", data={"motivo": "telefone-errado"}).status_code == 400
    token = _csrf(client, pid)
    response = client.post(f"/rede/dentista/{pid}/erro", data={"motivo": "telefone-errado", "csrf_token": token,
                                                               "detalhe": "O número não existe"})
    assert response.status_code == 303 and "enviado=1" in response.headers["Location"]
    page = client.page(response.headers["Location"].split("#")[0])
    assert "Obrigado" in page.get_text()
    bad = client.post(f"/rede/dentista/{pid}/erro", data={"motivo": "inventado", "csrf_token": token})
    assert bad.status_code == 400
    for _ in range(4):
        assert client.post(f"/rede/dentista/{pid}/erro",
                           data={"motivo": "outro", "csrf_token": token}).status_code == 303
    limited = client.post(f"/rede/dentista/{pid}/erro", data={"motivo": "outro", "csrf_token": token})
    assert limited.status_code == 429 and "Muitos envios" in limited.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(DataReport)) == 5
    assert session.scalar(select(DataReport.client_hash).limit(1)) != "127.0.0.1"


def test_network_changes_page(client, small_network):
    page = client.page(f"/rede/alteracoes?plano={LEVE}")
    rows = [tr.get_text(" ", strip=True) for tr in page.select("tbody tr")]
    assert any("Entrada" in r and "Dra. Ana Endo" in r for r in rows)
    assert any("Saída" in r and "Dra. Saiu da Rede" in r for r in rows)
    assert not any("Dra. Paulista" in r for r in rows)
    page = client.page(f"/rede/alteracoes?plano={LEVE}&municipio=3304557")
    rows = [tr.get_text(" ", strip=True) for tr in page.select("tbody tr")]
    assert rows and all("Dr. Carlos Rio" in r for r in rows)
    client.page("/rede/alteracoes?plano=nada", status=400)
    client.page(f"/rede/alteracoes?plano={LEVE}&municipio=1", status=400)
