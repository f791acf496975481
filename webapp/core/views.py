"""Home page and error pages (HTML for people, JSON with ``erro`` under /api/)."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ..db import is_unavailable

bp = Blueprint("core", __name__)

API_PREFIX = "/api/"
#: Seconds a client is asked to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 30
#: Answers that are the same whoever asks: the installed app's service worker, offline page and
#: manifest, the health, readiness and metrics of the instance (and the public API, below).  The
#: signed-in person is not loaded for them, so they are neither personalised nor kept waiting by
#: the database, and still served while it is down.
SESSIONLESS_ENDPOINTS = frozenset({"pwa.service_worker", "pwa.offline", "pwa.manifest",
                                   "ops.healthz", "ops.readyz", "ops.metrics"})


def ignores_session() -> bool:
    return request.endpoint in SESSIONLESS_ENDPOINTS or is_api_request()


ERROR_PAGES = {
    400: ("Não foi possível entender o pedido",
          "Algum dado enviado está incompleto ou inválido. Volte, confira e tente de novo."),
    404: ("Página não encontrada",
          "O endereço pode ter sido digitado errado ou a página não existe mais."),
    405: ("Ação não permitida", "Esta página não aceita esse tipo de pedido."),
    413: ("Envio grande demais",
          "Os dados enviados passam do tamanho que esta página aceita. Confira o que foi preenchido e "
          "tente de novo."),
    429: ("Muitos pedidos seguidos", "Espere um pouco e tente de novo."),
    500: ("Algo deu errado do nosso lado",
          "Não foi culpa sua. Tente de novo em alguns minutos. Se precisar de atendimento de urgência, "
          "ligue para a central do seu plano."),
    503: ("Serviço indisponível no momento",
          "Não conseguimos acessar os dados agora. Tente de novo em alguns minutos. Se precisar de "
          "atendimento de urgência, ligue para a central do seu plano."),
}

API_ERRORS = {
    400: "Pedido inválido: confira os parâmetros.",
    404: "Recurso não encontrado.",
    405: "Método não permitido neste endereço.",
    413: "Pedido grande demais.",
    429: "Muitos pedidos seguidos. Espere um pouco e tente de novo.",
    500: "Erro inesperado do nosso lado. Tente de novo em alguns minutos.",
    503: "Serviço indisponível no momento. Tente de novo em alguns minutos.",
}
OTHER_CLIENT_ERROR = ("Não foi possível atender", "O pedido não pôde ser atendido.")


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def render_error(status: int, description: str | None = None):
    """The error answer for *status*: a pt-BR page, or ``{"erro": …}`` under /api/."""
    if is_api_request():
        text = description or API_ERRORS.get(status) or (
            OTHER_CLIENT_ERROR[1] if status < 500 else API_ERRORS[500])
        response = jsonify({"erro": text})
    else:
        title, text = ERROR_PAGES.get(status) or (OTHER_CLIENT_ERROR if status < 500 else ERROR_PAGES[500])
        response = make_response(render_template("core/error.html", status=status, title=title,
                                                 text=description or text))
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return render_error(400, "O formulário expirou ou não veio desta página. "
                                 "Recarregue a página e envie de novo.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        if status >= 500 and status not in ERROR_PAGES:
            status = 500
        # A pt-BR description set by our own code (abort(400, "…")) is shown as is.
        custom = error.description if getattr(error, "pt_br", False) else None
        if isinstance(error, MethodNotAllowed) and error.valid_methods and is_api_request():
            usable = [m for m in error.valid_methods if m not in ("HEAD", "OPTIONS")] or error.valid_methods
            custom = f"Método {request.method} não permitido neste endereço; use {', '.join(usable)}."
        response = render_error(status, custom)
        # Werkzeug's headers of the error that a client acts on: Allow (405), Retry-After
        # (429, 503), WWW-Authenticate... — not its text/html Content-Type.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def _database(error: Exception):
        if not is_unavailable(error):
            return _unexpected(error)
        # The database refused or did not answer (down, restarting, wrong name, too busy).
        # The message carries no bound values: the engine hides parameters.
        app.logger.error("banco de dados indisponível: %s", error)
        response = render_error(503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("erro inesperado")
        return render_error(500)
