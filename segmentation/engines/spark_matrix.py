"""A saved segmentation model as Spark column expressions: the prepared matrix and the nearest centre.

The same arithmetic as :mod:`segmentation.segments.scoring` (fill, log1p or Yeo-Johnson, scale,
weight, one column per category level), written as Spark SQL expressions so every row is
prepared and scored inside the JVM, on any number of executors, from the JSON model alone.
"""

from __future__ import annotations

from typing import Any

from segmentation.engines.spark_tables import as_double
from segmentation.errors import ColumnError, ModelFileError
from segmentation.segments.model_file import FittedFeature, SegmentationModel
from segmentation.segments.preparing import SCALER_CONSTANTS

__all__ = ["complete_rows", "feature_values", "label_column", "matrix_columns", "squared_distance_column"]


def feature_values(frame: Any, feature: FittedFeature) -> Any:
    """The raw feature column as the model reads it: numbers as double (NaN → null), else text."""
    from pyspark.sql import functions as F

    name = feature.spec.name
    if name not in frame.columns:
        raise ColumnError(
            f"the customer table has no column {name!r}, which the model needs; its columns are: "
            f"{', '.join(repr(c) for c in frame.columns[:30])}."
        )
    column = F.col(f"`{name}`")
    if feature.spec.kind != "numeric":
        return column.cast("string")
    kind = dict(frame.dtypes)[name]
    number = as_double(F.trim(column)) if kind == "string" else column.cast("double")
    return F.when(F.isnan(number) | (F.abs(number) == float("inf")), None).otherwise(number)


def _yeo_johnson(x: Any, lmbda: float) -> Any:
    from pyspark.sql import functions as F

    positive = F.log1p(x) if abs(lmbda) < 1e-12 else (F.pow(x + 1, lmbda) - 1) / lmbda
    negative = -F.log1p(-x) if abs(lmbda - 2) < 1e-12 else -(F.pow(-x + 1, 2 - lmbda) - 1) / (2 - lmbda)
    return F.when(x >= 0, positive).otherwise(negative)


def _numeric(frame: Any, feature: FittedFeature) -> list[Any]:
    from pyspark.sql import functions as F

    x = F.coalesce(feature_values(frame, feature), F.lit(float(feature.fill_value)))
    if feature.spec.transform == "log1p":
        x = F.log1p(F.greatest(x, F.lit(0.0)))
    elif feature.spec.transform == "yeo-johnson" and feature.power_lambda is not None:
        x = _yeo_johnson(x, feature.power_lambda)
    first, second = (feature.scaler[name] for name in SCALER_CONSTANTS[feature.spec.scaling])
    x = x * first + second if feature.spec.scaling == "minmax" else (x - first) / second
    return [x * feature.spec.weight]


def _categorical(frame: Any, feature: FittedFeature) -> list[Any]:
    from pyspark.sql import functions as F

    text = F.coalesce(feature_values(frame, feature), F.lit(str(feature.fill_value)))
    weight = float(feature.spec.weight)
    blocks = [F.when(text == level, weight).otherwise(0.0) for level in feature.levels]
    if feature.other_level:
        known = text.isin(list(feature.levels)) if feature.levels else F.lit(False)
        blocks.append(F.when(known, 0.0).otherwise(weight))
    return blocks


def matrix_columns(frame: Any, model: SegmentationModel) -> list[Any]:
    """One double expression per output column of ``model`` (n_outputs of them), in order."""
    columns: list[Any] = []
    for feature in model.features:
        columns += (
            _numeric(frame, feature) if feature.spec.kind == "numeric" else _categorical(frame, feature)
        )
    if len(columns) != len(model.output_names):
        raise ModelFileError(
            f"the model has {len(model.output_names)} prepared columns but its features give {len(columns)}."
        )
    return columns


def complete_rows(frame: Any, model: SegmentationModel) -> Any:
    """True where the row can be segmented: some feature has a value, and no 'drop' feature is missing."""
    from pyspark.sql import functions as F

    values = [feature_values(frame, f) for f in model.features]
    some = F.lit(False)
    for value in values:
        some = some | value.isNotNull()
    for feature, value in zip(model.features, values, strict=True):
        if feature.spec.missing == "drop":
            some = some & value.isNotNull()
    return some


def squared_distance_column(columns: list[Any], centre: Any) -> Any:
    """Squared Euclidean distance of the row (``columns``) to one centre (a sequence of floats)."""
    from pyspark.sql import functions as F

    total = F.lit(0.0)
    for column, value in zip(columns, centre, strict=True):
        total = total + F.pow(column - float(value), 2)
    return total


def label_column(columns: list[Any], centres: Any) -> tuple[Any, Any]:
    """The nearest centre's number (first one on ties, as ``numpy.argmin``) and the squared distance."""
    from pyspark.sql import functions as F

    distances = F.array(*[squared_distance_column(columns, c) for c in centres])
    nearest = F.array_min(distances)
    return (F.array_position(distances, nearest) - 1).cast("long"), nearest
