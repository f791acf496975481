"""QR codes as inline SVG (segno)."""

import io

import segno


def qr_svg(url: str) -> str:
    qr = segno.make(url, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, svgclass="go-qr",
            title="Código QR de verificação da carteirinha", dark="#000", light="#fff")
    return out.getvalue().decode()
