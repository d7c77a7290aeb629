"""Benchmark the k sweep against the plain approach, with accuracy checks.

For each size, in a fresh subprocess (so peak memory is the sweep's own):

* our sweep: ``segmentation.segments.choosing_k.sweep_k`` for k = 2..10 on seeded blobs with 8 numeric
  features (standard scaling), timed end to end (preparation included), then the process's
  peak resident memory;
* the plain approach per k: ``KMeans(n_init=10)`` + ``silhouette_score(sample_size=10000)`` on the
  same scaled matrix. At large sizes only ``--plain-ks`` are run and the 2..10 time is
  extrapolated from their mean (said so in the table);
* inertia ratio: our inertia / ``KMeans(n_init=10)`` inertia at the ks the plain approach ran;
* silhouette error: on a separate ``--exact-size`` data set of the same kind, our estimate vs the
  exact silhouette of the same labels for every k; at the benchmark size, vs a large-sample
  reference (``silhouette_score(sample_size=--reference-sample)``) at the plain ks.

Usage::

    python benchmarks/bench_sweep.py --sizes 100000,1000000 [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

K_VALUES = list(range(2, 11))


def _blobs(n: int, seed: int):  # type: ignore[no-untyped-def]
    import pandas as pd
    from sklearn.datasets import make_blobs

    points, _ = make_blobs(n_samples=n, n_features=8, centers=6, cluster_std=2.5, random_state=seed)
    return pd.DataFrame(points, columns=[f"feature_{i}" for i in range(8)])


def _child(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    from segmentation.segments.choosing_k import sweep_k
    from segmentation.segments.clustering import fit_segments
    from segmentation.segments.preparing import FeatureSpec, prepare_features

    n = args.child
    frame = _blobs(n, args.seed)
    specs = [FeatureSpec(str(c)) for c in frame.columns]
    start = time.perf_counter()
    ours = sweep_k(frame, specs, k_values=K_VALUES, seed=args.seed)
    ours_seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    matrix = prepare_features(frame, specs).matrix
    plain_ks = K_VALUES if n <= args.full_plain_max else [int(k) for k in args.plain_ks.split(",")]
    plain_times, inertia_ratio, reference_error = {}, {}, {}
    for k in plain_ks:
        start = time.perf_counter()
        km = KMeans(n_clusters=k, n_init=10, random_state=args.seed).fit(matrix)
        silhouette_score(matrix, km.labels_, sample_size=10_000, random_state=args.seed)
        plain_times[k] = time.perf_counter() - start
        inertia_ratio[k] = ours.inertia[K_VALUES.index(k)] / km.inertia_
    for k in [int(k) for k in args.plain_ks.split(",")]:
        labels = fit_segments(frame, specs, k=k, seed=args.seed).labels
        reference = silhouette_score(
            matrix, labels, sample_size=min(n, args.reference_sample), random_state=1
        )
        reference_error[k] = ours.silhouette[K_VALUES.index(k)] - reference
    plain_total = float(np.mean(list(plain_times.values())) * len(K_VALUES))
    return {
        "n": n,
        "ours_seconds": ours_seconds,
        "peak_mb": peak_mb,
        "plain_ks": plain_ks,
        "plain_seconds_2_10": plain_total,
        "plain_extrapolated": len(plain_ks) < len(K_VALUES),
        "speedup": plain_total / ours_seconds,
        "inertia_ratio": inertia_ratio,
        "silhouette_vs_reference": reference_error,
        "silhouette_sample_size": ours.silhouette_sample_size,
        "recommended_k": ours.recommended_k,
        "elbow_k": ours.elbow_k,
    }


def _exact_check(args: argparse.Namespace) -> dict[str, Any]:
    from sklearn.metrics import silhouette_score

    from segmentation.segments.choosing_k import sweep_k
    from segmentation.segments.clustering import fit_segments
    from segmentation.segments.preparing import FeatureSpec, prepare_features

    frame = _blobs(args.exact_size, args.seed + 1)
    specs = [FeatureSpec(str(c)) for c in frame.columns]
    ours = sweep_k(frame, specs, k_values=K_VALUES, seed=args.seed)
    matrix = prepare_features(frame, specs).matrix
    errors = {}
    for i, k in enumerate(K_VALUES):
        labels = fit_segments(frame, specs, k=k, seed=args.seed).labels
        errors[k] = ours.silhouette[i] - silhouette_score(matrix, labels)
    return {"n": args.exact_size, "errors": errors, "sample": ours.silhouette_sample_size}


def _run_child(flag: str, value: int, args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ)
    if args.threads:
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = str(args.threads)
    command = [
        sys.executable,
        __file__,
        flag,
        str(value),
        "--seed",
        str(args.seed),
        "--plain-ks",
        args.plain_ks,
        "--reference-sample",
        str(args.reference_sample),
        "--full-plain-max",
        str(args.full_plain_max),
        "--exact-size",
        str(args.exact_size),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--plain-ks", default="2,6,10", help="ks of the plain approach above --full-plain-max"
    )
    parser.add_argument("--full-plain-max", type=int, default=200_000)
    parser.add_argument("--reference-sample", type=int, default=30_000)
    parser.add_argument("--exact-size", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=0, help="BLAS/OpenMP threads (0: library default)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--exact-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args)))
        return
    if args.exact_child:
        print(json.dumps(_exact_check(args)))
        return

    load = os.getloadavg()
    exact = _run_child("--exact-child", 1, args)
    rows = [_run_child("--child", int(size), args) for size in args.sizes.split(",")]
    print(
        f"Machine: {os.cpu_count()} cores, load average {load[0]:.1f} at start; threads: "
        f"{args.threads or 'library default'}.\n"
    )
    print(
        "| customers | our sweep 2..10 (s) | plain 2..10 (s) | speed-up | peak RSS (MB) "
        "| inertia / KMeans(n_init=10) | silhouette − reference | silhouette sample |"
    )
    print("|---:|---:|---:|---:|---:|---|---|---:|")
    for row in rows:
        plain = f"{row['plain_seconds_2_10']:.1f}" + (
            f" (extrapolated from k={','.join(map(str, row['plain_ks']))})"
            if row["plain_extrapolated"]
            else ""
        )
        ratios = ", ".join(f"k={k}: {v:.4f}" for k, v in row["inertia_ratio"].items())
        errors = ", ".join(f"k={k}: {v:+.4f}" for k, v in row["silhouette_vs_reference"].items())
        print(
            f"| {row['n']:,} | {row['ours_seconds']:.1f} | {plain} | {row['speedup']:.1f}× "
            f"| {row['peak_mb']:.0f} "
            f"| {ratios} | {errors} | {row['silhouette_sample_size']:,} |"
        )
    worst = max(abs(v) for v in exact["errors"].values())
    print(
        f"\nSilhouette vs the exact value on {exact['n']:,} customers "
        f"(estimate on {exact['sample']:,}), k=2..10: "
        + ", ".join(f"{v:+.4f}" for v in exact["errors"].values())
        + f"; worst {worst:.4f}."
    )
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_sweep.json").write_text(json.dumps({"rows": rows, "exact": exact, "load": load}, indent=2))


if __name__ == "__main__":
    main()
