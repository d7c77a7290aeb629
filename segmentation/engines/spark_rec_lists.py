"""``recommend --engine spark`` with ``--segments`` and ``--catalog``: the pandas path's list columns.

* ``--segments``: who gets a model list and who a fallback follows
  :func:`segmentation.recommend_top_n`: customers with at least one item kept after returns
  (summed quantity above 0) get their ALS list; everyone else in the segment file or the
  transactions (never bought, or returned everything) gets their segment's most-owned items,
  "Popular in <segment name>" (ties broken by overall popularity, then by item id), or the
  overall most-owned items, "Popular with all customers", when their segment is unknown or owns
  nothing; items they ever had a line for are left out. The popularity counts are made by Spark
  and ranked on the driver with the pandas function's arithmetic (segments × items numbers).
* ``--catalog``: ``item_name`` from :func:`segmentation.recommendations.segments.item_names`,
  computed on the driver for the distinct items and joined back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.engines.spark_rfm import customer_key_column
from segmentation.engines.spark_session import spark_errors
from segmentation.engines.spark_tables import as_double, check_columns
from segmentation.errors import ColumnError
from segmentation.recommendations.segments import REASON_POPULAR, item_names

__all__ = ["ALS_REASON", "SegmentFile", "with_item_names", "with_segment_fallback"]

#: The reason of an ALS list: collaborative filtering, the pandas lists' wording when no single owned
#: item explains a recommendation.
ALS_REASON = "Customers with similar purchases bought it"


@dataclass(frozen=True)
class SegmentFile:
    """The output of ``segmentation segment`` as the lists read it: its table and id column."""

    table: Any
    id_col: str
    path: str


def _segments(segmented: SegmentFile) -> tuple[Any, dict[int, str]]:
    """(customer, segment) with the last row of each id winning, and segment number → last name."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    table = segmented.table
    check_columns(table, [segmented.id_col], source=segmented.path)
    if "segment" not in table.columns:
        raise ColumnError(
            f"{segmented.path} has no 'segment' column; pass the output of 'segmentation segment'."
        )
    raw = F.trim(F.col("segment").cast("string"))
    number = as_double(raw)
    with spark_errors(f"read {segmented.path}"):
        bad = table.where(number.isNull()).select(F.col("segment").cast("string")).limit(1).collect()
        if bad:
            raise ColumnError(
                f"{segmented.path}: the 'segment' column must hold segment numbers; {bad[0][0]!r} does not."
            )
        numbered = table.select(
            customer_key_column(F.col(f"`{segmented.id_col}`")).alias("customer"),
            number.cast("long").alias("segment"),
            (F.col("segment_name").cast("string") if "segment_name" in table.columns else F.lit(None)).alias(
                "segment_name"
            ),
            F.monotonically_increasing_id().alias("_line"),
        ).persist()
        names = {}
        if "segment_name" in table.columns:
            last_name = Window.partitionBy("segment").orderBy(F.col("_line").desc())
            for row in (
                numbered.withColumn("_n", F.row_number().over(last_name)).where(F.col("_n") == 1).collect()
            ):
                names[int(row["segment"])] = (
                    "None" if row["segment_name"] is None else str(row["segment_name"])
                )
    last = Window.partitionBy("customer").orderBy(F.col("_line").desc())
    members = (
        numbered.where(F.col("customer").isNotNull())
        .withColumn("_n", F.row_number().over(last))
        .where(F.col("_n") == 1)
        .select("customer", "segment")
    )
    return members, names


def _popularity_table(
    spark: Any,
    positive: Any,
    members: Any,
    cold: Any,
    items: list[str],
    *,
    names: dict[int, str],
    depth: int,
) -> Any:
    """(segment, position, item, score, reason): each cold segment's first ``depth`` items, ranked as
    pandas ranks them."""
    from pyspark.sql import functions as F

    index = {item: i for i, item in enumerate(items)}
    overall = np.zeros(len(items))
    for row in positive.groupBy("item").agg(F.count("*").alias("n")).collect():
        overall[index[row["item"]]] = row["n"]
    by_segment: dict[int, np.ndarray] = {}
    owned = positive.join(members, "customer").groupBy("segment", "item").agg(F.count("*").alias("n"))
    for row in owned.collect():
        counts = by_segment.setdefault(int(row["segment"]), np.zeros(len(items)))
        counts[index[row["item"]]] = row["n"]
    rows = []
    for (segment,) in cold.select("segment").distinct().collect():
        owners, reason = overall, REASON_POPULAR
        mine = by_segment.get(int(segment))
        if segment >= 0 and mine is not None and mine.sum() > 0:
            owners = mine + overall / (overall.sum() + 1.0)  # overall breaks ties
            reason = f"Popular in {names.get(int(segment), f'segment {segment}')}"
        order = np.argsort(-owners, kind="stable")[:depth]
        scores = np.floor(owners).astype(np.float32).astype(np.float64)
        rows += [(int(segment), p, items[i], float(scores[i]), reason) for p, i in enumerate(order)]
    return spark.createDataFrame(rows, "segment long, position int, item string, score double, reason string")


def with_segment_fallback(
    spark: Any,
    lines: Any,
    lists: Any,
    segmented: SegmentFile | None,
    *,
    customer_col: str,
    item_col: str,
    quantity_col: str | None,
    n: int,
) -> Any:
    """The ALS ``lists`` of customers with history, plus the segment fallback for everyone else.

    Columns: ``customer_col``, ``rank``, ``item_col``, ``score``, ``reason``, ``cold_start`` and,
    with ``segmented``, ``segment`` (-1: not in the segment file). Without ``segmented`` everyone
    without history gets the overall most-owned items (pandas' lists without ``--segments``).
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    check_columns(lines, [customer_col, item_col, quantity_col], source="the transactions")
    if quantity_col is None:
        value = F.lit(1.0)
    else:
        value = F.coalesce(as_double(F.trim(F.col(f"`{quantity_col}`").cast("string"))), F.lit(1.0))
    with spark_errors("build the segment fallback"):
        pairs = (
            lines.select(
                customer_key_column(F.col(f"`{customer_col}`")).alias("customer"),
                customer_key_column(F.col(f"`{item_col}`")).alias("item"),
                value.alias("value"),
            )
            .where(F.col("customer").isNotNull() & F.col("item").isNotNull())
            .groupBy("customer", "item")
            .agg(F.sum("value").alias("total"))
            .persist()
        )
        positive = pairs.where(F.col("total") > 0).select("customer", "item").persist()
        names: dict[int, str] = {}
        if segmented is None:
            members = spark.createDataFrame([], "customer string, segment long")
        else:
            members, names = _segments(segmented)
        warm = positive.select("customer").distinct()
        everyone = members.select("customer").unionByName(pairs.select("customer")).distinct()
        cold = (
            everyone.join(warm, "customer", "left_anti")
            .join(members, "customer", "left")
            .select("customer", F.coalesce(F.col("segment"), F.lit(-1)).cast("long").alias("segment"))
            .persist()
        )
        items = sorted(r["item"] for r in pairs.select("item").distinct().collect())
        count = min(n, len(items))
        owned_by_cold = pairs.join(cold.select("customer"), "customer").groupBy("customer").count()
        extra = int(owned_by_cold.agg(F.max("count")).collect()[0][0] or 0)
        table = _popularity_table(spark, positive, members, cold, items, names=names, depth=count + extra)
        ranked = (
            cold.join(F.broadcast(table), "segment")
            .join(pairs.select("customer", "item"), ["customer", "item"], "left_anti")
            .withColumn("rank", F.row_number().over(Window.partitionBy("customer").orderBy("position")))
            .where(F.col("rank") <= count)
        )
        fallback = ranked.select(
            F.col("customer").alias(customer_col),
            "rank",
            F.col("item").alias(item_col),
            "score",
            "reason",
            F.lit(True).alias("cold_start"),
            "segment",
        )
        scored = (
            lists.join(warm.withColumnRenamed("customer", customer_col), customer_col, "left_semi")
            .join(members.withColumnRenamed("customer", customer_col), customer_col, "left")
            .select(
                customer_col,
                F.col("rank").cast("int").alias("rank"),
                item_col,
                "score",
                F.lit(ALS_REASON).alias("reason"),
                F.lit(False).alias("cold_start"),
                F.coalesce(F.col("segment"), F.lit(-1)).cast("long").alias("segment"),
            )
        )
    both = scored.unionByName(fallback)
    return both if segmented is not None else both.drop("segment")


def with_item_names(
    spark: Any, lines: Any, lists: Any, catalog: pd.DataFrame, *, item_col: str, catalog_item_col: str | None
) -> Any:
    """``lists`` with ``item_name`` after ``item_col`` (ids missing from the catalog keep their id).

    The names are those of every item in ``lines`` (the pandas path's catalog match looks at all
    of them), computed on the driver.
    """
    from pyspark.sql import functions as F

    with spark_errors("name the items"):
        keyed = lines.select(customer_key_column(F.col(f"`{item_col}`")).alias("item")).where(
            F.col("item").isNotNull()
        )
        items = sorted(r[0] for r in keyed.distinct().collect())
    names = item_names(items, catalog, item_col=catalog_item_col)
    lookup = spark.createDataFrame(
        [(i, str(n)) for i, n in zip(items, names, strict=True)], f"`{item_col}` string, item_name string"
    )
    columns = list(lists.columns)
    at = columns.index(item_col) + 1
    order = [*columns[:at], "item_name", *columns[at:]]
    return lists.join(F.broadcast(lookup), item_col, "left").select(*[F.col(f"`{c}`") for c in order])
