"""The page cache's store: bounded in bytes, least recently used out first (its use by the search
pages, through HTTP, is in tests/network/test_search_cache.py), and the search's key."""

from dataclasses import fields, replace

from webapp.core.pagecache import Page, PageCache
from webapp.geo import municipalities
from webapp.network.params import SearchParams


def page(size: int) -> Page:
    return Page(200, (), (b"x" * size,))


def test_the_least_recently_used_pages_go_first_and_the_size_stays_bounded():
    cache = PageCache(max_bytes=2500)
    for key in "abcd":
        cache.put(key, page(600))
    assert cache.get("a") is not None  # "a" is now the most recently used
    cache.put("e", page(600))
    assert cache.size <= 2500 and len(cache) == 4
    assert cache.get("b") is None and all(cache.get(k) is not None for k in "acde")


def test_a_page_kept_again_replaces_the_old_one():
    cache = PageCache(max_bytes=4000)
    cache.put("a", page(500))
    cache.put("a", page(800))
    assert len(cache) == 1 and cache.size == page(800).size


def test_a_page_bigger_than_a_quarter_of_the_cache_is_not_kept():
    cache = PageCache(max_bytes=4000)
    cache.put("small", page(900))
    cache.put("big", page(1001))
    assert cache.get("big") is None and cache.get("small") is not None


def test_a_search_page_key_holds_every_parameter():
    """Each parsed parameter of a search is part of its kept page's key, a new one too."""
    base = SearchParams(plano="a", municipio=municipalities.get(3303302), lat=-22.9, lon=-43.1, cidade="x",
                        especialidade="endodontia", q="ana", urgencia=False, acessivel=False, criancas=False, novos=False,
                        pagina=1)
    other = {"plano": "b", "municipio": municipalities.get(3304557), "lat": -22.900001, "lon": -43.100001,
             "cidade": "y", "especialidade": "ortodontia", "q": "ana ", "urgencia": True, "acessivel": True,
             "criancas": True, "novos": True, "pagina": 2}
    assert {f.name for f in fields(SearchParams)} - {"errors"} == set(other)
    for name, value in other.items():
        assert replace(base, **{name: value}).identity() != base.identity(), name
    hash(base.identity())
