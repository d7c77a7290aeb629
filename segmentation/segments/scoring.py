"""Applying a fitted segmentation to customers: build the model from a fit, then score rows.

Every fit goes through here (so the segments a marketer sees are the ones a saved model gives
back), and so do ``segmentation assign`` and the app's "score a new file". Scoring a row only uses
that row's values, so identical rows always get identical segments, and the order of the columns
in the new file does not matter.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from segmentation.errors import ColumnError, DataQualityWarning
from segmentation.parsing import parse_numbers
from segmentation.segments.labels import NOT_SEGMENTED, UNASSIGNED
from segmentation.segments.model_file import FittedFeature, SegmentationModel
from segmentation.segments.preparing import (
    SCALER_CONSTANTS,
    FeatureFill,
    FeatureSpec,
    PreparedFeatures,
    feature_frame,
    no_data_rows,
)

__all__ = [
    "assign_segments",
    "build_model",
    "fills_for_rows",
    "incomplete_rows",
    "nearest_centre",
    "numbers_for_model",
    "rows_without_data",
    "transform_rows",
]


# ---------------------------------------------------------------------------------------------
# From a fitted scikit-learn preprocessor to plain constants
# ---------------------------------------------------------------------------------------------
def _fitted_feature(spec: FeatureSpec, pipeline: Any) -> FittedFeature:
    steps = pipeline.named_steps
    fill = steps["impute"].statistics_[0]
    if spec.kind == "categorical":
        encoder = steps["encode"]
        infrequent = encoder.infrequent_categories_[0]
        rare = set() if infrequent is None else {str(v) for v in infrequent}
        levels = tuple(str(v) for v in encoder.categories_[0] if str(v) not in rare)
        return FittedFeature(spec=spec, fill_value=str(fill), levels=levels, other_level=bool(rare))
    power = steps["transform"].lambdas_[0] if spec.transform == "yeo-johnson" else None
    scaler = steps["scale"]
    fitted = {
        "standard": lambda: (scaler.mean_[0], scaler.scale_[0]),
        "robust": lambda: (scaler.center_[0], scaler.scale_[0]),
        "minmax": lambda: (scaler.scale_[0], scaler.min_[0]),
    }[spec.scaling]()
    constants = dict(zip(SCALER_CONSTANTS[spec.scaling], fitted, strict=True))
    return FittedFeature(
        spec=spec,
        fill_value=float(fill),
        power_lambda=None if power is None else float(power),
        scaler={k: float(v) for k, v in constants.items()},
    )


def build_model(
    prepared: PreparedFeatures,
    *,
    algorithm: str,
    centres: np.ndarray,
    seed: int,
    covariances: np.ndarray | None = None,
    mixture_weights: np.ndarray | None = None,
    radii: np.ndarray | None = None,
) -> SegmentationModel:
    """Turn a fitted preprocessing and segment centres into a :class:`SegmentationModel`."""
    filled = {fill.feature: fill.n_filled for fill in prepared.fills}
    fitted = tuple(
        replace(
            _fitted_feature(spec, prepared.preprocessor.named_transformers_[spec.name]),
            n_filled=filled.get(spec.name, 0),
        )
        for spec in prepared.specs
    )
    return SegmentationModel(
        algorithm=algorithm,
        features=fitted,
        output_names=prepared.output_names,
        centres=np.asarray(centres, dtype="float64"),
        seed=seed,
        n_customers=int(prepared.used_rows.sum()),
        covariances=covariances,
        mixture_weights=mixture_weights,
        radii=radii,
    )


# ---------------------------------------------------------------------------------------------
# Applying the model
# ---------------------------------------------------------------------------------------------


def _numeric_block(feature: FittedFeature, values: np.ndarray) -> np.ndarray:
    x = np.where(np.isnan(values), float(feature.fill_value), values)
    if feature.spec.transform == "log1p":
        if (x < 0).any():
            warnings.warn(
                f"{int((x < 0).sum()):,} negative values in {feature.spec.name!r} were read as 0 "
                "(the model takes the log of this feature).",
                DataQualityWarning,
                stacklevel=4,
            )
        x = np.log1p(np.maximum(x, 0.0))
    elif feature.spec.transform == "yeo-johnson" and feature.power_lambda is not None:
        x = stats.yeojohnson(x, lmbda=feature.power_lambda)
    first, second = (feature.scaler[name] for name in SCALER_CONSTANTS[feature.spec.scaling])
    # minmax keeps (multiply, add); standard and robust keep (centre, spread).
    x = x * first + second if feature.spec.scaling == "minmax" else (x - first) / second
    return (x * feature.spec.weight)[:, None]


def _categorical_block(feature: FittedFeature, values: pd.Series) -> np.ndarray:
    text = values.where(values.notna(), feature.fill_value).astype(str).to_numpy()
    width = len(feature.levels) + int(feature.other_level)
    block = np.zeros((len(text), width), dtype="float64")
    position = {level: i for i, level in enumerate(feature.levels)}
    columns = np.array([position.get(v, len(feature.levels) if feature.other_level else -1) for v in text])
    known = columns >= 0
    block[np.flatnonzero(known), columns[known]] = 1.0
    return block * feature.spec.weight


def transform_rows(model: SegmentationModel, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The prepared matrix for ``frame`` and which rows can be segmented.

    Returns
    -------
    matrix : ndarray of shape (n_rows, n_outputs)
    complete : ndarray of bool, shape (n_rows,)
        False where a feature set to ``"drop"`` is missing, or every feature is missing.

    Raises
    ------
    ColumnError
        ``frame`` lacks a feature of the model, or a numeric feature holds text.
    """
    missing = [name for name in model.feature_names if name not in frame.columns]
    if missing:
        raise ColumnError(
            f"the customer file has no column {', '.join(repr(m) for m in missing)}, which the model "
            f"needs; the model uses: {', '.join(repr(n) for n in model.feature_names)}."
        )
    data = feature_frame(frame, [f.spec for f in model.features])
    blocks: list[np.ndarray] = []
    complete = ~no_data_rows(data)
    for feature in model.features:
        column = data[feature.spec.name]
        if feature.spec.missing == "drop":
            complete &= column.notna().to_numpy()
        if feature.spec.kind == "numeric":
            blocks.append(_numeric_block(feature, column.to_numpy(dtype="float64")))
        else:
            blocks.append(_categorical_block(feature, column))
    return np.hstack(blocks), complete


def _labels_for_matrix(model: SegmentationModel, matrix: np.ndarray) -> np.ndarray:
    if model.algorithm == "gmm" and model.covariances is not None and model.mixture_weights is not None:
        log_likelihood = np.column_stack(
            [
                np.log(model.mixture_weights[i])
                + stats.multivariate_normal(
                    mean=model.centres[i], cov=model.covariances[i], allow_singular=True
                ).logpdf(matrix)
                for i in range(model.n_segments)
            ]
        )
        return np.argmax(log_likelihood.reshape(len(matrix), -1), axis=1).astype("int64")
    labels, squared = nearest_centre(matrix, model.centres)
    if model.radii is not None:
        labels[squared > model.radii[labels] ** 2] = UNASSIGNED
    return labels


def nearest_centre(
    matrix: np.ndarray, centres: np.ndarray, *, chunk: int = 8192
) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest centre per row and the squared distance to it.

    Each row's distances are computed from that row alone (no matrix-product shortcut), so a
    row gets the same answer whatever else is in the table.

    Returns
    -------
    labels : ndarray of int64, shape (n_rows,)
    squared_distance : ndarray of float64, shape (n_rows,)
    """
    labels = np.empty(len(matrix), dtype="int64")
    squared = np.empty(len(matrix), dtype="float64")
    for start in range(0, len(matrix), chunk):
        block = matrix[start : start + chunk]
        distances = ((block[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        labels[start : start + chunk] = distances.argmin(axis=1)
        squared[start : start + chunk] = distances.min(axis=1)
    return labels, squared


def assign_segments(model: SegmentationModel, frame: pd.DataFrame) -> np.ndarray:
    """Put each row of ``frame`` in a segment of ``model``.

    Parameters
    ----------
    model : SegmentationModel
    frame : DataFrame of shape (n_rows, n_columns)
        Customer table holding at least the model's features, in any column order.

    Returns
    -------
    ndarray of int64, shape (n_rows,)
        Segment number per row; -1 (``UNASSIGNED``) for density-method outliers; -2
        (``NOT_SEGMENTED``) for rows with no value in any feature and rows missing a value in a
        feature whose missing values were set to be dropped.
    """
    if len(frame) == 0:
        return np.empty(0, dtype="int64")
    matrix, complete = transform_rows(model, frame)
    labels = _labels_for_matrix(model, matrix)
    labels[~complete] = NOT_SEGMENTED
    return labels


def incomplete_rows(model: SegmentationModel, frame: pd.DataFrame) -> np.ndarray:
    """Rows that cannot be segmented because a 'drop' feature is missing (bool, shape (n_rows,))."""
    drop = [f.spec.name for f in model.features if f.spec.missing == "drop" and f.spec.name in frame.columns]
    if not drop:
        return np.zeros(len(frame), dtype=bool)
    return frame[drop].isna().any(axis=1).to_numpy()


def rows_without_data(model: SegmentationModel, frame: pd.DataFrame) -> np.ndarray:
    """Rows with no value in any of the model's features (bool, shape (n_rows,)); see ``NO_DATA_NAME``."""
    return no_data_rows(feature_frame(frame, [f.spec for f in model.features]))


def fills_for_rows(model: SegmentationModel, frame: pd.DataFrame) -> tuple[FeatureFill, ...]:
    """How the model fills the missing values of ``frame`` when it assigns segments.

    Counts only rows that are segmented (rows without any value, or missing a "drop" feature,
    are not filled); the values are the model's saved fill values.
    """
    data = feature_frame(frame, [f.spec for f in model.features])
    segmented = ~no_data_rows(data)
    for feature in model.features:
        if feature.spec.missing == "drop":
            segmented &= data[feature.spec.name].notna().to_numpy()
    fills = []
    for feature in model.features:
        n_missing = int(data[feature.spec.name].isna().to_numpy()[segmented].sum())
        if n_missing:
            numeric = feature.spec.kind == "numeric"
            strategy = (
                "median" if numeric and feature.spec.missing != "most_frequent" else "most frequent value"
            )
            fills.append(FeatureFill(feature.spec.name, n_missing, f"model's {strategy}", feature.fill_value))
    return tuple(fills)


def numbers_for_model(model: SegmentationModel, frame: pd.DataFrame, *, decimal: str = ".") -> pd.DataFrame:
    """``frame`` with the model's numeric features read as numbers (from text as written in a file).

    Values that are not numbers become missing (and are filled like any missing value), with a
    :class:`DataQualityWarning` naming the column and a value.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        Typically a freshly loaded file whose columns are still text.
    decimal : {".", ","}
        The file's decimal mark.
    """
    out = frame.copy()
    for feature in model.features:
        name = feature.spec.name
        if feature.spec.kind != "numeric" or name not in frame.columns:
            continue
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            continue
        parsed = parse_numbers(column, decimal=decimal).values.astype("float64")
        bad = column.notna() & parsed.isna()
        if bad.any():
            warnings.warn(
                f"{int(bad.sum()):,} values of {name!r} are not numbers "
                f"(for example {column[bad].iloc[0]!r}); "
                "they were treated as missing.",
                DataQualityWarning,
                stacklevel=2,
            )
        out[name] = parsed
    return out
