import xml.etree.ElementTree as ET

import pytest

from webapp.geo import svgmap
from webapp.geo.coverage import CoverageArea

SVG = "{http://www.w3.org/2000/svg}"
LIMIT = 15_000  # bytes, municipality maps


def parse(svg):
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    return root, title.text


@pytest.mark.parametrize(
    "code",
    [
        3550308,  # São Paulo: many neighbours
        3303302,  # Niterói
        1500602,  # Altamira: huge
        2103174,  # Centro Novo do Maranhão: largest map in the data set (~14.4 kB)
        3500600,  # Águas de São Pedro: tiny
        2605459,  # Fernando de Noronha: island
    ],
)
def test_municipality_svg(code):
    svg = svgmap.municipality_svg(code, points=[(-23.55, -46.63, "Clínica")] if code == 3550308 else ())
    root, title = parse(svg)
    assert title.startswith("Mapa de ")
    assert len(svg.encode()) < LIMIT
    assert root.find(f"{SVG}path[@class='geo-target']") is not None


def test_municipality_svg_no_polygon():
    svg = svgmap.municipality_svg(4314548)
    root, title = parse(svg)
    assert "Pinto Bandeira/RS" in title and "indisponíveis" in title
    assert root.find(f"{SVG}rect[@class='geo-seat']") is not None


def test_labels_are_escaped():
    evil = '<script>alert("x")</script> & Cia\x00'
    svg = svgmap.municipality_svg(3303302, points=[(-22.8832, -43.1034, evil)])
    root, _ = parse(svg)
    assert "<script" not in svg
    circle = root.find(f"{SVG}circle")
    assert circle.find(f"{SVG}title").text == '<script>alert("x")</script> & Cia'


def test_points_svg():
    svg = svgmap.points_svg([(-22.8832, -43.1034, "A"), (-22.9129, -43.2003, "B"), (-22.90, -43.10)])
    root, title = parse(svg)
    assert title == "Mapa com 3 pontos marcados"
    assert len(root.findall(f"{SVG}circle")) == 3
    assert len(svg.encode()) < LIMIT
    wide = svgmap.points_svg([(-23.5329, -46.6395), (-3.7319, -38.5267)])  # SP - Fortaleza: state outlines
    parse(wide)
    assert len(wide.encode()) < 30_000


def test_area_svg():
    for area, expected in [
        (CoverageArea.national(), "nacional"),
        (CoverageArea.of_states({"RJ"}), "Rio de Janeiro"),
        (CoverageArea.of_municipalities({3518800, 3534401, 3547809, 3548708, 3548807, 3550308}), "6 municípios"),
        (CoverageArea.of_municipalities({4314548, 4302105}), "2 municípios"),
    ]:
        svg = svgmap.area_svg(area)
        _, title = parse(svg)
        assert title.startswith("Área de cobertura") and expected in title
        assert len(svg.encode()) < 30_000


def test_width_and_projection():
    root, _ = parse(svgmap.municipality_svg(3550308, width=200))
    assert root.get("width") == "200"
    height = float(root.get("height"))
    assert 0 < height <= 200


def test_invalid_input():
    with pytest.raises(ValueError):
        svgmap.municipality_svg(1)
    with pytest.raises(ValueError):
        svgmap.municipality_svg(3303302, points=[(100, 0)])
    with pytest.raises(ValueError):
        svgmap.points_svg([])


def test_numbered_pins_and_the_origin():
    points = [(-22.8990, -43.1150, "1. Rua Gavião Peixoto"), (-22.6632, -43.0315, "2. Rua da Praia")]
    svg = svgmap.municipality_svg(3303302, points=points, numbered=True, origin=(-22.9035, -43.1094, "o centro"))
    root, title = parse(svg)
    assert title == ("Mapa de Niterói/RJ, com 2 pontos marcados e numerados como a lista; "
                     "o losango marca o centro")
    pins = root.findall(f"{SVG}g[@class='geo-pin']")
    assert [p.find(f"{SVG}text").text for p in pins] == ["2", "1"]  # 1 drawn last: on top
    assert pins[1].find(f"{SVG}title").text == "1. Rua Gavião Peixoto"
    assert root.findall(f"{SVG}circle") == []  # no unnumbered point
    origin = root.find(f"{SVG}path[@class='geo-origin']")
    assert origin.find(f"{SVG}title").text == "o centro"
    # The view grows to hold the far pin (Magé lies north of Niterói): both are inside the drawing.
    height = float(root.get("height"))
    for pin in pins:
        y = float(pin.find(f"{SVG}circle").get("cy"))
        assert 0 < y < height
    with pytest.raises(ValueError):
        svgmap.municipality_svg(3303302, points=points, origin=(99, 0, "nowhere"))
