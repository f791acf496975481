"""Validation of coordinates (messages in pt-BR, shown to users)."""

from __future__ import annotations

import math


def coordinate(value: object, *, kind: str) -> float:
    """Return ``value`` as a finite float within range or raise ``ValueError``.

    ``kind`` is ``"latitude"`` (-90..90) or ``"longitude"`` (-180..180).
    """
    limit = 90.0 if kind == "latitude" else 180.0
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{kind.capitalize()} inválida: informe um número.")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{kind.capitalize()} inválida: informe um número.") from None
    if not math.isfinite(number):
        raise ValueError(f"{kind.capitalize()} inválida: o valor precisa ser um número finito.")
    if not -limit <= number <= limit:
        raise ValueError(
            f"{kind.capitalize()} fora do intervalo permitido (de {-limit:g} a {limit:g}): {number:g}."
        )
    return number


def lat_lon(lat: object, lon: object) -> tuple[float, float]:
    return coordinate(lat, kind="latitude"), coordinate(lon, kind="longitude")
