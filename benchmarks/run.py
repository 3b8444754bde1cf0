"""Run the course's benchmarks, print a table as they go, and merge the results into a JSON file.

    python -m benchmarks.run                      # everything at full settings (make bench)
    python -m benchmarks.run --quick              # tiny data, seconds each (make bench-quick)
    python -m benchmarks.run --only hs2006 anomaly --out results/benchmarks.json
    python -m benchmarks.run --list

Each benchmark's result replaces the one of the same name in --out, with its own provenance
(date, machine, threads, load, dataset sizes, seed, wall time), so they can be re-run one at a
time. Quick runs must not overwrite the committed results: their default --out is under _build/.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path

import torch

import aeutils

from . import book_run, quality, speed
from .common import SEED, Outcome, Stopwatch, load_average, machine, matmul_peak, now
from .results import merge

ROOT = Path(__file__).resolve().parent.parent
FULL_OUT = ROOT / "results" / "benchmarks.json"
QUICK_OUT = ROOT / "_build" / "bench-quick" / "benchmarks.json"

BENCHMARKS = {**speed.BENCHMARKS, **book_run.BENCHMARKS, **quality.BENCHMARKS}


def entry(
    name: str,
    outcome: Outcome,
    quick: bool,
    started: str,
    load_start,
    speed_start: float,
    seconds: float,
    command: str,
) -> dict:
    return {
        "name": name,
        "title": outcome.title,
        "kind": outcome.kind,
        "quick": quick,
        "provenance": {
            "started": started,
            "wall_seconds": round(seconds, 1),
            "seed": SEED,
            "torch_threads": torch.get_num_threads(),
            "aeutils_threads_env": os.environ.get("AEUTILS_THREADS"),
            "load_average_start": load_start,
            "load_average_end": load_average(),
            "matmul_gflops_start": round(speed_start, 1),
            "matmul_gflops_end": round(matmul_peak(), 1),
            "dataset_sizes": outcome.dataset_sizes,
            "machine": machine(),
            "command": command,
        },
        "settings": outcome.settings,
        **({} if outcome.protocol is None else {"protocol": outcome.protocol}),
        "checks": [c.as_dict() for c in outcome.checks],
        "data": outcome.data,
    }


def print_checks(name: str, result: dict) -> None:
    prov = result["provenance"]
    print(
        f"{name}: {result['title']}  ({prov['wall_seconds']:.0f} s, load"
        f" {prov['load_average_start']} -> {prov['load_average_end']})"
    )
    for c in result["checks"]:
        verdict = "met" if c["met"] else f"MISSED by {abs(c['margin']):.3g}"
        print(
            f"  {c['label']:<58} {c['measured']:>9.4g} {c['unit']:<5}"
            f" target {c['direction']} {c['target']:<6g} {verdict}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny data: a few seconds each")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument(
        "--out",
        type=Path,
        help=f"results file (default {FULL_OUT.relative_to(ROOT)};"
        f" with --quick {QUICK_OUT.relative_to(ROOT)})",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, function in BENCHMARKS.items():
            print(f"{name:<12} {(function.__doc__ or '').splitlines()[0]}")
        return 0
    names = args.only or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    unmet = {n: getattr(BENCHMARKS[n], "unmet", str)() for n in names}
    unmet = {n: reason for n, reason in unmet.items() if reason}
    if unmet and args.only:
        parser.error("; ".join(f"{n} cannot run: {reason}" for n, reason in unmet.items()))
    for name, reason in unmet.items():
        print(f"skipping {name} (its earlier result stays): {reason}")
    names = [n for n in names if n not in unmet]
    out = args.out or (QUICK_OUT if args.quick else FULL_OUT)
    if args.quick and out.resolve() == FULL_OUT.resolve():
        parser.error(f"--quick never writes {FULL_OUT.relative_to(ROOT)} (the committed results)")
    command = "python -m benchmarks.run " + shlex.join(sys.argv[1:] if argv is None else argv)

    aeutils.setup(SEED)
    print(f"{len(names)} benchmark(s){' (quick)' if args.quick else ''} -> {out}")
    for i, name in enumerate(names, 1):
        print(
            f"\n[{i}/{len(names)}] {name}: {BENCHMARKS[name].__doc__.split('.')[0].strip()}",
            flush=True,
        )
        started, load_start, speed_start = now(), load_average(), matmul_peak()
        clock = Stopwatch()
        aeutils.setup(SEED)
        outcome = BENCHMARKS[name](args.quick)
        result = entry(
            name, outcome, args.quick, started, load_start, speed_start, clock.seconds, command
        )
        try:
            merge(out, name, result)
        except Exception:  # keep what took minutes to measure, then fail
            kept = out.with_name(f"{out.stem}.unmerged-{name}.json")
            kept.write_text(json.dumps(result, indent=1, allow_nan=False) + "\n")
            print(f"{name}: could not merge into {out}; the result is kept in {kept}")
            raise
        print_checks(name, result)
    print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
