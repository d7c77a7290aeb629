"""Recommendations: what to put in each segment's campaign and what to show each customer.

* :mod:`~segmentation.recommendations.interactions` — a transaction or ratings table as a
  sparse customer × item matrix, with binary / count / log / BM25 / TF-IDF weighting.
* :mod:`~segmentation.recommendations.models` — popularity, item-kNN, user-kNN, RP3beta and
  EASE behind one ``fit(X)`` / ``recommend(user_ids, X, N)`` contract.
* :mod:`~segmentation.recommendations.evaluation` — the fixed time-based offline protocol.
* :mod:`~segmentation.recommendations.segments` — top-N lists with reasons, cold-start
  fallback to segment popularity, a segment's top items with lift and owned share, and the
  items worth featuring (lift above 1, not owned by most of the segment).
"""

from __future__ import annotations

from segmentation.recommendations.evaluation import (
    HOLDOUT_SHARE,
    PROTOCOL,
    EvaluationReport,
    ModelScore,
    evaluate_interactions,
    evaluate_models,
    score_recommendations,
    split_latest,
)
from segmentation.recommendations.interactions import (
    WEIGHTINGS,
    Interactions,
    apply_weighting,
    binary_weight,
    bm25_weight,
    build_interactions,
    log_weight,
    parse_times,
    tfidf_weight,
)
from segmentation.recommendations.models import (
    DEFAULT_MODEL,
    EASE,
    MODEL_LABELS,
    MODEL_MEANINGS,
    MODELS,
    ItemKNN,
    Popularity,
    Recommender,
    RP3Beta,
    UserKNN,
    make_model,
)
from segmentation.recommendations.segments import (
    FEATURE_MAX_OWNED_SHARE,
    FEATURE_MIN_LIFT,
    FittedRecommender,
    featured_items,
    fit_recommender,
    item_names,
    recommend_top_n,
    segment_top_items,
)
from segmentation.recommendations.synthetic import make_synthetic_interactions

__all__ = [
    "DEFAULT_MODEL",
    "EASE",
    "FEATURE_MAX_OWNED_SHARE",
    "FEATURE_MIN_LIFT",
    "HOLDOUT_SHARE",
    "MODELS",
    "MODEL_LABELS",
    "MODEL_MEANINGS",
    "PROTOCOL",
    "WEIGHTINGS",
    "EvaluationReport",
    "FittedRecommender",
    "Interactions",
    "ItemKNN",
    "ModelScore",
    "Popularity",
    "RP3Beta",
    "Recommender",
    "UserKNN",
    "apply_weighting",
    "binary_weight",
    "bm25_weight",
    "build_interactions",
    "evaluate_interactions",
    "evaluate_models",
    "featured_items",
    "fit_recommender",
    "item_names",
    "log_weight",
    "make_model",
    "make_synthetic_interactions",
    "parse_times",
    "recommend_top_n",
    "score_recommendations",
    "segment_top_items",
    "split_latest",
    "tfidf_weight",
]
