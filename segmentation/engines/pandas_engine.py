"""The default engine: the package's own pandas / scikit-learn functions, in memory."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from segmentation.campaigns.audience import Audience, CampaignSpec, ContactColumns, build_audience
from segmentation.customers.features import build_customer_features
from segmentation.customers.transactions import TransactionColumns
from segmentation.engines.base import EngineSegments, Table
from segmentation.errors import ParameterError
from segmentation.io.loading import load_table
from segmentation.profiling.table_profile import coerce_table
from segmentation.profiling.table_roles import infer_roles
from segmentation.recommendations.evaluation import EvaluationReport, evaluate_models
from segmentation.segments.choosing_k import SweepResult, sweep_k
from segmentation.segments.clustering import fit_segments
from segmentation.segments.model_file import SegmentationModel
from segmentation.segments.preparing import FeatureSpec
from segmentation.segments.scoring import assign_segments

__all__ = ["PandasEngine", "read_frame"]


def read_frame(table: Table, *, typed: bool = True) -> pd.DataFrame:
    """``table`` itself, or the file at that path read with the package's loader (typed by role)."""
    if isinstance(table, pd.DataFrame):
        return table
    loaded = load_table(table)
    if not typed:
        return loaded.frame
    return coerce_table(loaded.frame, infer_roles(loaded.frame), decimal=loaded.detection.decimal)


class PandasEngine:
    """Runs every stage with the package's in-memory functions (the reference answers)."""

    name = "pandas"

    def customer_features(
        self,
        transactions: Table,
        *,
        columns: TransactionColumns,
        as_of: str | None = None,
        customers: Table | None = None,
        customer_id_col: str | None = None,
    ) -> pd.DataFrame:
        return build_customer_features(
            read_frame(transactions, typed=False),
            columns=columns,
            as_of=as_of,
            customers=None if customers is None else read_frame(customers, typed=False),
            customer_id_col=customer_id_col,
        ).frame

    def sweep(
        self,
        customers: Table,
        specs: Sequence[FeatureSpec],
        *,
        k_values: Iterable[int] = range(2, 11),
        algorithm: str = "kmeans",
        seed: int = 0,
    ) -> SweepResult:
        return sweep_k(read_frame(customers), specs, k_values=k_values, algorithm=algorithm, seed=seed)

    def segment(
        self,
        customers: Table,
        specs: Sequence[FeatureSpec],
        *,
        k: int,
        algorithm: str = "kmeans",
        seed: int = 0,
    ) -> EngineSegments:
        result = fit_segments(read_frame(customers), specs, k=k, algorithm=algorithm, seed=seed)
        return EngineSegments(model=result.model, labels=result.labels, inertia=result.inertia)

    def assign(self, model: SegmentationModel, customers: Table) -> np.ndarray:
        return assign_segments(model, read_frame(customers))

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
        if k < 1:
            raise ParameterError(f"k={k} must be at least 1.")
        frame = read_frame(transactions, typed=False)
        return evaluate_models(frame, customer_col=customer_col, item_col=item_col, time_col=time_col, k=k)

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
        # The list reads the file as written (text), as 'segmentation export' does.
        return build_audience(
            read_frame(customers, typed=False),
            spec,
            contacts=contacts,
            recommendations=recommendations,
            recommendation_customer_col=recommendation_customer_col,
            actions=actions,
        )
