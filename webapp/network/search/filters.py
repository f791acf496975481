"""What a search matches, as one value: built by the query-string parser
(:meth:`webapp.network.params.SearchParams.filters`), read by every part of the search."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ...core.text import fold
from ...geo.coverage import CoverageArea
from ..specialties import SPECIALTIES


@dataclass(frozen=True)
class SearchFilters:
    """Active locations whose provider has a membership of ``product_id`` open on ``today``,
    inside ``area``, with the ``specialty`` (a slug), whose provider's name contains
    ``name_query`` (compared folded, see :func:`webapp.core.text.fold`), and having each flag
    asked for (``accepting_new``: the location said it takes new patients).  Hashable: caches
    key on it.

    ``verified_since`` (aware) is not part of the question but of the order: a location
    verified before it, or never, is *stale* and comes after the others at the same shown
    distance (:func:`~.ordering.result_order`); None ranks no location as stale.  It moves
    with the clock, so it is left out of equality and hashing: a count cached for these
    filters stays valid."""

    product_id: int
    area: CoverageArea
    today: date
    specialty: str | None = None
    name_query: str | None = None
    urgency_24h: bool = False
    wheelchair: bool = False
    children: bool = False
    accepting_new: bool = False
    verified_since: datetime | None = field(default=None, compare=False)
    #: ``name_query`` folded (None when it folds to nothing): what names are matched against.
    name: str | None = field(init=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.area, CoverageArea):
            raise TypeError("area deve ser uma CoverageArea")
        if not isinstance(self.today, date):
            raise TypeError("today deve ser uma data")
        if self.specialty is not None and self.specialty not in SPECIALTIES:
            raise ValueError(f"Especialidade desconhecida: {self.specialty}.")
        object.__setattr__(self, "product_id", int(self.product_id))
        if self.verified_since is not None and self.verified_since.tzinfo is None:
            raise TypeError("verified_since deve ter fuso horário")
        for flag in ("urgency_24h", "wheelchair", "children", "accepting_new"):
            object.__setattr__(self, flag, bool(getattr(self, flag)))
        object.__setattr__(self, "name", (fold(self.name_query) if self.name_query else "") or None)
