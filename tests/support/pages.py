"""A test client that checks every HTML page it fetches.

Each page must parse as valid HTML5 (html5lib in strict mode), have exactly one <h1> whose text
starts the <title>, a `lang="pt-BR"`, a skip link to the main landmark, forms with an action,
and inline scripts carrying the CSP nonce of the response.  ``csrf(client, url)`` reads the
token of the form on a page, as a browser would post it back; ``text_of(node)`` is a node's text
as a reader sees it.
"""

from __future__ import annotations

import re

import html5lib
from bs4 import BeautifulSoup
from flask.testing import FlaskClient


class PageError(AssertionError):
    pass


def check_page(html: str, csp: str | None) -> BeautifulSoup:
    try:
        html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
    except html5lib.html5parser.ParseError as exc:
        raise PageError(f"HTML inválido: {exc}") from exc
    soup = BeautifulSoup(html, "html.parser")
    if soup.html is None or soup.html.get("lang") != "pt-BR":
        raise PageError('a página precisa de <html lang="pt-BR">')
    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        raise PageError(f"esperado exatamente um <h1>, achei {len(h1s)}")
    title = soup.title.get_text(strip=True) if soup.title else ""
    h1_text = " ".join(h1s[0].get_text(" ", strip=True).split())
    if not title.startswith(h1_text):
        raise PageError(f"o <title> ({title!r}) deve começar pelo texto do <h1> ({h1_text!r})")
    main = soup.find("main", id="main-content")
    skip = soup.find("a", href="#main-content")
    if main is None or skip is None:
        raise PageError("falta <main id=main-content> ou o link para pular ao conteúdo")
    for form in soup.find_all("form"):
        if not form.get("action"):
            raise PageError("formulário sem action")
    nonce = None
    if csp:
        match = re.search(r"'nonce-([^']+)'", csp)
        nonce = match.group(1) if match else None
    for script in soup.find_all("script"):
        if not script.get("src") and script.get("nonce") != nonce:
            raise PageError("script inline sem o nonce da CSP")
    ids = [el["id"] for el in soup.find_all(id=True)]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise PageError(f"ids repetidos: {sorted(duplicates)}")
    return soup


class PageClient(FlaskClient):
    """``client.get(...)`` as usual; ``client.page(url)`` also parses and checks the page."""

    def page(self, url: str, status: int = 200, **kwargs) -> BeautifulSoup:
        response = self.get(url, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
        assert response.mimetype == "text/html"
        return check_page(response.get_data(as_text=True), response.headers.get("Content-Security-Policy"))


def csrf(client: PageClient, url: str) -> str:
    """The CSRF token of the form on page *url* (fetched and checked like every page)."""
    return client.page(url).select_one("input[name=csrf_token]")["value"]


def squeeze(text: str) -> str:
    """*text* with each run of white space made one space, and none at the ends."""
    return " ".join(text.split())


def text_of(node) -> str:
    """The text of a parsed page's *node*, white space squeezed. A number kept on one line
    (`go-nowrap`, inline in its sentence) reads as part of it: "0800 000 0552, a", not "0552 , a"."""
    for span in node.select(".go-nowrap"):
        parent = span.parent
        span.unwrap()
        parent.smooth()
    return squeeze(node.get_text(" "))
