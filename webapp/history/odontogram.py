"""The tooth chart (odontograma): what was done to each tooth, drawn as server-rendered SVG.

Two SVGs, one per side of the mouth (the patient's right is on the viewer's left, as a dentist
sees it), each with the upper permanent, upper deciduous, lower deciduous and lower permanent
rows.  On a phone the sides stack, so every tooth is a comfortable tap target (eight per row);
on a wide screen they sit side by side as the usual chart.  Each tooth is the classic five-face
square (vestibular towards the lips, mesial towards the midline); a tooth with records is an
``<a>`` to the statement filtered by it, so the chart works without JavaScript.

Pure: takes plain records, returns markup and the same facts as a list (the text alternative).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup, escape

from . import teeth

CELL = 44  # width of a tooth's cell (SVG units ≈ CSS px at phone width)
GLYPH = 32
SIDE_WIDTH = CELL * 8 + 4

# (row label, y of the glyph's top, y of the number's baseline); deciduous glyphs are smaller.
_ROWS = {
    "upper_permanent": (22, 14),
    "upper_deciduous": (78, 72),
    "lower_deciduous": (134, 178),
    "lower_permanent": (190, 238),
}
HEIGHT = 248
MIDLINE_Y = 124
# Permanent teeth only (a person too old to have deciduous teeth, none of them recorded).
_PERMANENT_ROWS = {
    "upper_permanent": (22, 14),
    "lower_permanent": (76, 124),
}
PERMANENT_HEIGHT = 134
PERMANENT_MIDLINE_Y = 65
DECIDUOUS_UNTIL_AGE = 13  # the last deciduous teeth fall out by about 12


def shows_deciduous(birth_date: date | None, today: date, tooth_marks: dict) -> bool:
    """Whether the chart draws the deciduous arch: for a child young enough to have one, or when a
    deciduous tooth has records (an adult's retained tooth, an old record)."""
    if any(teeth.is_deciduous(number) for number in tooth_marks):
        return True
    if birth_date is None:
        return True
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    return age < DECIDUOUS_UNTIL_AGE


@dataclass(frozen=True)
class ToothEvent:
    """One procedure done on a tooth, as the chart needs it."""

    tooth: int
    faces: str
    procedure_id: str
    category: str
    procedure_name: str
    performed_on: date


@dataclass
class ToothMark:
    number: int
    states: set[str] = field(default_factory=set)
    surfaces: set[str] = field(default_factory=set)  # restored surfaces (M, O, D, V, L)
    events: list[ToothEvent] = field(default_factory=list)  # newest first

    @property
    def label(self) -> str:
        return teeth.tooth_label(self.number)

    @property
    def summary(self) -> str:
        """``restaurado (faces mesial e oclusal); 2 procedimentos``."""
        parts = []
        for state in teeth.STATE_ORDER:
            if state not in self.states:
                continue
            text = teeth.STATE_NAMES[state]
            if state == "restaurado" and self.surfaces:
                faces = "".join(s for s in "MODVL" if s in self.surfaces)
                text += f" ({teeth.faces_text(faces)})"
            parts.append(text)
        count = len(self.events)
        return f"{', '.join(parts)}; {count} procedimento{'s' if count != 1 else ''}"


def marks(events: Iterable[ToothEvent]) -> dict[int, ToothMark]:
    """Per tooth, what the (done, not denied) *events* did to it."""
    out: dict[int, ToothMark] = {}
    for event in sorted(events, key=lambda e: e.performed_on, reverse=True):
        mark = out.setdefault(event.tooth, ToothMark(event.tooth))
        state = teeth.procedure_state(event.procedure_id, event.category)
        mark.states.add(state)
        if state == "restaurado":
            mark.surfaces |= teeth.surfaces(event.faces) if event.faces else {"O"}
        mark.events.append(event)
    return dict(sorted(out.items()))


# --------------------------------------------------------------------------- drawing


def _side_teeth(side: str) -> dict[str, list[int | None]]:
    """Teeth of each row, left to right as the viewer sees them (None: an empty column)."""
    if side == "direito":
        return {
            "upper_permanent": [18, 17, 16, 15, 14, 13, 12, 11],
            "upper_deciduous": [None, None, None, 55, 54, 53, 52, 51],
            "lower_deciduous": [None, None, None, 85, 84, 83, 82, 81],
            "lower_permanent": [48, 47, 46, 45, 44, 43, 42, 41],
        }
    return {
        "upper_permanent": [21, 22, 23, 24, 25, 26, 27, 28],
        "upper_deciduous": [61, 62, 63, 64, 65, None, None, None],
        "lower_deciduous": [71, 72, 73, 74, 75, None, None, None],
        "lower_permanent": [31, 32, 33, 34, 35, 36, 37, 38],
    }


def _face_polygons(x: float, y: float, s: float) -> dict[str, str]:
    q, t = s / 4, 3 * s / 4

    def pts(*points):
        return " ".join(f"{px:g},{py:g}" for px, py in points)

    return {
        "top": pts((x, y), (x + s, y), (x + t, y + q), (x + q, y + q)),
        "bottom": pts((x, y + s), (x + s, y + s), (x + t, y + t), (x + q, y + t)),
        "left": pts((x, y), (x + q, y + q), (x + q, y + t), (x, y + s)),
        "right": pts((x + s, y), (x + t, y + q), (x + t, y + t), (x + s, y + s)),
        "center": pts((x + q, y + q), (x + t, y + q), (x + t, y + t), (x + q, y + t)),
    }


def _surface_of(region: str, number: int) -> str:
    """Which surface a region of the glyph shows for tooth *number*."""
    if region == "center":
        return "O"
    if region in ("top", "bottom"):
        outward = "top" if teeth.is_upper(number) else "bottom"  # the lips' side
        return "V" if region == outward else "L"
    towards_midline = "right" if teeth.is_right(number) else "left"
    return "M" if region == towards_midline else "D"


def _glyph(number: int, x: float, y: float, size: float, mark: ToothMark | None, selected: bool) -> str:
    parts = []
    cx = x + size / 2
    if selected:
        parts.append(f'<rect class="go-tooth__selected" x="{x - 5:g}" y="{y - 5:g}" width="{size + 10:g}" '
                     f'height="{size + 10:g}" rx="4"/>')
    states = mark.states if mark else set()
    for region, points in _face_polygons(x, y, size).items():
        css = "go-tooth__face"
        if "extraido" in states:
            css += " go-tooth__face--missing"
        elif mark and _surface_of(region, number) in mark.surfaces:
            css += " go-tooth__face--restored"
        parts.append(f'<polygon class="{css}" points="{points}"/>')
    if "protese" in states:
        parts.append(f'<circle class="go-tooth__crown" cx="{cx:g}" cy="{y + size / 2:g}" r="{size / 2 + 3:g}"/>')
    if "canal" in states:
        parts.append(f'<line class="go-tooth__canal" x1="{cx:g}" y1="{y - 3:g}" x2="{cx:g}" y2="{y + size + 3:g}"/>')
    if "extraido" in states:
        parts.append(f'<path class="go-tooth__cross" d="M{x - 2:g} {y - 2:g}L{x + size + 2:g} {y + size + 2:g}'
                     f'M{x + size + 2:g} {y - 2:g}L{x - 2:g} {y + size + 2:g}"/>')
    if states == {"outro"}:
        parts.append(f'<circle class="go-tooth__other" cx="{cx:g}" cy="{y + size / 2:g}" r="4"/>')
    return "".join(parts)


def _side_svg(side: str, tooth_marks: dict[int, ToothMark], href: Callable[[int], str], selected: int | None,
              deciduous: bool = True) -> str:
    layout = _ROWS if deciduous else _PERMANENT_ROWS
    height, midline = (HEIGHT, MIDLINE_Y) if deciduous else (PERMANENT_HEIGHT, PERMANENT_MIDLINE_Y)
    rows = {row: numbers for row, numbers in _side_teeth(side).items() if row in layout}
    numbers = sorted(n for row in rows.values() for n in row if n)
    label = f"Lado {side} da boca"
    out = [f'<svg class="go-odontogram__side" viewBox="0 0 {SIDE_WIDTH} {height}" width="{SIDE_WIDTH}" '
           f'height="{height}" role="group" aria-label="{escape(label)}" data-teeth="{numbers[0]}-{numbers[-1]}">',
           f'<line class="go-odontogram__midline" x1="0" y1="{midline}" x2="{SIDE_WIDTH}" y2="{midline}"/>']
    for row, numbers_in_row in rows.items():
        glyph_y, text_y = layout[row]
        size = GLYPH if row.endswith("permanent") else GLYPH - 6
        for column, number in enumerate(numbers_in_row):
            if number is None:
                continue
            cell_x = 2 + column * CELL
            x = cell_x + (CELL - size) / 2
            mark = tooth_marks.get(number)
            is_selected = number == selected
            body = (_glyph(number, x, glyph_y, size, mark, is_selected)
                    + f'<text class="go-tooth__number" x="{cell_x + CELL / 2:g}" y="{text_y}" '
                      f'text-anchor="middle">{number}</text>')
            if mark is None:
                out.append(f'<g class="go-tooth go-tooth--blank" aria-hidden="true">{body}</g>')
                continue
            top = min(glyph_y, text_y - 12) - 2
            bottom = max(glyph_y + size, text_y + 4) + 2
            hit = (f'<rect class="go-tooth__hit" x="{cell_x:g}" y="{top:g}" width="{CELL}" '
                   f'height="{bottom - top:g}"/>')
            current = ' aria-current="true"' if is_selected else ""
            name = f"{mark.label}: {mark.summary}"
            out.append(f'<a class="go-tooth go-tooth--{_main_state(mark)}" href="{escape(href(number))}" '
                       f'aria-label="{escape(name)}"{current}>{hit}{body}</a>')
    out.append("</svg>")
    return "".join(out)


def _main_state(mark: ToothMark) -> str:
    return next(s for s in teeth.STATE_ORDER if s in mark.states)


@dataclass(frozen=True)
class Side:
    name: str  # direito | esquerdo (the patient's)
    svg: Markup


def render_sides(tooth_marks: dict[int, ToothMark], href: Callable[[int], str],
                 selected: int | None = None, deciduous: bool = True) -> list[Side]:
    """The chart's two SVGs, the patient's right side first (on the viewer's left); without
    *deciduous*, the permanent teeth alone (see :func:`shows_deciduous`)."""
    return [Side(side, Markup(_side_svg(side, tooth_marks, href, selected, deciduous)))
            for side in ("direito", "esquerdo")]


def legend_swatch(state: str) -> Markup:
    """A small drawing of a state, for the legend (decorative: the legend's text says it)."""
    mark = ToothMark(36, states={state}, surfaces={"O", "M"} if state == "restaurado" else set())
    body = _glyph(36, 4, 4, 20, mark, False)
    return Markup(f'<svg class="go-odontogram__swatch" viewBox="0 0 28 28" width="28" height="28" '
                  f'aria-hidden="true" focusable="false">{body}</svg>')
