"""Base layout, error pages, static files and compression, through HTTP."""

import gzip

import pytest

from webapp.core import assets


def test_home_has_the_layout_landmarks(client):
    page = client.page("/")
    assert page.find("a", class_="go-skip-link")["href"] == "#main-content"
    assert page.find("nav", attrs={"aria-label": "Principal"})
    assert page.find("footer")
    assert "0800 701 9656" in page.find("footer").get_text()
    # htmx is ours, from the npm registry, deferred, served under a hashed name.
    htmx = page.find("script", src=lambda s: s and "htmx.min" in s)
    assert htmx.has_attr("defer") and htmx["src"].startswith("/static/dist/js/htmx.min.")
    css = page.find("link", rel="stylesheet")["href"]
    assert css.startswith("/static/dist/css/app.") and css.endswith(".css")


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-cache"


def test_each_response_gets_a_fresh_nonce(client):
    a = client.get("/").headers["Content-Security-Policy"]
    b = client.get("/").headers["Content-Security-Policy"]
    assert a != b


def test_unknown_page_is_a_404_in_portuguese(client):
    page = client.page("/nada-aqui", status=404)
    assert page.h1.get_text(strip=True) == "Página não encontrada"


def test_wrong_method_is_a_405_page(client):
    response = client.post("/planos")
    # CSRF protection answers first for a POST without a token: a 400 page in pt-BR.
    assert response.status_code in (400, 405)
    assert "formulário" in response.get_data(as_text=True) or "não aceita" in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_page_without_details(app):
    @app.get("/explode-para-teste")
    def explode():
        raise RuntimeError("segredo interno")

    response = app.test_client().get("/explode-para-teste")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Algo deu errado do nosso lado" in body and "segredo interno" not in body


def test_hashed_static_files_are_immutable_and_compressed(client):
    manifest = assets.load_manifest()
    url = "/static/dist/" + manifest["css/app.css"]
    with client.get(url) as plain, client.get(url, headers={"Accept-Encoding": "gzip"}) as zipped:
        assert plain.status_code == 200
        assert "immutable" in plain.headers["Cache-Control"]
        assert "max-age=31536000" in plain.headers["Cache-Control"]
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.data) == plain.data


def test_html_responses_are_compressed(client):
    response = client.get("/planos/leve-dental-rj-1-adesao", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Vary" in response.headers and "Accept-Encoding" in response.headers["Vary"]


def test_asset_names_change_with_content(tmp_path, monkeypatch):
    source = tmp_path / "assets"
    (source / "css").mkdir(parents=True)
    (source / "css" / "app.css").write_text("a{}")
    monkeypatch.setattr(assets, "SOURCE_DIR", source)
    monkeypatch.setattr(assets, "DIST_DIR", tmp_path / "dist")
    monkeypatch.setattr(assets, "MANIFEST", tmp_path / "dist" / "manifest.json")
    first = assets.build_assets()["css/app.css"]
    assert assets.build_assets()["css/app.css"] == first  # deterministic
    (source / "css" / "app.css").write_text("b{}")
    assert assets.build_assets()["css/app.css"] != first


def test_missing_htmx_says_how_to_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "NODE_MODULES", tmp_path)
    with pytest.raises(assets.AssetError, match="npm ci"):
        assets.build_assets()
