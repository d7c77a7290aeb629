"""Benchmark the Spark engine beside the pandas engine, and Spark k-means' start against scikit-learn.

Two parts, each in this one process (Spark's memory lives in its JVM, so no peak-memory column):

* stages: a seeded shop of ``--lines`` order lines (one customer per 10 lines) written once as
  Parquet; on each engine, wall seconds of RFM (transactions → one row per customer), preparing the
  features, one k-means fit at k = 6, and scoring every customer with the saved model;
* k-means quality on a 100k × 8 table (``bench_sweep``'s blobs, standard-scaled), k = 2..10: the
  inertia of Spark's default start (k-means|| with 2 steps), of this package's start (k-means++
  with 10 starts on 10k rows, then MLlib Lloyd on every row) and of ``KMeans(n_init=10)``.

Usage::

    python benchmarks/bench_spark.py --lines 1000000,2000000 [--quality] [--out rows.md]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

CACHE = Path(tempfile.gettempdir()) / "segmentation-bench-spark"
FEATURES = ["recency_days", "frequency", "monetary", "tenure_days"]
FIT_K = 6


def shop_parquet(n_lines: int, seed: int = 0) -> Path:
    """A seeded shop of ``n_lines`` order lines as Parquet (written once, then reused)."""
    import numpy as np
    import pandas as pd

    path = CACHE / f"orders_{n_lines}_{seed}.parquet"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n_customers = max(n_lines // 10, 1)
    n_orders = max(n_lines * 2 // 5, n_customers)
    # Skewed activity: a few customers order often, most once or twice (every customer orders).
    order_customer = np.concatenate(
        [np.arange(n_customers), (rng.random(n_orders - n_customers) ** 2 * n_customers).astype("int64")]
    )
    rng.shuffle(order_customer)
    order_day = np.sort(rng.integers(0, 730, size=n_orders))
    line_order = np.sort(rng.integers(0, n_orders, size=n_lines))
    quantity = rng.integers(1, 4, size=n_lines) * np.where(rng.random(n_lines) < 0.02, -1, 1)
    frame = pd.DataFrame(
        {
            "order_id": pd.Series(line_order).map("O{:09d}".format),
            "customer_id": pd.Series(order_customer[line_order]).map("C{:08d}".format),
            "order_date": np.datetime64("2023-01-01") + order_day[line_order].astype("timedelta64[D]"),
            "product_id": pd.Series(rng.integers(0, 5_000, size=n_lines)).map("P{:05d}".format),
            "quantity": quantity.astype("float64"),
            "unit_price": np.round(rng.lognormal(3.0, 0.8, size=n_lines), 2),
        }
    )
    frame.to_parquet(path, index=False)
    return path


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


def bench_stages(n_lines: int) -> list[dict[str, Any]]:
    """Seconds per stage and engine for ``n_lines`` order lines."""
    import pandas as pd

    from segmentation import (
        SparkEngine,
        TransactionColumns,
        assign_segments,
        build_customer_features,
        default_specs,
        fit_segments,
    )
    from segmentation.engines.spark_segments import _prepare
    from segmentation.segments.preparing import prepare_features

    columns = TransactionColumns(
        customer="customer_id",
        date="order_date",
        quantity="quantity",
        price="unit_price",
        order="order_id",
        item="product_id",
    )
    path = str(shop_parquet(n_lines))
    rows: list[dict[str, Any]] = []
    lines = pd.read_parquet(path)
    seconds, result = _timed(lambda: build_customer_features(lines, columns=columns))
    customers = result.frame
    n_customers = len(customers)
    specs = default_specs(customers, FEATURES, dict.fromkeys(FEATURES, "numeric"))
    rows.append({"engine": "pandas", "stage": "RFM", "seconds": seconds, "customers": n_customers})
    seconds, _ = _timed(lambda: prepare_features(customers, specs))
    rows.append({"engine": "pandas", "stage": "prepare", "seconds": seconds, "customers": n_customers})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tiny-segment notes
        seconds, fit = _timed(lambda: fit_segments(customers, specs, k=FIT_K, seed=0))
    rows.append({"engine": "pandas", "stage": f"fit k={FIT_K}", "seconds": seconds, "inertia": fit.inertia})
    seconds, _ = _timed(lambda: assign_segments(fit.model, customers))
    rows.append({"engine": "pandas", "stage": "scoring", "seconds": seconds, "customers": n_customers})

    engine = SparkEngine()
    folder = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    # Start the JVM and let it compile the queries once on a small shop: a fixed cost, not per row.
    engine.customer_features_to(str(shop_parquet(20_000)), str(folder / "warm.parquet"), columns=columns)
    features_path = str(folder / "features.parquet")
    seconds, count = _timed(lambda: engine.customer_features_to(path, features_path, columns=columns))
    rows.append({"engine": "spark", "stage": "RFM", "seconds": seconds, "customers": count})
    frame = engine.read(features_path)
    seconds, prepared = _timed(lambda: _prepare(frame, specs, algorithm="kmeans", seed=0).rows.persist())
    seconds_count, _ = _timed(prepared.count)
    rows.append(
        {"engine": "spark", "stage": "prepare", "seconds": seconds + seconds_count, "customers": count}
    )
    seconds, fitted = _timed(lambda: engine.segment(features_path, specs, k=FIT_K, seed=0))
    rows.append({"engine": "spark", "stage": f"fit k={FIT_K}", "seconds": seconds, "inertia": fitted.inertia})
    seconds, _ = _timed(lambda: engine.assign_to(fitted.model, features_path, str(folder / "scored.parquet")))
    rows.append({"engine": "spark", "stage": "scoring", "seconds": seconds, "customers": count})
    for entry in rows:
        entry["lines"] = n_lines
    return rows


def uneven_blobs(n: int, seed: int = 3) -> Any:
    """Seven overlapping groups of uneven sizes (40% … 4%) and spreads: a table where a poor start costs."""
    import numpy as np

    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(7, 8))
    sizes = rng.multinomial(n, [0.4, 0.2, 0.12, 0.1, 0.08, 0.06, 0.04])
    spreads = rng.uniform(0.4, 1.6, size=7)
    return np.vstack([rng.normal(c, s, size=(m, 8)) for c, s, m in zip(centres, spreads, sizes, strict=True)])


def bench_quality(n: int = 100_000, seed: int = 0, *, table: str = "blobs") -> list[dict[str, Any]]:
    """Inertia at k = 2..10: Spark's default start, this package's start, and scikit-learn."""
    import numpy as np
    from bench_sweep import _blobs
    from pyspark.ml.clustering import KMeans as SparkKMeans
    from pyspark.ml.functions import array_to_vector
    from pyspark.sql import functions as F
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    from segmentation import SparkEngine
    from segmentation.engines.spark_segments import kmeans_centres, mllib_points
    from segmentation.segments.scoring import nearest_centre

    raw = _blobs(n, seed).to_numpy() if table == "blobs" else uneven_blobs(n)
    matrix = StandardScaler().fit_transform(raw)
    spark = SparkEngine().spark
    frame = spark.createDataFrame([(row.tolist(),) for row in matrix], "x array<double>").persist()
    vectors = frame.select(array_to_vector(F.col("x")).alias("features")).persist()
    points = mllib_points(frame)
    start_rows = np.random.default_rng(seed).choice(n, size=10_000, replace=False)
    rows = []
    for k in range(2, 11):
        reference = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(matrix).inertia_
        default = SparkKMeans(k=k, seed=seed).fit(vectors).summary.trainingCost
        started = time.perf_counter()
        ours = float(
            nearest_centre(matrix, kmeans_centres(points, matrix[start_rows], k=k, seed=seed))[1].sum()
        )
        rows.append(
            {
                "k": k,
                "sklearn": reference,
                "spark_default": default,
                "ours": ours,
                "ours_seconds": time.perf_counter() - started,
            }
        )
    return rows


def _stage_table(rows: list[dict[str, Any]]) -> str:
    out = ["| lines | customers | stage | pandas s | spark local[2] s |", "|---:|---:|---|---:|---:|"]
    by_key: dict[tuple[int, str], dict[str, float]] = {}
    customers: dict[int, int] = {}
    for r in rows:
        by_key.setdefault((r["lines"], r["stage"]), {})[r["engine"]] = r["seconds"]
        if "customers" in r:
            customers[r["lines"]] = r["customers"]
    for (lines, stage), seconds in by_key.items():
        out.append(
            f"| {lines:,} | {customers.get(lines, 0):,} | {stage} | "
            f"{seconds.get('pandas', float('nan')):.1f} | {seconds.get('spark', float('nan')):.1f} |"
        )
    return "\n".join(out)


def _quality_table(rows: list[dict[str, Any]]) -> str:
    out = [
        "| k | scikit-learn n_init=10 | Spark default (k-means\\|\\|, 2 steps) | ours | ours / sklearn |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['k']} | {r['sklearn']:,.0f} | {r['spark_default']:,.0f} "
            f"({r['spark_default'] / r['sklearn']:.2f}×) | {r['ours']:,.0f} | "
            f"{r['ours'] / r['sklearn']:.4f} |"
        )
    return "\n".join(out)


def collect(size: str) -> list[Any]:
    """Rows for ``benchmarks/run.py``: Spark local[2] stages at 10M order lines (large), ÷10, ÷100."""
    import json
    import subprocess

    from _stages import Row, count_label, scaled

    n_lines = scaled(10_000_000, size)
    done = subprocess.run(
        [sys.executable, __file__, "--lines", str(n_lines), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    pandas = {r["stage"]: r["seconds"] for r in rows if r["engine"] == "pandas"}
    return [
        Row(
            stage=f"spark {r['stage']}",
            size=f"{count_label(n_lines)} lines",
            seconds=r["seconds"],
            peak_mb=None,
            ratio=f"{r['seconds'] / max(pandas.get(r['stage'], 0.0), 1e-9):.1f}× pandas",
        )
        for r in rows
        if r["engine"] == "spark"
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="1000000", help="comma-separated order-line counts")
    parser.add_argument("--quality", action="store_true", help="also compare k-means inertia on 100k × 8")
    parser.add_argument(
        "--quality-table",
        choices=("blobs", "uneven"),
        default="blobs",
        help="bench_sweep's blobs (6 separated centres) or seven uneven, overlapping groups",
    )
    parser.add_argument("--out", type=Path, help="also write the tables to this markdown file")
    parser.add_argument("--json", action="store_true", help="print one JSON line per measurement instead")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    tables = []
    rows: list[dict[str, Any]] = []
    for text in args.lines.split(","):
        if text.strip():
            rows += bench_stages(int(text))
            if not args.json:
                print(_stage_table(rows), flush=True)
    if args.json:
        import json

        for entry in rows:
            print(json.dumps(entry))
        return 0
    tables.append(_stage_table(rows))
    if args.quality:
        quality = bench_quality(table=args.quality_table)
        tables.append(_quality_table(quality))
        print(tables[-1], flush=True)
    if args.out:
        args.out.write_text("\n\n".join(tables) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
