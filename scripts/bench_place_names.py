"""How long a typed place name takes to resolve (webapp.geo.names), index warm.

    .venv/bin/python scripts/bench_place_names.py [--rounds 200]

Times ``names.resolve`` (exact, then similar names) and ``names.suggest`` (as-you-type) over a
fixed list of typed names — exact, typos, missing spaces, UF suffixes, nothing alike — with a
Rio de Janeiro coverage area, and prints p50/p95/max per kind in milliseconds, and the time to
build the index once (first call in a process).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp.geo import names  # noqa: E402
from webapp.geo.coverage import CoverageArea  # noqa: E402

TYPED = {
    "exact": ["niteroi", "Rio de Janeiro", "sao goncalo", "campo grande", "riodejaneiro", "niterói-rj"],
    "similar": ["niteroy", "sao paolo", "rio de janiero", "campo grnde", "itaguay", "belo horisonte", "niteroy rj",
                "niteroi/sp", "duque de caxais", "n1ter0i"],
    "nothing": ["xyzópolis", "qwertyuiop", "zzzz zzzz zzzz", "a" * 90],
}


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    area = CoverageArea.of_states(["RJ"])
    start = time.perf_counter()
    names.resolve("niteroy", area)
    print(f"first call (loads the municipalities, builds the index): {(time.perf_counter() - start) * 1000:.0f} ms")
    for fn in (names.resolve, names.suggest):
        for kind, texts in TYPED.items():
            times = []
            for _ in range(args.rounds):
                for text in texts:
                    t = time.perf_counter()
                    fn(text, area)
                    times.append((time.perf_counter() - t) * 1000)
            print(f"{fn.__name__:8} {kind:8} n={len(times):5}  p50 {statistics.median(times):.3f} ms  "
                  f"p95 {percentile(times, .95):.3f} ms  max {max(times):.3f} ms")


if __name__ == "__main__":
    main()
