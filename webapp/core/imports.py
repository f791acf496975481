"""Running a file import from the command line: all of it in one transaction, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click
from flask import current_app
from sqlalchemy.orm import Session

Report = TypeVar("Report")


def run_import(run: Callable[[Session], Report]) -> Report:
    """``run(session)`` in a session of its own, one write transaction committed when it
    returns; a file-level problem (FatalImportError) rolls everything back and becomes a pt-BR
    command error.

    On SQLite the transaction takes the write lock before the first read, so an import waits
    for the app's writers (``busy_timeout``) instead of failing halfway with "database is
    locked"; while it runs, the app's writes wait for it."""
    from ..network.importer import FatalImportError

    try:
        with current_app.extensions["db"].write_session() as session:
            return run(session)
    except FatalImportError as error:
        raise click.ClickException(f"importação cancelada, nada foi alterado — {error}") from None
