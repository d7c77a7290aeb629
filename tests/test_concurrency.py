"""Several sessions computing at once get exactly what one session alone gets.

The app serves every browser session from one process, each on its own thread. These tests run
the package entry points the pages call (k sweep, segmentation, recommendations, campaign list
export) from several threads at once on the same files and seed, and compare the outputs byte
for byte with a session run alone; and they pin down the thread-pool race that let one session
change the native thread counts under another.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info

from segmentation.campaigns.audience import (
    CampaignSpec,
    ContactColumns,
    build_audience,
    export_csv,
    with_segments,
)
from segmentation.cli import main
from segmentation.customers.datasets import demo_dataset
from segmentation.recommendations import build_interactions, fit_recommender, recommend_top_n
from segmentation.segments.choosing_features import default_specs, suggest_features
from segmentation.segments.choosing_k import sweep_k
from segmentation.segments.clustering import SINGLE_THREAD_ROWS, fit_segments, threads_for

SESSIONS = 4
SEED = 42


def _blas_threads() -> set[int]:
    return {int(pool["num_threads"]) for pool in threadpool_info() if pool["user_api"] == "blas"}


def _openmp_threads() -> set[int]:
    return {int(pool["num_threads"]) for pool in threadpool_info() if pool["user_api"] == "openmp"}


def test_overlapping_small_sections_keep_one_blas_thread_and_restore_the_original() -> None:
    """A enters, B enters, A leaves, B checks, B leaves: the order concurrent sessions produce."""
    baseline = _blas_threads()
    if not baseline or min(baseline) < 2:
        pytest.skip("BLAS runs one thread here anyway; nothing to limit")
    a_inside, b_inside, a_left, b_checked = (threading.Event() for _ in range(4))
    seen_by_b: dict[str, set[int]] = {}

    def session_a() -> None:
        with threads_for(1_000):
            a_inside.set()
            b_inside.wait(10)
        a_left.set()

    def session_b() -> None:
        a_inside.wait(10)
        with threads_for(1_000):
            b_inside.set()
            a_left.wait(10)
            seen_by_b["blas"] = _blas_threads()
            seen_by_b["openmp"] = _openmp_threads()
        b_checked.set()

    threads = [threading.Thread(target=session_a), threading.Thread(target=session_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert b_checked.is_set()
    # B still computes single-threaded after A left ...
    assert seen_by_b == {"blas": {1}, "openmp": {1}}
    # ... and once both have left, the process has its thread count back (it kept 1 before).
    assert _blas_threads() == baseline
    # The big-data path leaves the pools alone.
    with threads_for(SINGLE_THREAD_ROWS + 1):
        assert _blas_threads() == baseline


def _session(folder: Path) -> dict[str, Any]:
    """One marketer's journey through the package, as the pages call it (demo shop, seed 42)."""
    data = demo_dataset(folder)
    customers = data.customers
    roles = {str(k): str(v) for k, v in data.roles.items()}
    specs = default_specs(customers, list(suggest_features(customers, roles).selected), roles)
    sweep = sweep_k(customers, specs, k_values=range(2, 7), seed=SEED)
    result = fit_segments(customers, specs, k=sweep.recommended_k, seed=SEED)
    columns = data.transaction_columns
    assert data.transactions is not None and columns is not None
    interactions = build_interactions(
        data.transactions,
        customer_col=columns.customer,
        item_col=columns.item,
        time_col=columns.date,
        value_col=columns.quantity,
        weighting="count",
    )
    ids = customers[data.customer_id_col].astype(str)
    segments = dict(zip(ids, result.labels.tolist(), strict=True))
    lists = recommend_top_n(
        fit_recommender(interactions), n=5, customers=list(ids), segments=segments, catalog=data.catalog
    )
    names = {s: f"Segment {s}" for s in range(result.k)}
    audience = build_audience(
        with_segments(customers, result.labels, names),
        CampaignSpec(name="Spring", control_share=0.1, seed=SEED, consent_waived=True, top_n_items=3),
        contacts=ContactColumns(customer_id=data.customer_id_col),
        recommendations=lists,
        recommendation_customer_col="customer",
    )
    return {
        "k": sweep.recommended_k,
        "labels": result.labels.tobytes(),
        "recommendations": lists.to_csv(index=False).encode(),
        "list_csv": export_csv(audience.frame),
    }


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shop")
    assert main(["demo-data", str(folder), "--customers", "600"]) == 0
    return folder


def _at_once(call: Callable[[], dict[str, Any]], sessions: int) -> list[dict[str, Any]]:
    start = threading.Barrier(sessions)

    def session() -> dict[str, Any]:
        start.wait(30)  # every session starts computing at the same moment
        return call()

    with ThreadPoolExecutor(max_workers=sessions) as pool:
        futures = [pool.submit(session) for _ in range(sessions)]
        return [future.result(timeout=600) for future in futures]


def test_sessions_at_once_get_the_segments_and_list_of_a_session_alone(demo_folder: Path) -> None:
    blas_before = _blas_threads()
    alone = _session(demo_folder)
    labels = np.frombuffer(alone["labels"], dtype=np.int64)
    assert len(labels) == 600 and len(np.unique(labels)) == alone["k"]
    exported = pd.read_csv(io.BytesIO(alone["list_csv"]))
    assert len(exported) > 100 and exported["group"].nunique() == 2
    for together in _at_once(lambda: _session(demo_folder), SESSIONS):
        assert together["k"] == alone["k"]
        assert together["labels"] == alone["labels"]
        assert together["recommendations"] == alone["recommendations"]
        assert together["list_csv"] == alone["list_csv"]
    # No session left the process with another BLAS thread count than it started with.
    assert _blas_threads() == blas_before
