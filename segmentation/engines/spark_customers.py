"""Category spend shares and customer attributes on Spark, by the rules of :mod:`segmentation.customers`.

* ``share_<category>``: the categories are numbered by first appearance in the file and named by
  the package's own :func:`~segmentation.keys.customer_key` (run on the driver over the distinct
  values, which are few); the ``top`` categories by purchase total (ties: first in the file) get a
  column, the rest and lines without a category go to ``share_other``, exactly as
  :func:`segmentation.customers.aggregate.behaviour` does.
* ``--customers``: the attribute file's ids are keyed by :func:`~segmentation.keys.customer_key`
  run on every batch (``mapInPandas``), the first row of each id wins (file order), columns whose
  names the features already use get `` (customer file)``, as
  :func:`segmentation.customers.aggregate.join_customers` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation._plural import counted
from segmentation.customers.aggregate import _share_name
from segmentation.customers.transactions import column_listing, customer_key
from segmentation.engines.spark_session import spark_errors
from segmentation.engines.spark_tables import check_columns, to_pandas
from segmentation.errors import ColumnError
from segmentation.profiling.roles import Role
from segmentation.profiling.table_roles import infer_roles

__all__ = ["AttributeCounts", "CategorySlots", "category_slots", "join_attributes", "share_columns"]

#: Categories with a ``share_`` column (``build_customer_features``' default ``top_categories``).
TOP_CATEGORIES = 5
_KEY = "__segmentation_key"
_LINE = "__segmentation_line"
_FOUND = "__segmentation_found"


@dataclass(frozen=True)
class CategorySlots:
    """Which raw category values have their own share column; every other value is "other"."""

    slot_of_value: dict[str, int]
    names: tuple[str, ...]
    has_other: bool

    def slot_of(self, column: Any) -> Any:
        """The slot of each line's category (``len(names)``: other, also for missing)."""
        from pyspark.sql import functions as F

        other = F.lit(len(self.names))
        if not self.slot_of_value:
            return other
        lookup = F.create_map(
            *[x for v, s in sorted(self.slot_of_value.items()) for x in (F.lit(v), F.lit(s))]
        )
        return F.coalesce(lookup[column], other)

    def spend_sums(self) -> list[Any]:
        """Per-customer spend in each slot, as aggregate expressions ``_spend0`` ..."""
        from pyspark.sql import functions as F

        return [
            F.sum(F.when(F.col("_slot") == s, F.col("value")).otherwise(F.lit(0.0))).alias(f"_spend{s}")
            for s in range(len(self.names) + 1)
        ]


def category_slots(lines: Any, bought: Any, *, column: str, top: int = TOP_CATEGORIES) -> CategorySlots:
    """The slots of :func:`segmentation.customers.aggregate._category_shares` for these lines.

    ``lines`` are all the file's lines with a ``_line`` number (file order), ``bought`` the kept
    purchase lines with the raw ``category`` text and ``value``.
    """
    from pyspark.sql import functions as F

    with spark_errors("count the categories"):
        firsts = (
            lines.where(F.col(f"`{column}`").isNotNull())
            .groupBy(F.col(f"`{column}`").cast("string").alias("raw"))
            .agg(F.min("_line").alias("first"))
            .collect()
        )
        spent = bought.groupBy("category").agg(F.sum("value").alias("total")).collect()
    raws = pd.Series([r["raw"] for r in firsts], dtype=object)
    keys = customer_key(raws) if len(raws) else raws
    first_of_key: dict[str, int] = {}
    for key, row in zip(keys.tolist(), firsts, strict=True):
        if isinstance(key, str):
            first_of_key[key] = min(first_of_key.get(key, row["first"]), row["first"])
    ordered = sorted(first_of_key, key=lambda k: first_of_key[k])  # factorize's order
    code = {k: i for i, k in enumerate(ordered)}
    key_of_raw = dict(zip(raws.tolist(), keys.tolist(), strict=True))
    totals = np.zeros(len(ordered))
    missing = False
    for row in spent:
        key = key_of_raw.get(row["category"]) if row["category"] is not None else None
        if isinstance(key, str):
            totals[code[key]] += float(row["total"] or 0.0)
        else:
            missing = True
    ranked = np.argsort(-totals, kind="stable")[: min(top, len(ordered))]
    slot_of_key = {ordered[int(c)]: s for s, c in enumerate(ranked)}
    names: list[str] = []
    for c in ranked:
        name = _share_name(ordered[int(c)])
        unique_name, suffix = name, 2
        while unique_name in names or unique_name == "share_other":
            unique_name, suffix = f"{name}_{suffix}", suffix + 1
        names.append(unique_name)
    return CategorySlots(
        slot_of_value={
            raw: slot_of_key[key]
            for raw, key in key_of_raw.items()
            if isinstance(key, str) and key in slot_of_key
        },
        names=tuple(names),
        has_other=len(ordered) > len(ranked) or missing,
    )


def share_columns(slots: CategorySlots, total_name: str) -> list[Any]:
    """The ``share_<category>`` (and ``share_other``) columns from the ``_spend`` sums."""
    from pyspark.sql import functions as F

    def share(s: int) -> Any:
        total = F.col(total_name)
        return F.when(total > 0, F.col(f"_spend{s}") / total).otherwise(F.lit(0.0))

    columns = [share(s).alias(name) for s, name in enumerate(slots.names)]
    if slots.has_other:
        columns.append(share(len(slots.names)).alias("share_other"))
    return columns


@dataclass(frozen=True)
class AttributeCounts:
    """What the join found: repeated ids in the file, buyers without attributes, people without purchases."""

    extra_rows: int
    not_found: int
    without_purchases: int

    def notes(self) -> list[str]:
        """The pandas path's notes for these counts."""
        out = []
        if self.extra_rows:
            out.append(
                f"The customer file repeats some ids ({counted(self.extra_rows, 'extra row')}); "
                "the first row of each id was used."
            )
        if self.not_found:
            out.append(
                f"Found no attributes for {counted(self.not_found, 'customer')}: they are not "
                "in the customer file."
            )
        if self.without_purchases:
            out.append(
                f"Left out {counted(self.without_purchases, 'customer')} of the customer file with no "
                "purchases (RFM needs at least one)."
            )
        return out


def _id_column(attributes: Any, id_col: str, given: str | None) -> str:
    if given is not None:
        check_columns(attributes, [given], source="the customer file")
        return given
    if id_col in attributes.columns:
        return id_col
    with spark_errors("read the customer file"):
        sample = to_pandas(attributes.limit(5_000))
    found = [str(c) for c, r in infer_roles(sample).items() if r is Role.CUSTOMER_ID]
    if len(found) == 1:
        return found[0]
    raise ColumnError(
        f"Which column of the customer file is the customer id? Candidates: "
        f"{column_listing(found or [str(c) for c in attributes.columns])}. Pass --customer-id-col."
    )


def join_attributes(
    features: Any, attributes: Any, *, id_col: str, customer_id_col: str | None = None
) -> tuple[Any, AttributeCounts]:
    """``features`` (one row per customer, id in ``id_col``) with the attribute columns, sorted by id.

    Raises
    ------
    ColumnError
        The id column of the customer file is missing or cannot be told.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    source = _id_column(attributes, id_col, customer_id_col)
    numbered = attributes.withColumn(_LINE, F.monotonically_increasing_id())
    schema = StructType([*numbered.schema.fields, StructField(_KEY, StringType(), True)])

    def keyed(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            keys = customer_key(batch[source])
            yield batch.assign(**{_KEY: keys.astype(object).where(keys.notna(), None)})

    with spark_errors("key the customer file"):
        rows = numbered.mapInPandas(keyed, schema).where(F.col(_KEY).isNotNull()).persist()
        first = Window.partitionBy(_KEY).orderBy(F.col(_LINE))
        unique = rows.withColumn("_n", F.row_number().over(first)).where(F.col("_n") == 1).drop("_n", _LINE)
        taken = set(features.columns)
        kept = [c for c in attributes.columns if c != source]
        renamed = unique.select(
            F.col(_KEY),
            *[F.col(f"`{c}`").alias(f"{c} (customer file)" if c in taken else c) for c in kept],
        ).withColumn(_FOUND, F.lit(True))
        joined = features.join(renamed, features[id_col] == renamed[_KEY], "left").persist()
        n_rows, n_unique = rows.count(), unique.count()
        not_found = joined.where(F.col(_FOUND).isNull()).count()
        found = joined.count() - not_found
    counts = AttributeCounts(
        extra_rows=int(n_rows - n_unique), not_found=int(not_found), without_purchases=int(n_unique - found)
    )
    out = joined.drop(_KEY, _FOUND).orderBy(id_col)
    return out, counts
