"""Benchmark: build a campaign audience and export it (CSV, XLSX, ZIP) for 100k and 1M customers.

Each size runs in its own process so its peak memory (max RSS) is measured alone. Prints a
markdown table. Usage::

    python benchmarks/bench_export.py                 # 100k and 1M customers
    python benchmarks/bench_export.py --sizes 100000  # one size
    python benchmarks/bench_export.py --no-xlsx       # skip the (slow) Excel export
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime

import numpy as np
import pandas as pd

SEGMENT_NAMES = [
    "Loyal big spenders",
    "New customers",
    "At risk",
    "Bargain hunters",
    "客户/VIP",
    "Unassigned",
]


def _customers(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A segmented customer table as text (as loaded from CSV) and 3 recommendations per customer."""
    rng = np.random.default_rng(seed)
    ids = np.char.add("C", np.arange(n).astype(str))
    segment = rng.integers(-1, 5, n)
    customers = pd.DataFrame(
        {
            "customer_id": pd.Series(ids, dtype="str"),
            "first_name": pd.Series(rng.choice(["Ann", "Bo", "Zoë", "=Cy"], n), dtype="str"),
            "email": pd.Series(np.char.add(np.char.lower(ids), "@example.com"), dtype="str"),
            "country": pd.Series(rng.choice(["DE", "FR", "NL"], n), dtype="str"),
            "monetary": pd.Series(rng.gamma(2.0, 60.0, n).round(2).astype(str), dtype="str"),
            "marketing_consent": pd.Series(
                rng.choice(["yes", "no", "opt-in", ""], n, p=[0.7, 0.1, 0.15, 0.05])
            ),
            "segment": segment,
            "segment_name": pd.Series(np.array(SEGMENT_NAMES)[segment], dtype="str"),
        }
    )
    recs = pd.DataFrame(
        {
            "customer_id": np.repeat(ids, 3),
            "rank": np.tile([1, 2, 3], n),
            "item": rng.choice([f"P{i:04d}" for i in range(300)], 3 * n),
            "item_name": "Product",
        }
    )
    return customers, recs


def _run_one(n: int, with_xlsx: bool) -> dict[str, float]:
    from segmentation.campaigns.audience import (
        CampaignSpec,
        ContactColumns,
        build_audience,
        build_manifest,
        export_csv,
        export_xlsx,
        export_zip,
        parse_filter,
    )

    customers, recs = _customers(n)
    spec = CampaignSpec(
        name="bench",
        consent_col="marketing_consent",
        suppression=tuple(f"c{i}@example.com" for i in range(0, n, 100)),
        filters=(parse_filter("monetary>=20"),),
        control_share=0.1,
        seed=0,
    )
    contacts = ContactColumns("customer_id", "email", ("first_name",))
    timings: dict[str, float] = {"customers": n}
    start = time.perf_counter()
    audience = build_audience(customers, spec, contacts=contacts, recommendations=recs)
    timings["audience_s"] = time.perf_counter() - start
    timings["listed"] = len(audience.frame)
    manifest = build_manifest(audience, source_sha256="0" * 64, created_at=datetime.now(UTC))
    start = time.perf_counter()
    csv_bytes = export_csv(audience.frame)
    timings["csv_s"] = time.perf_counter() - start
    timings["csv_mb"] = len(csv_bytes) / 1e6
    start = time.perf_counter()
    export_zip(audience.frame, manifest=manifest)
    timings["zip_s"] = time.perf_counter() - start
    if with_xlsx:
        start = time.perf_counter()
        xlsx_bytes = export_xlsx(audience.frame, manifest=manifest)
        timings["xlsx_s"] = time.perf_counter() - start
        timings["xlsx_mb"] = len(xlsx_bytes) / 1e6
    timings["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--no-xlsx", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_run_one(args.child, not args.no_xlsx)))
        return
    rows = []
    for n in args.sizes:
        command = [sys.executable, __file__, "--child", str(n), *(["--no-xlsx"] if args.no_xlsx else [])]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(
        "| customers | listed | audience (s) | CSV (s) | CSV (MB) | ZIP (s) "
        "| XLSX (s) | XLSX (MB) | peak RSS (MB) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        xlsx = (f"{r['xlsx_s']:.1f}", f"{r['xlsx_mb']:.1f}") if "xlsx_s" in r else ("-", "-")
        print(
            f"| {int(r['customers']):,} | {int(r['listed']):,} | {r['audience_s']:.2f} | {r['csv_s']:.2f} | "
            f"{r['csv_mb']:.1f} | {r['zip_s']:.2f} | {xlsx[0]} | {xlsx[1]} | {r['peak_rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
