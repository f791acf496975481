"""Short links /s/<code>: unguessable codes, expiry (410), unknown (404), visits, redirect."""

import math
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.agents import AGENT, agent_named
from tests.support.databases import BACKENDS
from webapp.agents import services
from webapp.agents.models import ShortLink
from webapp.core import clock

CODE = re.compile(r"^[1-9A-HJ-NP-Za-km-z]{16}$")  # base58: no 0, O, I, l; no "-" or "_"


def make_link(session, agent, target="/rede?plano=cassems-odonto&municipio=5002704", days=30, now=None):
    return services.create_short_link(session, agent, "busca", target, "Dentistas perto de Campo Grande/MS", days,
                                      now or clock.utcnow())


def test_codes_have_the_stated_length_and_alphabet():
    assert services.CODE_LENGTH == 16
    assert services.CODE_ALPHABET == "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    assert len(set(services.CODE_ALPHABET)) == 58
    assert services.CODE_LENGTH * math.log2(58) > 90  # bits of entropy
    for _ in range(200):
        assert CODE.match(services.new_code())


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_sequential_links_do_not_yield_predictable_codes(session, families):
    agent = agent_named(session, AGENT)
    codes = [make_link(session, agent).code for _ in range(300)]
    assert len(set(codes)) == len(codes)
    assert all(CODE.match(c) for c in codes)
    # No shared structure between consecutive codes: no common prefix or suffix beyond chance,
    # no position that stays fixed, and characters spread over the whole alphabet.
    common_prefix = sum(1 for a, b in zip(codes, codes[1:]) if a[:2] == b[:2])
    common_suffix = sum(1 for a, b in zip(codes, codes[1:]) if a[-2:] == b[-2:])
    assert common_prefix <= 3 and common_suffix <= 3  # expected ≈ 299/3364 ≈ 0.09
    for position in range(services.CODE_LENGTH):
        assert len({c[position] for c in codes}) > 40
    counts = Counter("".join(codes))
    assert len(counts) == 58 and max(counts.values()) < 3 * (len(codes) * 16 / 58)
    # The codes are not ordered like the ids that made them.
    assert codes != sorted(codes) and codes != sorted(codes, reverse=True)


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_follow_redirects_counts_visits_but_not_previews(client, session, families):
    link = make_link(session, agent_named(session, AGENT))
    response = client.get(f"/s/{link.code}")
    assert response.status_code == 302 and response.headers["Location"] == link.target
    assert response.headers["Cache-Control"] == "no-store"
    client.get(f"/s/{link.code}")
    for preview in ("WhatsApp/2.23.20.0 A", "facebookexternalhit/1.1", "TelegramBot (like TwitterBot)"):
        assert client.get(f"/s/{link.code}", headers={"User-Agent": preview}).status_code == 302
    assert client.head(f"/s/{link.code}").status_code == 302
    session.expire_all()
    fresh = session.get(ShortLink, link.id)
    assert fresh.visits == 2 and fresh.last_visit_at is not None


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_expired_link_is_a_410_page_with_the_search(client, session, families):
    past = clock.utcnow() - timedelta(days=31)
    link = make_link(session, agent_named(session, AGENT), days=30, now=past)
    page = client.page(f"/s/{link.code}", status=410)
    assert page.h1.get_text(strip=True) == "Este link expirou"
    assert page.select_one("main a[href='/rede']") is not None
    assert page.select_one("meta[name=robots]")["content"] == "noindex"
    session.expire_all()
    assert session.get(ShortLink, link.id).visits == 0


def test_link_expires_at_the_stated_moment(client, session, families, frozen_clock):
    created = datetime(2026, 11, 24, 12, tzinfo=UTC)
    link = make_link(session, agent_named(session, AGENT), days=1, now=created)
    frozen_clock(created + timedelta(days=1) - timedelta(seconds=1))
    assert client.get(f"/s/{link.code}").status_code == 302
    frozen_clock(created + timedelta(days=1))
    assert client.get(f"/s/{link.code}").status_code == 410


@pytest.mark.parametrize("code", ["AAAAAAAAAAAAAAAA", "abc", "0000000000000000", "lllllllllllllllll", "a" * 300])
def test_unknown_or_malformed_code_is_a_404_page(client, families, code):
    page = client.page(f"/s/{code}", status=404)
    assert page.h1.get_text(strip=True) == "Link não encontrado"
    assert page.select_one("main a[href='/rede']") is not None


def test_create_refuses_foreign_targets_and_unknown_choices(session, families):
    agent = agent_named(session, AGENT)
    now = clock.utcnow()
    for target in ("https://evil.example/", "//evil.example/x", "rede"):
        with pytest.raises(ValueError):
            services.create_short_link(session, agent, "busca", target, "x", 30, now)
    with pytest.raises(ValueError):
        services.create_short_link(session, agent, "outro", "/rede", "x", 30, now)
    with pytest.raises(ValueError):
        services.create_short_link(session, agent, "busca", "/rede", "x", 365, now)


def test_a_collision_draws_another_code(session, families, monkeypatch):
    agent = agent_named(session, AGENT)
    first = make_link(session, agent)
    draws = iter([first.code, first.code, "B" * 16])
    monkeypatch.setattr(services, "new_code", lambda: next(draws))
    assert make_link(session, agent).code == "B" * 16
