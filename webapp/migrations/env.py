"""Alembic environment: the URL and metadata come from the caller (see webapp.core.migrate)."""

from alembic import context

from webapp.core.migrate import _compared
from webapp.models import metadata

config = context.config
target_metadata = metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from webapp.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table copies for ALTER
        compare_type=True,
        include_object=_compared,  # raw-SQL objects (R*Tree, expression indexes) are not in the models
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Migrações offline não são suportadas; use `flask --app webapp db upgrade`.")
run_migrations_online()
