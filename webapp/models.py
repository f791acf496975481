"""Imports every capability's models so Alembic and tests see the whole schema."""


def import_all() -> None:
    from .agents import models as _agents  # noqa: F401
    from .history import models as _history  # noqa: F401
    from .members import models as _members  # noqa: F401
    from .network import models as _network  # noqa: F401
    from .plans import models as _plans  # noqa: F401
