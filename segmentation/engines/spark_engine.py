"""The Spark engine: every heavy stage on Spark's DataFrame and MLlib (see docs/spark.md).

Tables are paths Spark reads (local, ``hdfs://``, ``s3a://``, ``abfss://`` ...; CSV, TSV or
Parquet) or pandas frames. Results come back as the package's own objects (frames sorted by
customer id, :class:`~segmentation.SweepResult`, :class:`~segmentation.SegmentationModel`,
:class:`~segmentation.EvaluationReport`), and the ``*_to`` methods write large outputs straight
from Spark without collecting them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from segmentation.campaigns.audience import Audience, CampaignSpec, ContactColumns
from segmentation.customers.transactions import TransactionColumns
from segmentation.engines.base import EngineSegments, Table
from segmentation.engines.spark_audience import SparkAudience, collect_audience, list_frame, spark_audience
from segmentation.engines.spark_customers import AttributeCounts, join_attributes
from segmentation.engines.spark_rec_lists import SegmentFile, with_item_names, with_segment_fallback
from segmentation.engines.spark_recs import evaluate_frame, top_n_frame
from segmentation.engines.spark_rfm import customer_features_frame
from segmentation.engines.spark_sample import SegmentedTable
from segmentation.engines.spark_segments import ROW, assign_frame, fit_frame, sweep_frame
from segmentation.engines.spark_session import get_spark, quiet_warnings, spark_errors
from segmentation.engines.spark_tables import read_table, to_pandas, write_bytes, write_table
from segmentation.recommendations.evaluation import EvaluationReport
from segmentation.segments.choosing_k import SweepResult
from segmentation.segments.model_file import SegmentationModel
from segmentation.segments.preparing import FeatureSpec

__all__ = ["SparkEngine"]


class SparkEngine:
    """Runs the stages on the active SparkSession, or on a quiet local one (``local[2]``)."""

    name = "spark"

    def __init__(self, spark: Any | None = None) -> None:
        self._spark = spark

    @property
    def spark(self) -> Any:
        """The SparkSession (started on first use)."""
        if self._spark is None:
            self._spark = get_spark()
        return self._spark

    def read(self, table: Table) -> Any:
        """``table`` as a Spark DataFrame (see :func:`.spark_tables.read_table`)."""
        with quiet_warnings():
            return read_table(self.spark, table)

    def collect(self, table: Table) -> pd.DataFrame:
        """All of a small ``table`` (an item catalog) in pandas, as read by Spark."""
        frame = self.read(table)
        with quiet_warnings(), spark_errors(f"read {table}"):
            return to_pandas(frame)

    def first_rows(self, table: Table, n: int = 5_000) -> pd.DataFrame:
        """The first ``n`` rows of ``table`` in pandas (to guess column roles), missing values as None."""
        frame = self.read(table)
        with quiet_warnings(), spark_errors(f"read {table}"):
            sample = to_pandas(frame.limit(n))
        return sample.astype(object).where(sample.notna(), None)

    # ------------------------------------------------------------------ customers
    def customer_features_frame(
        self,
        transactions: Table,
        *,
        columns: TransactionColumns,
        as_of: str | None = None,
        customers: Table | None = None,
        customer_id_col: str | None = None,
    ) -> Any:
        """One row per customer with RFM (and the attributes of ``customers``): a Spark DataFrame by id."""
        frame, _ = self._features(
            transactions, columns=columns, as_of=as_of, customers=customers, customer_id_col=customer_id_col
        )
        return frame

    def _features(
        self,
        transactions: Table,
        *,
        columns: TransactionColumns,
        as_of: str | None,
        customers: Table | None,
        customer_id_col: str | None,
    ) -> tuple[Any, AttributeCounts | None]:
        with quiet_warnings():
            frame = customer_features_frame(self.spark, self.read(transactions), columns=columns, as_of=as_of)
            if customers is None:
                return frame, None
            return join_attributes(
                frame, self.read(customers), id_col=columns.customer, customer_id_col=customer_id_col
            )

    def customer_features(
        self,
        transactions: Table,
        *,
        columns: TransactionColumns,
        as_of: str | None = None,
        customers: Table | None = None,
        customer_id_col: str | None = None,
    ) -> pd.DataFrame:
        frame = self.customer_features_frame(
            transactions, columns=columns, as_of=as_of, customers=customers, customer_id_col=customer_id_col
        )
        with quiet_warnings(), spark_errors("collect the customer features"):
            return to_pandas(frame)

    def customer_features_to(
        self, transactions: Table, output: str, *, columns: TransactionColumns, as_of: str | None = None
    ) -> int:
        """Write the customer features to ``output`` (Parquet, or CSV for ``.csv``); returns the row count."""
        return self.features_with_notes_to(transactions, output, columns=columns, as_of=as_of)[0]

    def features_with_notes_to(
        self,
        transactions: Table,
        output: str,
        *,
        columns: TransactionColumns,
        as_of: str | None = None,
        customers: Table | None = None,
        customer_id_col: str | None = None,
    ) -> tuple[int, list[str]]:
        """Write the customer features (with ``customers``' attributes) to ``output``.

        Returns the row count and the pandas path's notes on the attribute join (empty without one).
        """
        frame, counts = self._features(
            transactions, columns=columns, as_of=as_of, customers=customers, customer_id_col=customer_id_col
        )
        frame = frame.persist()
        write_table(frame, output)
        with spark_errors("count the customers"):
            return int(frame.count()), counts.notes() if counts is not None else []

    # ------------------------------------------------------------------ segments
    def sweep(
        self,
        customers: Table,
        specs: Sequence[FeatureSpec],
        *,
        k_values: Iterable[int] = range(2, 11),
        algorithm: str = "kmeans",
        seed: int = 0,
    ) -> SweepResult:
        with quiet_warnings():
            return sweep_frame(self.read(customers), specs, k_values=k_values, algorithm=algorithm, seed=seed)

    def segment(
        self,
        customers: Table,
        specs: Sequence[FeatureSpec],
        *,
        k: int,
        algorithm: str = "kmeans",
        seed: int = 0,
    ) -> EngineSegments:
        with quiet_warnings():
            result, _ = fit_frame(self.read(customers), specs, k=k, algorithm=algorithm, seed=seed)
        return result

    def fit_model(
        self,
        customers: Table,
        specs: Sequence[FeatureSpec],
        *,
        k: int,
        algorithm: str = "kmeans",
        seed: int = 0,
    ) -> EngineSegments:
        """Like :meth:`segment` without bringing the labels to the driver (``labels`` is empty)."""
        with quiet_warnings():
            result, _ = fit_frame(
                self.read(customers), specs, k=k, algorithm=algorithm, seed=seed, collect_labels=False
            )
        return result

    def assign_frame(self, model: SegmentationModel, customers: Table) -> Any:
        """``customers`` as a Spark DataFrame with a ``segment`` column from ``model``."""
        with quiet_warnings():
            return assign_frame(self.read(customers), model)

    def assign(self, model: SegmentationModel, customers: Table) -> np.ndarray:
        from pyspark.sql import functions as F

        scored = self.assign_frame(model, customers).withColumn(ROW, F.monotonically_increasing_id())
        with quiet_warnings(), spark_errors("score the customers"):
            rows = scored.orderBy(ROW).select("segment").collect()
        return np.array([int(r[0]) for r in rows], dtype="int64")

    def assign_to(self, model: SegmentationModel, customers: Table, output: str) -> dict[int, int]:
        """Write ``customers`` with ``segment`` and ``segment_name`` to ``output``; segment sizes."""
        from pyspark.sql import functions as F

        scored = self.assign_frame(model, customers)
        names = {**{s: f"Segment {s}" for s in range(model.n_segments)}, **model.segment_names}
        name = F.lit("Not segmented (no data)")
        for segment, text in sorted(names.items()):
            name = F.when(F.col("segment") == segment, F.lit(text)).otherwise(name)
        scored = scored.withColumn("segment_name", name).persist()
        write_table(scored, output)
        with spark_errors("count the segments"):
            return {int(r[0]): int(r[1]) for r in scored.groupBy("segment").count().collect()}

    def segmented(self, model: SegmentationModel, customers: Table) -> SegmentedTable:
        """``customers`` scored with ``model`` and kept by Spark: exact counts, and the rows to describe
        (every customer, or a stratified sample; see :mod:`.spark_sample`). Use it in a ``with`` block."""
        with quiet_warnings():
            return SegmentedTable(self.read(customers), model)

    # ------------------------------------------------------------------ recommendations
    def evaluate_recommendations(
        self,
        transactions: Table,
        *,
        customer_col: str,
        item_col: str,
        time_col: str | None,
        k: int = 10,
        seed: int = 0,
    ) -> EvaluationReport:
        with quiet_warnings():
            return evaluate_frame(
                self.spark,
                self.read(transactions),
                customer_col=customer_col,
                item_col=item_col,
                time_col=time_col,
                k=k,
                seed=seed,
            )

    def recommend_to(
        self,
        transactions: Table,
        output: str,
        *,
        customer_col: str,
        item_col: str,
        n: int = 10,
        seed: int = 0,
        segments: Table | None = None,
        segment_id_col: str | None = None,
        quantity_col: str | None = None,
        catalog: pd.DataFrame | None = None,
        catalog_item_col: str | None = None,
    ) -> int:
        """Write every customer's top-``n`` new items (implicit ALS) to ``output``; the customers listed.

        With ``segments`` (the output of ``segment``; ids in ``segment_id_col``) or ``catalog`` the
        lists are the pandas path's: customers without history get their segment's (or everyone's)
        most-owned items, with ``reason``, ``cold_start``, ``segment`` (with ``segments``) and
        ``item_name`` (with ``catalog``); see :mod:`.spark_rec_lists`.
        """
        from pyspark.sql import functions as F

        with quiet_warnings():
            lines = self.read(transactions)
            lists = top_n_frame(
                self.spark, lines, customer_col=customer_col, item_col=item_col, n=n, seed=seed
            )
            if segments is not None or catalog is not None:
                segmented = None
                if segments is not None:
                    assert segment_id_col is not None
                    segmented = SegmentFile(self.read(segments), segment_id_col, str(segments))
                lists = with_segment_fallback(
                    self.spark,
                    lines,
                    lists,
                    segmented,
                    customer_col=customer_col,
                    item_col=item_col,
                    quantity_col=quantity_col,
                    n=n,
                )
            if catalog is not None:
                lists = with_item_names(
                    self.spark, lines, lists, catalog, item_col=item_col, catalog_item_col=catalog_item_col
                )
            lists = lists.persist()
        write_table(lists, output)
        with spark_errors("count the lists"):
            return int(lists.agg(F.countDistinct(customer_col)).collect()[0][0])

    # ------------------------------------------------------------------ campaigns
    def audience(self, customers: Table, spec: CampaignSpec, *, contacts: ContactColumns) -> SparkAudience:
        """The campaign rules applied on Spark; the list stays in Spark (see :mod:`.spark_audience`)."""
        with quiet_warnings():
            return spark_audience(self.read(customers), spec, contacts=contacts)

    def campaign_list(
        self,
        customers: Table,
        spec: CampaignSpec,
        *,
        contacts: ContactColumns,
        recommendations: pd.DataFrame | None = None,
        recommendation_customer_col: str | None = None,
        actions: Mapping[int, str] | None = None,
    ) -> Audience:
        built = self.audience(customers, spec, contacts=contacts)
        with quiet_warnings():
            return collect_audience(
                built,
                spec,
                contacts=contacts,
                recommendations=recommendations,
                recommendation_customer_col=recommendation_customer_col,
                actions=actions,
            )

    def campaign_list_to(
        self,
        customers: Table,
        output: str,
        spec: CampaignSpec,
        *,
        contacts: ContactColumns,
        actions: Mapping[int, str] | None = None,
    ) -> Audience:
        """Write the list to ``output`` as Parquet from Spark; its Audience (no rows) for the manifest."""
        built = self.audience(customers, spec, contacts=contacts)
        with quiet_warnings():
            frame, audience = list_frame(built, spec, contacts=contacts, actions=actions)
            write_table(frame, output)
        return audience

    def write_bytes(self, path: str, data: bytes) -> None:
        """Write a small file (a manifest) to ``path``: local, or any file system Spark reaches."""
        write_bytes(self.spark, path, data)
