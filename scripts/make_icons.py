"""Render the app icon (webapp/assets/icons/icon.svg) to the PNG sizes browsers need for an
installable app, with Debian's Chromium through Playwright. Re-run after changing the SVG.

    .venv/bin/python scripts/make_icons.py
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parents[1] / "webapp" / "assets" / "icons"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main() -> None:
    svg = (ICONS / "icon.svg").read_text()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, size, padding in (("icon-192.png", 192, 0), ("icon-512.png", 512, 0),
                                    ("icon-maskable-512.png", 512, 0.1), ("apple-touch-icon.png", 180, 0)):
            page = browser.new_page(viewport={"width": size, "height": size})
            inner = int(size * (1 - 2 * padding))
            # Maskable icons keep their content inside the central 80% "safe zone".
            page.set_content(
                f'<body style="margin:0;background:#0b5d5b;display:grid;place-items:center;width:{size}px;height:{size}px">'
                f'<div style="width:{inner}px;height:{inner}px">{svg.replace("<svg ", f"<svg width={inner} height={inner} ", 1)}</div></body>')
            page.screenshot(path=str(ICONS / name), omit_background=False)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
