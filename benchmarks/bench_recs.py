"""Recommendation benchmarks: offline quality on a ~100k stand-in, and speed/memory at 1M interactions.

Run:  python benchmarks/bench_recs.py [--quality] [--scale] [--model NAME]

(a) ``--quality``: the synthetic stand-in for a public ratings dataset of ~100k interactions
    (610 customers, ~9.7k items; see ``make_synthetic_interactions``) under the fixed protocol of
    ``segmentation.recommendations.evaluation``: every model's P@10, R@10, NDCG@10, coverage and
    seconds (fit + scoring every evaluated customer). Hyperparameters were chosen on seed 1;
    the table is measured on seed 0.
(b) ``--scale``: 1M interactions, 100k customers, 20k items: fit + top-10 for every customer
    with the default model, in a fresh subprocess; seconds and peak resident memory (ru_maxrss).

Prints markdown tables for the README.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from segmentation.recommendations import (
    DEFAULT_MODEL,
    MODELS,
    build_interactions,
    evaluate_interactions,
    make_model,
    make_synthetic_interactions,
)

SCALE = {"n_customers": 100_000, "n_items": 20_000, "n_interactions": 1_000_000}


def quality(seed: int = 0) -> None:
    frame = make_synthetic_interactions(seed=seed)
    interactions = build_interactions(
        frame, customer_col="customer_id", item_col="item_id", time_col="timestamp", weighting="count"
    )
    report = evaluate_interactions(interactions, k=10, models=list(MODELS))
    print(
        f"\n### Offline evaluation on the ~100k stand-in (seed {seed}: {interactions.n_customers} customers, "
        f"{interactions.n_items:,} items, {interactions.n_interactions:,} interactions)\n"
    )
    print("| model | P@10 | R@10 | NDCG@10 | coverage | seconds |")
    print("|---|---|---|---|---|---|")
    for score in report.results:
        label = f"**{score.model}** (default)" if score.model == DEFAULT_MODEL else score.model
        print(
            f"| {label} | {score.precision_at_k:.4f} | {score.recall_at_k:.4f} | {score.ndcg_at_k:.4f} "
            f"| {score.coverage:.1%} | {score.seconds:.2f} |"
        )


def _peak_rss_mb() -> float:
    """Peak resident memory of this process in MB.

    VmHWM starts afresh at exec; ru_maxrss on Linux keeps the parent's peak across fork+exec,
    so it is only a fallback.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:  # not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _generate(data_path: str) -> None:
    """Runs in its own process, so the benchmark's parent never holds the 1M-row table."""
    started = time.perf_counter()
    frame = make_synthetic_interactions(**SCALE, min_per_customer=1, seed=0)
    interactions = build_interactions(
        frame, customer_col="customer_id", item_col="item_id", weighting="count"
    )
    coo = interactions.matrix.tocoo()
    np.savez(data_path, rows=coo.row, cols=coo.col, n_rows=coo.shape[0], n_cols=coo.shape[1])
    print(
        json.dumps({"seconds": time.perf_counter() - started, "nnz": int(coo.nnz), "shape": list(coo.shape)})
    )


def _run_self(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _child(data_path: str, model_name: str) -> None:
    """Runs in a fresh process so ru_maxrss is this workload's peak alone."""
    import scipy.sparse as sp

    arrays = np.load(data_path)
    started = time.perf_counter()
    matrix = sp.csr_matrix(
        (np.ones(arrays["rows"].size, dtype=np.float32), (arrays["rows"], arrays["cols"])),
        shape=(int(arrays["n_rows"]), int(arrays["n_cols"])),
    )
    model = make_model(model_name).fit(matrix)
    fitted = time.perf_counter()
    ids, _ = model.recommend(np.arange(matrix.shape[0]), matrix, 10)
    done = time.perf_counter()
    peak_mb = _peak_rss_mb()
    print(
        json.dumps(
            {
                "model": model_name,
                "fit_seconds": fitted - started,
                "recommend_seconds": done - fitted,
                "total_seconds": done - started,
                "peak_rss_mb": peak_mb,
                "lists": int((ids[:, 0] >= 0).sum()),
            }
        )
    )


def scale(models: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "interactions.npz")
        data = _run_self("--generate", path)
        n_customers, n_items = data["shape"]
        print(
            f"\n### Scale: {data['nnz']:,} interactions, {n_customers:,} customers, {n_items:,} items "
            f"(generated in {data['seconds']:.0f} s, not counted)\n"
        )
        print("| model | fit s | top-10 for every customer s | total s | peak RSS MB |")
        print("|---|---|---|---|---|")
        for model in models:
            result = _run_self("--child", path, "--model", model)
            print(
                f"| {model} | {result['fit_seconds']:.1f} | {result['recommend_seconds']:.1f} | "
                f"{result['total_seconds']:.1f} | {result['peak_rss_mb']:.0f} |",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--scale", action="store_true")
    parser.add_argument("--model", action="append", help="models for --scale (default: the default model)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        _generate(args.generate)
        return
    if args.child:
        _child(args.child, (args.model or [DEFAULT_MODEL])[0])
        return
    run_all = not (args.quality or args.scale)
    if args.quality or run_all:
        quality()
    if args.scale or run_all:
        scale(args.model or [DEFAULT_MODEL])


if __name__ == "__main__":
    main()
