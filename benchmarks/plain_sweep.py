"""The plain scikit-learn k sweep on a CSV file, as a yardstick for ``segmentation sweep FILE``.

What an analyst would write without this package: read the CSV with pandas, standardise the
chosen columns, and for each k fit ``KMeans(n_init=10)`` and score it with
``silhouette_score(sample_size=10000)``. It prints one line per k (inertia, silhouette) and the k
with the best silhouette. Thread settings are the libraries' own, as they would be for the analyst.

Usage::

    python benchmarks/plain_sweep.py FILE --features a,b,c [--k-min 2 --k-max 10 --seed 0]
"""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--features", required=True, help="comma-separated column names")
    parser.add_argument("--k-min", type=int, default=2)
    parser.add_argument("--k-max", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import pandas as pd
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    columns = [name.strip() for name in args.features.split(",")]
    frame = pd.read_csv(args.file, usecols=columns).dropna()
    matrix = StandardScaler().fit_transform(frame.to_numpy(dtype="float64"))
    best_k, best_silhouette = args.k_min, -1.0
    for k in range(args.k_min, args.k_max + 1):
        model = KMeans(n_clusters=k, n_init=10, random_state=args.seed).fit(matrix)
        sample_size = min(10_000, len(matrix))
        silhouette = float(
            silhouette_score(matrix, model.labels_, sample_size=sample_size, random_state=args.seed)
        )
        print(f"k={k} inertia={model.inertia_:.1f} silhouette={silhouette:.3f}")
        if silhouette > best_silhouette:
            best_k, best_silhouette = k, silhouette
    print(f"best silhouette: k={best_k}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
