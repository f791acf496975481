"""Home page and error pages."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    return render_template("core/home.html")


ERROR_PAGES = {
    400: ("Não foi possível entender o pedido",
          "Algum dado enviado está incompleto ou inválido. Volte, confira e tente de novo."),
    404: ("Página não encontrada",
          "O endereço pode ter sido digitado errado ou a página não existe mais."),
    405: ("Ação não permitida", "Esta página não aceita esse tipo de pedido."),
    429: ("Muitos pedidos seguidos", "Espere um pouco e tente de novo."),
    500: ("Algo deu errado do nosso lado",
          "Não foi culpa sua. Tente de novo em alguns minutos. Se precisar de atendimento de urgência, "
          "ligue para a central do seu plano."),
}


def render_error(status: int, description: str | None = None):
    title, text = ERROR_PAGES.get(status, ERROR_PAGES[500])
    return render_template("core/error.html", status=status, title=title,
                           text=description or text), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return render_error(400, "O formulário expirou ou não veio desta página. "
                                 "Recarregue a página e envie de novo.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code in ERROR_PAGES and error.code != 500:
            # A pt-BR description set by our own code (abort(400, "…")) is shown as is.
            custom = error.description if getattr(error, "pt_br", False) else None
            return render_error(error.code, custom)
        if error.code and error.code < 500:
            return render_template("core/error.html", status=error.code, title="Não foi possível atender",
                                   text="O pedido não pôde ser atendido."), error.code
        return render_error(500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("erro inesperado")
        return render_error(500)
