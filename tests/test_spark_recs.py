"""Spark ALS under the package's hold-out protocol: the pandas engine's split, and better than popularity."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from segmentation import PandasEngine, SparkEngine
from segmentation.engines.spark_recs import ALS_NAME
from segmentation.recommendations.synthetic import make_synthetic_interactions


@pytest.fixture(scope="module")
def interactions_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    frame = make_synthetic_interactions(n_customers=400, n_items=800, n_interactions=12_000, seed=0)
    path = tmp_path_factory.mktemp("recs") / "interactions.csv"
    frame.to_csv(path, index=False)
    return str(path)


@pytest.mark.slow
def test_als_beats_popularity_on_the_same_hold_out(interactions_path: str, spark_session: object) -> None:
    options = {"customer_col": "customer_id", "item_col": "item_id", "time_col": "timestamp", "k": 10}
    on_spark = SparkEngine(spark_session).evaluate_recommendations(interactions_path, **options)
    on_pandas = PandasEngine().evaluate_recommendations(interactions_path, **options)
    # Same protocol: the same customers and interactions held out, so popularity scores the same.
    assert on_spark.n_customers_evaluated == on_pandas.n_customers_evaluated
    assert on_spark.n_test_interactions == on_pandas.n_test_interactions
    assert on_spark.result("popularity").ndcg_at_k == pytest.approx(on_pandas.result("popularity").ndcg_at_k)
    als, popularity = on_spark.result(ALS_NAME), on_spark.result("popularity")
    assert als.ndcg_at_k > popularity.ndcg_at_k
    assert als.precision_at_k > popularity.precision_at_k


def test_top_n_lists_on_spark_hold_new_items_only(
    interactions_path: str, spark_session: object, tmp_path: Path
) -> None:
    engine = SparkEngine(spark_session)
    out = tmp_path / "lists.parquet"
    listed = engine.recommend_to(
        interactions_path, str(out), customer_col="customer_id", item_col="item_id", n=5
    )
    lists = pd.read_parquet(out)
    bought = pd.read_csv(interactions_path, dtype=str)
    assert listed == bought["customer_id"].nunique()
    assert lists.groupby("customer_id")["rank"].apply(sorted).map(list).eq([[1, 2, 3, 4, 5]] * listed).all()
    owned = set(zip(bought["customer_id"], bought["item_id"], strict=True))
    assert not any((c, i) in owned for c, i in zip(lists["customer_id"], lists["item_id"], strict=True))
    by_rank = lists.sort_values(["customer_id", "rank"])
    assert (by_rank.groupby("customer_id")["score"].diff().dropna() <= 1e-6).all()
