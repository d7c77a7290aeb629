"""Preparing the chosen features for clustering: one customer table in, one numeric matrix out.

Each feature is described by a :class:`FeatureSpec` (chosen with
:mod:`segmentation.segments.choosing_features`); :func:`prepare_features` validates the specs and
fits one scikit-learn ``ColumnTransformer``
(impute → transform → scale → weight for numbers; impute → one-hot with rare levels grouped
→ weight for categories).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MinMaxScaler,
    OneHotEncoder,
    PowerTransformer,
    RobustScaler,
    StandardScaler,
)

from segmentation._plural import counted
from segmentation.errors import ColumnError, DataQualityWarning, ParameterError

__all__ = [
    "SCALER_CONSTANTS",
    "FeatureFill",
    "FeatureSpec",
    "PreparedFeatures",
    "build_preprocessor",
    "check_columns",
    "check_spec",
    "feature_frame",
    "is_numeric_column",
    "missing_value_fills",
    "no_data_rows",
    "prepare_features",
    "skewness",
    "spec_from_record",
    "specs_from_table",
    "specs_table",
    "value_text",
]

Kind = Literal["numeric", "categorical"]
Missing = Literal["median", "most_frequent", "drop"]
Transform = Literal["none", "log1p", "yeo-johnson"]
Scaling = Literal["standard", "robust", "minmax"]

KINDS: tuple[str, ...] = ("numeric", "categorical")
MISSING_CHOICES: tuple[str, ...] = ("median", "most_frequent", "drop")
TRANSFORMS: tuple[str, ...] = ("none", "log1p", "yeo-johnson")
SCALINGS: tuple[str, ...] = ("standard", "robust", "minmax")
#: The constants a fitted scaling keeps (in a saved model) and applies when scoring, per scaling:
#: the one description both the fitted pipeline's export and the scorer read.
SCALER_CONSTANTS: dict[str, tuple[str, str]] = {
    "standard": ("mean", "std"),
    "robust": ("median", "iqr"),
    "minmax": ("multiply", "add"),
}


@dataclass(frozen=True)
class FeatureSpec:
    """How one column becomes model input.

    ``weight`` multiplies the feature after scaling (2.0 makes it count twice as much in the
    distances); ``rare_share`` is the smallest share of customers a category needs to keep its
    own column (rarer levels are grouped into one "other" column).
    """

    name: str
    kind: Kind = "numeric"
    missing: Missing = "median"
    transform: Transform = "none"
    scaling: Scaling = "standard"
    weight: float = 1.0
    rare_share: float = 0.01


def value_text(value: float | str) -> str:
    if isinstance(value, str):
        return repr(value)
    return f"{value:,.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class FeatureFill:
    """How the missing values of one feature were filled before segmenting.

    ``n_filled`` customers had no value and were given ``value``, the feature's ``strategy``
    ("median" or "most frequent value") over the segmented customers.
    """

    feature: str
    n_filled: int
    strategy: str
    value: float | str

    @property
    def sentence(self) -> str:
        """E.g. "Income: 24 missing values filled with the median 51,382"."""
        return (
            f"{self.feature}: {counted(self.n_filled, 'missing value')} filled with the {self.strategy} "
            f"{value_text(self.value)}"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "feature": self.feature,
            "n_filled": self.n_filled,
            "strategy": self.strategy,
            "value": self.value,
        }


@dataclass(frozen=True)
class PreparedFeatures:
    """Validated features and the fitted preprocessing.

    ``matrix`` has shape (n_used_rows, n_outputs) and holds the rows where ``used_rows`` is True;
    ``used_rows`` has shape (n_rows,) and is False for rows not segmented: rows with no value in
    any feature (``no_data_rows``) and rows missing a feature set to ``"drop"``.
    ``specs`` are the specs actually used (constant or empty columns removed); ``fills`` says,
    per feature with missing values, how many were filled and with what.
    """

    matrix: np.ndarray
    used_rows: np.ndarray
    specs: tuple[FeatureSpec, ...]
    preprocessor: ColumnTransformer
    output_names: tuple[str, ...]
    notes: tuple[str, ...] = ()
    fills: tuple[FeatureFill, ...] = ()
    no_data_rows: np.ndarray | None = None

    @property
    def n_dropped(self) -> int:
        return int((~self.used_rows).sum())


# ---------------------------------------------------------------------------------------------
# Suggesting features and settings
# ---------------------------------------------------------------------------------------------
def is_numeric_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def skewness(values: pd.Series) -> float:
    """Sample skewness, 0 for fewer than three values."""
    if len(values) < 3:
        return 0.0
    return float(np.nan_to_num(stats.skew(values.to_numpy(dtype="float64"), bias=False)))


def specs_table(frame: pd.DataFrame, specs: Sequence[FeatureSpec]) -> pd.DataFrame:
    """One row per feature with its settings and the facts behind them (for an editable table).

    Columns: ``feature``, ``kind``, ``missing`` (how to fill), ``n_missing`` (customers affected),
    ``transform``, ``scaling``, ``weight``, ``rare_share``, ``skew`` (numbers) and ``levels``
    (distinct values).
    """
    rows = []
    for spec in specs:
        series = frame[spec.name]
        numeric = spec.kind == "numeric" and is_numeric_column(series)
        rows.append(
            {
                "feature": spec.name,
                "kind": spec.kind,
                "missing": spec.missing,
                "n_missing": int(series.isna().sum()),
                "transform": spec.transform,
                "scaling": spec.scaling,
                "weight": float(spec.weight),
                "rare_share": float(spec.rare_share),
                "skew": skewness(series.dropna()) if numeric else np.nan,
                "levels": int(series.nunique(dropna=True)),
            }
        )
    return pd.DataFrame(rows)


def specs_from_table(table: pd.DataFrame) -> tuple[FeatureSpec, ...]:
    """Read specs back from a (possibly edited) :func:`specs_table`; unknown choices raise ParameterError."""
    specs = []
    for row in table.to_dict("records"):
        spec = spec_from_record(row, name=row["feature"])
        check_spec(spec)
        specs.append(spec)
    return tuple(specs)


def spec_from_record(record: Mapping[Any, Any], *, name: object) -> FeatureSpec:
    """A :class:`FeatureSpec` from a row of :func:`specs_table` or a model file's feature entry.

    Assumes the record holds every choice (``kind``, ``missing``, ``transform``, ``scaling``,
    ``weight``, ``rare_share``); does not validate them.
    """
    return FeatureSpec(
        name=str(name),
        kind=record["kind"],
        missing=record["missing"],
        transform=record["transform"],
        scaling=record["scaling"],
        weight=float(record["weight"]),
        rare_share=float(record["rare_share"]),
    )


# ---------------------------------------------------------------------------------------------
# Validation and the scikit-learn pipeline
# ---------------------------------------------------------------------------------------------
def check_columns(frame: pd.DataFrame, features: Sequence[str]) -> None:
    missing = [f for f in features if f not in frame.columns]
    if missing:
        shown = ", ".join(repr(str(c)) for c in list(frame.columns)[:30])
        raise ColumnError(
            f"feature {', '.join(repr(m) for m in missing)} is not a column of the table; "
            f"its columns are: {shown}."
        )
    duplicates = sorted({f for f in features if list(features).count(f) > 1})
    if duplicates:
        raise ColumnError(f"feature {', '.join(repr(d) for d in duplicates)} is listed more than once.")


def check_spec(spec: FeatureSpec) -> None:
    """Raise ParameterError naming the feature and the field when a choice is not allowed."""
    choices = {"kind": KINDS, "missing": MISSING_CHOICES, "transform": TRANSFORMS, "scaling": SCALINGS}
    for attribute, allowed in choices.items():
        value = getattr(spec, attribute)
        if value not in allowed:
            raise ParameterError(
                f"feature {spec.name!r}: {attribute} {value!r} is not one of {', '.join(allowed)}."
            )
    if spec.kind == "categorical" and spec.missing == "median":
        raise ParameterError(
            f"feature {spec.name!r} is categorical: fill its missing values with 'most_frequent' "
            "or 'drop', not 'median'."
        )
    if not np.isfinite(spec.weight) or spec.weight <= 0:
        raise ParameterError(f"feature {spec.name!r}: weight {spec.weight} must be a positive number.")
    if not 0 <= spec.rare_share < 0.5:
        raise ParameterError(
            f"feature {spec.name!r}: rare_share {spec.rare_share} must be between 0 and 0.5."
        )


def feature_frame(frame: pd.DataFrame, specs: Sequence[FeatureSpec]) -> pd.DataFrame:
    """The feature columns as the pipeline expects them: numbers float64, categories object text.

    Raises ColumnError when a numeric feature holds values that are not numbers.
    """
    check_columns(frame, [s.name for s in specs])
    columns: dict[str, pd.Series] = {}
    for spec in specs:
        series = frame[spec.name]
        if spec.kind == "numeric":
            if not is_numeric_column(series):
                converted = pd.to_numeric(series, errors="coerce")
                bad = series.notna() & converted.isna()
                if bad.any():
                    example = series[bad].iloc[0]
                    raise ColumnError(
                        f"feature {spec.name!r} is set to numeric but {int(bad.sum()):,} values are "
                        "not numbers "
                        f"(for example {example!r}); set it to categorical or clean the column."
                    )
                series = converted
            values = series.astype("float64").to_numpy(copy=True)
            values[~np.isfinite(values)] = np.nan
            columns[spec.name] = pd.Series(values, index=frame.index)
        else:
            text = series.astype("object").where(series.notna(), np.nan)
            columns[spec.name] = text.map(lambda v: v if isinstance(v, float) else str(v))
    return pd.DataFrame(columns, index=frame.index)


def _scale_by(values: np.ndarray, weight: float) -> np.ndarray:
    return np.asarray(values, dtype="float64") * weight


def _weighting(weight: float) -> FunctionTransformer:
    return FunctionTransformer(_scale_by, kw_args={"weight": weight}, feature_names_out="one-to-one")


def _scaler(name: str) -> StandardScaler | RobustScaler | MinMaxScaler:
    return {"standard": StandardScaler, "robust": RobustScaler, "minmax": MinMaxScaler}[name]()


def _numeric_pipeline(spec: FeatureSpec) -> Pipeline:
    strategy = "median" if spec.missing in ("median", "drop") else "most_frequent"
    steps: list[tuple[str, object]] = [("impute", SimpleImputer(strategy=strategy))]
    if spec.transform == "log1p":
        steps.append(("transform", FunctionTransformer(np.log1p, feature_names_out="one-to-one")))
    elif spec.transform == "yeo-johnson":
        steps.append(("transform", PowerTransformer(method="yeo-johnson", standardize=False)))
    steps.append(("scale", _scaler(spec.scaling)))
    steps.append(
        (
            "weight",
            _weighting(spec.weight),
        )
    )
    return Pipeline(steps)


def _categorical_pipeline(spec: FeatureSpec) -> Pipeline:
    encoder = OneHotEncoder(
        min_frequency=spec.rare_share if spec.rare_share > 0 else None,
        handle_unknown="infrequent_if_exist",
        sparse_output=False,
    )
    weight = _weighting(spec.weight)
    return Pipeline(
        [("impute", SimpleImputer(strategy="most_frequent")), ("encode", encoder), ("weight", weight)]
    )


def build_preprocessor(specs: Sequence[FeatureSpec]) -> ColumnTransformer:
    """One unfitted ``ColumnTransformer`` with a pipeline per feature, in the order of ``specs``.

    Expects the frame returned by :func:`feature_frame` (assumes validated specs).
    """
    transformers = [
        (
            spec.name,
            _numeric_pipeline(spec) if spec.kind == "numeric" else _categorical_pipeline(spec),
            [spec.name],
        )
        for spec in specs
    ]
    return ColumnTransformer(transformers, remainder="drop", verbose_feature_names_out=False)


def _unusable(series: pd.Series) -> str | None:
    n_values = int(series.notna().sum())
    if n_values == 0:
        return f"{series.name!r} has no values (all {len(series):,} are empty)"
    if series.nunique(dropna=True) <= 1:
        return f"{series.name!r} has the same value for every customer ({series.dropna().iloc[0]!r})"
    return None


def no_data_rows(data: pd.DataFrame) -> np.ndarray:
    """Rows with no value in any column of ``data`` (bool array of shape (n_rows,)).

    ``data`` holds only the feature columns, as returned by :func:`feature_frame`. Such customers
    are never segmented nor described: there is nothing to compare them on.
    """
    if data.shape[1] == 0:
        return np.ones(len(data), dtype=bool)
    return np.asarray(data.isna().all(axis=1).to_numpy(), dtype=bool)


def _fill_strategy(spec: FeatureSpec) -> str:
    return "median" if spec.kind == "numeric" and spec.missing in ("median", "drop") else "most_frequent"


def _fills(fit_data: pd.DataFrame, specs: Sequence[FeatureSpec]) -> tuple[FeatureFill, ...]:
    """The fill of every feature with missing values in ``fit_data`` (assumes validated input)."""
    fills: list[FeatureFill] = []
    for spec in specs:
        column = fit_data[spec.name]
        n_missing = int(column.isna().sum())
        if n_missing == 0:
            continue
        strategy = _fill_strategy(spec)
        # the same imputer the pipeline fits, so the reported value is the one used
        value = SimpleImputer(strategy=strategy).fit(column.to_frame()).statistics_[0]
        fills.append(
            FeatureFill(
                feature=spec.name,
                n_filled=n_missing,
                strategy="median" if strategy == "median" else "most frequent value",
                value=float(value) if spec.kind == "numeric" else str(value),
            )
        )
    return tuple(fills)


@dataclass(frozen=True)
class _Plan:
    data: pd.DataFrame
    kept: tuple[FeatureSpec, ...]
    used: np.ndarray
    no_data: np.ndarray
    notes: tuple[str, ...]


def _plan(frame: pd.DataFrame, specs: Sequence[FeatureSpec]) -> _Plan:
    """Validate ``specs`` and decide which features and rows are used (no fitting, no warnings)."""
    if not specs:
        raise ColumnError("no features chosen; pick at least one column to segment on.")
    for spec in specs:
        check_spec(spec)
    data = feature_frame(frame, specs)
    notes: list[str] = []
    kept: list[FeatureSpec] = []
    for spec in specs:
        problem = _unusable(data[spec.name])
        if problem is None:
            kept.append(spec)
        else:
            notes.append(f"Feature {problem}; it was left out.")
    if not kept:
        raise ColumnError(
            "no usable feature: " + " ".join(notes) + " Choose columns whose values differ between customers."
        )
    names = [s.name for s in kept]
    no_data = no_data_rows(data[names])
    drop_columns = [s.name for s in kept if s.missing == "drop"]
    complete = (
        ~data[drop_columns].isna().any(axis=1).to_numpy() if drop_columns else np.ones(len(data), dtype=bool)
    )
    used = complete & ~no_data
    if not used.any():
        raise ParameterError(
            f"every row has a missing value in {', '.join(repr(c) for c in drop_columns)}; "
            "fill missing values with the median or most frequent value instead of dropping rows."
            if drop_columns
            else f"no row has a value in {', '.join(repr(c) for c in names)}; choose other features."
        )
    if no_data.any():
        notes.append(
            f"Not segmented (no data): {counted(int(no_data.sum()), 'customer')} with no value in any of "
            f"{', '.join(repr(c) for c in names)}; they get no segment and no persona."
        )
    if (~complete & ~no_data).any():
        notes.append(
            f"{int((~complete & ~no_data).sum()):,} customers with missing values in "
            f"{', '.join(repr(c) for c in drop_columns)} were not segmented."
        )
    return _Plan(data, tuple(kept), used, no_data, tuple(notes))


def missing_value_fills(frame: pd.DataFrame, specs: Sequence[FeatureSpec]) -> tuple[FeatureFill, ...]:
    """How :func:`prepare_features` will fill missing values, without fitting anything.

    One :class:`FeatureFill` per usable feature that has missing values among the customers who
    are segmented (customers with no value at all are not segmented, so not filled). Raises like
    :func:`prepare_features`.
    """
    plan = _plan(frame, specs)
    return _fills(plan.data.loc[plan.used, [s.name for s in plan.kept]], plan.kept)


def prepare_features(frame: pd.DataFrame, specs: Sequence[FeatureSpec]) -> PreparedFeatures:
    """Validate ``specs`` against ``frame`` and fit the preprocessing.

    Constant and empty features are left out with a :class:`DataQualityWarning`; rows with a
    missing value in a feature set to ``"drop"``, and rows with no value in any feature, are left
    out of the fit (``used_rows``), also with a warning. Other missing values are filled as each
    spec says and reported in ``fills`` (see :class:`FeatureFill`).

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
    specs : sequence of FeatureSpec

    Returns
    -------
    PreparedFeatures

    Raises
    ------
    ColumnError
        A feature is missing from the table, not numeric when it should be, or no usable feature
        remains.
    ParameterError
        A setting is out of range (unknown choice, log of negative numbers, no row left).
    """
    plan = _plan(frame, specs)
    kept = plan.kept
    fit_data = plan.data.loc[plan.used, [s.name for s in kept]]
    for spec in kept:
        if spec.kind == "numeric" and spec.transform == "log1p" and (fit_data[spec.name] < 0).any():
            low = float(fit_data[spec.name].min())
            raise ParameterError(
                f"feature {spec.name!r} has negative values (down to {low:g}), so log1p cannot be used; "
                "choose the 'yeo-johnson' transform instead."
            )
    preprocessor = build_preprocessor(kept)
    matrix = np.ascontiguousarray(preprocessor.fit_transform(fit_data), dtype="float64")
    for note in plan.notes:
        warnings.warn(note, DataQualityWarning, stacklevel=2)
    return PreparedFeatures(
        matrix=matrix,
        used_rows=plan.used,
        specs=kept,
        preprocessor=preprocessor,
        output_names=tuple(str(n) for n in preprocessor.get_feature_names_out()),
        notes=plan.notes,
        fills=_fills(fit_data, kept),
        no_data_rows=plan.no_data,
    )
