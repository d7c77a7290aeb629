"""Choosing the number of segments k: a sweep over k with four quality measures and stability.

For each k the customers are segmented (see :mod:`segmentation.segments.clustering`) and scored with

* inertia (within-segment spread; its "elbow" is found with the Kneedle method of the
  ``kneed`` package),
* silhouette (how much closer customers are to their own segment than to the next one;
  -1..1, higher is better), estimated on one seeded sample of customers, each compared with a
  reference subset of them; the same customers score every k, so their distances are computed
  once and the k are compared on equal terms (exact up to SILHOUETTE_REFERENCE customers),
* Calinski–Harabasz (higher is better) and Davies–Bouldin (lower is better) on every customer,
* stability: the mean adjusted Rand agreement between the segmentation and refits on seeded
  sub-samples (1 = the same segments every time),
* the share of customers in the smallest segment.

The recommended k, its one-sentence summary, reason and alternatives come from
:mod:`segmentation.segments.k_advice` (stable, no tiny segment, best silhouette, preferring 3 to 8
segments unless the data clearly says otherwise, the elbow when it is as good).
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from kneed import KneeLocator

from segmentation.errors import ParameterError
from segmentation.segments.clustering import (
    MAX_K,
    SINGLE_THREAD_ROWS,
    SegmentationResult,
    check_algorithm,
    check_k,
    cluster_matrix,
    distinct_rows,
    threads_for,
    ward_tree,
    warn_duplicates,
)
from segmentation.segments.k_advice import STABLE_AGREEMENT, advise_k, recommend_k
from segmentation.segments.preparing import FeatureSpec, prepare_features
from segmentation.segments.scoring import nearest_centre, transform_rows
from segmentation.segments.silhouette import (
    SILHOUETTE_REFERENCE,
    SILHOUETTE_SAMPLE,
    SilhouetteProfile,
    estimate_silhouette,
    mean_silhouette,
    sample_distances,
    silhouette_values,
    stratified_sample,
)

__all__ = [
    "SILHOUETTE_SAMPLE",
    "STABLE_AGREEMENT",
    "SilhouetteProfile",
    "SweepResult",
    "check_k_values",
    "recommend_k",
    "silhouette_profile",
    "silhouette_values",
    "stability",
    "stratified_sample",
    "sweep_k",
    "sweep_result",
]

Progress = Callable[[float, str], None]

STABILITY_RUNS = 3
STABILITY_SAMPLE = 3_000
#: Most k scored at the same time (one thread each).
MAX_SWEEP_THREADS = 4


@dataclass(frozen=True)
class SweepResult:
    """Quality of the segmentation for each k tried (lists aligned with ``k``).

    ``summary`` is the one sentence to lead with ("5 segments: clearly separated and stable; 4 or 6
    would also work."), ``reason`` how the k was chosen, ``disagreement`` (or None) the sentence
    reconciling an elbow or a best silhouette that point elsewhere, ``alternatives`` the other k
    that would also work.
    """

    k: tuple[int, ...]
    inertia: tuple[float, ...]
    silhouette: tuple[float, ...]
    calinski_harabasz: tuple[float, ...]
    davies_bouldin: tuple[float, ...]
    stability: tuple[float, ...]
    smallest_share: tuple[float, ...]
    elbow_k: int | None
    recommended_k: int
    reason: str
    disagreement: str | None
    summary: str
    alternatives: tuple[int, ...]
    silhouette_sample_size: int
    silhouette_reference_size: int
    algorithm: str
    seed: int
    n_customers: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes None)."""

        def clean(values: Iterable[float]) -> list[float | None]:
            return [None if not math.isfinite(v) else float(v) for v in values]

        return {
            "k": list(self.k),
            "inertia": clean(self.inertia),
            "silhouette": clean(self.silhouette),
            "calinski_harabasz": clean(self.calinski_harabasz),
            "davies_bouldin": clean(self.davies_bouldin),
            "stability": clean(self.stability),
            "smallest_segment_share": clean(self.smallest_share),
            "elbow_k": self.elbow_k,
            "recommended_k": self.recommended_k,
            "reason": self.reason,
            "disagreement": self.disagreement,
            "summary": self.summary,
            "alternatives": list(self.alternatives),
            "silhouette_sample_size": self.silhouette_sample_size,
            "silhouette_reference_size": self.silhouette_reference_size,
            "algorithm": self.algorithm,
            "seed": self.seed,
            "n_customers": self.n_customers,
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per k with every measure."""
        return pd.DataFrame(
            {
                "k": self.k,
                "inertia": self.inertia,
                "silhouette": self.silhouette,
                "calinski_harabasz": self.calinski_harabasz,
                "davies_bouldin": self.davies_bouldin,
                "stability": self.stability,
                "smallest_share": self.smallest_share,
            }
        )


def silhouette_profile(
    frame: pd.DataFrame,
    result: SegmentationResult,
    *,
    sample_size: int = SILHOUETTE_SAMPLE,
    reference_size: int = SILHOUETTE_REFERENCE,
    seed: int = 0,
) -> SilhouetteProfile:
    """Per-customer silhouettes for a fitted segmentation, on a stratified sample of customers.

    Parameters
    ----------
    frame : DataFrame of shape (n_customers, n_columns)
        The table ``result`` was fitted on.
    result : SegmentationResult
    sample_size : int
        Customers scored (all of them when fewer), stratified by segment.
    reference_size : int
        Customers each one is compared with (all scored customers when fewer).
    """
    matrix, _ = transform_rows(result.model, frame)
    assigned = np.flatnonzero(result.labels >= 0)
    profile = estimate_silhouette(
        matrix[assigned], result.labels[assigned], size=sample_size, reference=reference_size, seed=seed
    )
    return replace(profile, rows=assigned[profile.rows])


# ---------------------------------------------------------------------------------------------
# Stability and the other measures
# ---------------------------------------------------------------------------------------------
def stability(matrix: np.ndarray, labels: np.ndarray, *, k: int, algorithm: str, seed: int) -> float:
    """Mean adjusted Rand agreement of refits on seeded sub-samples with the full solution.

    Each refit uses the same method on a random sub-sample (at most STABILITY_SAMPLE customers);
    customers of a common evaluation sample are put in the refit's nearest segment centre and
    compared with their segment in the full solution.

    Parameters
    ----------
    matrix : ndarray of shape (n_customers, n_outputs)
        The prepared matrix the segmentation was fitted on (or a sample of it).
    labels : ndarray of int64, shape (n_customers,)
        The segmentation being judged.
    k : int
    algorithm : {"kmeans", "gmm", "agglomerative"}
        The method refitted on each sub-sample.
    seed : int

    Returns
    -------
    float
        From about 0 (chance) to 1 (the same segments every time); NaN when no sub-sample has
        k distinct rows.
    """
    n = len(matrix)
    rng = np.random.default_rng(seed + 7919 * k)
    evaluation = rng.choice(n, size=min(n, STABILITY_SAMPLE), replace=False)
    sub_size = min(STABILITY_SAMPLE, max(k, int(0.8 * n)))
    scores = []
    for run in range(STABILITY_RUNS):
        sub = rng.choice(n, size=sub_size, replace=False)
        if distinct_rows(matrix[sub], limit=k) < k:
            continue
        refit = cluster_matrix(matrix[sub], k=k, algorithm=algorithm, seed=seed + run + 1, n_init=2)
        scores.append(adjusted_rand(labels[evaluation], nearest_centre(matrix[evaluation], refit.centres)[0]))
    return float(np.mean(scores)) if scores else math.nan


def adjusted_rand(first: np.ndarray, second: np.ndarray) -> float:
    """Adjusted Rand index of two labelings of the same rows (``sklearn.metrics.adjusted_rand_score``).

    The same pair-counting formula from one contingency table of ``np.bincount``, without
    scikit-learn's input checks, which cost more than the sum itself on the sweep's 3,000 rows.
    """
    _, a = np.unique(first, return_inverse=True)
    _, b = np.unique(second, return_inverse=True)
    n_b = int(b.max()) + 1
    table = np.bincount(a * n_b + b).astype("int64")
    rows = np.bincount(a).astype("int64")
    cols = np.bincount(b).astype("int64")
    n = len(a)
    # Python ints: the products below overflow int64 beyond ~50k rows.
    sum_squares = int((table**2).sum())
    false_pos = int(rows @ rows) - sum_squares  # pairs together in ``first`` only
    false_neg = int(cols @ cols) - sum_squares  # pairs together in ``second`` only
    true_pos = sum_squares - n
    true_neg = n * n - false_pos - false_neg - sum_squares
    if false_pos == 0 and false_neg == 0:
        return 1.0
    return (
        2.0
        * (true_pos * true_neg - false_neg * false_pos)
        / ((true_pos + false_neg) * (false_neg + true_neg) + (true_pos + false_pos) * (false_pos + true_neg))
    )


def separation_scores(matrix: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Calinski–Harabasz and Davies–Bouldin of a segmentation, from one pass over the rows.

    Equal (up to rounding) to ``sklearn.metrics.calinski_harabasz_score`` and
    ``davies_bouldin_score`` on the assigned rows (label ≥ 0); NaN when fewer than two segments
    have customers. One pass instead of one per metric and per segment matters at 1M rows.
    """
    assigned = labels >= 0
    if not assigned.all():
        matrix, labels = matrix[assigned], labels[assigned]
    counts = np.bincount(labels)
    present = np.flatnonzero(counts)
    if len(present) < 2:
        return math.nan, math.nan
    codes = np.searchsorted(present, labels) if len(present) < len(counts) else labels
    counts = counts[present].astype("float64")
    n, n_segments = len(matrix), len(present)
    sums = [np.bincount(codes, weights=matrix[:, j], minlength=n_segments) for j in range(matrix.shape[1])]
    centres = np.column_stack(sums) / counts[:, None]
    offsets = matrix - centres[codes]
    squared = np.einsum("ij,ij->i", offsets, offsets)
    within = float(squared.sum())
    between = float(counts @ ((centres - matrix.mean(axis=0)) ** 2).sum(axis=1))
    calinski = 1.0 if within == 0 else between * (n - n_segments) / (within * (n_segments - 1))
    spread = np.bincount(codes, weights=np.sqrt(squared), minlength=n_segments) / counts
    gaps = np.sqrt(((centres[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2))
    if np.allclose(spread, 0) or np.allclose(gaps, 0):
        return calinski, 0.0
    gaps[gaps == 0] = np.inf
    ratios = (spread[:, None] + spread[None, :]) / gaps
    return calinski, float(ratios.max(axis=1).mean())


def elbow_of(k_values: Sequence[int], inertia: Sequence[float]) -> int | None:
    """The knee of the inertia curve (Kneedle, via ``kneed``), or None when there is none."""
    if len(k_values) < 3 or not all(math.isfinite(v) for v in inertia):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kneed warns when the curve has no knee; None says so
        knee = KneeLocator(list(k_values), list(inertia), curve="convex", direction="decreasing").knee
    return None if knee is None else int(knee)


# ---------------------------------------------------------------------------------------------
# The sweep
# ---------------------------------------------------------------------------------------------
def check_k_values(k_values: Iterable[int]) -> tuple[int, ...]:
    """The k to sweep, sorted and without repeats.

    Parameters
    ----------
    k_values : iterable of int

    Returns
    -------
    tuple of int

    Raises
    ------
    ParameterError
        No k at all, or a k outside 2..MAX_K.
    """
    values = tuple(sorted({int(k) for k in k_values}))
    if not values:
        raise ParameterError("no k values to try; give a range such as 2 to 10.")
    if values[0] < 2 or values[-1] > MAX_K:
        raise ParameterError(f"k must be between 2 and {MAX_K}; got {values[0]} to {values[-1]}.")
    return values


def sweep_k(
    frame: pd.DataFrame,
    specs: Sequence[FeatureSpec],
    *,
    k_values: Iterable[int] = range(2, 11),
    algorithm: str = "kmeans",
    seed: int = 0,
    silhouette_sample: int = SILHOUETTE_SAMPLE,
    progress: Progress | None = None,
) -> SweepResult:
    """Segment the customers for every k in ``k_values`` and score each solution.

    Parameters
    ----------
    frame : DataFrame of shape (n_customers, n_columns)
    specs : sequence of FeatureSpec
    k_values : iterable of int
        Between 2 and 30 (default 2..10).
    algorithm : {"kmeans", "gmm", "agglomerative"}
        The density method chooses its own number of segments and cannot be swept.
    seed : int
    silhouette_sample : int
        Customers whose silhouette is averaged, the same for every k; each is compared with
        SILHOUETTE_REFERENCE of them. All customers, exactly, when there are fewer than that.
    progress : callable(fraction, message), optional
        Called after each k with the share done and a short message.

    Returns
    -------
    SweepResult

    Raises
    ------
    ParameterError
        k range out of bounds or larger than the number of (distinct) customers; density method.
    """
    check_algorithm(algorithm)
    if algorithm == "hdbscan":
        raise ParameterError(
            "the density method (hdbscan) finds the number of segments itself; sweep k with kmeans, "
            "gmm or agglomerative."
        )
    ks = check_k_values(k_values)
    check_k(ks[-1], len(frame))
    duplicates = warn_duplicates(frame)
    prepared = prepare_features(frame, specs)
    matrix = prepared.matrix
    check_k(ks[-1], len(matrix), matrix)
    with threads_for(len(matrix)):
        return _sweep(
            matrix,
            ks,
            algorithm=algorithm,
            seed=seed,
            silhouette_sample=silhouette_sample,
            progress=progress,
            notes=((duplicates,) if duplicates else ()) + prepared.notes,
        )


def _workers(n_ks: int, n_rows: int) -> int:
    """Threads for the sweep: one per core (at most 4, at most OMP_NUM_THREADS when it is set).

    One when the rows are so many that the libraries' own threads are used inside each k.
    """
    if n_rows > SINGLE_THREAD_ROWS:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    allowed = os.environ.get("OMP_NUM_THREADS", "").strip()
    if allowed.isdigit() and int(allowed) > 0:  # the user asked for fewer cores
        cores = min(cores, int(allowed))
    return max(1, min(n_ks, cores, MAX_SWEEP_THREADS))


def _sweep(
    matrix: np.ndarray,
    ks: tuple[int, ...],
    *,
    algorithm: str,
    seed: int,
    silhouette_sample: int,
    progress: Progress | None,
    notes: tuple[str, ...],
) -> SweepResult:
    tree = ward_tree(matrix, seed=seed) if algorithm == "agglomerative" else None
    scores: dict[str, list[float]] = {m: [] for m in ("inertia", "sil", "ch", "db", "stab", "small")}
    shared = sample_distances(matrix, size=silhouette_sample, reference=SILHOUETTE_REFERENCE, seed=seed)

    def score(k: int) -> dict[str, float]:
        fit = cluster_matrix(matrix, k=k, algorithm=algorithm, seed=seed, tree=tree)
        counts = np.bincount(fit.labels[fit.labels >= 0], minlength=k)
        calinski, davies = separation_scores(matrix, fit.labels)
        return {
            "inertia": fit.inertia,
            "sil": mean_silhouette(shared, fit.labels),
            "ch": calinski,
            "db": davies,
            "stab": stability(matrix, fit.labels, k=k, algorithm=algorithm, seed=seed),
            "small": float(counts.min() / len(matrix)),
        }

    # Each k is scored on its own (seeded, single-threaded inside), so the k run side by side on
    # the machine's cores give the same results in any order; coarse-grained threads do not
    # stall each other the way OpenMP's per-iteration barriers do on a busy machine.
    with ThreadPoolExecutor(max_workers=_workers(len(ks), len(matrix))) as pool:
        for i, (k, scored) in enumerate(zip(ks, pool.map(score, ks), strict=True)):
            for measure, value in scored.items():
                scores[measure].append(value)
            if progress is not None:
                progress((i + 1) / len(ks), f"k={k}: silhouette {scored['sil']:.2f}")
    return sweep_result(
        ks,
        scores,
        silhouette_sizes=(len(shared.rows), len(shared.reference)),
        algorithm=algorithm,
        seed=seed,
        n_customers=len(matrix),
        notes=notes,
    )


def sweep_result(
    ks: tuple[int, ...],
    scores: dict[str, list[float]],
    *,
    silhouette_sizes: tuple[int, int],
    algorithm: str,
    seed: int,
    n_customers: int,
    notes: tuple[str, ...],
) -> SweepResult:
    """The sweep's result from its per-k measures: the elbow, the advice and every score, in one place.

    Shared by the pandas sweep and the Spark engine's, so both reconcile the measures the same way.
    ``scores`` maps ``inertia``, ``sil``, ``ch``, ``db``, ``stab`` and ``small`` to one value per k;
    ``silhouette_sizes`` is (customers in the silhouette sample, customers in its reference set).
    """
    elbow = elbow_of(ks, scores["inertia"])
    advice = advise_k(ks, scores["sil"], scores["stab"], scores["small"], elbow)
    return SweepResult(
        k=ks,
        inertia=tuple(scores["inertia"]),
        silhouette=tuple(scores["sil"]),
        calinski_harabasz=tuple(scores["ch"]),
        davies_bouldin=tuple(scores["db"]),
        stability=tuple(scores["stab"]),
        smallest_share=tuple(scores["small"]),
        elbow_k=elbow,
        recommended_k=advice.k,
        reason=advice.reason,
        disagreement=advice.disagreement,
        summary=advice.summary,
        alternatives=advice.alternatives,
        silhouette_sample_size=silhouette_sizes[0],
        silhouette_reference_size=silhouette_sizes[1],
        algorithm=algorithm,
        seed=seed,
        n_customers=n_customers,
        notes=notes,
    )
