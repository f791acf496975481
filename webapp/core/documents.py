"""Check digits of Brazilian documents (CPF, CNPJ) and other identifiers."""

from __future__ import annotations

import re

_NOT_ASCII_DIGIT = re.compile(r"[^0-9]")


def digits(value: str) -> str:
    """The ASCII digits of *value* (``\\D`` would keep Arabic-Indic and full-width digits)."""
    return _NOT_ASCII_DIGIT.sub("", value or "")


def _dv(numbers: list[int], weights: list[int]) -> int:
    rest = sum(n * w for n, w in zip(numbers, weights)) % 11
    return 0 if rest < 2 else 11 - rest


def cpf_valid(value: str) -> bool:
    d = digits(value)
    if len(d) != 11 or d == d[0] * 11:
        return False
    n = [int(c) for c in d]
    first = _dv(n[:9], list(range(10, 1, -1)))
    second = _dv(n[:9] + [first], list(range(11, 1, -1)))
    return n[9] == first and n[10] == second


def cnpj_valid(value: str) -> bool:
    d = digits(value)
    if len(d) != 14 or d == d[0] * 14:
        return False
    n = [int(c) for c in d]
    w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    first = _dv(n[:12], w1)
    second = _dv(n[:12] + [first], [6] + w1)
    return n[12] == first and n[13] == second
