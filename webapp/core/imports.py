"""Running a file import from the command line: all of it in one transaction, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click
from flask import current_app
from sqlalchemy.orm import Session

Report = TypeVar("Report")


def run_import(run: Callable[[Session], Report]) -> Report:
    """``run(session)`` in a session of its own, committed when it returns; a file-level
    problem (FatalImportError) rolls everything back and becomes a pt-BR command error."""
    from ..network.importer import FatalImportError

    session = current_app.extensions["db"].session_factory()
    try:
        report = run(session)
        session.commit()
        return report
    except FatalImportError as error:
        session.rollback()
        raise click.ClickException(f"importação cancelada, nada foi alterado — {error}") from None
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
