"""Link previews: the public pages a short link opens carry Open Graph and Twitter-card tags and a
canonical URL, so WhatsApp shows a clear title and description."""

import pytest

LEVE = "leve-dental-rj-1-adesao"


@pytest.fixture
def base(app) -> str:
    return app.config["PUBLIC_BASE_URL"]  # never the request's Host


def preview(page):
    meta = {m.get("property") or m.get("name"): m["content"] for m in page.select("head meta[content]")}
    canonical = page.select("head link[rel=canonical]")
    assert len(canonical) == 1
    for key in ("og:type", "og:title", "og:description", "og:url", "og:locale", "og:site_name", "twitter:card"):
        assert meta.get(key), key
    assert meta["og:url"] == canonical[0]["href"] and meta["og:locale"] == "pt_BR"
    return meta


def test_search_page(client, base, small_network):
    page = client.page(f"/rede?plano={LEVE}&municipio=3303302&especialidade=endodontia&urgencia=1&pagina=2")
    meta = preview(page)
    assert meta["og:title"] == "Dentistas de Endodontia perto de Niterói/RJ"
    assert "LEVE DENTAL RJ 1 Adesão" in meta["og:description"] and "urgência 24 h" in meta["og:description"]
    assert meta["og:url"] == (f"{base}/rede?plano={LEVE}&municipio=3303302&especialidade=endodontia"
                              "&urgencia=1")  # the canonical form: page 1
    assert meta["twitter:title"] == meta["og:title"]
    empty = preview(client.page("/rede"))
    assert empty["og:url"] == f"{base}/rede" and empty["og:title"] == "Buscar dentista da rede credenciada"
    bad = preview(client.page("/rede?plano=nao-existe", status=400))
    assert bad["og:url"] == f"{base}/rede"


def test_provider_page(client, small_network):
    meta = preview(client.page(f"/rede/dentista/{small_network['R1']}-dr-carlos-rio"))
    assert meta["og:title"] == "Dr. Carlos Rio"


@pytest.mark.parametrize("slug", ["cassems-odonto", LEVE])
def test_plan_page(client, base, slug):
    meta = preview(client.page(f"/planos/{slug}"))
    assert meta["og:url"] == f"{base}/planos/{slug}"
    assert "carências" in meta["og:description"]


def test_can_i_do_it_page(client, base):
    meta = preview(client.page(f"/planos/{LEVE}/coberturas?q=canal"))
    assert meta["og:title"] == "Posso fazer “canal” pelo LEVE DENTAL RJ 1 Adesão?"
    assert meta["og:url"] == f"{base}/planos/{LEVE}/coberturas?q=canal"
    plain = preview(client.page(f"/planos/{LEVE}/coberturas"))
    assert plain["og:url"] == f"{base}/planos/{LEVE}/coberturas"
