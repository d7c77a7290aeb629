"""Time the persona computations on a synthetic features table of 1,000,000 customers.

Run: ``/work/venv/bin/python benchmarks/bench_personas.py [n_customers]``. Prints seconds per step
and the peak memory added (tracemalloc) for ``describe_segments``.
"""

from __future__ import annotations

import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

from segmentation.personas.describe import describe_segments, project_2d, segment_profile_matrix


def synthetic_customers(n_customers: int, *, k: int = 8, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A features-table-like frame with planted segments, and their labels."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, n_customers)
    centre = rng.uniform(0.5, 2.0, size=(k, 4))[labels]
    frame = pd.DataFrame(
        {
            "customer_id": np.char.add("C", np.arange(n_customers).astype(str)),
            "recency_days": rng.gamma(2.0, 40.0, n_customers) * centre[:, 0],
            "frequency": rng.poisson(3.0 * centre[:, 1]) + 1.0,
            "monetary": rng.lognormal(5.0, 0.8, n_customers) * centre[:, 2],
            "avg_order_value": rng.lognormal(3.5, 0.5, n_customers),
            "tenure_days": rng.uniform(10, 700, n_customers) * centre[:, 3],
            "share_Books": rng.beta(2, 5, n_customers),
            "share_Toys": rng.beta(2, 5, n_customers),
            "age": rng.integers(18, 80, n_customers).astype("float64"),
            "channel": rng.choice(["Online", "Store", "App"], n_customers),
            "region": rng.choice(["North", "South", "East", "West"], n_customers),
            "marketing_consent": rng.random(n_customers) < 0.6,
            "rfm_segment": rng.choice(["Champions", "Loyal", "At risk", "Hibernating"], n_customers),
        }
    )
    return frame, labels


FEATURES = ["recency_days", "frequency", "monetary", "avg_order_value", "tenure_days"]


def main(n_customers: int) -> None:
    frame, labels = synthetic_customers(n_customers)
    features = FEATURES
    started = time.perf_counter()
    personas = describe_segments(frame, labels, features=features, money_col="monetary", id_col="customer_id")
    described = time.perf_counter() - started
    tracemalloc.start()  # a second run for memory: tracing slows the code, so it is not timed
    describe_segments(frame, labels, features=features, money_col="monetary", id_col="customer_id")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    segment_profile_matrix(frame, labels, features=[*features, "channel"])
    profiled = time.perf_counter() - started
    started = time.perf_counter()
    project_2d(frame, labels, features=features, max_points=5000)
    projected = time.perf_counter() - started
    print(f"{n_customers:,} customers, {len(personas)} segments")
    print(f"describe_segments: {described:.2f} s (peak extra memory {peak / 2**20:.0f} MiB)")
    print(f"segment_profile_matrix: {profiled:.2f} s; project_2d (5,000 points): {projected:.2f} s")
    print("example:", personas[0].name, "|", personas[0].traits[0].sentence if personas[0].traits else "-")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
