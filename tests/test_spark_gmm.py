"""Gaussian mixtures on Spark: the pandas engine's answers, from the EM step up to the command line.

The known-answer table (tests/_engine_fixtures.py) has 12,000 customers in three well-separated
groups: more than FIT_SAMPLE, so the Spark engine runs EM on every row after the pandas start.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.mixture import GaussianMixture

from segmentation import PandasEngine, SparkEngine, default_specs, load_model, save_model
from segmentation.cli import main
from segmentation.engines.spark_gmm import REG_COVAR, Mixture, em_on_every_row
from segmentation.segments.choosing_k import adjusted_rand
from segmentation.segments.clustering import FIT_SAMPLE
from segmentation.segments.scoring import transform_rows
from tests._engine_fixtures import MIXTURE_FEATURES, mixture_customers

FEATURES = list(MIXTURE_FEATURES)


@pytest.fixture(scope="module")
def customers() -> tuple[pd.DataFrame, np.ndarray]:
    frame, truth = mixture_customers()
    assert len(frame) > FIT_SAMPLE  # so the Spark engine's EM on every row runs
    return frame, truth


@pytest.fixture(scope="module")
def specs(customers: tuple[pd.DataFrame, np.ndarray]) -> tuple:  # type: ignore[type-arg]
    frame, _ = customers
    return tuple(default_specs(frame, FEATURES, dict.fromkeys(FEATURES, "numeric")))


@pytest.fixture(scope="module")
def fits(customers, specs, spark_session):  # type: ignore[no-untyped-def]
    frame, _ = customers
    return {
        "pandas": PandasEngine().segment(frame, specs, k=3, algorithm="gmm"),
        "spark": SparkEngine(spark_session).segment(frame, specs, k=3, algorithm="gmm"),
    }


def test_em_on_every_row_is_scikit_learns_em_from_the_same_start(
    customers: tuple[pd.DataFrame, np.ndarray], spark_session: object
) -> None:
    frame, _ = customers
    matrix = frame[FEATURES].to_numpy()[:2_000]
    rough = GaussianMixture(n_components=3, max_iter=2, random_state=0).fit(matrix[:200])
    start = Mixture(rough.means_, rough.covariances_, rough.weights_)
    points = spark_session.createDataFrame(  # type: ignore[attr-defined]
        pd.DataFrame(matrix, columns=["x0", "x1", "x2"])
    ).persist()
    fitted, iterations = em_on_every_row(points, start)
    points.unpersist()
    reference = GaussianMixture(
        n_components=3,
        weights_init=start.weights,
        means_init=start.means,
        precisions_init=np.linalg.inv(start.covariances),
        reg_covar=REG_COVAR,
    ).fit(matrix)
    assert iterations == reference.n_iter_ > 1
    np.testing.assert_allclose(fitted.means, reference.means_, atol=1e-9)
    np.testing.assert_allclose(fitted.covariances, reference.covariances_, atol=1e-9)
    np.testing.assert_allclose(fitted.weights, reference.weights_, atol=1e-12)


def test_spark_finds_the_pandas_partition_and_the_true_groups(
    customers: tuple[pd.DataFrame, np.ndarray], fits: dict
) -> None:  # type: ignore[type-arg]
    frame, truth = customers
    on_pandas, on_spark = fits["pandas"], fits["spark"]
    assert adjusted_rand(on_pandas.labels, on_spark.labels) >= 0.99
    assert adjusted_rand(truth, on_spark.labels) >= 0.99
    # Segments are numbered by size on both engines, so segment i is the same group.
    np.testing.assert_allclose(on_spark.model.centres, on_pandas.model.centres, atol=0.02)
    np.testing.assert_allclose(on_spark.model.mixture_weights, [0.5, 0.3, 0.2], atol=0.02)
    assert on_spark.model.covariances.shape == (3, 3, 3)
    # EM on every row never lowers the likelihood of the whole table below the sample fit's.
    matrix, _ = transform_rows(on_spark.model, frame)
    assert _mean_log_likelihood(on_spark.model, matrix) >= _mean_log_likelihood(on_pandas.model, matrix)


def _mean_log_likelihood(model, matrix: np.ndarray) -> float:  # type: ignore[no-untyped-def]
    scorer = GaussianMixture(n_components=model.n_segments)
    scorer.weights_, scorer.means_, scorer.covariances_ = (
        model.mixture_weights,
        model.centres,
        model.covariances,
    )
    scorer.precisions_cholesky_ = np.linalg.cholesky(np.linalg.inv(model.covariances))
    return float(scorer.score(matrix))


def test_a_saved_mixture_scores_every_row_the_same_on_either_engine(
    customers: tuple[pd.DataFrame, np.ndarray], fits: dict, spark_session: object, tmp_path: Path
) -> None:  # type: ignore[type-arg]
    frame, _ = customers
    gappy = frame.head(40).copy()
    gappy.loc[0, FEATURES] = np.nan  # no data: not segmented
    gappy.loc[1, "loyalty"] = np.nan  # filled with the model's median
    table = pd.concat([frame, gappy], ignore_index=True)
    engines = (PandasEngine(), SparkEngine(spark_session))
    for name, fit in fits.items():
        path = tmp_path / f"{name}.json"
        save_model(fit.model, path)
        model = load_model(path)
        on_pandas, on_spark = (e.assign(model, table) for e in engines)
        np.testing.assert_array_equal(on_spark, on_pandas)
        np.testing.assert_array_equal(on_spark[: len(frame)], fit.labels)
        assert on_spark[len(frame)] == -2


def test_on_a_table_the_start_was_fitted_on_the_spark_mixture_is_the_pandas_one(
    customers: tuple[pd.DataFrame, np.ndarray], specs: tuple, spark_session: object
) -> None:  # type: ignore[type-arg]
    small = customers[0].head(1_500)
    on_pandas = PandasEngine().segment(small, specs, k=3, algorithm="gmm")
    on_spark = SparkEngine(spark_session).segment(small, specs, k=3, algorithm="gmm")
    np.testing.assert_array_equal(on_spark.labels, on_pandas.labels)
    np.testing.assert_allclose(on_spark.model.centres, on_pandas.model.centres, rtol=1e-12)
    np.testing.assert_allclose(on_spark.model.covariances, on_pandas.model.covariances, rtol=1e-12)
    assert on_spark.inertia == pytest.approx(on_pandas.inertia, rel=1e-9)


def test_the_gmm_sweeps_recommend_the_same_k(
    customers: tuple[pd.DataFrame, np.ndarray], specs: tuple, spark_session: object
) -> None:  # type: ignore[type-arg]
    frame, _ = customers
    on_pandas = PandasEngine().sweep(frame, specs, k_values=range(2, 5), algorithm="gmm")
    on_spark = SparkEngine(spark_session).sweep(frame, specs, k_values=range(2, 5), algorithm="gmm")
    assert on_spark.recommended_k == on_pandas.recommended_k == 3
    assert on_spark.algorithm == "gmm"
    np.testing.assert_allclose(on_spark.inertia, on_pandas.inertia, rtol=0.01)
    np.testing.assert_allclose(on_spark.silhouette, on_pandas.silhouette, atol=0.01)
    np.testing.assert_allclose(on_spark.smallest_share, on_pandas.smallest_share, atol=0.01)


@pytest.fixture(scope="module")
def table(customers: tuple[pd.DataFrame, np.ndarray], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 of the customers in a CSV file (fewer than FIT_SAMPLE)."""
    path = tmp_path_factory.mktemp("gmm_cli") / "customers.csv"
    customers[0].head(2_000).to_csv(path, index=False)
    return path


def test_assign_on_spark_scores_a_gmm_model_file_like_pandas(
    table: Path, spark_session: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "model.json"
    common = [str(table), "--features", ",".join(FEATURES), "--k", "3", "--algorithm", "gmm"]
    assert main(["segment", *common, "--model", str(model), "-o", str(tmp_path / "seg.csv")]) == 0
    assert main(["assign", str(table), "--model", str(model), "-o", str(tmp_path / "pandas.csv")]) == 0
    out = tmp_path / "spark.csv"
    assert main(["assign", str(table), "--model", str(model), "-o", str(out), "--engine", "spark"]) == 0
    assert "in 3 segments" in capsys.readouterr().out
    on_spark = pd.concat(
        pd.read_csv(part, dtype={"customer_id": str}) for part in sorted(out.glob("part-*.csv"))
    )
    on_pandas = pd.read_csv(tmp_path / "pandas.csv", dtype={"customer_id": str})
    merged = on_pandas.merge(on_spark, on="customer_id", suffixes=("_pandas", "_spark"))
    assert len(merged) == len(on_pandas) == 2_000
    assert (merged["segment_pandas"] == merged["segment_spark"]).all()
    assert set(merged["segment_spark"]) == {0, 1, 2}
    # segment on Spark writes the same model (the table is smaller than FIT_SAMPLE).
    spark_model = tmp_path / "spark.json"
    args = ["segment", *common, "--model", str(spark_model), "-o", str(tmp_path / "seg.parquet")]
    assert main([*args, "--engine", "spark"]) == 0
    assert "in 3 segments" in capsys.readouterr().out
    fitted = [load_model(path) for path in (model, spark_model)]
    assert [m.algorithm for m in fitted] == ["gmm", "gmm"]
    np.testing.assert_allclose(fitted[1].covariances, fitted[0].covariances, rtol=1e-9)
    np.testing.assert_allclose(fitted[1].mixture_weights, fitted[0].mixture_weights, rtol=1e-9)


def test_the_density_method_still_says_it_needs_the_pandas_engine(
    table: Path, spark_session: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["segment", str(table), "--features", ",".join(FEATURES), "--algorithm", "hdbscan", "--k", "3"]
    assert main([*args, "-o", str(tmp_path / "out.parquet"), "--engine", "spark"]) == 2
    err = capsys.readouterr().err
    assert "kmeans, gmm or agglomerative; 'hdbscan' runs on the pandas engine only" in err
    assert err.count("\n") == 1
