"""Place names as people type them, and what each should find (the geo unit tests and the
search pages share the table)."""

from __future__ import annotations

from typing import NamedTuple


class Typed(NamedTuple):
    typed: str
    expected: str  # label of the first candidate (a Leve Dental RJ plan: inside RJ first)
    exact: bool  # an exact (accent-, case-, space-insensitive) match, else a "Você quis dizer"


TYPED_PLACES = [
    # the three
    Typed("niteroy", "Niterói/RJ", False),
    Typed("sao paolo", "São Paulo/SP", False),
    Typed("rio de janiero", "Rio de Janeiro/RJ", False),
    # accents and case only: exact
    Typed("sao goncalo", "São Gonçalo/RJ", True),
    Typed("itaguai", "Itaguaí/RJ", True),
    Typed("SAO JOAO DE MERITI", "São João de Meriti/RJ", True),
    # missing and extra spaces: exact
    Typed("riodejaneiro", "Rio de Janeiro/RJ", True),
    Typed("cabofrio", "Cabo Frio/RJ", True),
    Typed("nova  iguacu", "Nova Iguaçu/RJ", True),
    Typed("teresó polis", "Teresópolis/RJ", True),
    # a UF suffix, however written
    Typed("niteroi rj", "Niterói/RJ", True),
    Typed("niterói-rj", "Niterói/RJ", True),
    Typed("florianópolis sc", "Florianópolis/SC", True),
    Typed("niteroy rj", "Niterói/RJ", False),
    Typed("niteroi/sp", "Niterói/RJ", False),  # no Niterói in SP: the one in RJ
    # typos
    Typed("itaguay", "Itaguaí/RJ", False),
    Typed("sao gonsalo", "São Gonçalo/RJ", False),
    Typed("petropoles", "Petrópolis/RJ", False),
    Typed("duque de caxais", "Duque de Caxias/RJ", False),
    Typed("sao joao de meritti", "São João de Meriti/RJ", False),
    Typed("volta redona", "Volta Redonda/RJ", False),
    Typed("angra dos reys", "Angra dos Reis/RJ", False),
    Typed("belo horisonte", "Belo Horizonte/MG", False),
    Typed("curitba", "Curitiba/PR", False),
    Typed("porto alegri", "Porto Alegre/RS", False),
    Typed("salvadr", "Salvador/BA", False),
    # look-alike digits for letters
    Typed("n1ter0i", "Niterói/RJ", False),
    # close calls: several offered, the plan's area first
    Typed("maric", "Maricá/RJ", False),  # and Mari/PB
    Typed("campo grnde", "Campo Grande/MS", False),  # and AL, RN: no Campo Grande in RJ
]
