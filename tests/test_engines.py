"""Engine-level tests: the same fixtures through the pandas and the Spark engine, with the same answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation import (
    ENGINES,
    EngineError,
    PandasEngine,
    SparkEngine,
    default_specs,
    get_engine,
    load_model,
    save_model,
)
from segmentation.cli._engine import ENGINE_CHOICES
from tests._engine_fixtures import COLUMNS, RFM_COLUMNS, shop_lines, write_lines

FEATURES = ["recency_days", "frequency", "monetary"]


@pytest.fixture(scope="module")
def orders_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    return write_lines(tmp_path_factory.mktemp("orders"), shop_lines())


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> PandasEngine | SparkEngine:
    if request.param == "spark":
        return SparkEngine(request.getfixturevalue("spark_session"))
    return PandasEngine()


@pytest.fixture(scope="module")
def reference_features(orders_path: str) -> pd.DataFrame:
    return PandasEngine().customer_features(orders_path, columns=COLUMNS)


@pytest.fixture(scope="module")
def spark_features(orders_path: str, spark_session: object) -> pd.DataFrame:
    return SparkEngine(spark_session).customer_features(orders_path, columns=COLUMNS)


def _specs(frame: pd.DataFrame) -> tuple:  # type: ignore[type-arg]
    return tuple(default_specs(frame, FEATURES, dict.fromkeys(FEATURES, "numeric")))


def test_the_cli_offers_every_engine() -> None:
    assert ENGINE_CHOICES == ENGINES


def test_engines_are_chosen_by_name_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEGMENTATION_ENGINE", raising=False)
    assert get_engine().name == "pandas"
    monkeypatch.setenv("SEGMENTATION_ENGINE", "spark")
    assert get_engine().name == "spark"
    assert get_engine("pandas").name == "pandas"
    monkeypatch.setenv("SEGMENTATION_ENGINE", "dask")
    with pytest.raises(EngineError, match="'dask' is not an engine"):
        get_engine()


def test_spark_without_pyspark_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "pyspark", None)
    with pytest.raises(EngineError, match=r"pip install -e '\.\[spark\]'"):
        get_engine("spark")


def test_a_hand_counted_customer(engine: PandasEngine | SparkEngine, tmp_path: Path) -> None:
    # Ann: orders on Jan 1 (2 lines, one order) and Jan 11; a return on Jan 12. Bob: one order on Jan 20.
    lines = pd.DataFrame(
        {
            "order_id": ["1", "1", "2", "3", "4"],
            "customer_id": ["ann", "ann", "ann", "ann", " bob"],
            "order_date": ["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-12", "2024-01-20"],
            "product_id": ["a", "b", "a", "a", "c"],
            "quantity": ["1", "2", "1", "-1", "3"],
            "unit_price": ["10", "5", "10", "10", "2.5"],
        }
    )
    frame = engine.customer_features(write_lines(tmp_path, lines), columns=COLUMNS)
    ann = frame.set_index("customer_id").loc["ann"]
    assert (ann["recency_days"], ann["tenure_days"], ann["frequency"]) == (10, 20, 2)
    assert (ann["monetary"], ann["returns_count"], ann["returns_value"]) == (30, 1, 10)
    assert ann["mean_days_between_purchases"] == 10
    assert ann["distinct_items"] == 2
    bob = frame.set_index("customer_id").loc["bob"]
    assert (bob["recency_days"], bob["frequency"], bob["monetary"]) == (1, 1, 7.5)


def test_rfm_columns_are_identical(reference_features: pd.DataFrame, spark_features: pd.DataFrame) -> None:
    assert list(spark_features.columns) == list(RFM_COLUMNS)
    assert list(reference_features.columns) == list(RFM_COLUMNS)
    for column in RFM_COLUMNS:
        left, right = reference_features[column], spark_features[column]
        if left.dtype.kind in "fi":
            np.testing.assert_allclose(
                left.to_numpy(float), right.to_numpy(float), rtol=1e-12, err_msg=column
            )
        else:
            assert left.astype(str).tolist() == right.astype(str).tolist(), column


def test_the_sweeps_recommend_the_same_k(reference_features: pd.DataFrame, spark_session: object) -> None:
    specs = _specs(reference_features)
    pandas_sweep = PandasEngine().sweep(reference_features, specs, k_values=range(2, 6))
    spark_sweep = SparkEngine(spark_session).sweep(reference_features, specs, k_values=range(2, 6))
    assert spark_sweep.recommended_k == pandas_sweep.recommended_k
    np.testing.assert_allclose(spark_sweep.inertia, pandas_sweep.inertia, rtol=0.01)
    np.testing.assert_allclose(spark_sweep.silhouette, pandas_sweep.silhouette, atol=0.01)
    assert spark_sweep.silhouette_sample_size == pandas_sweep.silhouette_sample_size


def test_a_saved_model_scores_the_same_on_either_engine(
    reference_features: pd.DataFrame, spark_session: object, tmp_path: Path
) -> None:
    specs = _specs(reference_features)
    engines = (PandasEngine(), SparkEngine(spark_session))
    fits = [e.segment(reference_features, specs, k=3, seed=1) for e in engines]
    np.testing.assert_array_equal(fits[0].labels, fits[1].labels)
    for fit in fits:
        path = tmp_path / "model.json"
        save_model(fit.model, path)
        model = load_model(path)
        on_pandas, on_spark = (e.assign(model, reference_features) for e in engines)
        np.testing.assert_array_equal(on_pandas, on_spark)
        np.testing.assert_array_equal(on_pandas, fit.labels)


def test_spark_scores_rows_without_data_as_not_segmented(
    reference_features: pd.DataFrame, spark_session: object
) -> None:
    specs = _specs(reference_features)
    fit = PandasEngine().segment(reference_features, specs, k=3)
    gappy = reference_features.head(6).copy()
    gappy.loc[0, FEATURES] = np.nan
    gappy.loc[1, "monetary"] = np.nan
    expected = PandasEngine().assign(fit.model, gappy)
    assert expected[0] == -2
    np.testing.assert_array_equal(SparkEngine(spark_session).assign(fit.model, gappy), expected)
