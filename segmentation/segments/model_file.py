"""A fitted segmentation as a readable JSON file, and applying it to new customers.

The file holds every number needed to score a customer: per feature the fill value for
missing data, the transform (and its Yeo-Johnson lambda), the scaling constants, the weight and
the kept category levels; then the segment centres (plus covariances for Gaussian mixtures, or
radii for the density method) and the segment names. Nothing is pickled, so a model file from
anywhere can be opened safely and read by a person.

Scoring a row only uses that row's values, so identical rows always get identical segments,
and the order of the columns in the new file does not matter.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from segmentation.errors import ColumnError, DataQualityWarning, ModelFileError
from segmentation.segments.preparing import (
    FeatureFill,
    FeatureSpec,
    PreparedFeatures,
    feature_frame,
    no_data_rows,
)

__all__ = [
    "MODEL_FORMAT",
    "NOT_SEGMENTED",
    "NOT_SEGMENTED_NAME",
    "NO_DATA_NAME",
    "UNASSIGNED",
    "UNASSIGNED_NAME",
    "FittedFeature",
    "SegmentationModel",
    "assign_segments",
    "build_model",
    "fills_for_rows",
    "incomplete_rows",
    "label_name",
    "load_model",
    "nearest_centre",
    "numbers_for_model",
    "rows_without_data",
    "save_model",
    "segment_name_column",
    "transform_rows",
]

MODEL_FORMAT = "segmentation-studio/segmentation-model"
MODEL_VERSION = 1
#: The two labels of customers in no segment, defined here once. ``UNASSIGNED``: the density
#: method found them in no dense group (they were clustered). ``NOT_SEGMENTED``: they were never
#: clustered, because every chosen feature is blank (``NO_DATA_NAME``) or a feature set to "drop"
#: is missing (``NOT_SEGMENTED_NAME``). Neither gets a persona or enters campaigns by default.
UNASSIGNED = -1
NOT_SEGMENTED = -2
UNASSIGNED_NAME = "Unassigned"
NOT_SEGMENTED_NAME = "Not segmented (missing values)"
NO_DATA_NAME = "Not segmented (no data)"
_ASSIGNMENTS = {"kmeans": "nearest centre", "agglomerative": "nearest centre", "gmm": "most likely component"}


@dataclass(frozen=True)
class FittedFeature:
    """The learnt preprocessing constants of one feature.

    ``scaler`` holds ``mean``/``std`` (standard), ``median``/``iqr`` (robust) or
    ``multiply``/``add`` (min-max: ``x * multiply + add``). ``levels`` are the categories with
    their own column; ``other_level`` is True when rarer (or unseen) categories share one column.
    ``n_filled`` is how many segmented customers had no value and got ``fill_value`` at fitting.
    """

    spec: FeatureSpec
    fill_value: float | str
    power_lambda: float | None = None
    scaler: dict[str, float] = field(default_factory=dict)
    levels: tuple[str, ...] = ()
    other_level: bool = False
    n_filled: int = 0


@dataclass(frozen=True)
class SegmentationModel:
    """Everything needed to put a customer in a segment, without the training data.

    ``centres`` has shape (n_segments, n_outputs) in the prepared (scaled) space, row ``i`` is
    segment ``i``. ``covariances`` (n_segments, n_outputs, n_outputs) and ``mixture_weights``
    are set for Gaussian mixtures; ``radii`` (n_segments,) for the density method, where a
    customer further than its segment's radius from every centre stays "Unassigned".
    """

    algorithm: str
    features: tuple[FittedFeature, ...]
    output_names: tuple[str, ...]
    centres: np.ndarray
    seed: int = 0
    n_customers: int = 0
    segment_names: dict[int, str] = field(default_factory=dict)
    covariances: np.ndarray | None = None
    mixture_weights: np.ndarray | None = None
    radii: np.ndarray | None = None

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(f.spec.name for f in self.features)

    @property
    def n_segments(self) -> int:
        return int(self.centres.shape[0])

    @property
    def fills(self) -> tuple[FeatureFill, ...]:
        """How missing values were filled when the model was fitted (features with any)."""
        return tuple(
            FeatureFill(
                f.spec.name,
                f.n_filled,
                "median"
                if f.spec.kind == "numeric" and f.spec.missing != "most_frequent"
                else "most frequent value",
                f.fill_value,
            )
            for f in self.features
            if f.n_filled
        )

    def with_names(self, names: Mapping[int, str]) -> SegmentationModel:
        """A copy with segment names (segment number → name)."""
        return replace(self, segment_names={int(k): str(v) for k, v in names.items()})

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON-ready built-in types."""
        return {
            "format": MODEL_FORMAT,
            "version": MODEL_VERSION,
            "algorithm": self.algorithm,
            "assignment": _ASSIGNMENTS.get(self.algorithm, "nearest centre within radius"),
            "seed": self.seed,
            "n_customers": self.n_customers,
            "features": [_feature_to_dict(f) for f in self.features],
            "output_columns": list(self.output_names),
            "segments": [
                {
                    "segment": i,
                    "name": self.segment_names.get(i, f"Segment {i}"),
                    "centre": self.centres[i].tolist(),
                    **({"radius": float(self.radii[i])} if self.radii is not None else {}),
                    **(
                        {
                            "mixture_weight": float(self.mixture_weights[i]),
                            "covariance": self.covariances[i].tolist(),
                        }
                        if self.covariances is not None and self.mixture_weights is not None
                        else {}
                    ),
                }
                for i in range(self.n_segments)
            ],
        }

    def to_json(self) -> str:
        """The model as indented, human-readable JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str, *, source: str = "the model file") -> SegmentationModel:
        """Read a model written by :meth:`to_json`; raises ModelFileError naming ``source``."""
        try:
            payload = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ModelFileError(f"{source} is not valid JSON ({exc}); save the model again.") from exc
        return _model_from_dict(payload, source=source)


def _feature_to_dict(feature: FittedFeature) -> dict[str, Any]:
    out: dict[str, Any] = {
        **asdict(feature.spec),
        "fill_value": feature.fill_value,
        "missing_values_filled_when_fitted": feature.n_filled,
    }
    if feature.spec.kind == "numeric":
        out["yeo_johnson_lambda"] = feature.power_lambda
        out["scaler"] = dict(feature.scaler)
    else:
        out["levels"] = list(feature.levels)
        out["other_level"] = feature.other_level
    return out


def _model_from_dict(payload: Any, *, source: str) -> SegmentationModel:
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise ModelFileError(f"{source} is not a segmentation model saved by this tool.")
    if payload.get("version") != MODEL_VERSION:
        raise ModelFileError(
            f"{source} is model format version {payload.get('version')!r}; this tool reads version "
            f"{MODEL_VERSION}. Save the model again with this version."
        )
    try:
        features = tuple(_feature_from_dict(f) for f in payload["features"])
        segments = sorted(payload["segments"], key=lambda s: int(s["segment"]))
        centres = np.array([s["centre"] for s in segments], dtype="float64")
        covariances = mixture = radii = None
        if payload["algorithm"] == "gmm":
            covariances = np.array([s["covariance"] for s in segments], dtype="float64")
            mixture = np.array([s["mixture_weight"] for s in segments], dtype="float64")
        if payload["algorithm"] == "hdbscan":
            radii = np.array([s["radius"] for s in segments], dtype="float64")
        model = SegmentationModel(
            algorithm=str(payload["algorithm"]),
            features=features,
            output_names=tuple(str(n) for n in payload["output_columns"]),
            centres=centres,
            seed=int(payload.get("seed", 0)),
            n_customers=int(payload.get("n_customers", 0)),
            segment_names={int(s["segment"]): str(s["name"]) for s in segments},
            covariances=covariances,
            mixture_weights=mixture,
            radii=radii,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{source} is incomplete or damaged ({type(exc).__name__}: {exc}).") from exc
    if centres.ndim != 2 or centres.shape[1] != len(model.output_names):
        raise ModelFileError(f"{source} is damaged: the segment centres do not match its output columns.")
    return model


def _feature_from_dict(item: dict[str, Any]) -> FittedFeature:
    n_filled = int(item.get("missing_values_filled_when_fitted", 0))
    spec = FeatureSpec(
        name=str(item["name"]),
        kind=item["kind"],
        missing=item["missing"],
        transform=item["transform"],
        scaling=item["scaling"],
        weight=float(item["weight"]),
        rare_share=float(item["rare_share"]),
    )
    if spec.kind == "numeric":
        lam = item.get("yeo_johnson_lambda")
        return FittedFeature(
            spec=spec,
            fill_value=float(item["fill_value"]),
            power_lambda=None if lam is None else float(lam),
            scaler={str(k): float(v) for k, v in item["scaler"].items()},
            n_filled=n_filled,
        )
    return FittedFeature(
        spec=spec,
        fill_value=str(item["fill_value"]),
        levels=tuple(str(v) for v in item["levels"]),
        other_level=bool(item["other_level"]),
        n_filled=n_filled,
    )


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
    constants = {
        "standard": lambda: {"mean": scaler.mean_[0], "std": scaler.scale_[0]},
        "robust": lambda: {"median": scaler.center_[0], "iqr": scaler.scale_[0]},
        "minmax": lambda: {"multiply": scaler.scale_[0], "add": scaler.min_[0]},
    }[spec.scaling]()
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
    s = feature.scaler
    if feature.spec.scaling == "minmax":
        x = x * s["multiply"] + s["add"]
    elif feature.spec.scaling == "robust":
        x = (x - s["median"]) / s["iqr"]
    else:
        x = (x - s["mean"]) / s["std"]
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


def label_name(label: int, names: Mapping[int, str]) -> str:
    """The name of one segment label: ``names[label]``, or the fixed names of -1 and -2."""
    if label == UNASSIGNED:
        return UNASSIGNED_NAME
    if label == NOT_SEGMENTED:
        return NO_DATA_NAME
    return names.get(int(label), f"Segment {int(label)}")


def segment_name_column(
    labels: np.ndarray,
    names: Mapping[int, str],
    *,
    not_segmented: np.ndarray | None = None,
    no_data: np.ndarray | None = None,
) -> np.ndarray:
    """A name per row (object array of shape (n_rows,)).

    ``names[label]`` for segments, "Unassigned" for -1, "Not segmented (no data)" for -2; rows
    flagged in ``not_segmented`` (missing a "drop" feature) read "Not segmented (missing values)"
    unless they are flagged in ``no_data`` (no value in any feature).
    """
    labels = np.asarray(labels)
    unique, inverse = np.unique(labels, return_inverse=True)
    out = np.array([label_name(int(label), names) for label in unique], dtype=object)[inverse.reshape(-1)]
    if not_segmented is not None:
        out[np.asarray(not_segmented, dtype=bool)] = NOT_SEGMENTED_NAME
    if no_data is not None:
        out[np.asarray(no_data, dtype=bool)] = NO_DATA_NAME
    return out


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
    from segmentation.profiling.table_profile import parse_numbers

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


def save_model(model: SegmentationModel, path: str | Path) -> None:
    """Write ``model`` as JSON to ``path`` (UTF-8)."""
    Path(path).write_text(model.to_json() + "\n", encoding="utf-8")


def load_model(path: str | Path) -> SegmentationModel:
    """Read a model saved by :func:`save_model`; raises ModelFileError when it is not one."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ModelFileError(f"{path} is not a text (JSON) model file.") from exc
    return SegmentationModel.from_json(text, source=str(path))
