"""Text helpers shared by searches: accent- and case-insensitive matching."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse punctuation/space to single spaces.

    ``fold("Raio-X  da Gengíva")`` → ``"raio x da gengiva"``.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", ascii_only).strip()


def slugify(text: str) -> str:
    return fold(text).replace(" ", "-")
