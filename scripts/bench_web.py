"""Web benchmarks of the dentist search: page weight and a load run.

    .venv/bin/python scripts/bench_web.py [--db instance/guia.sqlite3] [--duration 20] [--passes 3] [--no-page-cache]

Needs a database with the demo data (``bash scripts/serve.sh`` makes one; or set up any
DATABASE_URL).  Starts gunicorn with 2 sync workers on 127.0.0.1, measures:
- the first visit to /rede: every request (HTML, CSS, JS, icons) and its compressed bytes;
- the compressed HTML of a results page;
- wrk, 16 connections for --duration seconds (after a warm-up), on the full results page and on
  the htmx "Carregar mais" fragment: requests/s and p99 latency, median of --passes runs, each
  pass beside a bare 3 KB Flask response (the machine's speed drifts; the ratio does not).

The load run repeats one URL, so after the first request each worker serves it from its page
cache (webapp/core/pagecache.py); ``--no-page-cache`` (PAGE_CACHE_MB=0) measures rendering every
request, as for a search nobody made before.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = "/rede?plano=leve-dental-rj-1-adesao&municipio=3303302&especialidade=clinico-geral"
FRAGMENT = RESULTS + "&pagina=2"


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "link" and a.get("rel") in ("stylesheet", "icon", "manifest") and a.get("href"):
            self.urls.append(a["href"])
        elif tag == "img" and a.get("src") and not a["src"].startswith("data:"):
            self.urls.append(a["src"])


def fetch(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip", **(headers or {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read(), dict(response.headers)


def page_weight(base: str) -> None:
    status, body, headers = fetch(base + "/rede")
    import brotli  # noqa: F401  (only to check availability)
    total, rows = len(body), [("/rede (HTML)", len(body), headers.get("Content-Encoding", "-"))]
    html = decompress(body, headers)
    parser = Assets()
    parser.feed(html.decode())
    for url in dict.fromkeys(parser.urls):
        _, data, h = fetch(base + url)
        rows.append((url, len(data), h.get("Content-Encoding", "-")))
        total += len(data)
    print("First visit to /rede (bytes on the wire, compressed):")
    for url, size, enc in rows:
        print(f"  {size:>7}  {enc:<5} {url}")
    print(f"  total {total} bytes = {total / 1024:.1f} KB in {len(rows)} requests (budget: 50 KB, 8 requests)")
    _, body, headers = fetch(base + RESULTS)
    print(f"Results page HTML: {len(body)} bytes {headers.get('Content-Encoding')} = {len(body) / 1024:.1f} KB "
          f"compressed, {len(decompress(body, headers)) / 1024:.1f} KB raw (budget: 14 KB compressed)")


def decompress(body: bytes, headers: dict) -> bytes:
    encoding = headers.get("Content-Encoding")
    if encoding == "gzip":
        import gzip

        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    return body


def wrk(url: str, duration: int, headers: dict | None = None) -> tuple[float, float]:
    cmd = ["wrk", "-t2", "-c16", f"-d{duration}s", "--latency", "-H", "Accept-Encoding: br, gzip"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    value, unit = float(p99.group(1)), p99.group(2)
    p99_ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"wrk saw {non2xx.group(1)} error responses for {url}")
    return rps, p99_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "instance" / "guia.sqlite3"))
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--no-page-cache", action="store_true", help="render every request (PAGE_CACHE_MB=0)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk não encontrado: apt-get install wrk")
    env = {**os.environ, "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{args.db}")}
    if args.no_page_cache:
        env["PAGE_CACHE_MB"] = "0"
    base = f"http://127.0.0.1:{args.port}"
    bare = f"http://127.0.0.1:{args.port + 1}"
    servers = [
        subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{args.port}",
                          "--log-level", "warning", "webapp:create_app()"], cwd=ROOT, env=env),
        subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{args.port + 1}",
                          "--log-level", "warning", "--chdir", str(ROOT / "scripts"), "bare_flask:app"], cwd=ROOT),
    ]
    try:
        for url in (base + "/", bare + "/"):
            for _ in range(50):
                try:
                    fetch(url)
                    break
                except OSError:
                    time.sleep(0.2)
        page_weight(base)
        print("Page cache: " + ("off (PAGE_CACHE_MB=0): every request rendered" if args.no_page_cache else
                                "on: the repeated URL is served from each worker's page cache"))
        print(f"Load: gunicorn 2 sync workers, wrk 2 threads 16 connections, {args.duration} s, "
              f"median of {args.passes} passes after a warm-up; each pass also measures a bare 3 KB "
              "Flask response (scripts/bare_flask.py), the yardstick of the machine's speed then")
        targets = (
            ("bare Flask 3 KB", bare + "/", None),
            ("results page", base + RESULTS, None),
            ("htmx fragment", base + FRAGMENT, {"HX-Request": "true", "HX-Target": "mais-resultados"}),
        )
        for _, url, headers in targets:
            wrk(url, 5, headers)  # warm-up
        runs: dict[str, list] = {name: [] for name, _, _ in targets}
        for _ in range(args.passes):  # interleaved, so the yardstick sees the same machine
            for name, url, headers in targets:
                runs[name].append(wrk(url, args.duration, headers))
        for name, _, _ in targets:
            rps = statistics.median(r for r, _ in runs[name])
            p99 = statistics.median(p for _, p in runs[name])
            cost = statistics.median(b / r for (b, _), (r, _) in zip(runs["bare Flask 3 KB"], runs[name]))
            ratio = "" if name.startswith("bare") else f"  cost {cost:.1f}x the bare response ({100 / cost:.1f}% of its rate)"
            print(f"  {name:<16} {rps:7.0f} req/s  p99 {p99:6.1f} ms{ratio}   (passes: "
                  + ", ".join(f"{r:.0f}/{p:.0f}ms" for r, p in runs[name]) + ")")
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
