"""The segmented table on Spark: exact counts, and the stratified sample personas are described from."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation import NOT_SEGMENTED, DataQualityWarning, SparkEngine, default_specs, fit_segments
from segmentation.engines.spark_sample import (
    DESCRIBE_LIMIT,
    LIMIT_VARIABLE,
    SegmentedTable,
    describe_limit,
    stratum_sizes,
)
from tests.test_cli_spark_personas import three_groups

FEATURES = ["recency_days", "frequency", "monetary"]


def test_strata_keep_each_segments_share_with_a_floor_for_small_ones() -> None:
    assert stratum_sizes({0: 450, 1: 120, 2: 30}, limit=100) == {0: 75, 1: 20, 2: 16}
    big = stratum_sizes({0: 1_000_000, 1: 5_000}, limit=200_000)
    assert big == {0: 199_005, 1: 2_000}  # 995 by share, raised to MIN_PER_SEGMENT
    assert stratum_sizes({0: 1_000_000, 1: 500}, limit=200_000)[1] == 500  # all it has
    assert stratum_sizes({}, limit=10) == {}


def test_the_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LIMIT_VARIABLE, raising=False)
    assert describe_limit() == DESCRIBE_LIMIT == 200_000
    monkeypatch.setenv(LIMIT_VARIABLE, "50_000")
    assert describe_limit() == 50_000
    monkeypatch.setenv(LIMIT_VARIABLE, "0")
    with pytest.raises(ValueError, match="is not a number of customers"):
        describe_limit()


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """The three groups, plus two customers with no data and one without money (filled)."""
    groups = three_groups().drop(columns=["group"])
    extra = pd.DataFrame(
        {
            "customer_id": ["X1", "X2", "X3"],
            "recency_days": [np.nan, np.nan, 300.0],
            "frequency": [np.nan, np.nan, 1.0],
            "monetary": [np.nan, np.nan, np.nan],
        }
    )
    return pd.concat([groups, extra], ignore_index=True)


def test_counts_are_exact_and_the_sample_is_stratified_and_seeded(
    table: pd.DataFrame, spark_session: object
) -> None:
    specs = default_specs(table, FEATURES, dict.fromkeys(FEATURES, "numeric"))
    with pytest.warns(DataQualityWarning, match="2 customers with no value"):
        fitted = fit_segments(table, specs, k=3, seed=0)
    engine = SparkEngine(spark_session)
    with engine.segmented(fitted.model, table) as segmented:
        counts = segmented.counts()
        assert counts.sizes == {0: 451, 1: 120, 2: 30, NOT_SEGMENTED: 2}  # X3 joins the one-off buyers
        assert counts.no_data == 2
        assert counts.missing == {"recency_days": 0, "frequency": 0, "monetary": 1}
        everyone = segmented.sample(limit=10_000)
        assert not everyone.sampled
        assert everyone.frame["customer_id"].tolist() == table["customer_id"].tolist()
        assert (everyone.labels == fitted.labels).all()
        sample = segmented.sample(limit=100, seed=3)
    assert sample.sampled
    wanted = stratum_sizes({0: 451, 1: 120, 2: 30}, limit=100)
    assert pd.Series(sample.labels).value_counts().to_dict() == wanted
    assert list(sample.frame.columns) == list(table.columns)
    positions = table.reset_index().set_index("customer_id").loc[sample.frame["customer_id"], "index"]
    assert positions.is_monotonic_increasing  # in the table's order
    by_id = dict(zip(table["customer_id"], fitted.labels, strict=True))
    assert [by_id[c] for c in sample.frame["customer_id"]] == sample.labels.tolist()
    # the draw hashes each row's values: another split of the table gives the same customers
    split = engine.read(table).repartition(3)
    with SegmentedTable(split, fitted.model) as again:
        resampled = again.sample(limit=100, seed=3)
        other_seed = again.sample(limit=100, seed=4)
        totals = again.totals("monetary")
    assert sorted(resampled.frame["customer_id"]) == sorted(sample.frame["customer_id"])
    assert sorted(other_seed.frame["customer_id"]) != sorted(sample.frame["customer_id"])
    expected = table.assign(segment=fitted.labels).query("segment >= 0").groupby("segment")["monetary"].sum()
    assert totals == pytest.approx(expected.to_dict())
