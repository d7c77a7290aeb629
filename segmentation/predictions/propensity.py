"""Propensity: the chance each customer says yes (responds, converts, churns), learned from a yes/no column.

:func:`fit_propensity` trains up to five models (logistic regression, a shallow decision tree,
random forest, histogram gradient boosting, an SVM) with seeded stratified K-fold
cross-validation, picks the one with the highest mean ROC AUC (ties go to the simpler model),
refits it on every customer with a known outcome and scores every customer. The default model is
therefore "the best of the five by cross-validation", not a fixed algorithm.

Gains by decile and calibration come from the chosen model's out-of-fold scores; feature
importance is the drop in ROC AUC when a column is shuffled (permutation importance, on a seeded
sample of at most :data:`IMPORTANCE_ROWS` customers); the decision tree's rules are shown in words
whenever the tree is among the models. The same data, options and seed give the same scores.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from segmentation.errors import ColumnError, ParameterError
from segmentation.predictions.propensity_data import (
    ExcludedFeature,
    FeaturePlan,
    model_frame,
    plan_features,
    read_target,
)
from segmentation.predictions.propensity_models import (
    PROPENSITY_MODEL_LABELS,
    SVM_MAX_ROWS,
    check_model_names,
    make_pipeline,
    training_rows,
)
from segmentation.predictions.propensity_report import (
    CalibrationBin,
    DecileGain,
    FeatureImportance,
    TreeRule,
    calibration_bins,
    decile_gains,
    score_deciles,
    tree_rules,
)
from segmentation.profiling.roles import Role
from segmentation.segments.threads import single_threaded

__all__ = [
    "DEFAULT_FOLDS",
    "FEWER_FOLDS",
    "IMPORTANCE_ROWS",
    "MANY_CUSTOMERS",
    "ModelScore",
    "PropensityResult",
    "auc_words",
    "fit_model",
    "fit_propensity",
    "training_fingerprint",
]

#: Cross-validation folds by default; above :data:`MANY_CUSTOMERS` customers, :data:`FEWER_FOLDS`.
DEFAULT_FOLDS = 5
FEWER_FOLDS = 3
#: From this many customers on, 3 folds (each still tests on 16,000 or more) keep five models under a minute.
MANY_CUSTOMERS = 50_000
IMPORTANCE_ROWS = 2_000


@dataclass(frozen=True)
class ModelScore:
    """Cross-validated ROC AUC of one model: mean and spread (standard deviation) over the folds."""

    name: str
    label: str
    auc: float
    auc_std: float
    fold_aucs: tuple[float, ...]
    seconds: float
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "auc": round(self.auc, 4),
            "auc_std": round(self.auc_std, 4),
            "seconds": round(self.seconds, 2),
            "note": self.note,
        }


def auc_words(auc: float) -> str:
    """What a ROC AUC means for ranking customers, in words (read at two decimals, as it is shown)."""
    auc = round(auc, 2)
    if auc >= 0.9:
        return "excellent at ranking who says yes"
    if auc >= 0.8:
        return "good at ranking who says yes"
    if auc >= 0.7:
        return "fair at ranking who says yes"
    if auc >= 0.6:
        return "weak at ranking who says yes"
    return "hardly better than picking customers at random"


@dataclass(frozen=True)
class PropensityResult:
    """A propensity model chosen by cross-validation, its checks, and every customer's score.

    ``scores`` has one row per input row (same order): the id (when known), ``propensity``
    (0-1, the chosen model refitted on every customer with a known outcome) and ``decile``
    (1 = the highest tenth). ``deciles`` and ``calibration`` use out-of-fold scores.
    """

    target: str
    id_col: str | None
    plan: FeaturePlan
    models: tuple[ModelScore, ...]
    best_model: str
    scores: pd.DataFrame
    deciles: tuple[DecileGain, ...]
    calibration: tuple[CalibrationBin, ...]
    importance: tuple[FeatureImportance, ...]
    tree_rules: tuple[TreeRule, ...]
    n_customers: int
    n_yes: int
    seed: int
    folds: int
    training_hash: str
    notes: tuple[str, ...] = ()
    fitted: Any = field(default=None, compare=False, repr=False)

    @property
    def excluded_features(self) -> tuple[ExcludedFeature, ...]:
        return self.plan.excluded

    @property
    def best(self) -> ModelScore:
        return next(m for m in self.models if m.name == self.best_model)

    @property
    def headline(self) -> str:
        """One sentence: the chosen model, its AUC with spread, and what that means."""
        best = self.best
        return f"Best: {best.label}, AUC {best.auc:.2f} ± {best.auc_std:.2f}: {auc_words(best.auc)}."

    @property
    def gains_sentence(self) -> str:
        """'The top 10% of customers by score hold 38% of those with Response = yes.'"""
        top = self.deciles[0]
        top3 = self.deciles[2]
        return (
            f"The top 10% of customers by score hold {top.cumulative_share:.0%} of those with "
            f"{self.target} = yes (the top 30% hold {top3.cumulative_share:.0%}); picking at random, "
            "10% would hold 10%."
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON summary: ``target``, ``best_model``, ``models``, ``deciles``, ``excluded_features`` ..."""
        return {
            "target": self.target,
            "best_model": self.best_model,
            "models": [m.to_dict() for m in self.models],
            "deciles": [d.to_dict() for d in self.deciles],
            "excluded_features": [e.to_dict() for e in self.plan.excluded],
            "features": list(self.plan.features),
            "customers": self.n_customers,
            "yes": self.n_yes,
            "seed": self.seed,
            "folds": self.folds,
            "calibration": [
                {
                    "predicted": round(b.predicted, 4),
                    "observed": round(b.observed, 4),
                    "customers": b.customers,
                }
                for b in self.calibration
            ],
            "importance": [{"column": i.column, "auc_drop": round(i.importance, 4)} for i in self.importance],
            "tree_rules": [r.text for r in self.tree_rules],
            "notes": list(self.notes),
        }


def training_fingerprint(features: pd.DataFrame, y: np.ndarray) -> str:
    """SHA-256 of the training table (model frame and outcome): names the data a saved model learned from."""
    digest = hashlib.sha256()
    digest.update(",".join(map(str, features.columns)).encode("utf-8"))
    digest.update(pd.util.hash_pandas_object(features, index=False).to_numpy().tobytes())
    digest.update(np.asarray(y, dtype=np.uint8).tobytes())
    return digest.hexdigest()


def fit_model(name: str, plan: FeaturePlan, X: pd.DataFrame, y: np.ndarray, *, seed: int) -> Any:
    """Fit model ``name`` on the model frame ``X`` (from ``model_frame``) and outcome ``y``; return it.

    Assumes validated input. The SVM is fitted on its stratified subsample (see ``training_rows``).
    """
    rows = training_rows(name, y, seed=seed)
    if rows is not None:
        X, y = X.iloc[rows], y[rows]
    pipeline = make_pipeline(name, plan, seed=seed, n_rows=len(y))
    # One thread: on a busy machine OpenMP threads waiting for each other made boosting 10x slower.
    with single_threaded(), warnings.catch_warnings():
        # A category seen in a validation fold but not in training is encoded as "none of the known ones".
        warnings.filterwarnings("ignore", message="Found unknown categories", category=UserWarning)
        return pipeline.fit(X, y)


def _predict(pipeline: Any, X: pd.DataFrame) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Found unknown categories", category=UserWarning)
        return np.asarray(pipeline.predict_proba(X)[:, 1], dtype=np.float64)


def _importance(pipeline: Any, X: pd.DataFrame, y: np.ndarray, *, seed: int) -> tuple[FeatureImportance, ...]:
    rng = np.random.default_rng(seed)
    rows = (
        np.sort(rng.choice(len(y), size=IMPORTANCE_ROWS, replace=False)) if len(y) > IMPORTANCE_ROWS else None
    )
    sample_X, sample_y = (X, y) if rows is None else (X.iloc[rows], y[rows])
    if np.unique(sample_y).size < 2:
        return ()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Found unknown categories", category=UserWarning)
        found = permutation_importance(
            pipeline, sample_X, sample_y, scoring="roc_auc", n_repeats=3, random_state=seed
        )
    ranked = sorted(
        (FeatureImportance(str(c), float(v)) for c, v in zip(X.columns, found.importances_mean, strict=True)),
        key=lambda f: -f.importance,
    )
    return tuple(ranked)


def fit_propensity(
    frame: pd.DataFrame,
    *,
    target: str,
    id_col: str | None = None,
    roles: Mapping[str, Role | str] | None = None,
    features: Sequence[str] | None = None,
    models: Sequence[str] | None = None,
    seed: int = 0,
    folds: int | None = None,
    keep_leaks: bool = False,
    on_model: Callable[[str], None] | None = None,
) -> PropensityResult:
    """Train models for the yes/no column ``target``, pick the best by cross-validated ROC AUC, score all.

    Parameters
    ----------
    frame : DataFrame of shape (n_customers, n_columns)
        One row per customer, typed (numbers as numbers, dates as dates).
    target : str
        The yes/no outcome column (yes/no, 1/0, true/false ...). Customers without a readable
        outcome are scored but not trained on.
    id_col : str, optional
        The customer id column: left out of the features, copied into ``scores``.
    roles : mapping, optional
        Column roles (inferred when not given).
    features : sequence of str, optional
        Only these columns (default: every usable column; see :func:`plan_features`).
    models : sequence of str, optional
        Subset of :data:`segmentation._choices.PROPENSITY_MODELS` (default all five).
    seed : int
        Seed of the folds, the models and the importance sample.
    folds : int, optional
        Number of cross-validation folds (2-10); default 5, or 3 above 50,000 customers.
    keep_leaks : bool
        Keep columns that alone predict the target almost perfectly (left out by default).
    on_model : callable, optional
        Called with each model's plain name before it is trained (for progress display).

    Raises
    ------
    ColumnError
        Unknown target or feature column, a target that is not yes/no, or no usable feature.
    ParameterError
        One outcome only, fewer than 50 customers of the rarer outcome, unknown model, bad folds.
    """
    if target not in frame.columns:
        raise ColumnError(f"The target column {target!r} is not in the table.")
    if id_col is not None and id_col not in frame.columns:
        raise ColumnError(f"The id column {id_col!r} is not in the table.")
    if folds is not None and not 2 <= folds <= 10:
        raise ParameterError(f"folds={folds}: choose between 2 and 10 cross-validation folds.")
    names = check_model_names(list(models) if models is not None else None)
    outcome = read_target(frame[target], name=target)
    known = outcome.notna().to_numpy()
    notes: list[str] = []
    if not known.all():
        notes.append(
            f"{int((~known).sum()):,} customers without a yes/no {target!r} were scored but not trained on."
        )
    training = frame.loc[known]
    y = outcome[known].to_numpy(dtype=bool)
    plan = plan_features(
        training, target=target, y=y, id_col=id_col, roles=roles, features=features, keep_leaks=keep_leaks
    )
    X = model_frame(training, plan)
    if folds is None:
        folds = DEFAULT_FOLDS if len(y) <= MANY_CUSTOMERS else FEWER_FOLDS
        if folds == FEWER_FOLDS:
            notes.append(
                f"{len(y):,} customers: {FEWER_FOLDS}-fold cross-validation "
                f"({DEFAULT_FOLDS} folds up to {MANY_CUSTOMERS:,})."
            )
    splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(X, y))
    scores: list[ModelScore] = []
    out_of_fold: dict[str, np.ndarray] = {}
    for name in names:
        if on_model is not None:
            on_model(PROPENSITY_MODEL_LABELS[name])
        started = time.perf_counter()
        predicted = np.empty(len(y), dtype=np.float64)
        aucs: list[float] = []
        for train, test in splits:
            fitted = fit_model(name, plan, X.iloc[train], y[train], seed=seed)
            predicted[test] = _predict(fitted, X.iloc[test])
            aucs.append(float(roc_auc_score(y[test], predicted[test])))
        out_of_fold[name] = predicted
        note = ""
        if training_rows(name, y, seed=seed) is not None:
            note = (
                f"trained on a random {SVM_MAX_ROWS:,} of {len(y):,} customers (SVM training time grows fast)"
            )
        scores.append(
            ModelScore(
                name,
                PROPENSITY_MODEL_LABELS[name],
                float(np.mean(aucs)),
                float(np.std(aucs)),
                tuple(aucs),
                time.perf_counter() - started,
                note,
            )
        )
    best = max(scores, key=lambda s: s.auc)  # max keeps the first (simplest) of equal AUCs
    final = fit_model(best.name, plan, X, y, seed=seed)
    everyone = model_frame(frame, plan)
    propensity = _predict(final, everyone)
    table = pd.DataFrame(index=frame.index)
    if id_col is not None:
        table[id_col] = frame[id_col].astype("string")
    table["propensity"] = propensity
    table["decile"] = score_deciles(propensity)
    rules: tuple[TreeRule, ...] = ()
    if "tree" in names:
        tree = final if best.name == "tree" else fit_model("tree", plan, X, y, seed=seed)
        prepare = tree.named_steps["prepare"]
        rules = tree_rules(
            tree.named_steps["model"],
            prepare.transform(X),
            [str(n) for n in prepare.get_feature_names_out()],
            y,
            target=target,
            categorical=plan.categorical,
            dates=plan.dates,
        )
    return PropensityResult(
        target=target,
        id_col=id_col,
        plan=plan,
        models=tuple(scores),
        best_model=best.name,
        scores=table.reset_index(drop=True),
        deciles=decile_gains(y, out_of_fold[best.name]),
        calibration=calibration_bins(y, out_of_fold[best.name]),
        importance=_importance(final, X, y, seed=seed),
        tree_rules=rules,
        n_customers=len(y),
        n_yes=int(y.sum()),
        seed=seed,
        folds=folds,
        training_hash=training_fingerprint(X, y),
        notes=tuple(notes) + tuple(s.note.capitalize() + "." for s in scores if s.note and s.name == "svm"),
        fitted=final,
    )
