"""Transactions → one row per customer with RFM on Spark, defined as in :mod:`segmentation.customers`.

The same columns as :func:`segmentation.build_customer_features` (recency_days, frequency,
monetary or items_bought, avg_order_value or items_per_order, tenure_days,
mean_days_between_purchases, distinct_items, returns_count, returns_value) and the same
rank-based RFM scores: quintiles of rank with ties broken by customer id, computed with one
global sort per measure (no single-partition window, so it scales with the cluster).

Spark parses values by stricter rules than the pandas loader: ids are trimmed text (``1808.0`` →
``1808``), dates ISO (``2024-05-31``, optionally with a time), numbers with a decimal point. A
filled value Spark cannot read stops the run with one line naming the column and the value,
instead of being dropped silently. Category spend shares (``share_<category>``) follow the pandas
rules (see :mod:`.spark_customers`), and customer attributes are joined as the pandas path joins them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from segmentation.customers.rfm import rfm_segment
from segmentation.customers.transactions import TransactionColumns
from segmentation.engines.spark_customers import CategorySlots, category_slots, share_columns
from segmentation.engines.spark_session import spark_errors
from segmentation.engines.spark_tables import as_double, check_columns
from segmentation.errors import ColumnError, ParameterError

__all__ = ["DATE_FORMATS", "customer_features_frame", "customer_key_column", "rank_scores"]

#: Date and time layouts Spark accepts in a text date column (tried in this order).
DATE_FORMATS = (
    "yyyy-MM-dd HH:mm:ss",
    "yyyy-MM-dd'T'HH:mm:ss",
    "yyyy-MM-dd HH:mm",
    "yyyy-MM-dd",
    "yyyy/MM/dd",
)
_RANK = "_rank"


def customer_key_column(column: Any) -> Any:
    """Ids as trimmed text, ``1808.0`` → ``1808``, blank → null (like ``keys.customer_key``)."""
    from pyspark.sql import functions as F

    text = F.trim(column.cast("string"))
    text = F.regexp_replace(text, r"^([+-]?\d+)\.0+$", "$1")
    return F.when(text == "", None).otherwise(text)


class _Checks:
    """Parse checks gathered while the columns are built, run together in one pass over the lines."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, Any, str, str, str]] = []

    def add(self, raw: Any, parsed: Any, *, column: str, what: str, hint: str) -> None:
        self.items.append((raw, parsed, column, what, hint))

    def run(self, frame: Any) -> None:
        """Raise ColumnError naming the first column where a filled value parses to null."""
        from pyspark.sql import functions as F

        if not self.items:
            return
        probes = [
            F.first(
                F.when(
                    raw.isNotNull() & (F.trim(raw.cast("string")) != "") & parsed.isNull(), raw.cast("string")
                ),
                ignorenulls=True,
            ).alias(f"_bad{i}")
            for i, (raw, parsed, *_rest) in enumerate(self.items)
        ]
        with spark_errors("read the transactions"):
            found = frame.agg(*probes).collect()[0]
        for i, (_raw, _parsed, column, what, hint) in enumerate(self.items):
            if found[i] is not None:
                raise ColumnError(
                    f"Spark reads the {what} column {column!r} differently from the pandas engine: "
                    f"{found[i]!r} is not {hint}. Fix the file or run with --engine pandas."
                )


def _dates(frame: Any, column: str, checks: _Checks) -> Any:
    from pyspark.sql import functions as F

    kind = dict(frame.dtypes)[column]
    raw = F.col(f"`{column}`")
    if kind in ("date", "timestamp", "timestamp_ntz"):
        parsed = F.to_date(raw)
    else:
        text = F.trim(raw.cast("string"))
        parsed = F.to_date(F.coalesce(*[F.try_to_timestamp(text, F.lit(fmt)) for fmt in DATE_FORMATS]))
    checks.add(raw, parsed, column=column, what="date", hint="an ISO date like 2024-05-31")
    return F.datediff(parsed, F.lit("1970-01-01"))


def _numbers(column: str, what: str, checks: _Checks) -> Any:
    from pyspark.sql import functions as F

    raw = F.col(f"`{column}`")
    parsed = as_double(F.trim(raw.cast("string")))
    checks.add(raw, parsed, column=column, what=what, hint="a number with a decimal point")
    return parsed


def _line_values(columns: TransactionColumns, checks: _Checks) -> tuple[Any, bool]:
    """Money per line (missing → 0), else items per line; and whether the lines carry money."""
    from pyspark.sql import functions as F

    if columns.amount is not None:
        return F.coalesce(_numbers(columns.amount, "amount", checks), F.lit(0.0)), True
    if columns.quantity is not None and columns.price is not None:
        product = _numbers(columns.quantity, "quantity", checks) * _numbers(columns.price, "price", checks)
        return F.coalesce(product, F.lit(0.0)), True
    if columns.quantity is not None:
        return F.coalesce(_numbers(columns.quantity, "quantity", checks), F.lit(1.0)), False
    return F.lit(1.0), False


def rank_scores(frame: Any, *, by: str, descending: bool, id_col: str, name: str) -> Any:
    """``frame`` with ``name`` = score 1-5 by quintile of rank of ``by`` (ties: lower id first).

    Equal to :func:`segmentation.customers.rfm.rfm_scores`'s rank scores on a frame sorted by id.
    One global sort: rows are numbered inside each sorted partition and offset by the sizes of the
    partitions before it (a few numbers collected to the driver).
    """
    from pyspark.sql import functions as F

    order = F.col(by).desc() if descending else F.col(by).asc()
    ordered = (
        frame.orderBy(order, F.col(id_col).asc())
        .withColumn("_part", F.spark_partition_id())
        .withColumn("_row", F.monotonically_increasing_id())
        .persist()
    )
    sizes = {r["_part"]: r["count"] for r in ordered.groupBy("_part").count().collect()}
    offsets, total = {}, 0
    for part in sorted(sizes):
        offsets[part] = total
        total += sizes[part]
    offset = F.create_map(*[x for p, o in offsets.items() for x in (F.lit(p), F.lit(o))])
    within = F.col("_row") - F.shiftleft(F.col("_part").cast("long"), 33)
    rank = offset[F.col("_part")] + within + 1
    score = (F.floor((rank - 1) * 5 / F.lit(max(total, 1))) + 1).cast("int")
    return ordered.withColumn(name, score).drop("_part", "_row")


def _segment_names(spark: Any) -> Any:
    r, fm = np.meshgrid(np.arange(1, 6), np.arange(1, 6), indexing="ij")
    # rfm_segment takes F and M; F = M = fm gives FM = fm.
    names = rfm_segment(r.ravel(), fm.ravel(), fm.ravel())
    rows = [(int(a), int(b), str(n)) for a, b, n in zip(r.ravel(), fm.ravel(), names, strict=True)]
    return spark.createDataFrame(rows, "_r int, _fm int, rfm_segment string")


def customer_features_frame(
    spark: Any, lines: Any, *, columns: TransactionColumns, as_of: str | None = None
) -> Any:
    """One row per customer with at least one purchase, sorted by id (a Spark DataFrame).

    Parameters
    ----------
    spark : SparkSession
    lines : Spark DataFrame of shape (n_lines, n_columns)
        Transactions as read by :func:`.spark_tables.read_table`.
    columns : TransactionColumns
    as_of : "YYYY-MM-DD", optional
        Day recency is measured from; by default the day after the last purchase.

    Raises
    ------
    ColumnError
        A mapped column is missing, or holds a value Spark reads differently (named in the message).
    """
    from pyspark.sql import functions as F

    mapped = [columns.customer, columns.date, columns.amount, columns.quantity, columns.price]
    check_columns(lines, [*mapped, columns.order, columns.item, columns.category], source="the transactions")
    checks = _Checks()
    value, has_money = _line_values(columns, checks)
    if columns.category is not None:  # file order numbers the categories, as pandas' factorize does
        lines = lines.withColumn("_line", F.monotonically_increasing_id())
    category = F.col(f"`{columns.category}`").cast("string") if columns.category else F.lit(None)
    typed = lines.select(
        customer_key_column(F.col(f"`{columns.customer}`")).alias("id"),
        _dates(lines, columns.date, checks).alias("day"),
        value.alias("value"),
        (customer_key_column(F.col(f"`{columns.order}`")) if columns.order else F.lit(None)).alias("ord"),
        (customer_key_column(F.col(f"`{columns.item}`")) if columns.item else F.lit(None)).alias("item"),
        category.cast("string").alias("category"),
    )
    checks.run(lines)
    typed = typed.where(F.col("id").isNotNull() & F.col("day").isNotNull()).persist()
    with spark_errors("aggregate the transactions"):
        last_day = typed.agg(F.max("day")).collect()[0][0]
        if last_day is None:
            raise ColumnError(
                f"No usable purchase lines: every line lacks a customer id in {columns.customer!r} or a "
                f"date in {columns.date!r}."
            )
        as_of_day = int(last_day) + 1 if as_of is None else _day_number(as_of)
        typed = typed.where(F.col("day") <= as_of_day)
        total_name, per_order_name = (
            ("monetary", "avg_order_value") if has_money else ("items_bought", "items_per_order")
        )
        bought = typed.where(F.col("value") >= 0)
        slots: CategorySlots | None = None
        if columns.category is not None:
            slots = category_slots(lines, bought, column=columns.category)
            bought = bought.withColumn("_slot", slots.slot_of(F.col("category")))
        frequency = F.countDistinct("ord") + F.countDistinct(F.when(F.col("ord").isNull(), F.col("day")))
        aggregates = [
            F.min("day").alias("_first"),
            F.max("day").alias("_last"),
            F.countDistinct("day").alias("_days"),
            frequency.cast("double").alias("frequency"),
            F.sum("value").alias(total_name),
        ]
        if columns.item:
            aggregates.append(F.countDistinct("item").cast("double").alias("distinct_items"))
        if slots is not None:
            aggregates += slots.spend_sums()
        per_customer = bought.groupBy("id").agg(*aggregates)
        returns = (
            typed.where(F.col("value") < 0)
            .groupBy("id")
            .agg(
                F.count("*").cast("double").alias("returns_count"),
                F.sum(-F.col("value")).alias("returns_value"),
            )
        )
        features = per_customer.join(returns, "id", "left").select(
            F.col("id"),
            (F.lit(as_of_day) - F.col("_last")).cast("double").alias("recency_days"),
            F.col("frequency"),
            F.col(total_name),
            (F.col(total_name) / F.col("frequency")).alias(per_order_name),
            (F.lit(as_of_day) - F.col("_first")).cast("double").alias("tenure_days"),
            F.when(F.col("_days") > 1, (F.col("_last") - F.col("_first")) / (F.col("_days") - 1)).alias(
                "mean_days_between_purchases"
            ),
            *([F.col("distinct_items")] if columns.item else []),
            F.coalesce(F.col("returns_count"), F.lit(0.0)).alias("returns_count"),
            F.coalesce(F.col("returns_value"), F.lit(0.0)).alias("returns_value"),
            *(share_columns(slots, total_name) if slots is not None else []),
        )
        features = features.persist()
        scored = rank_scores(features, by="recency_days", descending=True, id_col="id", name="r_score")
        scored = rank_scores(scored, by="frequency", descending=False, id_col="id", name="f_score")
        scored = rank_scores(scored, by=total_name, descending=False, id_col="id", name="m_score")
        scored = scored.withColumn(
            "rfm_score", F.concat(*(F.col(c).cast("string") for c in ("r_score", "f_score", "m_score")))
        ).withColumn("_fm", F.floor((F.col("f_score") + F.col("m_score") + 1) / 2).cast("int"))
        lookup = _segment_names(spark).withColumnRenamed("_fm", "_fm_key")
        out = scored.join(
            F.broadcast(lookup),
            (F.col("r_score") == F.col("_r")) & (F.col("_fm") == F.col("_fm_key")),
            "left",
        ).drop("_r", "_fm", "_fm_key")
        return out.withColumnRenamed("id", columns.customer).orderBy(columns.customer)


def _day_number(as_of: str) -> int:
    try:
        stamp = pd.Timestamp(as_of)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"The as-of date {as_of!r} is not a date; write it like 2024-12-31.") from exc
    return int(stamp.normalize().to_datetime64().astype("datetime64[D]").astype(np.int64))
