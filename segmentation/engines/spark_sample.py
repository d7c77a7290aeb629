"""A segmented customer table on Spark, counted exactly and brought to the driver to be described.

Personas are described on the driver by the package's own
:func:`segmentation.personas.describe.describe_segments`. :class:`SegmentedTable` scores the table
with a saved model once, keeps the scored rows in Spark and gives the driver

* exact counts over every row (:meth:`SegmentedTable.counts`): customers per segment, customers
  with no value in any feature, missing values per feature among the segmented customers;
* the rows to describe (:meth:`SegmentedTable.sample`): every customer when the table has at most
  ``limit`` rows (``DESCRIBE_LIMIT``, the preparation sample's size, or
  ``$SEGMENTATION_SPARK_DESCRIBE_LIMIT``), in the table's order, so the personas are the pandas
  engine's; above it a seeded sample stratified by segment: each segment keeps its share of the
  ``limit`` rows, and a small one at least ``MIN_PER_SEGMENT`` (all of its customers when it has
  fewer). Which rows are drawn depends only on the seed and each row's values (a hash), not on how
  Spark split the table, so the same seed gives the same sample;
* exact money totals per segment (:meth:`SegmentedTable.totals`), for revenue shares.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd

from segmentation.engines.spark_matrix import feature_values
from segmentation.engines.spark_segments import PREP_SAMPLE, assign_frame
from segmentation.engines.spark_session import quiet_warnings, spark_errors
from segmentation.engines.spark_tables import as_double, to_pandas
from segmentation.errors import ColumnError, ParameterError
from segmentation.segments.labels import NOT_SEGMENTED
from segmentation.segments.model_file import SegmentationModel

__all__ = [
    "DESCRIBE_LIMIT",
    "LIMIT_VARIABLE",
    "MIN_PER_SEGMENT",
    "SegmentCounts",
    "SegmentSample",
    "SegmentedTable",
    "describe_limit",
    "stratum_sizes",
]

#: Customers described on the driver: every one up to this many, else a stratified sample of this size.
DESCRIBE_LIMIT = PREP_SAMPLE
#: A small segment keeps at least this many customers in the sample (all when it has fewer).
MIN_PER_SEGMENT = 2_000
#: Environment variable that overrides :data:`DESCRIBE_LIMIT`.
LIMIT_VARIABLE = "SEGMENTATION_SPARK_DESCRIBE_LIMIT"

_LABEL = "__segmentation_label"
_ROW = "__segmentation_row"
_NO_DATA = "__segmentation_no_data"
_MISSING = "__segmentation_missing_"
_OWN_SEGMENT = "__segmentation_own_segment"
_DRAW = "__segmentation_draw"
_DRAW_RANGE = 2_147_483_647  # draws are hash mod this, divided by it: uniform on [0, 1)


def describe_limit() -> int:
    """``$SEGMENTATION_SPARK_DESCRIBE_LIMIT`` as a whole number of customers, else :data:`DESCRIBE_LIMIT`."""
    text = os.environ.get(LIMIT_VARIABLE, "").strip()
    if not text:
        return DESCRIBE_LIMIT
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise ParameterError(
            f"{LIMIT_VARIABLE}={text!r} is not a number of customers; give a whole number such as 200000."
        )
    return value


def stratum_sizes(
    sizes: Mapping[int, int], *, limit: int, min_per_segment: int = MIN_PER_SEGMENT
) -> dict[int, int]:
    """Customers to draw from each segment: its share of ``limit``, at least a floor, at most its size.

    The floor is ``min_per_segment``, lowered to ``limit / (2 × segments)`` so that the floors take
    at most half of the sample (a small ``limit`` in tests, or very many segments).
    """
    total = sum(sizes.values())
    if total == 0:
        return {}
    floor = min(min_per_segment, limit // (2 * len(sizes)))
    return {s: min(n, max(round(limit * n / total), floor)) for s, n in sizes.items()}


@dataclass(frozen=True)
class SegmentCounts:
    """Exact counts over every row: ``sizes`` per segment (−2 included: not segmented), ``no_data``
    the rows with no value in any of the model's features, ``missing`` per feature the missing
    values among the segmented rows (those the model fills)."""

    sizes: dict[int, int]
    no_data: int
    missing: dict[str, int]

    @property
    def n_rows(self) -> int:
        return sum(self.sizes.values())

    @property
    def n_segmented(self) -> int:
        """Rows with a segment (or −1, unassigned): the customers personas describe."""
        return sum(n for s, n in self.sizes.items() if s != NOT_SEGMENTED)


@dataclass(frozen=True)
class SegmentSample:
    """The rows brought to the driver: ``frame`` (the table's own columns as Spark read them, in the
    table's order) and ``labels`` of shape (len(frame),); ``sampled`` is False when they are every
    row. Sampled rows leave out the customers not segmented (−2), whom personas do not describe."""

    frame: pd.DataFrame
    labels: np.ndarray
    counts: SegmentCounts
    sampled: bool
    seed: int


def _col(name: str) -> Any:
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def _scored_rows(frame: Any, model: SegmentationModel) -> Any:
    """The table's columns with the row order, the model's segment and the flags the counts need."""
    from pyspark.sql import functions as F

    own = list(frame.columns)
    hidden = "segment" in own and "segment" not in model.feature_names  # the input's own column is data
    source = frame.withColumnRenamed("segment", _OWN_SEGMENT) if hidden else frame
    source = source.withColumn(_ROW, F.monotonically_increasing_id())
    values = [feature_values(source, feature) for feature in model.features]
    no_value = F.lit(True)
    for value in values:
        no_value = no_value & value.isNull()
    scored = assign_frame(source, model)
    return scored.select(
        *[_col(_OWN_SEGMENT).alias("segment") if hidden and c == "segment" else _col(c) for c in own],
        F.col(_ROW),
        F.col("segment").alias(_LABEL),
        no_value.alias(_NO_DATA),
        *[value.isNull().alias(f"{_MISSING}{i}") for i, value in enumerate(values)],
    )


class SegmentedTable:
    """A customer table scored with ``model`` and kept by Spark, to count exactly and to sample.

    A context manager: the kept rows are released on exit.
    """

    def __init__(self, frame: Any, model: SegmentationModel) -> None:
        self.columns: tuple[str, ...] = tuple(frame.columns)
        self.model = model
        self._rows = _scored_rows(frame, model).persist()
        self._counts: SegmentCounts | None = None

    def __enter__(self) -> SegmentedTable:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the rows Spark keeps."""
        self._rows.unpersist()

    def counts(self) -> SegmentCounts:
        """Exact counts over every row (one pass, remembered)."""
        from pyspark.sql import functions as F

        if self._counts is not None:
            return self._counts
        features = self.model.feature_names
        with quiet_warnings(), spark_errors("count the segments"):
            rows = (
                self._rows.groupBy(_LABEL)
                .agg(
                    F.count(F.lit(1)).alias("n"),
                    F.sum(F.col(_NO_DATA).cast("long")).alias("no_data"),
                    *[
                        F.sum(F.col(f"{_MISSING}{i}").cast("long")).alias(f"m{i}")
                        for i, _ in enumerate(features)
                    ],
                )
                .collect()
            )
        segmented = [r for r in rows if int(r[_LABEL]) != NOT_SEGMENTED]
        self._counts = SegmentCounts(
            sizes={int(r[_LABEL]): int(r["n"]) for r in rows},
            no_data=sum(int(r["no_data"] or 0) for r in rows),
            missing={name: sum(int(r[f"m{i}"] or 0) for r in segmented) for i, name in enumerate(features)},
        )
        return self._counts

    def sample(
        self, *, limit: int | None = None, seed: int = 0, min_per_segment: int = MIN_PER_SEGMENT
    ) -> SegmentSample:
        """Every row when there are at most ``limit`` (default :func:`describe_limit`), else a sample.

        Above the limit, each segment's rows are drawn with a probability a little above its
        :func:`stratum_sizes` share (by a seeded hash of the row's values), and the driver keeps the
        rows with the smallest draws, so each segment gets exactly its share when it has the rows.
        """
        from pyspark.sql import functions as F

        limit = describe_limit() if limit is None else limit
        if limit < 1:
            raise ParameterError(f"limit={limit}: describe at least one customer.")
        counts = self.counts()
        own = [_col(c) for c in self.columns]
        if counts.n_rows <= limit:
            with quiet_warnings(), spark_errors("collect the customers"):
                rows = to_pandas(self._rows.orderBy(_ROW).select(*own, F.col(_LABEL)))
            return SegmentSample(
                frame=rows.drop(columns=[_LABEL]),
                labels=rows[_LABEL].to_numpy(dtype="int64"),
                counts=counts,
                sampled=False,
                seed=seed,
            )
        segmented = {s: n for s, n in counts.sizes.items() if s != NOT_SEGMENTED}
        wanted = stratum_sizes(segmented, limit=limit, min_per_segment=min_per_segment)
        threshold = F.lit(0.0)
        for segment, n in sorted(wanted.items()):
            # a margin of four standard deviations (and ten rows) so the draw rarely falls short
            probability = min(1.0, (n + 4 * math.sqrt(n) + 10) / segmented[segment])
            threshold = F.when(F.col(_LABEL) == segment, F.lit(probability)).otherwise(threshold)
        draw = F.pmod(F.xxhash64(F.lit(seed), *own), F.lit(_DRAW_RANGE)) / float(_DRAW_RANGE)
        drawn = self._rows.select(*own, F.col(_ROW), F.col(_LABEL), draw.alias(_DRAW))
        with quiet_warnings(), spark_errors("sample the customers"):
            rows = to_pandas(drawn.where(F.col(_DRAW) < threshold))
        rows = rows.sort_values([_LABEL, _DRAW, _ROW], kind="stable")
        keep = rows.groupby(_LABEL).cumcount().to_numpy() < rows[_LABEL].map(wanted).to_numpy()
        rows = rows.loc[keep].sort_values(_ROW, kind="stable").reset_index(drop=True)
        return SegmentSample(
            frame=rows.drop(columns=[_LABEL, _ROW, _DRAW]),
            labels=rows[_LABEL].to_numpy(dtype="int64"),
            counts=counts,
            sampled=True,
            seed=seed,
        )

    def totals(self, column: str) -> dict[int, float] | None:
        """Exact sum of ``column`` per segment over the segmented rows, or None when Spark cannot read
        every filled value of it as a number (then only a sample's totals are known)."""
        from pyspark.sql import functions as F

        if column not in self.columns:
            raise ColumnError(f"the customer table has no column {column!r}.")
        raw = _col(column)
        text = dict(self._rows.dtypes)[column] == "string"
        number = as_double(F.trim(raw)) if text else raw.cast("double")
        number = F.when(F.isnan(number), None).otherwise(number)  # NaN is missing, as in pandas
        filled = (raw.isNotNull() & (F.trim(raw) != "")) if text else raw.isNotNull()
        with quiet_warnings(), spark_errors(f"add up {column!r}"):
            rows = (
                self._rows.where(F.col(_LABEL) != NOT_SEGMENTED)
                .groupBy(_LABEL)
                .agg(
                    F.sum(number).alias("total"),
                    F.count(F.when(filled, 1)).alias("filled"),
                    F.count(number).alias("numbers"),
                )
                .collect()
            )
        if any(int(r["filled"]) != int(r["numbers"]) for r in rows):
            return None
        return {int(r[_LABEL]): float(r["total"] or 0.0) for r in rows}
