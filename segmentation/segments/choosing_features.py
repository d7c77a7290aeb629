"""Choosing the features a segmentation is built on, before they are prepared.

:func:`suggest_features` picks sensible columns of a customer table (and says in words why the
others were left out), :func:`default_specs` proposes each feature's settings (a log for skewed
money, most-frequent filling for categories), and :func:`feature_correlations` /
:func:`high_correlation_pairs` find near-duplicate features that would count twice. Preparing the
chosen features for clustering is :mod:`segmentation.segments.preparing`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from segmentation.segments.preparing import (
    FeatureSpec,
    check_columns,
    is_numeric_column,
    skewness,
    value_text,
)

__all__ = [
    "CORRELATION_WARNING",
    "NEAR_UNIQUE_SHARE",
    "SKEW_FOR_LOG",
    "FeatureSuggestion",
    "default_specs",
    "feature_correlations",
    "high_correlation_pairs",
    "suggest_features",
]

#: Pairs of features correlated beyond this (in absolute value) are flagged: they count twice.
CORRELATION_WARNING = 0.9

#: A numeric column more skewed than this, with no negative values and a money-like name or
#: role, gets a log transform by default.
SKEW_FOR_LOG = 1.0

#: Text columns with more distinct values than this share of rows look like ids or free text.
NEAR_UNIQUE_SHARE = 0.9

_NUMERIC_ROLES = {"numeric", "amount", "quantity", "price"}

_CATEGORICAL_ROLES = {"categorical", "category", "consent"}

_EXCLUDED_ROLES = {
    "customer_id": "an identifier, not a customer trait",
    "order_id": "an identifier, not a customer trait",
    "item": "a product identifier",
    "email": "personal data (email address)",
    "phone": "personal data (phone number)",
    "name": "personal data (a person's name)",
    "date": "a date; use recency or tenure in days instead",
    "text": "free text",
    "ignore": "marked to be ignored",
}

_MONEY_WORDS = re.compile(
    r"monetary|revenue|spend|spent|sales|amount|value|price|income|salary|aov|clv|ltv|\$|€|£", re.IGNORECASE
)

_ID_NAME = re.compile(r"(^|[_\s-])(id|uuid|key)$|^id[_\s-]", re.IGNORECASE)

# RFM scores restate recency/frequency/monetary on a 1-5 scale; using both counts them twice.
_DERIVED_SCORES = {"r_score", "f_score", "m_score", "rfm_score"}


@dataclass(frozen=True)
class FeatureSuggestion:
    """Columns proposed as features, columns offered but off by default, and excluded columns with why."""

    selected: tuple[str, ...]
    available: tuple[str, ...]
    excluded: dict[str, str] = field(default_factory=dict)


def _constant_text(value: object) -> str:
    """A column's one value as a reader writes it: 0, 12.5, Main (never ``np.float64(0.0)``)."""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | float | np.number):
        return value_text(float(value))
    return str(value).strip() or "blank"


def _exclusion_reason(series: pd.Series, role: str | None) -> str | None:
    name = str(series.name)
    n_values = int(series.notna().sum())
    if role in _EXCLUDED_ROLES:
        return _EXCLUDED_ROLES[role]
    if n_values == 0:
        return "empty: every customer's value is missing"
    if pd.api.types.is_datetime64_any_dtype(series):
        return _EXCLUDED_ROLES["date"]
    n_distinct = int(series.nunique(dropna=True))
    if n_distinct <= 1:
        return f"constant: every customer has the same value ({_constant_text(series.dropna().iloc[0])})"
    if role is None and _ID_NAME.search(name):
        return "an identifier, not a customer trait"
    if not is_numeric_column(series) and n_values > 20 and n_distinct > NEAR_UNIQUE_SHARE * n_values:
        return f"nearly unique ({n_distinct:,} values in {n_values:,} rows), like an id or free text"
    return None


def suggest_features(frame: pd.DataFrame, roles: Mapping[str, str] | None = None) -> FeatureSuggestion:
    """Propose the columns to segment on.

    Parameters
    ----------
    frame : DataFrame of shape (n_customers, n_columns)
        The customer table, values already typed (numbers as numbers).
    roles : mapping of column → role name, optional
        Roles from ``segmentation.profiling.table_profile.infer_roles``; identifiers, personal data, dates and
        free text are excluded by role. Without roles, names and values decide.

    Returns
    -------
    FeatureSuggestion
        ``selected``: numeric columns to use by default; ``available``: usable columns left off by
        default (categories, RFM scores); ``excluded``: column → the reason it cannot be used.
    """
    selected: list[str] = []
    available: list[str] = []
    excluded: dict[str, str] = {}
    for column in frame.columns:
        name = str(column)
        role = None if roles is None else (str(roles[column]) if column in roles else None)
        series = frame[column]
        reason = _exclusion_reason(series, role)
        if reason is not None:
            excluded[name] = reason
        elif is_numeric_column(series) and role not in _CATEGORICAL_ROLES:
            (available if name in _DERIVED_SCORES else selected).append(name)
        elif role in _NUMERIC_ROLES:
            excluded[name] = "meant to be numeric but its values could not be read as numbers"
        else:
            available.append(name)
    return FeatureSuggestion(selected=tuple(selected), available=tuple(available), excluded=excluded)


def _looks_like_money(name: str, role: str | None) -> bool:
    return role in {"amount", "price"} or bool(_MONEY_WORDS.search(name))


def default_specs(
    frame: pd.DataFrame, features: Sequence[str], roles: Mapping[str, str] | None = None
) -> tuple[FeatureSpec, ...]:
    """Sensible settings for each of ``features``.

    Numbers: median for missing values, standard scaling, and ``log1p`` when the column is
    money-like (by role or name), has no negative values and is right-skewed (skew > 1).
    Categories (text, yes/no): most frequent level for missing values, levels held by fewer than
    1% of customers grouped together.

    Raises
    ------
    ColumnError
        When a feature is not a column of ``frame``.
    """
    check_columns(frame, features)
    specs: list[FeatureSpec] = []
    for name in features:
        series = frame[name]
        role = None if roles is None or name not in roles else str(roles[name])
        if not is_numeric_column(series):
            specs.append(FeatureSpec(name=name, kind="categorical", missing="most_frequent"))
            continue
        values = series.dropna()
        skew = skewness(values)
        log = _looks_like_money(name, role) and len(values) > 0 and values.min() >= 0 and skew > SKEW_FOR_LOG
        specs.append(FeatureSpec(name=name, kind="numeric", transform="log1p" if log else "none"))
    return tuple(specs)


def feature_correlations(frame: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """Pearson correlations between the numeric ``features`` (pairwise complete rows).

    Returns a square DataFrame of shape (n_numeric, n_numeric); non-numeric features are skipped.
    """
    numeric = [f for f in features if f in frame.columns and is_numeric_column(frame[f])]
    if not numeric:
        return pd.DataFrame()
    return frame[numeric].astype("float64").corr(method="pearson")


def high_correlation_pairs(
    correlations: pd.DataFrame, *, threshold: float = CORRELATION_WARNING
) -> tuple[tuple[str, str, float], ...]:
    """Pairs ``(a, b, r)`` with ``|r|`` at or above ``threshold``, strongest first."""
    pairs = []
    names = list(correlations.columns)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            value = float(correlations.to_numpy()[i, names.index(second)])
            if np.isfinite(value) and abs(value) >= threshold:
                pairs.append((str(first), str(second), value))
    return tuple(sorted(pairs, key=lambda p: -abs(p[2])))
