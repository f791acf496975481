import pytest

from tests.support.production import PRODUCTION, production_env
from webapp import create_app
from webapp.config import ConfigurationError, load_config
from webapp.extensions import limiter


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PUBLIC_URL"])
def test_production_refuses_to_start_without_each_shared_setting(monkeypatch, missing):
    production_env(monkeypatch, **{missing: None})
    with pytest.raises(ConfigurationError) as refused:
        create_app()
    message = str(refused.value)
    assert message.startswith("Em produção a aplicação não inicia sem: " + missing)
    assert "Production refuses to start: " + missing in message  # and in English
    others = set(PRODUCTION) - {missing}
    assert not any(name in message for name in others)  # only what is missing is named


@pytest.mark.parametrize("url", ["sqlite:////srv/guia/guia.sqlite3", "mysql://guia@db/guia", "   "])
def test_production_refuses_a_database_that_is_not_postgresql(monkeypatch, url):
    production_env(monkeypatch, DATABASE_URL=url)
    with pytest.raises(ConfigurationError, match="DATABASE_URL de um PostgreSQL"):
        create_app()


def test_production_names_everything_missing_at_once(monkeypatch):
    production_env(monkeypatch, **dict.fromkeys(PRODUCTION))
    with pytest.raises(ConfigurationError) as refused:
        create_app()
    assert all(name in str(refused.value) for name in PRODUCTION)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    production_env(monkeypatch, SECRET_KEY=None)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load_config(str(tmp_path), "production")


def test_production_with_every_setting_uses_secure_cookies(monkeypatch, tmp_path):
    production_env(monkeypatch, PUBLIC_URL="https://guia.exemplo.com.br/")
    settings = load_config(str(tmp_path), "production")
    assert settings.SECRET_KEY == "x" * 40 and settings.SESSION_COOKIE_SECURE is True
    assert settings.PUBLIC_BASE_URL == "https://guia.exemplo.com.br"
    assert settings.LOG_FORMAT == "json" and settings.METRICS_PUBLIC is False


def test_public_base_url_is_still_read_as_public_url(monkeypatch, tmp_path):
    production_env(monkeypatch, PUBLIC_URL=None)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://antigo.exemplo.com.br")
    assert load_config(str(tmp_path), "production").PUBLIC_BASE_URL == "https://antigo.exemplo.com.br"
    monkeypatch.setenv("PUBLIC_URL", "https://novo.exemplo.com.br")
    with pytest.raises(ConfigurationError, match="PUBLIC_URL e PUBLIC_BASE_URL definidos com valores diferentes"):
        load_config(str(tmp_path), "production")


def test_development_serves_links_on_the_local_address(monkeypatch, tmp_path):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    assert load_config(str(tmp_path), "development").PUBLIC_BASE_URL == "http://127.0.0.1:8000"


@pytest.mark.parametrize("value", ["guia.exemplo.com.br", "ftp://guia.exemplo.com.br", "https://",
                                   "https://guia.exemplo.com.br/app", "https://guia.exemplo.com.br?x=1",
                                   "https://user:senha@guia.exemplo.com.br", "https://guia.exemplo.com.br:porta"])
def test_a_public_base_url_that_is_not_an_origin_is_refused(monkeypatch, tmp_path, value):
    monkeypatch.setenv("PUBLIC_BASE_URL", value)
    with pytest.raises(ConfigurationError, match="PUBLIC_URL inválido"):
        load_config(str(tmp_path), "development")


def test_production_counts_sign_in_attempts_in_redis_under_the_prefix(monkeypatch):
    production_env(monkeypatch)
    monkeypatch.setenv("REDIS_KEY_PREFIX", "guia-homologacao")
    app = create_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/15"
    storage = limiter.storage
    assert type(storage).__name__ == "RedisStorage" and storage.prefixed_key("x") == "guia-homologacao:x"


def test_development_generates_and_keeps_a_key_under_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(str(tmp_path), "development").SECRET_KEY
    second = load_config(str(tmp_path), "development").SECRET_KEY
    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text() and len(first) == 64
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_database_url_defaults_to_sqlite_under_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = load_config(str(tmp_path), "development")
    assert settings.DATABASE_URL == f"sqlite:///{tmp_path}/guia.sqlite3"
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    assert load_config(str(tmp_path), "development").DATABASE_URL.startswith("postgresql://")


def test_unknown_environment_name_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="GUIA_ENV"):
        load_config(str(tmp_path), "staging")


def test_app_factory_uses_postgres_when_asked(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    app = create_app({"TESTING": True})
    engine = app.extensions["db"].engine
    assert engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"


@pytest.mark.parametrize("value", ["smtp://127.0.0.1:25", "smtps://user:s%40nha@mail.exemplo.com.br:465",
                                   "smtp+starttls://user:senha@mail.exemplo.com.br:587", "smtp://relay"])
def test_mail_url_takes_the_three_schemes(monkeypatch, tmp_path, value):
    monkeypatch.setenv("MAIL_URL", value)
    assert load_config(str(tmp_path), "development").MAIL_URL == value


@pytest.mark.parametrize("value", ["http://mail.exemplo.com.br", "smtp://", "mail.exemplo.com.br:25",
                                   "smtps://user:segredo@host:porta"])
def test_a_mail_url_that_is_not_one_is_refused_without_repeating_it(monkeypatch, tmp_path, value):
    monkeypatch.setenv("MAIL_URL", value)
    with pytest.raises(ConfigurationError, match="MAIL_URL inválido") as refused:
        load_config(str(tmp_path), "development")
    assert "segredo" not in str(refused.value)


def test_production_without_mail_url_starts_and_warns(monkeypatch, caplog):
    production_env(monkeypatch)
    monkeypatch.delenv("MAIL_URL", raising=False)
    monkeypatch.delenv("GUIA_DEMO", raising=False)
    app = create_app()
    assert app.config["MAIL_URL"] is None
    assert "MAIL_URL não definido" in caplog.text


def test_the_age_of_a_stale_verification_is_180_days_unless_configured(monkeypatch, tmp_path):
    from webapp.network.trust import DEFAULT_MAX_AGE_DAYS

    monkeypatch.delenv("NETWORK_VERIFIED_MAX_AGE_DAYS", raising=False)
    assert load_config(str(tmp_path), "development").NETWORK_VERIFIED_MAX_AGE_DAYS == DEFAULT_MAX_AGE_DAYS == 180
    monkeypatch.setenv("NETWORK_VERIFIED_MAX_AGE_DAYS", " 90 ")
    assert load_config(str(tmp_path), "development").NETWORK_VERIFIED_MAX_AGE_DAYS == 90


@pytest.mark.parametrize("value", ["0", "-5", "9999", "abc", "９0", "1e3", "180 dias"])
def test_a_stale_verification_age_that_is_not_a_number_of_days_is_refused(monkeypatch, tmp_path, value):
    monkeypatch.setenv("NETWORK_VERIFIED_MAX_AGE_DAYS", value)
    with pytest.raises(ConfigurationError, match="NETWORK_VERIFIED_MAX_AGE_DAYS inválido"):
        load_config(str(tmp_path), "development")


def test_the_network_trust_numbers_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CONFIRMATION_MAX_AGE_DAYS", "30")
    monkeypatch.setenv("CONFIRMATION_REFUSALS_FOR_REPORT", "5")
    monkeypatch.delenv("CONFIRMATION_REFUSAL_WINDOW_DAYS", raising=False)
    monkeypatch.setenv("DEPARTURE_NOTICE_DAYS_AFTER", "0")
    settings = load_config(str(tmp_path), "development")
    assert (settings.CONFIRMATION_MAX_AGE_DAYS, settings.CONFIRMATION_REFUSALS_FOR_REPORT,
            settings.CONFIRMATION_REFUSAL_WINDOW_DAYS, settings.DEPARTURE_NOTICE_DAYS_AFTER) == (30, 5, 90, 0)


@pytest.mark.parametrize("value", ["0", "-1", "trinta", "３", "1e3", "99999", "9" * 5000])
def test_a_number_of_days_that_is_not_one_is_refused(monkeypatch, tmp_path, value):
    monkeypatch.setenv("CONFIRMATION_MAX_AGE_DAYS", value)
    with pytest.raises(ConfigurationError, match="CONFIRMATION_MAX_AGE_DAYS inválido"):
        load_config(str(tmp_path), "development")


@pytest.mark.parametrize(("name", "value"), [
    ("DATABASE_REPLICA_URL", "sqlite:///replica.sqlite3"), ("REPLICA_MAX_LAG_SECONDS", "dez"),
    ("READ_YOUR_WRITES_SECONDS", "-1"), ("PROXY_HOPS", "1.5"), ("LOG_FORMAT", "xml"),
    ("METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,intranet"),
])
def test_a_bad_operations_setting_is_refused_by_name(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=f"{name} inválido"):
        load_config(str(tmp_path), "development")


def test_a_replica_url_is_not_repeated_in_its_refusal(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_REPLICA_URL", "mysql://guia:segredo@replica/guia")
    with pytest.raises(ConfigurationError) as refused:
        load_config(str(tmp_path), "development")
    assert "segredo" not in str(refused.value)


@pytest.mark.parametrize(("value", "size"), [(None, 16 * 1024 * 1024), ("0", 0), ("3", 3 * 1024 * 1024)])
def test_page_cache_size_comes_from_page_cache_mb(monkeypatch, tmp_path, value, size):
    if value is None:
        monkeypatch.delenv("PAGE_CACHE_MB", raising=False)
    else:
        monkeypatch.setenv("PAGE_CACHE_MB", value)
    assert load_config(str(tmp_path)).PAGE_CACHE_MAX_BYTES == size


@pytest.mark.parametrize("value", ["-1", "muito", "2.5", "5000"])
def test_a_page_cache_size_that_is_not_one_is_refused(monkeypatch, tmp_path, value):
    monkeypatch.setenv("PAGE_CACHE_MB", value)
    with pytest.raises(ConfigurationError, match="PAGE_CACHE_MB"):
        load_config(str(tmp_path))
