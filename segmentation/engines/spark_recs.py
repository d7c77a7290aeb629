"""Recommendations on Spark: implicit-feedback ALS (MLlib) under the package's hold-out protocol.

Spark aggregates the lines into one row per (customer, item) with its count and latest time;
the pairs are numbered into the package's :class:`~segmentation.recommendations.Interactions`
(customer and item ids indexed to rows and columns) so the split is exactly
:func:`~segmentation.recommendations.evaluation.split_latest` (each customer's latest 20% held
out) and the scores exactly :func:`~segmentation.recommendations.evaluation.score_recommendations`.
ALS is fitted on the training pairs in Spark (``implicitPrefs``, ``coldStartStrategy="drop"``)
and scored beside popularity and the package's default model.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from segmentation.engines.spark_rfm import customer_key_column
from segmentation.engines.spark_session import spark_errors
from segmentation.engines.spark_tables import as_double, check_columns
from segmentation.errors import ColumnError, ParameterError
from segmentation.recommendations.evaluation import (
    EvaluationReport,
    ModelScore,
    evaluate_interactions,
    score_recommendations,
    split_latest,
)
from segmentation.recommendations.interactions import Interactions, build_interactions

__all__ = ["ALS_NAME", "AlsSettings", "als_recommendations", "evaluate_frame", "pair_table", "top_n_frame"]

ALS_NAME = "als (spark)"


class AlsSettings:
    """Implicit ALS settings: factors, iterations, regularisation and the confidence scale alpha."""

    # Chosen on the synthetic taste data (tests/test_spark_recs.py): a low confidence scale suits
    # purchase counts, which are mostly 1 or 2 per pair.
    rank = 16
    max_iter = 10
    reg_param = 0.01
    alpha = 1.0


def _als(*, item_col: str, seed: int) -> Any:
    """Implicit-feedback ALS with the engine's settings; new users and items are dropped, never scored."""
    from pyspark.ml.recommendation import ALS

    settings = AlsSettings()
    return ALS(
        rank=settings.rank,
        maxIter=settings.max_iter,
        regParam=settings.reg_param,
        alpha=settings.alpha,
        implicitPrefs=True,
        coldStartStrategy="drop",
        userCol="user",
        itemCol=item_col,
        ratingCol="rating",
        seed=seed,
    )


def pair_table(lines: Any, *, customer_col: str, item_col: str, time_col: str | None) -> pd.DataFrame:
    """One row per (customer, item): line count and latest time (epoch seconds), collected to pandas."""
    from pyspark.sql import functions as F

    check_columns(lines, [customer_col, item_col, time_col], source="the transactions")
    if time_col is None:
        stamp = F.monotonically_increasing_id().cast("double")
    else:
        raw = F.col(f"`{time_col}`")
        kind = dict(lines.dtypes)[time_col]
        if kind in ("date", "timestamp", "timestamp_ntz"):
            stamp = F.unix_timestamp(raw.cast("timestamp")).cast("double")
        else:
            text = F.trim(raw.cast("string"))
            stamp = F.coalesce(as_double(text), F.unix_timestamp(F.try_to_timestamp(text)).cast("double"))
    with spark_errors("aggregate the interactions"):
        pairs = (
            lines.select(
                customer_key_column(F.col(f"`{customer_col}`")).alias("customer"),
                customer_key_column(F.col(f"`{item_col}`")).alias("item"),
                stamp.alias("time"),
            )
            .where(F.col("customer").isNotNull() & F.col("item").isNotNull())
            .groupBy("customer", "item")
            .agg(F.count("*").alias("count"), F.max("time").alias("time"))
            .orderBy("time", "customer", "item")
            .collect()
        )
    if not pairs:
        raise ColumnError(f"no lines have both a customer in {customer_col!r} and an item in {item_col!r}.")
    return pd.DataFrame([tuple(r) for r in pairs], columns=["customer", "item", "count", "time"])


def _train_frame(spark: Any, train: sp.csr_matrix) -> Any:
    coo = train.tocoo()
    rows = list(zip(coo.row.tolist(), coo.col.tolist(), coo.data.astype("float64").tolist(), strict=True))
    return spark.createDataFrame(rows, "user int, item int, rating double")


def als_recommendations(
    spark: Any, train: sp.csr_matrix, users: np.ndarray, *, k: int, exclude: sp.csr_matrix, seed: int
) -> np.ndarray:
    """Top-``k`` item columns of shape (len(users), k) from implicit ALS fitted on ``train``; -1 = none.

    Items in ``exclude`` (the customer's own items) are never recommended.
    """
    als = _als(item_col="item", seed=seed)
    owned = np.diff(exclude.indptr)
    extra = int(owned[users].max()) if len(users) else 0
    with spark_errors("fit ALS"):
        model = als.fit(_train_frame(spark, train))
        wanted = spark.createDataFrame([(int(u),) for u in users], "user int")
        rows = model.recommendForUserSubset(wanted, k + extra).collect()
    position = {int(u): i for i, u in enumerate(users)}
    out = np.full((len(users), k), -1, dtype="int64")
    for row in rows:
        i = position[int(row["user"])]
        mine = set(exclude.indices[exclude.indptr[row["user"]] : exclude.indptr[row["user"] + 1]].tolist())
        picked = [int(r["item"]) for r in row["recommendations"] if int(r["item"]) not in mine][:k]
        out[i, : len(picked)] = picked
    return out


def evaluate_frame(
    spark: Any,
    lines: Any,
    *,
    customer_col: str,
    item_col: str,
    time_col: str | None,
    k: int = 10,
    seed: int = 0,
) -> EvaluationReport:
    """Popularity, the package's default model and Spark ALS, on the same split and the same scores."""
    if k < 1:
        raise ParameterError(f"k={k} must be at least 1.")
    pairs = pair_table(lines, customer_col=customer_col, item_col=item_col, time_col=time_col)
    interactions: Interactions = build_interactions(
        pairs, customer_col="customer", item_col="item", time_col="time", value_col="count", weighting="count"
    )
    report = evaluate_interactions(interactions, k=k, models=["popularity"])
    train, test = split_latest(interactions)
    evaluated = np.flatnonzero(np.diff(test.indptr) > 0)
    started = time.perf_counter()
    exclude = sp.csr_matrix(train + interactions.returned_only) if interactions.owned is not None else train
    recommended = als_recommendations(spark, train, evaluated, k=k, exclude=exclude, seed=seed)
    seconds = time.perf_counter() - started
    precision, recall, ndcg = score_recommendations(recommended, test[evaluated], k=k)
    shown = np.unique(recommended[recommended >= 0])
    als = ModelScore(
        ALS_NAME, precision, recall, ndcg, float(shown.size / max(interactions.n_items, 1)), seconds
    )
    results = tuple(sorted((*report.results, als), key=lambda s: -s.ndcg_at_k))
    return replace(report, results=results)


def top_n_frame(
    spark: Any, lines: Any, *, customer_col: str, item_col: str, n: int = 10, seed: int = 0
) -> Any:
    """Top-``n`` items per customer from implicit ALS fitted on every line, items they have excluded.

    Ids are indexed to ALS's integer columns with MLlib's ``StringIndexer`` and mapped back; the
    result (customer, rank, item, score) never leaves Spark, so it scales with the cluster.
    """
    from pyspark.ml.feature import StringIndexer
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if n < 1:
        raise ParameterError(f"n={n} must be at least 1.")
    check_columns(lines, [customer_col, item_col], source="the transactions")
    with spark_errors("fit ALS for the top-N lists"):
        pairs = (
            lines.select(
                customer_key_column(F.col(f"`{customer_col}`")).alias("customer"),
                customer_key_column(F.col(f"`{item_col}`")).alias("item"),
            )
            .where(F.col("customer").isNotNull() & F.col("item").isNotNull())
            .groupBy("customer", "item")
            .agg(F.count("*").cast("double").alias("rating"))
        )
        users = StringIndexer(inputCol="customer", outputCol="user", stringOrderType="alphabetAsc").fit(pairs)
        items = StringIndexer(inputCol="item", outputCol="item_index", stringOrderType="alphabetAsc").fit(
            pairs
        )
        indexed = (
            items.transform(users.transform(pairs))
            .select(
                F.col("customer"),
                F.col("item"),
                F.col("user").cast("int").alias("user"),
                F.col("item_index").cast("int").alias("item_index"),
                "rating",
            )
            .persist()
        )
        model = _als(item_col="item_index", seed=seed).fit(indexed)
        most_owned = indexed.groupBy("user").count().agg(F.max("count")).collect()[0][0] or 0
        wanted = model.recommendForAllUsers(n + int(most_owned)).select(
            "user", F.posexplode("recommendations").alias("position", "recommendation")
        )
        candidates = wanted.select(
            "user",
            "position",
            F.col("recommendation.item_index").alias("item_index"),
            F.col("recommendation.rating").alias("score"),
        ).join(indexed.select("user", "item_index"), ["user", "item_index"], "left_anti")
        order = Window.partitionBy("user").orderBy(F.col("position"))
        ranked = candidates.withColumn("rank", F.row_number().over(order)).where(F.col("rank") <= n)
        customers = indexed.select("user", "customer").distinct()
        catalog = indexed.select("item_index", "item").distinct()
        return (
            ranked.join(customers, "user")
            .join(catalog, "item_index")
            .select(
                F.col("customer").alias(customer_col),
                "rank",
                F.col("item").alias(item_col),
                F.col("score").cast("double").alias("score"),
            )
        )
