"""Configuration classes, one per environment, chosen by ``GUIA_ENV``.

Everything comes from environment variables with safe defaults for development; secrets never
sit in the source.  A development ``SECRET_KEY`` is generated once and kept under
``instance/``; production refuses to start without the settings every instance must share
(``PRODUCTION_SETTINGS``).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from string import Formatter
from urllib.parse import urlsplit


class ConfigurationError(RuntimeError):
    pass


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "sim", "on"}


class BaseConfig:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False
    DEMO = False
    # Static files have content-hashed names, so browsers may keep them for a year.
    STATIC_MAX_AGE = 365 * 24 * 3600
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a clock
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "guia_sessao"
    PERMANENT_SESSION_LIFETIME = 30 * 24 * 3600
    COMPRESS_MIMETYPES = [
        "text/html", "text/css", "application/javascript", "application/json",
        "image/svg+xml", "application/manifest+json", "text/csv",
    ]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 500
    # Quality 1 instead of the default 4: a results page compresses to 8.7 KB instead of 7.8 KB
    # (budget 14 KB) in a quarter of the time (0.07 ms against 0.27 ms), on the hottest page.
    COMPRESS_BR_LEVEL = 1
    # The app's forms are a few short fields: a bigger body is refused (413) before it is read,
    # and so is a multipart text field past 64 KB or a form of more than 200 fields.
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 64 * 1024
    MAX_FORM_PARTS = 200
    # Where people reach the app; the origin of every absolute URL it writes (QR codes, short
    # links, canonical and Open Graph tags, the API's links and OpenAPI servers).
    DEFAULT_PUBLIC_BASE_URL: str | None = "http://127.0.0.1:8000"
    DEFAULT_LOG_FORMAT = "text"
    # /metrics answers anyone outside production (development, tests).
    METRICS_PUBLIC = True
    # argon2id parameters of every password hash (webapp/core/passwords.py); none: the library's
    # current recommended ones, slow on purpose.
    PASSWORD_HASHING: dict[str, int] = {}

    def __init__(self, instance_path: str):
        self.INSTANCE_PATH = instance_path
        default_db = "sqlite:///" + str(Path(instance_path) / "guia.sqlite3")
        self.DATABASE_URL = os.environ.get("DATABASE_URL", default_db)
        self.DEMO = _flag("GUIA_DEMO", self.DEMO)
        # Where the sign-in lock-out counters live, shared by every worker and instance; in-process
        # when unset (development, tests), refused in production.
        self.REDIS_URL = os.environ.get("REDIS_URL")
        # Every key this app writes to Redis starts with it, so environments (and parallel test
        # runs) can share one Redis.
        self.REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "guia")
        # Reverse proxies in front (nginx: 1) whose X-Forwarded-For/-Proto/-Host are believed: the
        # client's address then comes from them, else every client would share the proxy's (and
        # its lock-out and rate-limit counts).
        self.PROXY_HOPS = proxy_hops(os.environ.get("PROXY_HOPS"))
        # Lock-outs per sign-in form, in the `limits` notation. Per person (whatever identifier was
        # typed) and per client address count wrong answers; the burst counts every attempt,
        # across everyone. Built per instance so a test may change its own app's numbers.
        self.LOCKOUTS = {
            "members": {"person": "10 per 15 minutes", "address": "30 per 15 minutes", "burst": "300 per minute"},
            "first_access": {"person": "10 per 15 minutes", "address": "20 per 15 minutes", "burst": "60 per minute"},
            "agents": {"person": "10 per 15 minutes", "address": "30 per 15 minutes", "burst": "120 per minute"},
            "password_reset": {"person": "10 per 15 minutes", "address": "20 per 15 minutes", "burst": "60 per minute"},
            # A clinic's check of a card's code (/verificar): per card number, per address, everyone.
            "verify": {"person": "5 per 15 minutes", "address": "30 per 15 minutes", "burst": "300 per minute"},
        }
        # An agent's look-ups that find nobody pause that agent's look-ups.
        self.LOOKUP_MISSES = "20 per 15 minutes"
        # Geocoding of network rows without coordinates; off unless both are set.
        self.GEOCODER_NOMINATIM_URL = os.environ.get("GEOCODER_NOMINATIM_URL")
        self.GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT")
        # Where e-mail goes (the password-reset codes): smtp://host:port, smtps://user:pass@host:465,
        # smtp+starttls://user:pass@host:587. Unset: outside production (or in demo mode) the
        # message is written to the console instead of sent.
        self.MAIL_URL = mail_url(os.environ.get("MAIL_URL"))
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "Guia Odonto <nao-responda@guia-odonto.invalid>")
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or self.fallback_secret_key()
        self.PUBLIC_BASE_URL = public_base_url(public_url_setting() or self.DEFAULT_PUBLIC_BASE_URL)
        # A streaming replica of the primary that public reads may use (webapp/db.py decides
        # which); unset: everything on DATABASE_URL.
        self.DATABASE_REPLICA_URL = replica_url(os.environ.get("DATABASE_REPLICA_URL"))
        # Past this replay lag the replica is left aside and reads go to the primary.
        self.REPLICA_MAX_LAG_SECONDS = _number("REPLICA_MAX_LAG_SECONDS", 10, 86400)
        # A browser that wrote reads from the primary for at least this long afterwards.
        self.READ_YOUR_WRITES_SECONDS = _number("READ_YOUR_WRITES_SECONDS", 5, 86400)
        # One line per request on stdout: json (machines) or text (people).
        self.LOG_FORMAT = log_format(os.environ.get("LOG_FORMAT") or self.DEFAULT_LOG_FORMAT)
        # /metrics in production: only from these networks, or with this bearer token.
        self.METRICS_ALLOWED_NETWORKS = networks(os.environ.get("METRICS_ALLOWED_NETWORKS", DEFAULT_METRICS_NETWORKS))
        self.METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
        # A provider's "Como chegar" and "Ver no OpenStreetMap" links: https templates filled with
        # {address} (percent-encoded), {lat} and {lon} (degrees, 6 decimals).
        self.MAP_DIRECTIONS_URL = map_url_template(
            "MAP_DIRECTIONS_URL", os.environ.get("MAP_DIRECTIONS_URL") or DEFAULT_MAP_DIRECTIONS_URL)
        self.MAP_OSM_URL = map_url_template("MAP_OSM_URL", os.environ.get("MAP_OSM_URL") or DEFAULT_MAP_OSM_URL)
        # Members' "Fui atendido pelo plano" / "Não aceitou meu plano" on the statement: events of
        # the last N days may be answered; refusals from this many families (a holder and their
        # dependants are one) at one address, for events of the last N days, open a report.
        self.CONFIRMATION_MAX_AGE_DAYS = whole_number("CONFIRMATION_MAX_AGE_DAYS", 180, maximum=3650)
        self.CONFIRMATION_REFUSAL_WINDOW_DAYS = whole_number("CONFIRMATION_REFUSAL_WINDOW_DAYS", 90, maximum=3650)
        self.CONFIRMATION_REFUSALS_FOR_REPORT = whole_number("CONFIRMATION_REFUSALS_FOR_REPORT", 3, maximum=100)
        # "Seu dentista vai sair da rede": the notice stays this many days after the exit date.
        self.DEPARTURE_NOTICE_DAYS_AFTER = whole_number("DEPARTURE_NOTICE_DAYS_AFTER", 60, minimum=0, maximum=3650)
        # Locations not verified for longer than this (or never) are marked on results and
        # provider pages, and ranked after verified ones at the same shown distance.
        self.NETWORK_VERIFIED_MAX_AGE_DAYS = whole_number("NETWORK_VERIFIED_MAX_AGE_DAYS", DEFAULT_VERIFIED_MAX_AGE_DAYS,
                                                          maximum=3650)
        # Pages kept per process for people not signed in (webapp/core/pagecache.py), in MB; 0: none.
        self.PAGE_CACHE_MAX_BYTES = whole_number("PAGE_CACHE_MB", 16, minimum=0, maximum=4096) * 1024 * 1024

    def fallback_secret_key(self) -> str:
        path = Path(self.INSTANCE_PATH) / "secret_key"
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        # Written with owner-only permissions: it signs sessions.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    DEBUG = False  # the Werkzeug debugger is opt-in via `flask run --debug`


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    # Cheap hashes: the suite signs in hundreds of times. Never outside tests.
    PASSWORD_HASHING = {"time_cost": 1, "memory_cost": 8 * 1024, "parallelism": 1}

    def fallback_secret_key(self) -> str:
        return "test-secret-key-not-for-production"


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    DEFAULT_PUBLIC_BASE_URL = None  # no guess: the Host header of a request is not to be trusted
    DEFAULT_LOG_FORMAT = "json"
    METRICS_PUBLIC = False

    def __init__(self, instance_path: str):
        problems = production_problems(os.environ)
        if problems:
            raise ConfigurationError(
                "Em produção a aplicação não inicia sem: " + "; ".join(pt for pt, _ in problems)
                + ". (Production refuses to start: " + "; ".join(en for _, en in problems) + ".)")
        super().__init__(instance_path)

    def fallback_secret_key(self) -> str:
        raise ConfigurationError(
            "SECRET_KEY não definido: em produção a aplicação não inicia sem uma chave secreta."
        )


#: What every instance in production must be given, since it must be the same for all of them:
#: (pt-BR, English) of each. Without one of them an instance would sign sessions with a key of
#: its own, keep data or sign-in counts apart from the others, or build links on the Host header.
PRODUCTION_SETTINGS = {
    "SECRET_KEY": ("SECRET_KEY (a chave que assina sessões e códigos, a mesma em todas as instâncias)",
                   "SECRET_KEY, the key that signs sessions and codes, shared by every instance"),
    "DATABASE_URL": ("DATABASE_URL de um PostgreSQL (postgresql://…)",
                     "DATABASE_URL of a PostgreSQL server (postgresql://…)"),
    "REDIS_URL": ("REDIS_URL (o Redis onde todos os processos contam juntos as tentativas de entrada)",
                  "REDIS_URL, where every process counts sign-in attempts together"),
    "PUBLIC_URL": ("PUBLIC_URL (o endereço público, por exemplo https://guia.exemplo.com.br)",
                   "PUBLIC_URL, the public address, e.g. https://guia.exemplo.com.br"),
}


def production_problems(environ) -> list[tuple[str, str]]:
    """The production settings missing (or, for the database, not PostgreSQL) in *environ*."""
    present = {
        "SECRET_KEY": bool(environ.get("SECRET_KEY")),
        "DATABASE_URL": is_postgresql(environ.get("DATABASE_URL")),
        "REDIS_URL": bool(environ.get("REDIS_URL")),
        "PUBLIC_URL": bool(environ.get("PUBLIC_URL") or environ.get("PUBLIC_BASE_URL")),
    }
    return [PRODUCTION_SETTINGS[name] for name, ok in present.items() if not ok]


def is_postgresql(url: str | None) -> bool:
    return bool(url) and urlsplit(url.strip()).scheme in ("postgresql", "postgresql+psycopg")


def public_url_setting() -> str | None:
    """``PUBLIC_URL``, or its older name ``PUBLIC_BASE_URL``; both set and different is refused."""
    new, old = os.environ.get("PUBLIC_URL"), os.environ.get("PUBLIC_BASE_URL")
    if new and old and new.strip().rstrip("/") != old.strip().rstrip("/"):
        raise ConfigurationError(
            "PUBLIC_URL e PUBLIC_BASE_URL definidos com valores diferentes: use só PUBLIC_URL "
            "(PUBLIC_BASE_URL is its older name).")
    return new or old


def replica_url(value: str | None) -> str | None:
    """``DATABASE_REPLICA_URL`` checked: a PostgreSQL URL (a streaming replica), or None."""
    if not value or not value.strip():
        return None
    if not is_postgresql(value):
        # The URL may hold a password: it is not repeated.
        raise ConfigurationError(
            "DATABASE_REPLICA_URL inválido: use o endereço de uma réplica PostgreSQL (postgresql://…).")
    return value.strip()


def _number(name: str, default: float, maximum: float) -> float:
    """A number of the environment from 0 to *maximum*."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= maximum:
        raise ConfigurationError(f"{name} inválido: {value!r} (use um número de 0 a {maximum:g}).")
    return number


LOG_FORMATS = ("json", "text")


def log_format(value: str) -> str:
    value = value.strip().lower()
    if value not in LOG_FORMATS:
        raise ConfigurationError(f"LOG_FORMAT inválido: {value!r} (use json ou text).")
    return value


DEFAULT_METRICS_NETWORKS = "127.0.0.1/32,::1/128"


def networks(value: str) -> tuple:
    """``METRICS_ALLOWED_NETWORKS``: addresses or networks (CIDR) separated by commas."""
    found = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigurationError(
                f"METRICS_ALLOWED_NETWORKS inválido: {item!r} (use redes como 10.0.0.0/8, separadas por vírgula)."
            ) from None
    return tuple(found)


def public_base_url(value: str | None) -> str:
    """The public origin (``https://host[:port]``), checked, without a trailing slash."""
    if not value:
        raise ConfigurationError(
            "PUBLIC_URL não definido: em produção a aplicação não inicia sem o endereço público "
            "(por exemplo https://guia.exemplo.com.br)."
        )
    parts = urlsplit(value.strip())
    try:
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        parts = parts._replace(scheme="")
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/")
            or parts.query or parts.fragment or parts.username or parts.password):
        raise ConfigurationError(
            f"PUBLIC_URL inválido: {value!r} (use só esquema e host, como https://guia.exemplo.com.br)"
        )
    return f"{parts.scheme}://{parts.netloc}"


def proxy_hops(value: str | None) -> int:
    """``PROXY_HOPS``: how many reverse proxies stand in front, 0 (the default) to 5."""
    if value is None or not value.strip():
        return 0
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or int(text) > 5:
        raise ConfigurationError(
            f"PROXY_HOPS inválido: {value!r} (use o número de proxies reversos na frente da aplicação, "
            "de 0 a 5; com um nginx, 1)."
        )
    return int(text)


# Google's documented cross-platform "Maps URLs": the Google Maps app on Android (and on an
# iPhone that has it), the site elsewhere; the address, so the map shows it rather than bare
# coordinates. The point goes to OpenStreetMap, the plain map next to it.
DEFAULT_MAP_DIRECTIONS_URL = "https://www.google.com/maps/search/?api=1&query={address}"
DEFAULT_MAP_OSM_URL = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
MAP_FIELDS = {"address", "lat", "lon"}


def map_url_template(name: str, value: str) -> str:
    """A map link template: https, a host, and no placeholder but {address}, {lat} and {lon}."""
    value = value.strip()
    problem = None
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        problem = "use https://"
    else:
        try:
            fields = {field for _, field, _, _ in Formatter().parse(value) if field is not None}
            value.format(address="x", lat="0", lon="0")
        except (ValueError, KeyError, IndexError):
            fields = {"?"}
        if not fields or not fields <= MAP_FIELDS:
            problem = "use {address}, {lat} e {lon}"
    if problem:
        raise ConfigurationError(f"{name} inválido: {value!r} ({problem}, como {DEFAULT_MAP_OSM_URL}).")
    return value


#: The default of NETWORK_VERIFIED_MAX_AGE_DAYS (webapp.network.trust.DEFAULT_MAX_AGE_DAYS: a
#: test keeps them equal; not imported, so reading the configuration loads no models).
DEFAULT_VERIFIED_MAX_AGE_DAYS = 180


def whole_number(name: str, default: int, *, minimum: int = 1, maximum: int) -> int:
    """An integer setting from the environment (ASCII digits, within bounds), or *default* when unset."""
    value = (os.environ.get(name) or "").strip()
    if not value:
        return default
    # Length first: a few thousand digits make int() raise rather than answer.
    if (len(value) > len(str(maximum)) or not (value.isascii() and value.isdigit())
            or not minimum <= int(value) <= maximum):
        raise ConfigurationError(f"{name} inválido: {value!r} (use um número inteiro de {minimum} a {maximum}).")
    return int(value)


MAIL_SCHEMES = ("smtp", "smtps", "smtp+starttls")


def mail_url(value: str | None) -> str | None:
    """``MAIL_URL`` checked (a scheme of ``MAIL_SCHEMES`` and a host), or None when unset."""
    if not value or not value.strip():
        return None
    parts = urlsplit(value.strip())
    try:
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        parts = parts._replace(scheme="")
    if parts.scheme not in MAIL_SCHEMES or not parts.hostname:
        # The value may hold a password: it is not repeated in the message.
        raise ConfigurationError(
            "MAIL_URL inválido: use smtp://host:porta, smtps://usuário:senha@host:465 ou "
            "smtp+starttls://usuário:senha@host:587."
        )
    return value.strip()


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(instance_path: str, env_name: str | None = None) -> BaseConfig:
    name = env_name or os.environ.get("GUIA_ENV", "development")
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise ConfigurationError(
            f"GUIA_ENV inválido: {name!r} (use development, testing ou production)"
        ) from None
    return cls(instance_path)
