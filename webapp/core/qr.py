"""QR codes as inline SVG (segno), sized by the page's CSS."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, title: str) -> str:
    """*url* as an SVG QR code with error correction M; *title* is what a screen reader announces."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, omitsize=True,
                                    svgclass="go-qr", title=title, dark="#000", light="#fff")
    return out.getvalue().decode()
