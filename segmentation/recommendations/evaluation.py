"""Offline evaluation of recommendation models under one fixed, time-based protocol.

Protocol (the same in the app, on the command line and in ``benchmarks/bench_recs.py``):
for every customer, the latest 20% of their interactions by time (at least one; ties broken by
the input's row order) are held out; models train on the rest; items in a customer's training
part are never recommended to them; precision@k, recall@k and NDCG@k are averaged over the
customers with at least one held-out item, and catalog coverage is the share of all items
that appear in at least one top-k list. Customers whose whole history was held out (a single
interaction) get every model's popularity fallback. Items a customer bought and returned
(never in the train or test part) are not recommended to them, as in production. Popularity is
always evaluated beside the other models.

Recall@k divides the hits by the number of held-out items; NDCG@k uses binary relevance
with the ideal ordering of min(k, held-out) hits.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from segmentation.errors import ParameterError
from segmentation.recommendations.interactions import Interactions, build_interactions
from segmentation.recommendations.models import DEFAULT_MODEL, MODELS, Recommender, make_model

__all__ = [
    "HOLDOUT_SHARE",
    "PROTOCOL",
    "EvaluationReport",
    "ModelScore",
    "evaluate_interactions",
    "evaluate_models",
    "score_recommendations",
    "split_latest",
]

HOLDOUT_SHARE = 0.2
PROTOCOL = (
    "For every customer the latest 20% of their interactions by time (at least one, ties broken by row "
    "order) are held out; each model learns from the rest and recommends {k} items the customer does not "
    "already have; precision@{k}, recall@{k} and NDCG@{k} are averaged over customers with a held-out item, "
    "and coverage is the share of the catalog recommended to anyone."
)


@dataclass(frozen=True)
class ModelScore:
    """One model's offline scores under :data:`PROTOCOL`."""

    model: str
    precision_at_k: float
    recall_at_k: float
    ndcg_at_k: float
    coverage: float
    seconds: float

    @property
    def bought_per_10(self) -> float:
        """Out of 10 suggestions, how many the customer later bought on average (precision@k × 10)."""
        return self.precision_at_k * 10


@dataclass(frozen=True)
class EvaluationReport:
    """Every evaluated model's scores, best first by NDCG@k, and the default model's name."""

    protocol: str
    k: int
    default_model: str
    results: tuple[ModelScore, ...]
    n_customers_evaluated: int
    n_train_interactions: int
    n_test_interactions: int

    def result(self, model: str) -> ModelScore:
        """The scores of ``model``."""
        for score in self.results:
            if score.model == model:
                return score
        raise KeyError(model)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``protocol``, ``default_model``, ``results`` (list of dicts) and counts."""
        return {
            "protocol": self.protocol,
            "k": self.k,
            "default_model": self.default_model,
            "results": [
                {
                    "model": s.model,
                    "precision_at_k": round(s.precision_at_k, 6),
                    "recall_at_k": round(s.recall_at_k, 6),
                    "ndcg_at_k": round(s.ndcg_at_k, 6),
                    "coverage": round(s.coverage, 6),
                    "seconds": round(s.seconds, 3),
                }
                for s in self.results
            ],
            "n_customers_evaluated": self.n_customers_evaluated,
            "n_train_interactions": self.n_train_interactions,
            "n_test_interactions": self.n_test_interactions,
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per model with the metric columns of :meth:`to_dict` and ``bought_per_10``.

        ``bought_per_10`` (precision@k × 10) says the quality in a marketer's words: out of 10
        suggestions, how many the customer later bought.
        """
        frame = pd.DataFrame(self.to_dict()["results"])
        return frame.assign(bought_per_10=[s.bought_per_10 for s in self.results])


def split_latest(
    interactions: Interactions, *, holdout_share: float = HOLDOUT_SHARE
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Split each customer's interactions into (train, test) by time.

    The test part holds ``ceil(holdout_share × n)`` (at least one) of each customer's latest
    interactions. Both matrices have the shape of ``interactions.matrix`` and together hold
    all its entries.
    """
    if not 0.0 < holdout_share < 1.0:
        raise ParameterError(f"holdout share {holdout_share} must be between 0 and 1.")
    matrix = interactions.matrix
    counts = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), counts)
    # Sort entries by customer, then newest first: the first n_test of each customer are held out.
    newest_first = np.lexsort((-interactions.order, rows))
    n_test = np.maximum(1, np.ceil(counts * holdout_share - 1e-9)).astype(np.int64)
    n_test = np.where(counts > 0, np.minimum(n_test, counts), 0)
    position_in_customer = np.arange(rows.size) - np.repeat(matrix.indptr[:-1], counts)
    is_test = np.zeros(rows.size, dtype=bool)
    is_test[newest_first] = position_in_customer < np.repeat(n_test, counts)
    train = _keep_entries(matrix, rows, ~is_test)
    test = _keep_entries(matrix, rows, is_test)
    return train, test


def _keep_entries(matrix: sp.csr_matrix, rows: np.ndarray, mask: np.ndarray) -> sp.csr_matrix:
    return sp.csr_matrix((matrix.data[mask], (rows[mask], matrix.indices[mask])), shape=matrix.shape)


def score_recommendations(
    recommended: np.ndarray, test: sp.csr_matrix, *, k: int
) -> tuple[float, float, float]:
    """Mean precision@k, recall@k and NDCG@k of ``recommended`` (shape (n_customers, ≥k), -1 = none).

    Rows of ``recommended`` align with the rows of ``test``; customers without test items are skipped.
    """
    test = sp.csr_matrix(test)
    n_relevant = np.diff(test.indptr)
    evaluated = np.flatnonzero(n_relevant > 0)
    if evaluated.size == 0:
        return 0.0, 0.0, 0.0
    top = recommended[evaluated, :k]
    relevant = test[evaluated]
    hits = np.zeros(top.shape, dtype=bool)
    for position in range(top.shape[1]):
        column = top[:, position]
        valid = column >= 0
        looked_up = np.zeros(column.size, dtype=bool)
        looked_up[valid] = np.ravel(np.asarray(relevant[np.flatnonzero(valid), column[valid]] != 0))
        hits[:, position] = looked_up
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (hits * discounts[: top.shape[1]]).sum(axis=1)
    ideal_counts = np.minimum(n_relevant[evaluated], k)
    ideal = np.cumsum(discounts)[ideal_counts - 1]
    n_hits = hits.sum(axis=1)
    precision = float(np.mean(n_hits / k))
    recall = float(np.mean(n_hits / n_relevant[evaluated]))
    ndcg = float(np.mean(dcg / ideal))
    return precision, recall, ndcg


def evaluate_interactions(
    interactions: Interactions,
    *,
    k: int = 10,
    models: Sequence[str | Recommender] | None = None,
    default_model: str = DEFAULT_MODEL,
    holdout_share: float = HOLDOUT_SHARE,
) -> EvaluationReport:
    """Evaluate models on ``interactions`` (raw counts) under :data:`PROTOCOL`.

    ``models`` are names from :data:`MODELS` or unfitted model objects; popularity and the
    default model are always added. ``seconds`` is fit plus scoring of every evaluated customer.
    """
    if k < 1:
        raise ParameterError(f"k={k} must be at least 1.")
    chosen: list[str | Recommender] = list(models) if models is not None else list(MODELS)
    names = [m if isinstance(m, str) else m.name for m in chosen]
    for required in ("popularity", default_model):
        if required not in names:
            chosen.insert(0 if required == "popularity" else 1, required)
            names.insert(0 if required == "popularity" else 1, required)
    train, test = split_latest(interactions, holdout_share=holdout_share)
    evaluated = np.flatnonzero(np.diff(test.indptr) > 0)
    returned = interactions.returned_only if interactions.owned is not None else None
    results = []
    for entry in chosen:
        model = make_model(entry) if isinstance(entry, str) else entry
        started = time.perf_counter()
        model.fit(train)
        recommended, _ = model.recommend(evaluated, train, k, exclude=returned)
        seconds = time.perf_counter() - started
        precision, recall, ndcg = score_recommendations(recommended, test[evaluated], k=k)
        shown = np.unique(recommended[recommended >= 0])
        coverage = shown.size / max(interactions.n_items, 1)
        results.append(ModelScore(model.name, precision, recall, ndcg, float(coverage), seconds))
    results.sort(key=lambda s: -s.ndcg_at_k)
    return EvaluationReport(
        protocol=PROTOCOL.format(k=k),
        k=k,
        default_model=default_model,
        results=tuple(results),
        n_customers_evaluated=int(evaluated.size),
        n_train_interactions=int(train.nnz),
        n_test_interactions=int(test.nnz),
    )


def evaluate_models(
    frame: pd.DataFrame,
    *,
    customer_col: str,
    item_col: str,
    time_col: str | None,
    k: int = 10,
    models: Sequence[str] | None = None,
    value_col: str | None = None,
) -> EvaluationReport:
    """Build interactions from a transaction or ratings table and evaluate ``models`` on them.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        Transactions or ratings; every row is one interaction (repeats of a pair are merged).
    customer_col, item_col, time_col : str
        Column names; ``time_col`` holds dates or epoch seconds (None = row order is time).
    k : int
        List length for precision, recall and NDCG.
    models : sequence of str, optional
        Names from :data:`MODELS` (default all); popularity and the default are always added.
    """
    interactions = build_interactions(
        frame,
        customer_col=customer_col,
        item_col=item_col,
        time_col=time_col,
        value_col=value_col,
        weighting="count",
    )
    return evaluate_interactions(interactions, k=k, models=models)
