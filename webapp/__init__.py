"""Guia Odonto — the member app of Brazilian dental plans."""

from __future__ import annotations

import os
import re
import secrets

from flask import Flask, g
from jinja2 import StrictUndefined
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.middleware.proxy_fix import ProxyFix
from whitenoise import WhiteNoise

from .config import BaseConfig, load_config
from .core import access, accesslog, assets, lockout, mail, pagecache, passwords, requestlog, responses
from .core.parsing import IdConverter
from .core.replica import Replica
from .core.urls import external_url
from .db import Database, make_engine, retry_elsewhere
from .extensions import compress, csrf, htmx, limiter

_HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+(\.gz)?$")


class GuiaOdonto(Flask):
    def dispatch_request(self):
        # A public read whose database failed under it runs again on the other one (the primary
        # for a failed replica, the replica for a failed primary): webapp/db.py.
        try:
            return super().dispatch_request()
        except (OperationalError, PoolTimeout) as error:
            if not retry_elsewhere(error):
                raise
        return super().dispatch_request()


def create_app(config: BaseConfig | dict | None = None) -> Flask:
    app = GuiaOdonto(__name__, instance_relative_config=True, static_folder=None)
    os.makedirs(app.instance_path, exist_ok=True)

    settings = load_config(app.instance_path)
    app.config.from_object(settings)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    if app.config["TESTING"]:
        app.jinja_env.undefined = StrictUndefined
    app.json.ensure_ascii = False  # pt-BR text as UTF-8, not \u escapes
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["external_url"] = external_url
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    # <id:...> in routes: ASCII digits within the databases' integer keys, else a 404.
    app.url_map.converters["id"] = IdConverter

    # First of the hooks: the request's id, its log line and metrics see everything after it.
    requestlog.init_app(app)

    engine = app.config.get("DATABASE_ENGINE") or make_engine(app.config["DATABASE_URL"])
    replica = None
    if app.config.get("DATABASE_REPLICA_URL"):
        replica = Replica(make_engine(app.config["DATABASE_REPLICA_URL"]), app.config["REPLICA_MAX_LAG_SECONDS"])
    Database(engine, replica).init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    lockout.init_app(app)
    passwords.hasher.init_app(app)
    mail.init_app(app)
    accesslog.init_app(app)
    pagecache.init_app(app)

    _init_static(app)
    hops = app.config.get("PROXY_HOPS", 0)
    if hops:
        # Outermost, so everything inside (the app, its logs, the counters) sees the client.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    _init_security_headers(app)
    responses.init_app(app, member_session_key=access.MEMBER_SESSION_KEY)

    # The blueprints and the CLI are imported here rather than at the top so that importing any
    # module of the package (the geodata build, the benchmarks, a test of pure functions) does not
    # load every view, template helper and command.
    from .core import formatting, views as core_views
    from .agents import views as agent_views
    from . import api
    from .history import views as history_views
    from .members import pwa as pwa_views
    from .members import views as member_views
    from .network import views as network_views
    from .network_team import views as network_team_views
    from .plans import views as plans_views
    from .urgency import views as urgency_views
    from .home import views as home_views
    from .ops import views as ops_views

    formatting.init_app(app)
    csrf.exempt(ops_views.bp)
    limiter.exempt(ops_views.bp)
    app.register_blueprint(ops_views.bp)
    app.register_blueprint(core_views.bp)
    app.register_blueprint(home_views.bp)
    app.register_blueprint(plans_views.bp)
    app.register_blueprint(network_views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(member_views.bp)
    app.register_blueprint(pwa_views.bp)
    app.register_blueprint(urgency_views.bp)
    app.register_blueprint(history_views.bp)
    app.register_blueprint(agent_views.bp)
    app.register_blueprint(agent_views.links_bp)
    app.register_blueprint(network_team_views.bp)
    core_views.register_error_handlers(app)

    from . import cli

    cli.init_app(app)
    return app


def _init_static(app: Flask) -> None:
    # In production the static files are built once for a release, before any instance starts:
    # instances building them at the same time would delete each other's files.
    manifest = assets.load_manifest(build_if_missing=app.config["ENV_NAME"] != "production")
    app.config["ASSET_MANIFEST"] = manifest

    def asset_url(name: str) -> str:
        return assets.URL_PREFIX + manifest[name]

    app.jinja_env.globals["asset_url"] = asset_url
    # Hashed names never change content, so they may be cached for a year ("immutable").
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(assets.DIST_DIR),
        prefix=assets.URL_PREFIX.lstrip("/"),
        max_age=app.config["STATIC_MAX_AGE"],
        immutable_file_test=lambda path, url: bool(_HASHED.search(url)),
    )


def _init_security_headers(app: Flask) -> None:
    @app.before_request
    def _nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    app.jinja_env.globals["csp_nonce"] = lambda: g.get("csp_nonce", "")

    @app.after_request
    def _headers(response):
        nonce = g.get("csp_nonce", "")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
            "manifest-src 'self'; worker-src 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")  # a view may be stricter
        response.headers["Permissions-Policy"] = "geolocation=(self), camera=(), microphone=()"
        return response


__all__ = ["create_app"]
