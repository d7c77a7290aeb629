"""Time ``segmentation export`` through the command line on both engines, on one segmented file.

A seeded segmented customer table of ``--customers`` rows is written once as CSV (text, as
``segmentation segment`` writes it, with an ``unsubscribed`` column, decimal commas and duplicate
rows); then the same export (consent, a number filter, the control draw) runs as a user runs it,
``segmentation export ... --engine pandas`` and ``--engine spark`` (``local[2]``), each in its own
process, and the two CSV lists are compared byte for byte.

Usage::

    python benchmarks/bench_spark_export.py --customers 1000000
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CACHE = Path(tempfile.gettempdir()) / "segmentation-bench-export"


def segmented_csv(n_customers: int, seed: int = 0) -> Path:
    """The segmented table as CSV (written once, then reused)."""
    import numpy as np
    import pandas as pd

    path = CACHE / f"segmented_{n_customers}_{seed}.csv"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    ids = np.arange(100_000, 100_000 + n_customers)
    ids[rng.random(n_customers) < 0.01] = ids[0]  # 1% duplicate rows of one customer
    segments = rng.integers(0, 6, size=n_customers)
    names = np.array(["Loyal", "Big spenders", "Drifting", "New", "Bargain", "Dormant"])
    frame = pd.DataFrame(
        {
            "customer_id": ids.astype(str),
            "email": pd.Series(ids).map("person{}@example.org".format),
            "first_name": pd.Series(ids).map("Name{}".format),
            "country": rng.choice(["DE", "FR", "AT", "NL"], size=n_customers),
            "monetary": pd.Series(np.round(rng.gamma(2.0, 80.0, size=n_customers), 2))
            .astype(str)
            .str.replace(".", ","),
            "unsubscribed": rng.choice(
                ["no", "yes", "nein", "ja", ""], size=n_customers, p=[0.6, 0.2, 0.1, 0.05, 0.05]
            ),
            "segment": segments.astype(str),
            "segment_name": names[segments],
        }
    )
    frame.to_csv(path, index=False)
    return path


def run(path: Path, out: Path, engine: str) -> float:
    command = [
        sys.executable, "-m", "segmentation", "export", str(path), "-o", str(out),
        "--consent-col", "unsubscribed", "--filter", "monetary>=20", "--holdout", "0.1", "--engine", engine,
    ]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    path = segmented_csv(args.customers)
    folder = Path(tempfile.mkdtemp())
    seconds = {engine: run(path, folder / f"{engine}.csv", engine) for engine in ("pandas", "spark")}
    same = (folder / "pandas.csv").read_bytes() == (folder / "spark.csv").read_bytes()
    rows = sum(1 for _ in (folder / "pandas.csv").open("rb")) - 1
    print("| customers | listed | pandas s | Spark local[2] s | same file |")
    print("|---:|---:|---:|---:|---|")
    print(f"| {args.customers:,} | {rows:,} | {seconds['pandas']:.1f} | {seconds['spark']:.1f} | {same} |")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
