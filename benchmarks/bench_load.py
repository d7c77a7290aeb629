"""Benchmark: load (and profile) a generated mixed CSV; time and peak memory.

Usage::

    /work/venv/bin/python benchmarks/bench_load.py              # 1,000,000 rows x 12 columns
    /work/venv/bin/python benchmarks/bench_load.py --rows 100000 --cols 30

The CSV is generated (seeded) in a temporary folder. The measurement runs in a fresh
subprocess so its peak resident memory (``ru_maxrss``) belongs to loading alone; the memory
the loading added is peak RSS minus the RSS right after importing the libraries, compared with
the loaded frame's own size (``memory_usage(deep=True)``). Targets: load + validate of 1M x 12
in <= 10 s, peak added memory <= 3x the frame.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

_KINDS = (
    "id",
    "date",
    "amount",
    "quantity",
    "category",
    "city",
    "text",
    "flag",
    "code",
    "price",
    "age",
    "note",
)


def _column(kind: str, n_rows: int, rng: np.random.Generator) -> pd.Series:
    """One column of generated values of the given kind, as the text a CSV would hold."""
    if kind == "id":
        return pd.Series(np.char.add("C", rng.integers(0, 200_000, n_rows).astype(str)))
    if kind == "date":
        days = pd.to_datetime("2023-01-01") + pd.to_timedelta(rng.integers(0, 730, n_rows), unit="D")
        return pd.Series(days.strftime("%Y-%m-%d"))
    if kind in ("amount", "price"):
        return pd.Series(rng.gamma(2.0, 30.0, n_rows).round(2))
    if kind in ("quantity", "age"):
        return pd.Series(rng.integers(1, 90, n_rows))
    if kind == "category":
        return pd.Series(rng.choice(["Books", "Toys", "Garden", "Food", "Home & Living"], n_rows))
    if kind == "city":
        return pd.Series(rng.choice(["Berlin", "München", "Paris", "Lyon", "New York, NY", "東京"], n_rows))
    if kind == "text":
        return pd.Series(rng.choice(["great service", 'said "thanks"', "late, but fine", ""], n_rows))
    if kind == "flag":
        return pd.Series(rng.choice(["yes", "no", ""], n_rows))
    if kind == "code":
        return pd.Series(np.char.zfill(rng.integers(0, 9999, n_rows).astype(str), 5))
    return pd.Series(rng.choice(["", "N/A", "gift", "express delivery"], n_rows))


def generate_csv(path: Path, *, n_rows: int, n_cols: int, seed: int) -> None:
    """Write a mixed CSV of shape (n_rows, n_cols) to ``path``."""
    rng = np.random.default_rng(seed)
    columns = {
        f"{_KINDS[i % len(_KINDS)]}_{i + 1}": _column(_KINDS[i % len(_KINDS)], n_rows, rng)
        for i in range(n_cols)
    }
    pd.DataFrame(columns).to_csv(path, index=False)


def _rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    ``VmHWM`` belongs to this program's memory map; ``ru_maxrss`` would also count the parent's
    peak (Linux keeps it across ``exec``), so it is only the fallback.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure(path: Path) -> dict[str, float | None]:
    """Load (and, when available, profile) ``path`` in this process; timings and memory."""
    from segmentation.io.loading import load_table

    profile_table: Callable[..., object] | None
    try:
        from segmentation.profiling.table_profile import profile_table
    except ImportError:  # profiling is written by another module owner; time loading alone without it
        profile_table = None
    baseline = _rss_mb()
    start = time.perf_counter()
    loaded = load_table(path)
    load_seconds = time.perf_counter() - start
    peak_after_load = _rss_mb()
    profile_seconds = None
    if profile_table is not None:
        start = time.perf_counter()
        profile_table(loaded.frame, decimal=loaded.detection.decimal)
        profile_seconds = time.perf_counter() - start
    frame_mb = float(loaded.frame.memory_usage(deep=True).sum()) / 1024**2
    return {
        "rows": float(len(loaded.frame)),
        "cols": float(loaded.frame.shape[1]),
        "load_s": load_seconds,
        "profile_s": profile_seconds,
        "frame_mb": frame_mb,
        "baseline_rss_mb": baseline,
        "peak_rss_load_mb": peak_after_load,
        "peak_rss_total_mb": _rss_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cols", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: run in the subprocess
    args = parser.parse_args(argv)
    if args.measure is not None:
        print(json.dumps(measure(args.measure)))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        start = time.perf_counter()
        generate_csv(path, n_rows=args.rows, n_cols=args.cols, seed=args.seed)
        generate_seconds = time.perf_counter() - start
        size_mb = path.stat().st_size / 1024**2
        result = subprocess.run(
            [sys.executable, __file__, "--measure", str(path)], check=True, capture_output=True, text=True
        )
    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    added = numbers["peak_rss_load_mb"] - numbers["baseline_rss_mb"]
    added_total = numbers["peak_rss_total_mb"] - numbers["baseline_rss_mb"]
    profile = numbers["profile_s"]
    total = numbers["load_s"] + (profile or 0.0)
    rows = [
        ("rows x columns", f"{int(numbers['rows']):,} x {int(numbers['cols'])}"),
        ("CSV size on disk", f"{size_mb:.0f} MB (generated in {generate_seconds:.1f} s)"),
        ("load_table", f"{numbers['load_s']:.2f} s"),
        ("profile_table", "not available" if profile is None else f"{profile:.2f} s"),
        ("load + profile", f"{total:.2f} s (target <= 10 s for 1M x 12)"),
        ("frame in memory", f"{numbers['frame_mb']:.0f} MB"),
        ("RSS after imports", f"{numbers['baseline_rss_mb']:.0f} MB"),
        ("peak RSS after load", f"{numbers['peak_rss_load_mb']:.0f} MB"),
        (
            "peak RSS added by loading",
            f"{added:.0f} MB = {added / numbers['frame_mb']:.2f}x the frame (target <= 3x)",
        ),
        (
            "peak RSS added incl. profiling",
            f"{added_total:.0f} MB = {added_total / numbers['frame_mb']:.2f}x the frame",
        ),
    ]
    print("| measure | value |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
