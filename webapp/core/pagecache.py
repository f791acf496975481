"""Whole pages kept in each process's memory, for pages that show only the network and the plan
catalog to someone not signed in (the dentist search: agents' links and common searches are
opened again and again).

A page is served from here only when it would be rendered the same, so the key holds all that
the page is made from:

* the view's own key (``cached_page(key)``): every input it reads from the request -- for the
  search, its parsed parameters (not the canonical query string: a point's sixth decimal moves
  the distances, and a typed city stays in the form);
* the data version (:mod:`webapp.core.dataversion`), read from the database on every request,
  in the request's transaction: a write to the network or the catalog by any process (an import,
  the network team, psql) changes it, and a page made before is never served again;
* today's date (:mod:`webapp.core.clock`): memberships open and close by date;
* the htmx headers that choose the page or its fragment, the endpoint and the script root.

Only a GET (or HEAD) from someone with nothing in their session -- nobody signed in, no CSRF
token -- is looked up or stored, and only a 200 whose rendering left the session empty and made
no CSRF token: a page that names a person, or holds a token, is never kept.  The CSP nonce
differs per response: a page is kept split at its nonce and served with the request's own.
A page must not show the time of day (it is kept all day).

Per process, bounded in bytes (``PAGE_CACHE_MAX_BYTES``, 0 turns it off), least recently used
first out: a worker renders a page once, and only the version is shared (it is in the database).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, current_app, g, make_response, request, session

from ..db import get_session
from . import clock, dataversion

_HTMX_HEADERS = ("HX-Request", "HX-Target", "HX-Boosted", "HX-History-Restore-Request")


@dataclass(frozen=True, slots=True)
class Page:
    status: int
    headers: tuple[tuple[str, str], ...]
    parts: tuple[bytes, ...]  # the body, split at its CSP nonce

    @property
    def size(self) -> int:
        return sum(len(part) for part in self.parts) + 64 * len(self.headers)


class PageCache:
    """Least recently used pages, up to ``max_bytes`` of bodies."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._pages: OrderedDict[Hashable, Page] = OrderedDict()
        self._lock = threading.Lock()  # sync workers have one thread; threaded ones share the pages

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, key: Hashable) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: Page) -> None:
        if page.size > self.max_bytes // 4:
            return  # one page must not push out most of the others
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self.size -= old.size
            self._pages[key] = page
            self.size += page.size
            while self.size > self.max_bytes:
                _, evicted = self._pages.popitem(last=False)
                self.size -= evicted.size


def init_app(app: Flask) -> None:
    app.extensions["page_cache"] = PageCache(app.config["PAGE_CACHE_MAX_BYTES"])


def cached_page(key: Callable[[], Hashable | None]):
    """Serve the view's page from the cache when ``key()`` -- everything the page is made from
    in the request, or None for a page not to keep -- and the rest of the key above match."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            cache: PageCache | None = current_app.extensions.get("page_cache")
            full_key = None
            if cache is not None and cache.max_bytes > 0 and request.method in ("GET", "HEAD") and not session:
                what = key()
                if what is not None:
                    full_key = (request.endpoint, what, dataversion.current(get_session()), clock.today(),
                                tuple(request.headers.get(name) for name in _HTMX_HEADERS), request.script_root)
                    page = cache.get(full_key)
                    if page is not None:
                        return _response(page)
            response = make_response(view(*args, **kwargs))
            if full_key is not None and _keepable(response):
                cache.put(full_key, _page(response))
            return response

        return wrapper

    return decorator


def _nonce() -> bytes:
    return g.get("csp_nonce", "").encode()


def _keepable(response) -> bool:
    return (response.status_code == 200 and response.mimetype == "text/html" and not response.is_streamed
            and not response.direct_passthrough and not session and g.get("csrf_token") is None)


def _page(response) -> Page:
    body, nonce = response.get_data(), _nonce()
    headers = tuple((k, v) for k, v in response.headers.items() if k.lower() != "content-length")
    return Page(response.status_code, headers, tuple(body.split(nonce)) if nonce else (body,))


def _response(page: Page):
    return current_app.response_class(_nonce().join(page.parts), status=page.status, headers=list(page.headers))
