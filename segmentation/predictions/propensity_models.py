"""The five propensity models, each a scikit-learn Pipeline: impute, scale where needed, one-hot, classify.

Numbers are imputed with their median; categories get one column per value (a value not seen
in training gets none). Logistic regression and the SVM see standardised numbers; the trees
see numbers in the user's units, so the decision tree's rules read in those units.

Sizes are chosen so that five models with five-fold cross-validation on 100,000 customers × 30
columns finish within a minute on two cores: the random forest grows each tree on at most
:data:`FOREST_MAX_SAMPLES` customers, and the SVM (whose training time grows with the square of
the rows) is trained on a random :data:`SVM_MAX_ROWS` customers, which the result says.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from segmentation._choices import PROPENSITY_MODELS
from segmentation.errors import ParameterError
from segmentation.predictions.propensity_data import FeaturePlan

__all__ = [
    "FOREST_MAX_SAMPLES",
    "PROPENSITY_MODELS",
    "PROPENSITY_MODEL_LABELS",
    "PROPENSITY_MODEL_MEANINGS",
    "PROPENSITY_TECHNICAL_NAMES",
    "SVM_MAX_ROWS",
    "TREE_DEPTH",
    "check_model_names",
    "make_pipeline",
    "training_rows",
]

#: Depth of the decision tree whose rules are shown in words.
TREE_DEPTH = 3
#: Most customers each random-forest tree is grown on.
FOREST_MAX_SAMPLES = 2_000
#: Most customers the SVM is trained on (a random, stratified subsample beyond that).
SVM_MAX_ROWS = 2_000

PROPENSITY_MODEL_LABELS: dict[str, str] = {
    "logistic": "Logistic regression",
    "tree": "Decision tree (rules)",
    "forest": "Random forest",
    "boosting": "Gradient boosting",
    "svm": "Support vector machine",
}
PROPENSITY_TECHNICAL_NAMES: dict[str, str] = {
    "logistic": "LogisticRegression (L2, C=1) on standardised numbers",
    "tree": f"DecisionTreeClassifier (max_depth={TREE_DEPTH})",
    "forest": "RandomForestClassifier (100 trees, min_samples_leaf=5, "
    f"at most {FOREST_MAX_SAMPLES:,} rows per tree)",
    "boosting": "HistGradientBoostingClassifier (at most 100 rounds, early stopping on 10% held back)",
    "svm": f"SVC (RBF kernel) + sigmoid calibration (CalibratedClassifierCV), at most {SVM_MAX_ROWS:,} rows",
}
PROPENSITY_MODEL_MEANINGS: dict[str, str] = {
    "logistic": "adds up each trait's push towards yes or no; simple and steady",
    "tree": "a few yes/no questions about the customer, readable as rules",
    "forest": "many decision trees voting; catches combinations of traits",
    "boosting": "trees built one after another, each fixing the last one's mistakes; often the most accurate",
    "svm": "draws a curved border between yes and no customers",
}


def check_model_names(models: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """The model names to train, in the order of :data:`PROPENSITY_MODELS` (all by default)."""
    if models is None:
        return PROPENSITY_MODELS
    wanted = [m.strip().lower() for m in models]
    unknown = [m for m in wanted if m not in PROPENSITY_MODELS]
    if unknown or not wanted:
        raise ParameterError(
            f"Unknown propensity model {', '.join(repr(m) for m in unknown) or '(none given)'}; "
            f"choose from {', '.join(PROPENSITY_MODELS)}."
        )
    return tuple(m for m in PROPENSITY_MODELS if m in wanted)


def _classifier(name: str, *, seed: int, n_rows: int) -> BaseEstimator:
    if name == "logistic":
        return LogisticRegression(C=1.0, max_iter=2000)
    if name == "tree":
        return DecisionTreeClassifier(
            max_depth=TREE_DEPTH, min_samples_leaf=max(20, n_rows // 100), random_state=seed
        )
    if name == "forest":
        return RandomForestClassifier(
            n_estimators=100,
            min_samples_leaf=5,
            max_features="sqrt",
            max_samples=min(1.0, FOREST_MAX_SAMPLES / max(n_rows, 1)),
            n_jobs=1,
            random_state=seed,
        )
    if name == "boosting":
        return HistGradientBoostingClassifier(max_iter=100, early_stopping=True, random_state=seed)
    # "svm": Platt scaling fitted on 3 internal folds turns margins into probabilities.
    return CalibratedClassifierCV(
        SVC(kernel="rbf", C=1.0, gamma="scale"), method="sigmoid", cv=3, ensemble=False
    )


def make_pipeline(name: str, plan: FeaturePlan, *, seed: int, n_rows: int) -> Pipeline:
    """An unfitted Pipeline for model ``name`` reading the frame made by ``model_frame(frame, plan)``.

    Parameters
    ----------
    name : str
        One of :data:`PROPENSITY_MODELS`.
    plan : FeaturePlan
        The columns to read.
    seed : int
        ``random_state`` of every random step.
    n_rows : int
        Training rows (sizes the tree's smallest leaf and the forest's per-tree sample).
    """
    scaled = name in ("logistic", "svm")
    number_steps: list[tuple[str, object]] = [("impute", SimpleImputer(strategy="median"))]
    if scaled:
        number_steps.append(("scale", StandardScaler()))
    transformers: list[tuple[str, object, list[str]]] = []
    if plan.number_like:
        transformers.append(("numbers", Pipeline(number_steps), list(plan.number_like)))
    if plan.categorical:
        encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False, dtype=np.float64)
        transformers.append(("categories", encoder, list(plan.categorical)))
    prepare = ColumnTransformer(transformers, remainder="drop", verbose_feature_names_out=False)
    return Pipeline([("prepare", prepare), ("model", _classifier(name, seed=seed, n_rows=n_rows))])


def training_rows(name: str, y: np.ndarray, *, seed: int) -> np.ndarray | None:
    """Row positions the model ``name`` is trained on when it is subsampled, else None (all rows).

    The SVM keeps a stratified random :data:`SVM_MAX_ROWS` (the same share of yes as the data).
    """
    if name != "svm" or len(y) <= SVM_MAX_ROWS:
        return None
    rng = np.random.default_rng(seed)
    chosen: list[np.ndarray] = []
    for outcome in (False, True):
        rows = np.flatnonzero(y == outcome)
        share = round(SVM_MAX_ROWS * len(rows) / len(y))
        chosen.append(rng.choice(rows, size=max(share, 1), replace=False))
    return np.sort(np.concatenate(chosen))
