"""Production's environment in tests: every setting production requires, each replaceable."""

from __future__ import annotations

from tests.support.databases import PG_ADMIN_URL

PRODUCTION = {"SECRET_KEY": "x" * 40, "DATABASE_URL": PG_ADMIN_URL, "REDIS_URL": "redis://127.0.0.1:6379/15",
              "PUBLIC_URL": "https://guia.exemplo.com.br"}


def production_env(monkeypatch, **overrides) -> None:
    """``GUIA_ENV=production`` and its settings, complete unless *overrides* says otherwise (a
    value of None unsets the variable)."""
    monkeypatch.setenv("GUIA_ENV", "production")
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    for name, value in {**PRODUCTION, **overrides}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
