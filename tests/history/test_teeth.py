"""FDI tooth names and faces, which procedures take a tooth, and the SVG chart — pure functions."""

from datetime import date

import html5lib
import pytest

from webapp.history import odontogram, teeth


def test_there_are_32_permanent_and_20_deciduous_teeth():
    assert len(teeth.PERMANENT) == 32 and len(teeth.DECIDUOUS) == 20
    assert teeth.PERMANENT[0] == 11 and teeth.PERMANENT[-1] == 48
    assert teeth.DECIDUOUS[0] == 51 and teeth.DECIDUOUS[-1] == 85
    for invalid in (0, 10, 19, 20, 49, 50, 56, 59, 86, 90, 99):
        assert not teeth.is_tooth(invalid)


@pytest.mark.parametrize("number, label", [
    (36, "dente 36 — primeiro molar inferior esquerdo"),
    (11, "dente 11 — incisivo central superior direito"),
    (18, "dente 18 — terceiro molar superior direito"),
    (23, "dente 23 — canino superior esquerdo"),
    (44, "dente 44 — primeiro pré-molar inferior direito"),
    (35, "dente 35 — segundo pré-molar inferior esquerdo"),
    (47, "dente 47 — segundo molar inferior direito"),
    (55, "dente 55 — segundo molar decíduo superior direito"),
    (62, "dente 62 — incisivo lateral decíduo superior esquerdo"),
    (73, "dente 73 — canino decíduo inferior esquerdo"),
    (84, "dente 84 — primeiro molar decíduo inferior direito"),
])
def test_fdi_names_in_portuguese(number, label):
    assert teeth.tooth_label(number) == label


def test_every_tooth_has_a_distinct_name():
    names = [teeth.tooth_name(n) for n in sorted(teeth.ALL_TEETH)]
    assert len(set(names)) == 52
    with pytest.raises(ValueError):
        teeth.tooth_name(19)


def test_parse_tooth_takes_two_digit_fdi_codes_only():
    assert teeth.parse_tooth("36") == 36 and teeth.parse_tooth(" 85 ") == 85
    for bad in ("", "3", "036", "19", "86", "ab", "3a", "-1"):
        assert teeth.parse_tooth(bad) is None


def test_kinds_and_sides():
    assert [teeth.kind(n) for n in (11, 13, 14, 16, 53, 54)] == [
        "incisivo", "canino", "pre-molar", "molar", "canino", "molar"]
    assert teeth.is_upper(26) and teeth.is_upper(65) and not teeth.is_upper(36) and not teeth.is_upper(75)
    assert teeth.is_right(16) and teeth.is_right(46) and teeth.is_right(84) and not teeth.is_right(26)


def test_faces_are_validated_for_the_tooth():
    assert teeth.parse_faces("mod", 36) == "MOD"
    assert teeth.parse_faces("M, O-D", 36) == "MOD"
    assert teeth.parse_faces("IVP", 11) == "IVP"
    assert teeth.parse_faces("B", 46) == "B"
    assert teeth.parse_faces("", 36) == ""
    for faces, tooth, reason in [
        ("X", 36, "face desconhecida: X"),
        ("OO", 36, "face repetida"),
        ("VB", 36, "face repetida"),
        ("LP", 16, "face repetida"),
        ("I", 36, "face incisal só existe em incisivos e caninos"),
        ("O", 11, "face oclusal só existe em pré-molares e molares"),
        ("P", 36, "face palatina só existe nos dentes superiores"),
    ]:
        with pytest.raises(teeth.FaceError, match=reason):
            teeth.parse_faces(faces, tooth)


def test_faces_in_words():
    assert teeth.faces_text("MOD") == "faces mesial, oclusal e distal (MOD)"
    assert teeth.faces_text("V") == "face vestibular (V)"
    assert teeth.faces_text("IP") == "faces incisal e palatina (IP)"
    assert teeth.faces_text("") == ""
    assert teeth.surfaces("IBP") == {"O", "V", "L"}


@pytest.mark.parametrize("procedure, name, tooth, faces, problems", [
    ("consulta-odontologica", "Consulta odontológica", None, "", []),
    ("consulta-odontologica", "Consulta odontológica", 36, "", ["tooth"]),
    ("restauracao-resina-fotopolimerizavel-2-faces", "Restauração em resina – 2 faces", 36, "MO", []),
    ("restauracao-resina-fotopolimerizavel-2-faces", "Restauração em resina – 2 faces", 36, "MOD", ["faces"]),
    ("restauracao-resina-fotopolimerizavel-2-faces", "Restauração em resina – 2 faces", 36, "", ["faces"]),
    ("restauracao-resina-fotopolimerizavel-2-faces", "Restauração em resina – 2 faces", None, "", ["tooth"]),
    ("restauracao-amalgama", "Restauração de amálgama (1 a 4 ou mais faces)", 46, "MODV", []),
    ("restauracao-temporaria", "Restauração temporária", 46, "", []),
    ("tratamento-endodontico-multirradicular", "Tratamento endodôntico multirradicular em dente permanente",
     36, "", []),
    ("tratamento-endodontico-multirradicular", "Tratamento endodôntico multirradicular em dente permanente",
     11, "", ["tooth"]),
    ("tratamento-endodontico-multirradicular", "Tratamento endodôntico multirradicular em dente permanente",
     75, "", ["tooth"]),
    ("tratamento-endodontico-unirradicular", "Tratamento endodôntico unirradicular em dente permanente",
     15, "O", ["faces"]),
    ("exodontia-simples-deciduo", "Exodontia simples de dente decíduo", 74, "", []),
    ("exodontia-simples-deciduo", "Exodontia simples de dente decíduo", 36, "", ["tooth"]),
    ("exodontia-simples-permanente", "Exodontia simples de dente permanente", 84, "", ["tooth"]),
    ("coroa-total-metalica", "Coroa total metálica (dentes posteriores)", 11, "", ["tooth"]),
    ("coroa-total-ceromero", "Coroa total em cerômero (dentes anteriores)", 11, "", []),
    ("radiografia-periapical", "Radiografia periapical", None, "", []),
    ("radiografia-periapical", "Radiografia periapical", 26, "", []),
    ("radiografia-panoramica", "Radiografia panorâmica", 26, "", ["tooth"]),
    ("profilaxia-polimento-coronario", "Profilaxia", None, "", []),
    ("aplicacao-selante", "Aplicação de selante de fóssulas e fissuras", 36, "O", []),
])
def test_tooth_rules_of_procedures(procedure, name, tooth, faces, problems):
    found = teeth.tooth_rule(procedure, name).check(tooth, faces)
    assert [column for column, _ in found] == problems, found


def test_tooth_rule_reasons_are_in_portuguese():
    rule = teeth.tooth_rule("tratamento-endodontico-multirradicular", "… em dente permanente")
    assert rule.check(11, "") == [("tooth", "procedimento para molares; o dente 11 — incisivo central superior "
                                            "direito não é")]
    assert teeth.tooth_rule("consulta-odontologica").check(None, "MO") == [("faces", "faces informadas sem o dente")]


def test_every_vocabulary_procedure_has_a_consistent_rule(session):
    from sqlalchemy import select

    from webapp.plans.models import Procedure

    for procedure in session.scalars(select(Procedure)):
        rule = teeth.tooth_rule(procedure.id, procedure.name)
        assert rule.tooth in ("required", "optional", "none")
        if rule.tooth == "none":
            assert rule.faces == "none", procedure.id
        if rule.face_count:
            assert rule.faces == "required", procedure.id


def _events():
    return [
        odontogram.ToothEvent(36, "MO", "restauracao-resina-fotopolimerizavel-2-faces", "dentistica",
                              "Restauração em resina – 2 faces", date(2026, 1, 10)),
        odontogram.ToothEvent(36, "", "radiografia-periapical", "radiologia", "Radiografia periapical",
                              date(2026, 1, 3)),
        odontogram.ToothEvent(26, "", "tratamento-endodontico-multirradicular", "endodontia", "Tratamento de canal",
                              date(2026, 5, 2)),
        odontogram.ToothEvent(48, "", "remocao-dentes-inclusos", "cirurgia", "Remoção de incluso", date(2026, 8, 16)),
        odontogram.ToothEvent(26, "", "coroa-total-metalica", "protese", "Coroa", date(2026, 9, 1)),
        odontogram.ToothEvent(74, "", "restauracao-temporaria", "dentistica", "Restauração temporária",
                              date(2026, 11, 17)),
    ]


def test_marks_say_what_was_done_to_each_tooth():
    marks = odontogram.marks(_events())
    assert list(marks) == [26, 36, 48, 74]
    assert marks[36].states == {"restaurado", "outro"} and marks[36].surfaces == {"M", "O"}
    assert marks[36].summary == "restaurado (faces mesial e oclusal (MO)), outros procedimentos; 2 procedimentos"
    assert [e.performed_on for e in marks[36].events] == [date(2026, 1, 10), date(2026, 1, 3)]  # newest first
    assert marks[26].states == {"canal", "protese"}
    assert marks[48].states == {"extraido"}
    assert marks[74].surfaces == {"O"}  # a restoration without faces marks the middle


def test_the_chart_is_two_svgs_with_a_link_per_treated_tooth():
    marks = odontogram.marks(_events())
    sides = odontogram.render_sides(marks, lambda n: f"/extrato?dente={n}", selected=36)
    assert [s.name for s in sides] == ["direito", "esquerdo"]
    markup = "".join(str(s.svg) for s in sides)
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(
        f"<!doctype html><html lang=pt-BR><head><title>t</title></head><body>{markup}</body></html>")
    assert markup.count("<a ") == 4
    assert 'href="/extrato?dente=36"' in markup and 'aria-current="true"' in markup
    assert 'aria-label="dente 48 — terceiro molar inferior direito: extraído; 1 procedimento"' in markup
    for number in (*teeth.PERMANENT, *teeth.DECIDUOUS):
        assert f">{number}</text>" in markup
    right = str(sides[0].svg)
    assert ">18</text>" in right and ">21</text>" not in right and ">55</text>" in right and ">85</text>" in right


def test_faces_are_drawn_on_the_right_side_of_the_glyph():
    # Lower left tooth 36: vestibular at the bottom, mesial towards the midline (the viewer's left).
    assert odontogram._surface_of("bottom", 36) == "V" and odontogram._surface_of("left", 36) == "M"
    # Upper right tooth 16: vestibular on top, mesial on the viewer's right.
    assert odontogram._surface_of("top", 16) == "V" and odontogram._surface_of("right", 16) == "M"
    assert odontogram._surface_of("center", 11) == "O"
