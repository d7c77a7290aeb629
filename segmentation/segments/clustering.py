"""Grouping customers into segments.

Four methods, all seeded:

* ``"kmeans"`` (default): k-means++ with 10 starts on a seeded sample of at most
  :data:`FIT_SAMPLE` customers, then Lloyd refinement on every customer (mini-batch refinement
  above :data:`MINIBATCH_THRESHOLD` customers). Sampling the starts keeps the inertia within a
  fraction of a percent of a full ``KMeans(n_init=10)`` at a fraction of the time.
* ``"gmm"``: Gaussian mixture (full covariances), fitted on the sample, every customer put in
  its most likely component.
* ``"agglomerative"``: Ward linkage on a sample of at most :data:`AGGLOMERATIVE_SAMPLE`
  customers; every customer (sample included) then goes to the nearest segment centre, so the
  saved model reproduces the labels exactly.
* ``"hdbscan"``: density-based; finds the number of segments itself and leaves outliers
  "Unassigned" (label -1). Runs on a sample of at most :data:`DENSITY_SAMPLE` customers; the
  rest join the nearest segment when within its radius.

Segments are numbered by size: segment 0 is the largest.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.cluster import HDBSCAN, KMeans, MiniBatchKMeans
from sklearn.mixture import GaussianMixture

from segmentation._choices import ALGORITHM_LABELS, ALGORITHMS, MAX_K
from segmentation.errors import DataQualityWarning, ParameterError, SegmentationWarning
from segmentation.segments.labels import NOT_SEGMENTED
from segmentation.segments.model_file import SegmentationModel
from segmentation.segments.preparing import FeatureSpec, PreparedFeatures, prepare_features
from segmentation.segments.scoring import assign_segments, build_model, nearest_centre
from segmentation.segments.threads import single_threaded

__all__ = [
    "AGGLOMERATIVE_SAMPLE",
    "ALGORITHMS",
    "ALGORITHM_LABELS",
    "DENSITY_SAMPLE",
    "FIT_SAMPLE",
    "MAX_K",
    "MINIBATCH_THRESHOLD",
    "MIN_DENSITY_CUSTOMERS",
    "TINY_SEGMENT_SHARE",
    "ClusterFit",
    "SegmentationResult",
    "check_algorithm",
    "check_k",
    "cluster_matrix",
    "distinct_rows",
    "fit_segments",
    "sample_rows",
    "threads_for",
    "tiny_segment_notes",
    "ward_tree",
    "warn_duplicates",
]

FIT_SAMPLE = 10_000
MINIBATCH_THRESHOLD = 2_000_000
AGGLOMERATIVE_SAMPLE = 5_000
DENSITY_SAMPLE = 10_000
MIN_DENSITY_CUSTOMERS = 20
TINY_SEGMENT_SHARE = 0.01
SINGLE_THREAD_ROWS = MINIBATCH_THRESHOLD
_SAMPLE_STARTS = 10


@dataclass(frozen=True)
class ClusterFit:
    """Segments of a prepared matrix (internal currency of fitting and the k sweep).

    ``labels`` (n_rows,) with -1 for "Unassigned"; ``centres`` (n_segments, n_outputs);
    ``inertia`` is the within-segment sum of squared distances to the centres.
    """

    labels: np.ndarray
    centres: np.ndarray
    inertia: float
    covariances: np.ndarray | None = None
    mixture_weights: np.ndarray | None = None
    radii: np.ndarray | None = None


@dataclass(frozen=True)
class SegmentationResult:
    """A fitted segmentation of a customer table.

    ``labels`` has shape (n_rows,), one segment number per input row (-1: "Unassigned" or not
    segmented); ``not_segmented`` (n_rows,) flags rows left out for missing values; ``sizes``
    maps segment → customers; ``centres`` is a DataFrame of shape (n_segments, n_outputs) in the
    scaled space; ``notes`` are the warnings raised while fitting, for display.
    """

    labels: np.ndarray
    not_segmented: np.ndarray
    k: int
    algorithm: str
    seed: int
    sizes: dict[int, int]
    centres: pd.DataFrame
    specs: tuple[FeatureSpec, ...]
    model: SegmentationModel
    inertia: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_dropped(self) -> int:
        return int(self.not_segmented.sum())

    @property
    def features(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.specs)


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------
def check_algorithm(algorithm: str) -> None:
    if algorithm not in ALGORITHMS:
        raise ParameterError(f"algorithm {algorithm!r} is not one of {', '.join(ALGORITHMS)}.")


def check_k(k: int, n_customers: int, matrix: np.ndarray | None = None) -> None:
    """Raise ParameterError unless 2 ≤ k ≤ min(MAX_K, customers, distinct customer profiles)."""
    if k < 2 or k > MAX_K:
        raise ParameterError(f"k={k} is out of range; choose a number of segments from 2 to {MAX_K}.")
    if k > n_customers:
        word = "customer" if n_customers == 1 else "customers"
        raise ParameterError(
            f"k={k} is larger than the {n_customers:,} {word} in the table; choose k ≤ {n_customers:,}."
        )
    if matrix is not None:
        n_distinct = distinct_rows(matrix, limit=k)
        if n_distinct < k:
            raise ParameterError(
                f"k={k} is larger than the {n_distinct} different customer profiles in the chosen features "
                f"(many rows are duplicates); choose k ≤ {n_distinct} or add features."
            )


def distinct_rows(matrix: np.ndarray, *, limit: int) -> int:
    """Number of distinct rows, counted exactly only up to ``limit`` (cheap on big tables)."""
    head = np.unique(matrix[: max(1000, 50 * limit)], axis=0)
    if len(head) >= limit:
        return len(head)
    return len(np.unique(matrix, axis=0))


def warn_duplicates(frame: pd.DataFrame) -> str | None:
    """Warn (DataQualityWarning) when whole rows are repeated; return the message."""
    n_duplicated = int(frame.duplicated().sum())
    if n_duplicated == 0:
        return None
    message = (
        f"{n_duplicated:,} rows are exact copies of another row; each copy is segmented as a separate "
        "customer. Remove the duplicates if they are the same customer."
    )
    warnings.warn(message, DataQualityWarning, stacklevel=3)
    return message


# ---------------------------------------------------------------------------------------------
# The algorithms (assume a validated matrix of shape (n, d) with n ≥ k distinct rows)
# ---------------------------------------------------------------------------------------------
def sample_rows(n: int, size: int, seed: int) -> np.ndarray:
    """Sorted positions of a seeded sample of ``size`` rows out of ``n`` (every row when ``n <= size``).

    The fits draw their samples here, so another engine that draws with the same ``n``, ``size``
    and ``seed`` works on exactly the same customers.

    Parameters
    ----------
    n : int
        Rows in the table.
    size : int
        Rows wanted.
    seed : int

    Returns
    -------
    ndarray of int64, shape (min(n, size),)
        Increasing row positions.
    """
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def _kmeans(matrix: np.ndarray, k: int, seed: int, n_init: int) -> ClusterFit:
    n = len(matrix)
    if n <= FIT_SAMPLE:
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(matrix)
        return ClusterFit(model.labels_.astype("int64"), model.cluster_centers_, float(model.inertia_))
    sample = matrix[sample_rows(n, FIT_SAMPLE, seed)]
    start = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(sample).cluster_centers_
    if n > MINIBATCH_THRESHOLD:
        refined: KMeans | MiniBatchKMeans = MiniBatchKMeans(
            n_clusters=k, init=start, n_init=1, batch_size=8192, random_state=seed
        ).fit(matrix)
        labels, squared = nearest_centre(matrix, refined.cluster_centers_)
        return ClusterFit(labels, refined.cluster_centers_, float(np.sum(squared)))
    refined = KMeans(n_clusters=k, init=start, n_init=1, random_state=seed).fit(matrix)
    return ClusterFit(refined.labels_.astype("int64"), refined.cluster_centers_, float(refined.inertia_))


def _within_ss(matrix: np.ndarray, labels: np.ndarray, centres: np.ndarray) -> float:
    assigned = labels >= 0
    return float(np.sum((matrix[assigned] - centres[labels[assigned]]) ** 2))


def _gmm(matrix: np.ndarray, k: int, seed: int, n_init: int) -> ClusterFit:
    sample = matrix[sample_rows(len(matrix), FIT_SAMPLE, seed)]
    model = GaussianMixture(
        n_components=k, covariance_type="full", n_init=max(1, n_init // 5), random_state=seed, reg_covar=1e-6
    ).fit(sample)
    labels = model.predict(matrix).astype("int64")
    return ClusterFit(
        labels,
        model.means_,
        _within_ss(matrix, labels, model.means_),
        covariances=model.covariances_,
        mixture_weights=model.weights_,
    )


def ward_tree(matrix: np.ndarray, *, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Ward linkage of a seeded sample of at most AGGLOMERATIVE_SAMPLE rows: (sample rows, linkage)."""
    from scipy.cluster.hierarchy import linkage  # only Ward needs SciPy's clustering (~0.5 s import)

    rows = sample_rows(len(matrix), AGGLOMERATIVE_SAMPLE, seed)
    return rows, linkage(matrix[rows], method="ward")


def _agglomerative(matrix: np.ndarray, k: int, tree: tuple[np.ndarray, np.ndarray]) -> ClusterFit:
    from scipy.cluster.hierarchy import cut_tree

    rows, link = tree
    sample_labels = cut_tree(link, n_clusters=k)[:, 0]
    sample = matrix[rows]
    centres = np.vstack([sample[sample_labels == c].mean(axis=0) for c in range(k)])
    labels, squared = nearest_centre(matrix, centres)
    return ClusterFit(labels, centres, float(np.sum(squared)))


def _hdbscan(matrix: np.ndarray, seed: int) -> ClusterFit:
    rows = sample_rows(len(matrix), DENSITY_SAMPLE, seed)
    sample = matrix[rows]
    min_size = max(5, math.ceil(TINY_SEGMENT_SHARE * len(sample)))
    sample_labels = HDBSCAN(min_cluster_size=min_size, copy=True).fit(sample).labels_
    found = sorted(set(sample_labels.tolist()) - {-1})
    if not found:
        raise ParameterError(
            "the density method found no dense groups in these customers (everyone is an outlier); "
            "use k-means, or fewer and less noisy features."
        )
    centres = np.vstack([sample[sample_labels == c].mean(axis=0) for c in found])
    remap = {c: i for i, c in enumerate(found)}
    member_labels = np.array([remap.get(c, -1) for c in sample_labels.tolist()], dtype="int64")
    radii = np.array(
        [
            np.sqrt(((sample[member_labels == i] - centres[i]) ** 2).sum(axis=1)).max()
            for i in range(len(found))
        ]
    )
    nearest, squared = nearest_centre(matrix, centres)
    labels = np.where(squared <= radii[nearest] ** 2, nearest, -1).astype("int64")
    labels[rows] = member_labels
    return ClusterFit(labels, centres, _within_ss(matrix, labels, centres), radii=radii)


def cluster_matrix(
    matrix: np.ndarray,
    *,
    k: int,
    algorithm: str = "kmeans",
    seed: int = 0,
    n_init: int = _SAMPLE_STARTS,
    tree: tuple[np.ndarray, np.ndarray] | None = None,
) -> ClusterFit:
    """Segment the rows of a prepared ``matrix`` of shape (n, n_outputs) into ``k`` groups.

    Assumes validated input (n ≥ k distinct rows). ``tree`` is a :func:`ward_tree`, reused across
    k by the sweep; ``k`` is ignored by ``"hdbscan"``. Segments are renumbered by size
    (largest first).
    """
    with threads_for(len(matrix)):
        if algorithm == "kmeans":
            fit = _kmeans(matrix, k, seed, n_init)
        elif algorithm == "gmm":
            fit = _gmm(matrix, k, seed, n_init)
        elif algorithm == "agglomerative":
            fit = _agglomerative(matrix, k, tree if tree is not None else ward_tree(matrix, seed=seed))
        else:
            fit = _hdbscan(matrix, seed)
    return _by_size(fit)


def threads_for(n_rows: int) -> AbstractContextManager[None]:
    """Run BLAS/OpenMP single-threaded up to SINGLE_THREAD_ROWS rows (2M), library-default above.

    On the 2- to 8-core machines this runs on, extra threads win little below millions of rows
    and cost a lot when the machine is busy: spinning OpenMP threads made the k-means of a
    100k-customer sweep 14 times slower (54 s instead of 3.8 s) on a shared 2-core machine. One
    thread also makes results independent of the core count (summation order). The limit is safe
    when several sessions segment at once (see :mod:`segmentation.segments.threads`).
    """
    return single_threaded() if n_rows <= SINGLE_THREAD_ROWS else nullcontext()


def _by_size(fit: ClusterFit) -> ClusterFit:
    n_segments = len(fit.centres)
    counts = np.bincount(fit.labels[fit.labels >= 0], minlength=n_segments)
    order = np.argsort(-counts, kind="stable")
    new_number = np.empty(n_segments, dtype="int64")
    new_number[order] = np.arange(n_segments)
    labels = np.where(fit.labels >= 0, new_number[np.maximum(fit.labels, 0)], -1)
    return ClusterFit(
        labels=labels,
        centres=fit.centres[order],
        inertia=fit.inertia,
        covariances=None if fit.covariances is None else fit.covariances[order],
        mixture_weights=None if fit.mixture_weights is None else fit.mixture_weights[order],
        radii=None if fit.radii is None else fit.radii[order],
    )


def tiny_segment_notes(sizes: dict[int, int], n_customers: int) -> list[str]:
    """A sentence per segment holding under 1% of the customers."""
    return [
        f"Segment {segment} holds only {size:,} customers ({size / n_customers:.1%}); segments under "
        f"{TINY_SEGMENT_SHARE:.0%} are rarely worth a campaign — consider a smaller k."
        for segment, size in sorted(sizes.items())
        if segment >= 0 and size < TINY_SEGMENT_SHARE * n_customers
    ]


# ---------------------------------------------------------------------------------------------
# The public entry point
# ---------------------------------------------------------------------------------------------
def fit_segments(
    frame: pd.DataFrame,
    specs: Sequence[FeatureSpec],
    *,
    k: int | None,
    algorithm: str = "kmeans",
    seed: int = 0,
    prepared: PreparedFeatures | None = None,
) -> SegmentationResult:
    """Segment the customers of ``frame``.

    Parameters
    ----------
    frame : DataFrame of shape (n_customers, n_columns)
        The customer table, values typed (numbers as numbers).
    specs : sequence of FeatureSpec
        Features and their preprocessing (see :func:`segmentation.segments.preparing.default_specs`).
    k : int or None
        Number of segments (2 to 30); ignored (may be None) for ``"hdbscan"``.
    algorithm : {"kmeans", "gmm", "agglomerative", "hdbscan"}
    seed : int
        Same data, settings and seed give the same segments.
    prepared : PreparedFeatures, optional
        Reuse an earlier :func:`prepare_features` of the same frame and specs.

    Returns
    -------
    SegmentationResult
        Labels for every input row; the model reproduces them exactly with
        :func:`segmentation.segments.scoring.assign_segments` (except density-method outliers found on
        the fitting sample).

    Raises
    ------
    ParameterError
        k out of range, larger than the number of customers or of distinct customer profiles.
    ColumnError
        Features missing or unusable.

    Warns
    -----
    DataQualityWarning
        Duplicated rows, constant or empty features left out, rows not segmented.
    SegmentationWarning
        A segment holds less than 1% of the customers.
    """
    check_algorithm(algorithm)
    if algorithm != "hdbscan":
        if k is None:
            raise ParameterError(f"choose a number of segments k for {algorithm}.")
        check_k(int(k), len(frame))
    notes: list[str] = []
    duplicate_note = warn_duplicates(frame)
    if duplicate_note:
        notes.append(duplicate_note)
    if prepared is None:
        prepared = prepare_features(frame, specs)
    notes.extend(prepared.notes)
    matrix = prepared.matrix
    if algorithm != "hdbscan":
        check_k(int(k or 0), len(matrix), matrix)
    elif len(matrix) < MIN_DENSITY_CUSTOMERS:
        raise ParameterError(
            f"the density method needs at least {MIN_DENSITY_CUSTOMERS} customers to find dense groups; "
            f"the table has {len(matrix)}. Use k-means instead."
        )
    fit = cluster_matrix(matrix, k=int(k or 0), algorithm=algorithm, seed=seed)
    model = build_model(
        prepared,
        algorithm=algorithm,
        centres=fit.centres,
        seed=seed,
        covariances=fit.covariances,
        mixture_weights=fit.mixture_weights,
        radii=fit.radii,
    )
    labels = np.full(len(frame), NOT_SEGMENTED, dtype="int64")
    if algorithm == "hdbscan":
        labels[prepared.used_rows] = fit.labels
    else:
        # Labels come from the saved model itself, so applying the model file reproduces them.
        labels[prepared.used_rows] = assign_segments(model, frame.loc[prepared.used_rows])
    assigned = labels[prepared.used_rows]
    sizes = {int(s): int(c) for s, c in zip(*np.unique(assigned, return_counts=True), strict=True)}
    tiny = tiny_segment_notes(sizes, len(assigned))
    for note in tiny:
        warnings.warn(note, SegmentationWarning, stacklevel=2)
    notes.extend(tiny)
    return SegmentationResult(
        labels=labels,
        not_segmented=~prepared.used_rows,
        k=len(fit.centres),
        algorithm=algorithm,
        seed=seed,
        sizes=sizes,
        centres=pd.DataFrame(fit.centres, columns=list(prepared.output_names)),
        specs=prepared.specs,
        model=model,
        inertia=fit.inertia,
        notes=tuple(notes),
    )
