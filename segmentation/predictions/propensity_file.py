"""Saved propensity models as readable JSON: no pickle is written or ever read.

Two honest kinds of file:

* **Logistic regression and decision tree: the whole model.** The preprocessing (each number's
  median, mean and scale; each category's values) and the coefficients, or the tree's nodes, are
  written out; :func:`score_saved_model` scores any table with NumPy alone, exactly as the fitted
  model did.
* **Random forest, gradient boosting, SVM: the recipe.** Hundreds of trees or thousands of support
  vectors are not a readable file, so the file holds the model's settings, the seed, the feature
  plan and the SHA-256 fingerprint of the training table. Scoring refits the model on that same
  training table (the fit is deterministic given the seed) and refuses any other table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from segmentation.errors import ModelFileError
from segmentation.predictions.propensity import PropensityResult, fit_model, training_fingerprint
from segmentation.predictions.propensity_data import FeaturePlan, model_frame, read_target
from segmentation.predictions.propensity_models import PROPENSITY_TECHNICAL_NAMES

__all__ = [
    "FORMAT",
    "SavedPropensityModel",
    "load_propensity_model",
    "propensity_model_dict",
    "score_saved_model",
]

FORMAT = "segmentation-propensity-model"
_VERSION = 1
_WRITTEN_OUT = ("logistic", "tree")


@dataclass(frozen=True)
class SavedPropensityModel:
    """A propensity model read back from JSON (``payload`` is the parsed file)."""

    model: str
    target: str
    plan: FeaturePlan
    seed: int
    training_hash: str
    payload: dict[str, Any]

    @property
    def needs_training_data(self) -> bool:
        """True for forests, boosting and SVMs: scoring refits them on the original training table."""
        return self.model not in _WRITTEN_OUT


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


def _preprocessing(pipeline: Any, plan: FeaturePlan) -> dict[str, Any]:
    prepare = pipeline.named_steps["prepare"]
    numbers: list[dict[str, Any]] = []
    if plan.number_like:
        steps = prepare.named_transformers_["numbers"].named_steps
        medians = steps["impute"].statistics_
        scaler = steps.get("scale")
        for index, column in enumerate(plan.number_like):
            entry: dict[str, Any] = {"column": column, "median": float(medians[index])}
            if scaler is not None:
                entry |= {"mean": float(scaler.mean_[index]), "scale": float(scaler.scale_[index])}
            numbers.append(entry)
    categories: list[dict[str, Any]] = []
    if plan.categorical:
        encoder = prepare.named_transformers_["categories"]
        for column, values in zip(plan.categorical, encoder.categories_, strict=True):
            categories.append({"column": column, "values": [str(v) for v in values]})
    return {"numbers": numbers, "categories": categories}


def propensity_model_dict(result: PropensityResult) -> dict[str, Any]:
    """The chosen model of ``result`` as a JSON-ready dict (see the module docstring for what is stored)."""
    pipeline = result.fitted
    estimator = pipeline.named_steps["model"]
    payload: dict[str, Any] = {
        "format": FORMAT,
        "version": _VERSION,
        "target": result.target,
        "model": result.best_model,
        "technical_name": PROPENSITY_TECHNICAL_NAMES[result.best_model],
        "seed": result.seed,
        "training_hash": result.training_hash,
        "plan": {
            "numeric": list(result.plan.numeric),
            "dates": list(result.plan.dates),
            "categorical": list(result.plan.categorical),
        },
        "cross_validated_auc": round(result.best.auc, 4),
        "preprocessing": _preprocessing(pipeline, result.plan),
    }
    if result.best_model == "logistic":
        payload["logistic"] = {
            "intercept": float(estimator.intercept_[0]),
            "coefficients": [float(c) for c in estimator.coef_[0]],
        }
    elif result.best_model == "tree":
        tree = estimator.tree_
        values = tree.value[:, 0, :]
        shares = values[:, 1] / values.sum(axis=1)
        payload["tree"] = {
            "children_left": tree.children_left.tolist(),
            "children_right": tree.children_right.tolist(),
            "feature": tree.feature.tolist(),
            "threshold": tree.threshold.tolist(),
            "yes_share": shares.tolist(),
        }
    else:
        payload["refit"] = {
            "parameters": _plain(estimator.get_params(deep=False)),
            "how": "refit on the training table whose fingerprint is training_hash, with seed",
        }
    return payload


def load_propensity_model(path: str | Path) -> SavedPropensityModel:
    """Read a model written from :func:`propensity_model_dict` (JSON only; nothing is unpickled)."""
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{path} is not a readable propensity model file: {exc}.") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not a propensity model file (no format {FORMAT!r}).")
    try:
        plan = FeaturePlan(
            numeric=tuple(payload["plan"]["numeric"]),
            dates=tuple(payload["plan"]["dates"]),
            categorical=tuple(payload["plan"]["categorical"]),
            excluded=(),
        )
        return SavedPropensityModel(
            model=str(payload["model"]),
            target=str(payload["target"]),
            plan=plan,
            seed=int(payload["seed"]),
            training_hash=str(payload["training_hash"]),
            payload=payload,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{path} is missing part of a propensity model ({exc}).") from exc


def _design(saved: SavedPropensityModel, frame: pd.DataFrame, *, scaled: bool) -> np.ndarray:
    missing = [c for c in saved.plan.features if c not in frame.columns]
    if missing:
        raise ModelFileError(f"The table lacks the model's column(s) {', '.join(repr(c) for c in missing)}.")
    values = model_frame(frame, saved.plan)
    blocks: list[np.ndarray] = []
    for entry in saved.payload["preprocessing"]["numbers"]:
        x = values[entry["column"]].to_numpy(dtype=float)
        x = np.where(np.isnan(x), entry["median"], x)
        blocks.append((x - entry["mean"]) / entry["scale"] if scaled else x)
    for entry in saved.payload["preprocessing"]["categories"]:
        text = values[entry["column"]].astype(str).to_numpy()
        blocks.extend((text == value).astype(float) for value in entry["values"])
    return np.column_stack(blocks) if blocks else np.empty((len(frame), 0))


def _tree_scores(tree: dict[str, list[Any]], design: np.ndarray) -> np.ndarray:
    left, right = np.asarray(tree["children_left"]), np.asarray(tree["children_right"])
    feature, threshold = np.asarray(tree["feature"]), np.asarray(tree["threshold"])
    # scikit-learn compares float32 copies of the inputs with the thresholds.
    design32 = design.astype(np.float32)
    node = np.zeros(len(design), dtype=np.int64)
    rows = np.arange(len(design))
    while True:
        inner = left[node] != -1
        if not inner.any():
            break
        at = node[inner]
        goes_left = design32[rows[inner], feature[at]] <= threshold[at]
        node[inner] = np.where(goes_left, left[at], right[at])
    return np.asarray(tree["yes_share"], dtype=float)[node]


def score_saved_model(
    saved: SavedPropensityModel, frame: pd.DataFrame, *, training: pd.DataFrame | None = None
) -> np.ndarray:
    """Propensity (0-1) of each row of ``frame`` from a saved model; of shape (n_rows,).

    ``training`` (the table the model was trained on, with its target column) is needed only
    for forests, boosting and SVMs, which are refitted; a table with another fingerprint is refused.
    """
    if saved.model == "logistic":
        design = _design(saved, frame, scaled=True)
        weights = saved.payload["logistic"]
        z = weights["intercept"] + design @ np.asarray(weights["coefficients"], dtype=float)
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)
    if saved.model == "tree":
        return _tree_scores(saved.payload["tree"], _design(saved, frame, scaled=False))
    if training is None:
        raise ModelFileError(
            f"A saved {saved.model} model is a recipe, not the fitted model: give the training table "
            "to refit it."
        )
    if saved.target not in training.columns:
        raise ModelFileError(f"The training table has no target column {saved.target!r}.")
    outcome = read_target(training[saved.target], name=saved.target)
    known = outcome.notna().to_numpy()
    X = model_frame(training.loc[known], saved.plan)
    y = outcome[known].to_numpy(dtype=bool)
    if training_fingerprint(X, y) != saved.training_hash:
        raise ModelFileError(
            "This is not the table the model was trained on (its fingerprint differs); refitting on other "
            "data would give another model."
        )
    fitted = fit_model(saved.model, saved.plan, X, y, seed=saved.seed)
    return np.asarray(fitted.predict_proba(model_frame(frame, saved.plan))[:, 1], dtype=np.float64)
