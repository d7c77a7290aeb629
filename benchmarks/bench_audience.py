"""Benchmark: the audience builder's live counts on a customer table read as text (1M rows by default).

Times :func:`segmentation.count_after_each` (what the Campaigns page runs after every change) for a
two-group query over numbers, text, dates and yes/no, on a typed frame and on the same frame as text
(as read from a CSV file). Prints a markdown table. Usage::

    python benchmarks/bench_audience.py                  # 1,000,000 customers
    python benchmarks/bench_audience.py --rows 100000
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from segmentation import AudienceQuery, Condition, ConditionGroup, count_after_each

QUERY = AudienceQuery(
    (
        ConditionGroup((Condition("segment_name", "one_of", ("Loyal big spenders", "At risk")),)),
        ConditionGroup(
            (
                Condition("last_order", "within_days", 30),
                Condition("monetary", "gt", 500),
                Condition("country", "is", "DE"),
                Condition("newsletter", "is_yes"),
            ),
            match="any",
        ),
    ),
    as_of="2024-06-30",
)


def _customers(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2024-06-30") - pd.to_timedelta(rng.integers(0, 720, n), unit="D")
    return pd.DataFrame(
        {
            "segment_name": rng.choice(
                ["Loyal big spenders", "New customers", "At risk", "Bargain hunters"], n
            ),
            "monetary": rng.gamma(2.0, 150.0, n).round(2),
            "country": rng.choice(["DE", "FR", "NL", ""], n),
            "last_order": days,
            "newsletter": rng.choice(["yes", "no", ""], n),
        }
    )


def _time(frame: pd.DataFrame, repeats: int = 3) -> tuple[float, int]:
    best, total = float("inf"), 0
    for _ in range(repeats):
        start = time.perf_counter()
        total = count_after_each(frame, QUERY).total
        best = min(best, time.perf_counter() - start)
    return best, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    typed = _customers(rows)
    as_text = typed.astype({"monetary": "str", "last_order": "str"}).astype("object")
    print("| customers | table | live counts (s, best of 3) | in the audience |\n|---|---|---|---|")
    for name, frame in (("typed", typed), ("text, as read from CSV", as_text)):
        seconds, total = _time(frame)
        print(f"| {rows:,} | {name} | {seconds:.2f} | {total:,} |")


if __name__ == "__main__":
    main()
