"""Benchmark: customer features + RFM from N transaction lines (target: 5M lines in ≤ 20 s).

Each size runs in its own subprocess so its peak memory (ru_maxrss) is measured alone. Two
inputs per size: lines as text exactly as a CSV loader gives them (``str`` columns, parsed by
``build_customer_features`` itself) and already-typed lines (dates and numbers converted, as
the CLI and the app pass them).

Usage::

    /work/venv/bin/python benchmarks/bench_features.py               # 5,000,000 lines
    /work/venv/bin/python benchmarks/bench_features.py --lines 100000 1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from segmentation.customers.transactions import TransactionColumns

SEED = 20240601


def make_transactions(n_lines: int, *, seed: int = SEED) -> pd.DataFrame:
    """Seeded synthetic purchase lines as text: ~10 lines per customer, ~3 lines per order."""
    rng = np.random.default_rng(seed)
    n_customers = max(n_lines // 10, 1)
    n_orders = max(n_lines // 3, 1)
    order = np.sort(rng.integers(0, n_orders, n_lines))
    order_customer = rng.integers(0, n_customers, n_orders)
    order_day = rng.integers(0, 730, n_orders)
    day_texts = pd.date_range("2023-01-01", periods=730, freq="D").strftime("%Y-%m-%d").to_numpy(dtype=object)
    price_cents = rng.integers(99, 20_000, 2_000)
    price_texts = np.array([f"{c / 100:.2f}" for c in price_cents], dtype=object)
    quantity = rng.integers(1, 4, n_lines)
    returned = rng.random(n_lines) < 0.02
    quantity = np.where(returned, -quantity, quantity)
    category_names = np.array(
        ["Grocery", "Home", "Beauty", "Toys", "Books", "Garden", "Sports", "Pets"], dtype=object
    )
    customer_ids = pd.Series(order_customer[order]).map("C{:07d}".format)
    return pd.DataFrame(
        {
            "order_id": pd.Series(order).map("O{:08d}".format).astype("str"),
            "customer_id": customer_ids.astype("str"),
            "order_date": pd.Series(day_texts[order_day[order]], dtype="str"),
            "product_id": pd.Series(rng.integers(0, 5_000, n_lines)).map("P{:05d}".format).astype("str"),
            "category": pd.Series(category_names[rng.integers(0, len(category_names), n_lines)], dtype="str"),
            "quantity": pd.Series(quantity).astype("str"),
            "unit_price": pd.Series(price_texts[rng.integers(0, len(price_texts), n_lines)], dtype="str"),
        }
    )


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare_inputs(n_lines: int, *, typed: bool) -> tuple[pd.DataFrame, TransactionColumns]:
    """Generated lines (as text, or typed as the CLI and the app pass them) and their columns."""
    from segmentation.customers.transactions import TransactionColumns
    from segmentation.profiling.table_profile import Role, coerce_table

    frame = make_transactions(n_lines)
    if typed:
        roles = {
            "order_id": Role.ORDER_ID,
            "customer_id": Role.CUSTOMER_ID,
            "order_date": Role.DATE,
            "product_id": Role.ITEM,
            "category": Role.CATEGORY,
            "quantity": Role.QUANTITY,
            "unit_price": Role.PRICE,
        }
        frame = coerce_table(frame, roles)
    columns = TransactionColumns(
        customer="customer_id",
        date="order_date",
        quantity="quantity",
        price="unit_price",
        order="order_id",
        item="product_id",
        category="category",
    )
    return frame, columns


def run_one(n_lines: int, typed: bool) -> dict[str, float]:
    """Generate, (optionally) type, and time build_customer_features in this process."""
    from segmentation.customers.features import build_customer_features

    frame, columns = prepare_inputs(n_lines, typed=typed)
    data_mb = frame.memory_usage(deep=True).sum() / 2**20
    rss_before = _rss_mb()
    start = time.perf_counter()
    result = build_customer_features(frame, columns=columns)
    seconds = time.perf_counter() - start
    return {
        "lines": n_lines,
        "typed": typed,
        "customers": len(result.frame),
        "seconds": seconds,
        "data_mb": data_mb,
        "rss_before_mb": rss_before,
        "peak_rss_mb": _rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[5_000_000])
    parser.add_argument("--child", nargs=2, metavar=("LINES", "TYPED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(int(args.child[0]), args.child[1] == "typed")))
        return
    print("| lines | input | customers | build s | input data MB | RSS before MB | peak RSS MB |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for n_lines in args.lines:
        for mode in ("text", "typed"):
            output = subprocess.run(
                [sys.executable, __file__, "--child", str(n_lines), mode],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            row = json.loads(output.strip().splitlines()[-1])
            print(
                f"| {row['lines']:,} | {mode} | {row['customers']:,} | {row['seconds']:.2f} | "
                f"{row['data_mb']:,.0f} | {row['rss_before_mb']:,.0f} | {row['peak_rss_mb']:,.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
