"""Gaussian mixtures on Spark: the pandas engine's mixture as the start, EM on every row, scoring per batch.

How it matches the pandas engine
--------------------------------
* **The start** is the pandas engine's own mixture
  (:func:`segmentation.segments.clustering.cluster_matrix` with ``algorithm="gmm"``): scikit-learn's
  ``GaussianMixture`` with full covariances, ``reg_covar=1e-6`` and two starts, fitted on the same
  seeded ``FIT_SAMPLE`` rows. When the table has no more customers than that, the start was fitted
  by EM on every row already (scikit-learn runs it to convergence), so it is kept as it is and the
  Spark model *is* the pandas model.
* **EM on every row** (larger tables). Each iteration is one pass over the cached prepared rows:
  every partition computes, with NumPy on Arrow batches (``mapInPandas``), scikit-learn's E-step
  (log-densities from the Cholesky factors of the precisions, responsibilities by log-sum-exp)
  and the sufficient statistics per component (responsibility sums, weighted sums and weighted
  outer products, taken about the current means so that the covariances keep their digits); the
  driver adds the partitions' statistics and runs scikit-learn's M-step (``10 * eps`` added to the
  counts, ``reg_covar`` to the diagonals, weights normalised to sum to 1). It stops by
  scikit-learn's rule: the mean log-likelihood per customer changed by less than ``1e-3``, or after
  100 iterations. So the Spark mixture is the one scikit-learn's EM reaches from the same start on
  the whole table, which the pandas engine cannot hold in memory.
* **Why not MLlib's GaussianMixture.** The DataFrame ``GaussianMixture`` takes no initial model (it
  starts from random responsibilities, so it would not find the pandas engine's mixture). The RDD
  ``pyspark.mllib.clustering.GaussianMixture.train(initialModel=...)`` takes one, but adds no
  ``reg_covar`` to the covariances, evaluates densities outside log space (a floor of 1e-16 per
  component instead of log-sum-exp), uses pseudo-inverses for near-singular covariances and stops
  on the change of the *total* log-likelihood; its answer differs from scikit-learn's on the same
  start. Writing the step as aggregations keeps the arithmetic the pandas engine's.
* **Scoring** (the "most likely component" of each row) calls the package's own
  :func:`segmentation.segments.scoring.assign_segments` on each Arrow batch through a pandas UDF,
  on the feature values Spark read with the model's rules (:func:`.spark_matrix.feature_values`),
  so a saved model labels every row exactly as the pandas engine does. This needs the
  ``segmentation`` package on the executors (see docs/spark.md).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import linalg
from scipy.special import logsumexp
from sklearn.mixture import GaussianMixture

from segmentation.engines.spark_matrix import feature_values
from segmentation.engines.spark_session import spark_errors
from segmentation.errors import ParameterError
from segmentation.segments.clustering import FIT_SAMPLE, cluster_matrix
from segmentation.segments.model_file import SegmentationModel
from segmentation.segments.scoring import assign_segments, transform_rows

__all__ = [
    "EM_TOLERANCE",
    "MAX_EM_ITERATIONS",
    "REG_COVAR",
    "Mixture",
    "em_on_every_row",
    "em_step",
    "fit_mixture",
    "mixture_labels",
    "segment_column",
    "segments_with_distances",
]

#: scikit-learn's defaults, which the pandas engine's GaussianMixture uses (``tol``, ``max_iter``).
EM_TOLERANCE = 1e-3
MAX_EM_ITERATIONS = 100
#: Added to the covariance diagonals, as the pandas engine's ``GaussianMixture(reg_covar=1e-6)``.
REG_COVAR = 1e-6
_LOG_2PI = math.log(2 * math.pi)
_STATS_SCHEMA = "n double, ll double, rk array<double>, s1 array<double>, s2 array<double>"


@dataclass(frozen=True)
class Mixture:
    """A Gaussian mixture with full covariances.

    ``means`` (k, d), ``covariances`` (k, d, d), ``weights`` (k,) summing to 1.
    """

    means: np.ndarray
    covariances: np.ndarray
    weights: np.ndarray

    @property
    def k(self) -> int:
        return int(self.means.shape[0])


def _precision_cholesky(covariances: np.ndarray) -> np.ndarray:
    """Cholesky factors of the precisions, as scikit-learn computes them (shape (k, d, d))."""
    k, d, _ = covariances.shape
    factors = np.empty_like(covariances)
    for i in range(k):
        try:
            lower = linalg.cholesky(covariances[i], lower=True)
        except linalg.LinAlgError as exc:
            raise ParameterError(
                f"the Gaussian mixture failed: segment {i} collapsed onto too few distinct customers; "
                "choose a smaller k or use k-means."
            ) from exc
        factors[i] = linalg.solve_triangular(lower, np.eye(d), lower=True).T
    return factors


def _weighted_log_prob(matrix: np.ndarray, mixture: Mixture, factors: np.ndarray) -> np.ndarray:
    """log(weight) + log-density of every row under every component (n, k), as scikit-learn's E-step."""
    n, d = matrix.shape
    out = np.empty((n, mixture.k))
    for i in range(mixture.k):
        y = matrix @ factors[i] - mixture.means[i] @ factors[i]
        log_det = float(np.sum(np.log(np.diag(factors[i]))))
        out[:, i] = -0.5 * (d * _LOG_2PI + np.sum(np.square(y), axis=1)) + log_det
    return out + np.log(mixture.weights)


def mixture_labels(matrix: np.ndarray, mixture: Mixture) -> np.ndarray:
    """The most likely component of each row of ``matrix`` (n, d), as ``GaussianMixture.predict``.

    Returns
    -------
    ndarray of int64, shape (n,)
    """
    model = GaussianMixture(n_components=mixture.k, covariance_type="full", reg_covar=REG_COVAR)
    model.weights_ = mixture.weights
    model.means_ = mixture.means
    model.covariances_ = mixture.covariances
    model.precisions_cholesky_ = _precision_cholesky(mixture.covariances)
    return np.asarray(model.predict(matrix), dtype="int64")


def _partition_statistics(
    batches: Iterator[pd.DataFrame], mixture: Mixture, factors: np.ndarray
) -> Iterator[pd.DataFrame]:
    """One row per partition: rows, total log-likelihood, and the sufficient statistics per component."""
    k, d = mixture.means.shape
    n, ll = 0.0, 0.0
    rk, s1, s2 = np.zeros(k), np.zeros((k, d)), np.zeros((k, d, d))
    for batch in batches:
        if batch.empty:
            continue
        matrix = batch.to_numpy(dtype="float64")
        weighted = _weighted_log_prob(matrix, mixture, factors)
        norm = logsumexp(weighted, axis=1)
        resp = np.exp(weighted - norm[:, None])
        n += len(matrix)
        ll += float(norm.sum())
        rk += resp.sum(axis=0)
        for i in range(k):
            offsets = matrix - mixture.means[i]
            s1[i] += resp[:, i] @ offsets
            s2[i] += (resp[:, i, None] * offsets).T @ offsets
    if n:
        yield pd.DataFrame({"n": [n], "ll": [ll], "rk": [rk], "s1": [s1.ravel()], "s2": [s2.ravel()]})


def _m_step(mixture: Mixture, rk: np.ndarray, s1: np.ndarray, s2: np.ndarray) -> Mixture:
    """scikit-learn's M-step from statistics taken about the current means (see the module docstring)."""
    d = mixture.means.shape[1]
    nk = rk + 10 * np.finfo("float64").eps
    shift = (s1 + rk[:, None] * mixture.means) / nk[:, None] - mixture.means  # new mean − old mean
    means = mixture.means + shift
    covariances = np.empty_like(mixture.covariances)
    for i in range(mixture.k):
        # Σ r (x − m)(x − m)ᵀ with x − m = (x − old) − shift
        cross = np.outer(s1[i], shift[i])
        scatter = s2[i] - cross - cross.T + rk[i] * np.outer(shift[i], shift[i])
        covariances[i] = scatter / nk[i]
        covariances[i].flat[:: d + 1] += REG_COVAR
    return Mixture(means, covariances, nk / nk.sum())


def em_step(points: Any, mixture: Mixture) -> tuple[float, Mixture]:
    """One EM iteration on every row of ``points`` (a Spark DataFrame of d double columns).

    Returns
    -------
    mean_log_likelihood : float
        Per row, under ``mixture`` (the E-step's).
    updated : Mixture
        After the M-step.
    """
    k, d = mixture.means.shape
    factors = _precision_cholesky(mixture.covariances)  # on the driver, so a collapse is one clear line

    def statistics(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        return _partition_statistics(batches, mixture, factors)

    with spark_errors("fit the Gaussian mixture"):
        rows = points.mapInPandas(statistics, _STATS_SCHEMA).collect()
    if not rows:
        raise ParameterError("the customer table has no rows to segment.")
    n = sum(float(r["n"]) for r in rows)
    ll = sum(float(r["ll"]) for r in rows)
    rk = np.sum([np.asarray(r["rk"]) for r in rows], axis=0)
    s1 = np.sum([np.asarray(r["s1"]) for r in rows], axis=0).reshape(k, d)
    s2 = np.sum([np.asarray(r["s2"]) for r in rows], axis=0).reshape(k, d, d)
    return ll / n, _m_step(mixture, rk, s1, s2)


def em_on_every_row(
    points: Any, start: Mixture, *, tolerance: float = EM_TOLERANCE, max_iterations: int = MAX_EM_ITERATIONS
) -> tuple[Mixture, int]:
    """EM from ``start`` on every row of ``points`` until the mean log-likelihood settles.

    scikit-learn's loop: E-step, M-step, then stop when the E-step's mean log-likelihood changed by
    less than ``tolerance`` since the previous iteration (the M-step's mixture is kept).

    Parameters
    ----------
    points : Spark DataFrame of shape (n, d), double columns
    start : Mixture

    Returns
    -------
    mixture : Mixture
    iterations : int
    """
    mixture, previous = start, -math.inf
    for iteration in range(1, max_iterations + 1):
        log_likelihood, mixture = em_step(points, mixture)
        if abs(log_likelihood - previous) < tolerance:
            return mixture, iteration
        previous = log_likelihood
    return mixture, max_iterations


def fit_mixture(points: Any, matrix: np.ndarray, *, k: int, seed: int, whole_table: bool) -> Mixture:
    """The Spark engine's mixture: the pandas engine's fit on ``matrix``, then EM on every row of ``points``.

    Parameters
    ----------
    points : Spark DataFrame of shape (n, d), double columns
        Every segmentable customer's prepared row.
    matrix : ndarray of shape (m, d)
        The prepared rows on the driver (the preparation sample); the start is fitted on its
        seeded ``FIT_SAMPLE`` rows, as the pandas engine does.
    whole_table : bool
        ``matrix`` holds every row of ``points``; with at most ``FIT_SAMPLE`` rows the start is then
        already EM on every row and is returned as it is.
    """
    fit = cluster_matrix(matrix, k=k, algorithm="gmm", seed=seed)
    assert fit.covariances is not None and fit.mixture_weights is not None  # gmm fits carry both
    start = Mixture(fit.centres, fit.covariances, fit.mixture_weights)
    if whole_table and len(matrix) <= FIT_SAMPLE:
        return start
    mixture, _ = em_on_every_row(points, start)
    return mixture


# ---------------------------------------------------------------------------------------------
# Scoring with the package's own function, one Arrow batch at a time
# ---------------------------------------------------------------------------------------------
def _feature_struct(frame: Any, model: SegmentationModel) -> Any:
    """The model's features as Spark reads them (numbers as double, text as string), in one struct."""
    from pyspark.sql import functions as F

    return F.struct(*[feature_values(frame, f).alias(f.spec.name) for f in model.features])


def segment_column(frame: Any, model: SegmentationModel) -> Any:
    """The segment of each row of ``frame`` under ``model``, by :func:`assign_segments` per batch."""
    from pyspark.sql.functions import pandas_udf

    def segments(features: pd.DataFrame) -> pd.Series:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the driver warns once per table; executors stay quiet
            return pd.Series(assign_segments(model, features), index=features.index)

    return pandas_udf(segments, "long")(_feature_struct(frame, model))  # type: ignore[call-overload]


def segments_with_distances(frame: Any, model: SegmentationModel) -> Any:
    """A struct column (``segment``, ``d2``): the segment as :func:`segment_column` and the squared
    distance of the prepared row to that segment's centre (null when not segmented)."""
    from pyspark.sql.functions import pandas_udf

    def scored(features: pd.DataFrame) -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            labels = assign_segments(model, features)
            matrix, _ = transform_rows(model, features)
        segmented = labels >= 0
        squared = np.full(len(labels), np.nan)
        offsets = matrix[segmented] - model.centres[labels[segmented]]
        squared[segmented] = np.einsum("ij,ij->i", offsets, offsets)
        return pd.DataFrame({"segment": labels, "d2": squared}, index=features.index)

    udf = pandas_udf(scored, "segment long, d2 double")  # type: ignore[call-overload]
    return udf(_feature_struct(frame, model))
