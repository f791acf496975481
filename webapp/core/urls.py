"""Where a sign-in may send a person afterwards: only a path of this site.

The ``next`` of a sign-in link is typed by whoever made the link.  A browser reads much more
than ``https://`` as "another site": ``//evil.example``, ``/\\evil.example`` (backslashes count as
slashes), ``/<TAB>/evil.example`` (tabs and newlines are dropped before parsing), and a CR/LF
would split the ``Location`` header.  So the rule is narrow: a path that starts with a single
``/``, holds no backslash and no control character, and is of a sane length.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .parsing import control_characters

#: Longer than any URL the app makes (a search with every filter is under 300 characters).
MAX_NEXT = 2000


def is_local_path(target: str) -> bool:
    """True when *target* can only mean a path of this site, in every browser."""
    if not target or len(target) > MAX_NEXT or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or control_characters(target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, *, default: str, under: str | None = None) -> str:
    """*target* when it is a local path (and, with *under*, that path or one below it), else *default*."""
    if target is None or not is_local_path(target):
        return default
    if under is not None and not (target == under or target.startswith((under + "/", under + "?"))):
        return default
    return target
