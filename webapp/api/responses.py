"""The pieces every API answer shares: the error body and the municipality object."""

from __future__ import annotations

from flask import jsonify

from ..geo import municipalities


def error(message: str, status: int):
    """``{"erro": message}`` with *status*: the API's one error shape (see the OpenAPI ``Erro``)."""
    response = jsonify({"erro": message})
    response.status_code = status
    return response


def municipality(code: int) -> dict:
    found = municipalities.get(code)
    return {"codigo_ibge": code, "nome": found.name if found else "", "uf": found.uf if found else ""}
