"""Every capability's models, imported together so Alembic and the schema check see the whole
schema: ``metadata`` is complete once this module is imported."""

from .agents import models as agents  # noqa: F401
from .core import dataversion  # noqa: F401
from .db import Base
from .history import models as history  # noqa: F401
from .members import models as members  # noqa: F401
from .network import models as network  # noqa: F401
from .plans import models as plans  # noqa: F401

metadata = Base.metadata
