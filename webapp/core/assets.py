"""Static files with content-hashed names.

Sources live in ``webapp/assets/`` (hand-written CSS, small scripts, icons) plus htmx, which
comes from the npm registry into ``node_modules/`` at set-up and is never committed.
``build_assets`` copies each file to ``webapp/static/dist/<name>.<hash>.<ext>``, writes a
gzip twin for WhiteNoise to serve, and a ``manifest.json`` mapping logical names to hashed
ones.  Templates ask for ``asset_url('css/app.css')``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
SOURCE_DIR = PACKAGE_DIR / "assets"
DIST_DIR = PACKAGE_DIR / "static" / "dist"
MANIFEST = DIST_DIR / "manifest.json"
URL_PREFIX = "/static/dist/"  # where DIST_DIR is served
NODE_MODULES = PACKAGE_DIR.parent / "node_modules"

# Files taken from npm packages: logical name → path inside node_modules.
VENDOR_FILES = {
    "js/htmx.min.js": "htmx.org/dist/htmx.min.js",
    # Draws the card's offline eligibility code as a QR on the phone, without the network (MIT).
    "js/qrcode.js": "qrcode-generator/dist/qrcode.js",
}
COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".webmanifest", ".txt"}


class AssetError(RuntimeError):
    pass


def _sources() -> dict[str, Path]:
    files = {
        str(p.relative_to(SOURCE_DIR)): p
        for p in sorted(SOURCE_DIR.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }
    for logical, rel in VENDOR_FILES.items():
        path = NODE_MODULES / rel
        if not path.exists():
            raise AssetError(
                f"{path} não encontrado: rode `npm ci` (o htmx vem do registro npm na instalação)."
            )
        files[logical] = path
    return files


def build_assets() -> dict[str, str]:
    sources = _sources()  # fail before touching the current build
    if DIST_DIR.exists():
        shutil.rmtree(DIST_DIR)
    DIST_DIR.mkdir(parents=True)
    manifest: dict[str, str] = {}
    for logical, path in sources.items():
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:12]
        stem, dot, ext = logical.rpartition(".")
        hashed = f"{stem}.{digest}.{ext}" if dot else f"{logical}.{digest}"
        target = DIST_DIR / hashed
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if target.suffix in COMPRESSIBLE:
            # mtime=0 keeps the archive byte-identical between builds.
            (target.parent / (target.name + ".gz")).write_bytes(gzip.compress(data, 9, mtime=0))
        manifest[logical] = hashed
    MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def load_manifest(build_if_missing: bool = True) -> dict[str, str]:
    if not MANIFEST.exists():
        if not build_if_missing:
            raise AssetError("static/dist/manifest.json ausente: rode `flask --app webapp assets build`.")
        return build_assets()
    return json.loads(MANIFEST.read_text())
