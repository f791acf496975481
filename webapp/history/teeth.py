"""Teeth in FDI two-digit notation, their faces, and which procedures are done on a tooth.

Pure functions, no database.  FDI (ISO 3950): the first digit is the quadrant — 1 upper right,
2 upper left, 3 lower left, 4 lower right (5–8 the same for deciduous teeth) — as the patient
sees it; the second is the position from the midline (1 central incisor … 8 third molar).

Faces: M (mesial, towards the midline), D (distal), O (occlusal, back teeth) or I (incisal,
front teeth), V (vestibular, also written B for "bucal") and L (lingual) or P (palatal, upper
teeth).  O/I, V/B and L/P are each one face written two ways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.parsing import is_ascii_digits

PERMANENT: tuple[int, ...] = tuple(q * 10 + p for q in (1, 2, 3, 4) for p in range(1, 9))
DECIDUOUS: tuple[int, ...] = tuple(q * 10 + p for q in (5, 6, 7, 8) for p in range(1, 6))
ALL_TEETH = frozenset(PERMANENT + DECIDUOUS)

_SIDES = {1: "superior direito", 2: "superior esquerdo", 3: "inferior esquerdo", 4: "inferior direito"}
_PERMANENT_POSITIONS = {
    1: "incisivo central", 2: "incisivo lateral", 3: "canino", 4: "primeiro pré-molar",
    5: "segundo pré-molar", 6: "primeiro molar", 7: "segundo molar", 8: "terceiro molar",
}
_DECIDUOUS_POSITIONS = {1: "incisivo central", 2: "incisivo lateral", 3: "canino", 4: "primeiro molar",
                        5: "segundo molar"}

FACE_NAMES = {
    "M": "mesial", "D": "distal", "O": "oclusal", "I": "incisal", "V": "vestibular", "B": "vestibular (bucal)",
    "L": "lingual", "P": "palatina",
}
# The five surfaces of a tooth; two letters may name the same one.
FACE_SURFACE = {"M": "M", "D": "D", "O": "O", "I": "O", "V": "V", "B": "V", "L": "L", "P": "L"}
_KIND_PLURALS = {"incisivo": "incisivos", "canino": "caninos", "pre-molar": "pré-molares", "molar": "molares"}


def is_tooth(number: int) -> bool:
    return number in ALL_TEETH


def is_deciduous(number: int) -> bool:
    return number // 10 >= 5


def quadrant(number: int) -> int:
    """1–4, the same for permanent and deciduous teeth (5 → 1 … 8 → 4)."""
    q = number // 10
    return q - 4 if q >= 5 else q


def is_upper(number: int) -> bool:
    return quadrant(number) in (1, 2)


def is_right(number: int) -> bool:
    """On the patient's right (quadrants 1 and 4)."""
    return quadrant(number) in (1, 4)


def kind(number: int) -> str:
    """incisivo, canino, pre-molar or molar."""
    position = number % 10
    if position <= 2:
        return "incisivo"
    if position == 3:
        return "canino"
    if is_deciduous(number) or position >= 6:
        return "molar"
    return "pre-molar"


def is_anterior(number: int) -> bool:
    return kind(number) in ("incisivo", "canino")


def tooth_name(number: int) -> str:
    """``36`` → ``primeiro molar inferior esquerdo``; ``55`` → ``segundo molar decíduo superior direito``."""
    if not is_tooth(number):
        raise ValueError(f"dente inexistente na notação FDI: {number}")
    position, side = number % 10, _SIDES[quadrant(number)]
    if is_deciduous(number):
        return f"{_DECIDUOUS_POSITIONS[position]} decíduo {side}"
    return f"{_PERMANENT_POSITIONS[position]} {side}"


def tooth_label(number: int) -> str:
    """``dente 36 — primeiro molar inferior esquerdo``."""
    return f"dente {number} — {tooth_name(number)}"


def parse_tooth(text: str) -> int | None:
    """The tooth of a two-digit FDI code, or None when it is not one."""
    text = text.strip()
    if len(text) != 2 or not is_ascii_digits(text):  # '²'.isdigit() is true
        return None
    number = int(text)
    return number if is_tooth(number) else None


class FaceError(ValueError):
    pass


def parse_faces(text: str, tooth: int) -> str:
    """Validated face letters for *tooth*, in the order given (``"m,o d"`` → ``"MOD"``).

    Raises :class:`FaceError` with a pt-BR reason.
    """
    letters = re.sub(r"[\s,;/+\-]", "", text).upper()
    if not letters:
        return ""
    unknown = sorted({ch for ch in letters if ch not in FACE_SURFACE})
    if unknown:
        raise FaceError(f"face desconhecida: {', '.join(unknown)} (use M, O/I, D, V/B, L/P)")
    seen: set[str] = set()
    for ch in letters:
        surface = FACE_SURFACE[ch]
        if surface in seen:
            raise FaceError("face repetida (O/I, V/B e L/P são a mesma face)")
        seen.add(surface)
        if ch == "I" and not is_anterior(tooth):
            raise FaceError(f"face incisal só existe em incisivos e caninos; no dente {tooth} use O (oclusal)")
        if ch == "O" and is_anterior(tooth):
            raise FaceError(f"face oclusal só existe em pré-molares e molares; no dente {tooth} use I (incisal)")
        if ch == "P" and not is_upper(tooth):
            raise FaceError(f"face palatina só existe nos dentes superiores; no dente {tooth} use L (lingual)")
    return letters


def faces_words(faces: str) -> str:
    """``"MOD"`` → ``"mesial, oclusal e distal"``."""
    words = [FACE_NAMES[ch] for ch in faces]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " e " + words[-1]


def faces_text(faces: str) -> str:
    """``"MO"`` → ``"faces mesial e oclusal (MO)"``."""
    if not faces:
        return ""
    noun = "face" if len(faces) == 1 else "faces"
    return f"{noun} {faces_words(faces)} ({faces})"


def surfaces(faces: str) -> frozenset[str]:
    """The surfaces (M, O, D, V, L) named by *faces*."""
    return frozenset(FACE_SURFACE[ch] for ch in faces)


# --------------------------------------------------------------------------- procedures


@dataclass(frozen=True)
class ToothRule:
    """Whether a procedure is done on one tooth, which teeth, and with which faces."""

    tooth: str  # required | optional | none
    dentition: str = "any"  # any | permanent | deciduous
    faces: str = "none"  # none | optional | required
    face_count: int | None = None  # exactly this many faces ("restauração … 2 faces")
    kinds: frozenset[str] | None = None  # tooth kinds allowed (None: any)

    def check(self, tooth: int | None, faces: str) -> list[tuple[str, str]]:
        """Problems as (column, pt-BR reason); empty when the tooth and faces fit."""
        problems: list[tuple[str, str]] = []
        if tooth is None:
            if self.tooth == "required":
                problems.append(("tooth", "este procedimento exige o dente (notação FDI, ex.: 36)"))
            if faces:
                problems.append(("faces", "faces informadas sem o dente"))
            return problems
        if self.tooth == "none":
            return [("tooth", "este procedimento não é feito em um dente: deixe o dente vazio")]
        if self.dentition == "permanent" and is_deciduous(tooth):
            problems.append(("tooth", f"procedimento de dente permanente (11 a 48); {tooth} é decíduo"))
        elif self.dentition == "deciduous" and not is_deciduous(tooth):
            problems.append(("tooth", f"procedimento de dente decíduo (51 a 85); {tooth} é permanente"))
        elif self.kinds is not None and kind(tooth) not in self.kinds:
            allowed = ", ".join(sorted(_KIND_PLURALS[k] for k in self.kinds))
            problems.append(("tooth", f"procedimento para {allowed}; o {tooth_label(tooth)} não é"))
        count = len(faces)
        if self.faces == "none" and count:
            problems.append(("faces", "este procedimento não é feito em faces: deixe as faces vazias"))
        elif self.faces == "required" and not count:
            problems.append(("faces", "informe as faces restauradas (M, O/I, D, V/B, L/P)"))
        elif self.face_count is not None and count and count != self.face_count:
            plural = "face" if self.face_count == 1 else "faces"
            problems.append(("faces", f"o procedimento é de {self.face_count} {plural}; foram informadas {count}"))
        return problems


_ENDODONTIC = ("tratamento-endodontico", "retratamento-endodontico", "pulpectomia", "pulpotomia",
               "curativo-demora-endodontia", "mumificacao-pulpar", "remocao-corpo-estranho-intracanal",
               "remocao-material-obturador-intracanal", "tratamento-perfuracao-endodontica",
               "clareamento-dente-desvitalizado", "apicetomia", "amputacao-radicular", "hemissecao")
_ONE_TOOTH = ("exodontia-simples", "exodontia-a-retalho", "exodontia-raiz", "exodontia-foco-infeccioso",
              "exodontia-indicacao-ortodontica", "coroa-", "nucleo-", "pino-", "preparo-nucleo",
              "remocao-nucleo", "reabilitacao-coroa", "restauracao-metalica-fundida",
              "provisorio-restauracao-metalica", "reembasamento-coroa", "reimplante-dentario",
              "aumento-coroa-clinica", "cunha-proximal", "gengivectomia-por-elemento", "odonto-seccao",
              "tracionamento-cirurgico", "faceta-", "colagem-fragmentos", "aplicacao-selante",
              "restauracao-", "remocao-dentes-inclusos", "remocao-dentes-semi-inclusos", "capeamento-pulpar")
_SOME_TEETH = ("radiografia-periapical", "radiografia-interproximal", "raspagem-", "gengivectomia",
               "dessensibilizacao", "imobilizacao-dentaria", "ulectomia", "ulotomia", "exodontias-multiplas",
               "exodontia-inclusos", "exodontia-semi-inclusos", "ajuste-oclusal", "recimentacao-trabalho",
               "remocao-trabalho-protetico", "mantenedor-espaco", "controle-carie", "remineralizacao",
               "aplicacao-cariostatico", "tratamento-abscesso-periodontal", "tratamento-pericoronarite",
               "tratamento-alveolite", "incisao-drenagem-intraoral")
_FACES_REQUIRED = ("restauracao-amalgama", "restauracao-ionomero", "restauracao-resina", "restauracao-silicato",
                   "restauracao-angulo", "restauracao-superficie-radicular")
_FACES_OPTIONAL = ("restauracao-", "faceta-", "colagem-fragmentos", "aplicacao-selante", "capeamento-pulpar",
                   "pino-retencao", "restauracao-metalica-fundida")
_N_FACES = re.compile(r"-(\d)-faces?$")


def tooth_rule(procedure_id: str, name: str = "") -> ToothRule:
    """The :class:`ToothRule` of a vocabulary procedure (by its id and name)."""
    folded = name.casefold()
    dentition = "any"
    if "decidu" in procedure_id or "decíduo" in folded:
        dentition = "deciduous"
    elif "permanente" in procedure_id or "dente permanente" in folded or "dentes permanentes" in folded:
        dentition = "permanent"

    kinds = None
    if "multirradicular" in procedure_id:
        kinds = frozenset({"molar"})
    elif "birradicular" in procedure_id:
        kinds = frozenset({"pre-molar", "molar"})
    elif "unirradicular" in procedure_id:
        kinds = frozenset({"incisivo", "canino", "pre-molar"})
    elif "dentes anteriores" in folded:
        kinds = frozenset({"incisivo", "canino"})
    elif "dentes posteriores" in folded:
        kinds = frozenset({"pre-molar", "molar"})

    if procedure_id.startswith(_ENDODONTIC):
        tooth = "required"
    elif procedure_id.startswith(_ONE_TOOTH):
        tooth = "required"
    elif procedure_id.startswith(_SOME_TEETH):
        tooth = "optional"
    elif procedure_id in ("tratamento-endodontico-deciduo", "restauracao-temporaria"):
        tooth = "required"
    else:
        tooth = "none"

    faces, face_count = "none", None
    match = _N_FACES.search(procedure_id)
    if match:
        faces, face_count = "required", int(match.group(1))
    elif procedure_id.startswith(_FACES_REQUIRED):
        faces = "required"
    elif procedure_id.startswith(_FACES_OPTIONAL) and tooth != "none":
        faces = "optional"
    if procedure_id.startswith(("restauracao-temporaria", "restauracao-a-pino", "restauracao-atraumatica")):
        faces, face_count = "optional", None
    return ToothRule(tooth=tooth, dentition=dentition if tooth != "none" else "any", faces=faces,
                     face_count=face_count, kinds=kinds)


# --------------------------------------------------------------------------- what a tooth went through


STATE_ORDER = ("extraido", "protese", "canal", "restaurado", "outro")
STATE_NAMES = {
    "extraido": "extraído", "protese": "prótese (coroa, núcleo ou pino)", "canal": "tratamento de canal",
    "restaurado": "restaurado", "outro": "outros procedimentos",
}


def procedure_state(procedure_id: str, category: str) -> str:
    """What a procedure done on a tooth means for the chart (one of :data:`STATE_ORDER`)."""
    if procedure_id.startswith(("exodontia", "remocao-dentes-inclusos", "remocao-dentes-semi-inclusos")):
        return "extraido"
    if category == "protese" or procedure_id.startswith(("coroa-", "nucleo-", "pino-pre-fabricado")):
        return "protese"
    if category == "endodontia" or procedure_id.startswith(_ENDODONTIC) or procedure_id == "tratamento-endodontico-deciduo":
        return "canal"
    if category == "dentistica" or procedure_id.startswith("restauracao-"):
        return "restaurado"
    return "outro"
