"""The engine boundary: one protocol for the heavy stages, a registry of engines and how one is chosen.

An engine turns transactions into one row per customer with RFM, sweeps k, fits segments, scores
customers with a saved model and evaluates recommendations. ``"pandas"`` (the default) runs the
package's own functions in memory; ``"spark"`` runs the same definitions on Apache Spark's
DataFrame and MLlib, for order histories that outgrow one machine. The engine is chosen by name
(``--engine`` on the command line), else by the ``SEGMENTATION_ENGINE`` environment variable.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from segmentation.campaigns.audience import Audience, CampaignSpec, ContactColumns
from segmentation.customers.transactions import TransactionColumns
from segmentation.errors import SegmentationError
from segmentation.recommendations.evaluation import EvaluationReport
from segmentation.segments.choosing_k import SweepResult
from segmentation.segments.model_file import SegmentationModel
from segmentation.segments.preparing import FeatureSpec

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "ENGINE_VARIABLE",
    "SPARK_INSTALL_HINT",
    "Engine",
    "EngineError",
    "EngineSegments",
    "Table",
    "chosen_engine_name",
]

ENGINES: tuple[str, ...] = ("pandas", "spark")
DEFAULT_ENGINE = "pandas"
#: Environment variable naming the engine when no ``--engine`` is given.
ENGINE_VARIABLE = "SEGMENTATION_ENGINE"
SPARK_INSTALL_HINT = "pip install -e '.[spark]'  (or: pip install 'pyspark>=3.5'; Spark also needs Java 17+)"

#: A table in memory, or a path the engine reads (Spark: local, hdfs://, s3a://, abfss:// ...).
Table = pd.DataFrame | str


class EngineError(SegmentationError):
    """The chosen engine cannot run: not installed, no Java, or it failed on the input (one line)."""


@dataclass(frozen=True)
class EngineSegments:
    """A fitted segmentation as an engine returns it.

    ``labels`` (n_customers,) are in the rows' order (the Spark engine orders customers by id when
    it reads a path); ``model`` is the JSON-saveable model; ``inertia`` the within-segment sum of
    squares on every segmented customer.
    """

    model: SegmentationModel
    labels: np.ndarray
    inertia: float
    ids: np.ndarray | None = None


class Engine(Protocol):
    """What every engine answers. Tables are pandas frames or paths; results are the package's own."""

    name: str

    def customer_features(
        self, transactions: Table, *, columns: TransactionColumns, as_of: str | None = None
    ) -> pd.DataFrame:
        """One row per customer: id, recency_days, frequency, monetary, ..., RFM scores, sorted by id."""
        ...

    def sweep(
        self,
        customers: Table,
        specs: Sequence[FeatureSpec],
        *,
        k_values: Iterable[int] = range(2, 11),
        algorithm: str = "kmeans",
        seed: int = 0,
    ) -> SweepResult:
        """The k sweep with the same measures and advice as :func:`segmentation.sweep_k`."""
        ...

    def segment(
        self,
        customers: Table,
        specs: Sequence[FeatureSpec],
        *,
        k: int,
        algorithm: str = "kmeans",
        seed: int = 0,
    ) -> EngineSegments:
        """Fit ``k`` segments and label every customer."""
        ...

    def assign(self, model: SegmentationModel, customers: Table) -> np.ndarray:
        """Segment number per row under a saved model (as :func:`segmentation.assign_segments`)."""
        ...

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
        """Popularity and the engine's recommender under the package's hold-out protocol."""
        ...

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
        """The list :func:`segmentation.build_audience` makes: the same rules, rows and control group."""
        ...


def chosen_engine_name(name: str | None = None) -> str:
    """``name``, else ``$SEGMENTATION_ENGINE``, else ``"pandas"``; checked against :data:`ENGINES`."""
    chosen = (name or os.environ.get(ENGINE_VARIABLE, "") or DEFAULT_ENGINE).strip().lower()
    if chosen not in ENGINES:
        source = "--engine" if name else ENGINE_VARIABLE
        raise EngineError(f"{source} {chosen!r} is not an engine; choose one of {', '.join(ENGINES)}.")
    return chosen
