"""What a propensity model may learn from: the yes/no target, the usable columns, and the leaks left out.

A column is used when it is a number, a date (as a day number) or a category with few values.
Left out, each with a reason a marketer can read: the customer id and other identifiers, free
text, categories with too many values, constant columns, columns whose name says they come from
the outcome itself ("Churn Reason" next to "Churn"), and any single column that on its own
predicts the target almost perfectly (ROC AUC >= 0.98 or <= 0.02): such a column was almost
certainly recorded after the outcome, and a model built on it would be useless on new customers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from segmentation._plural import counted
from segmentation.errors import ColumnError, ParameterError
from segmentation.profiling.roles import Role, as_roles
from segmentation.profiling.table_roles import infer_roles
from segmentation.vocabulary import is_yes_no, read_yes_no

__all__ = [
    "LEAK_AUC",
    "MAX_CATEGORIES",
    "MIN_CLASS_ROWS",
    "MISSING_CATEGORY",
    "ExcludedFeature",
    "FeaturePlan",
    "model_frame",
    "plan_features",
    "read_target",
    "target_candidates",
]

#: Fewest customers of the rarer outcome (yes or no) a propensity model is trained on.
MIN_CLASS_ROWS = 50
#: A single column with an AUC this far from 0.5 (>= 0.98 or <= 0.02) is treated as a leak.
LEAK_AUC = 0.98
#: Categorical columns with more distinct values than this are left out (one-hot would explode).
MAX_CATEGORIES = 20
#: The category missing values are given, so "unknown" can carry signal of its own.
MISSING_CATEGORY = "(missing)"

_NUMBER_ROLES = frozenset({Role.NUMERIC, Role.AMOUNT, Role.QUANTITY, Role.PRICE})
_CATEGORY_ROLES = frozenset({Role.CATEGORICAL, Role.CATEGORY, Role.CONSENT})
_WHY_NOT: dict[Role, str] = {
    Role.CUSTOMER_ID: "an identifier, not a trait",
    Role.ORDER_ID: "an identifier, not a trait",
    Role.ITEM: "an identifier, not a trait",
    Role.EMAIL: "contact details, not a trait",
    Role.PHONE: "contact details, not a trait",
    Role.NAME: "a name, not a trait",
    Role.TEXT: "free text",
    Role.IGNORE: "marked to ignore (constant or empty)",
}


@dataclass(frozen=True)
class ExcludedFeature:
    """A column left out of the model and why, in words."""

    column: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"column": self.column, "reason": self.reason}


@dataclass(frozen=True)
class FeaturePlan:
    """The columns a model uses, by kind, and those left out."""

    numeric: tuple[str, ...]
    dates: tuple[str, ...]
    categorical: tuple[str, ...]
    excluded: tuple[ExcludedFeature, ...]

    @property
    def features(self) -> tuple[str, ...]:
        return self.numeric + self.dates + self.categorical

    @property
    def number_like(self) -> tuple[str, ...]:
        """Numeric and date columns: both enter the model as numbers."""
        return self.numeric + self.dates


def read_target(values: pd.Series, *, name: str) -> pd.Series:
    """The yes/no column ``values`` as a nullable boolean Series (yes = True, unreadable = <NA>).

    Raises
    ------
    ColumnError
        When the column holds values other than yes/no words (1/0, true/false, yes/no ...).
    ParameterError
        When it has one outcome only, or fewer than :data:`MIN_CLASS_ROWS` of the rarer one.
    """
    if not is_yes_no(values):
        examples = ", ".join(repr(str(v)) for v in pd.unique(values.dropna().astype(str))[:4])
        raise ColumnError(
            f"The target column {name!r} must hold yes/no values (yes/no, 1/0, true/false); "
            f"it holds {examples}."
        )
    target = read_yes_no(values)
    known = target.dropna()
    n_yes = int(known.sum())
    n_no = len(known) - n_yes
    if n_yes == 0 or n_no == 0:
        only = "yes" if n_no == 0 else "no"
        raise ParameterError(
            f"The target column {name!r} is {only!r} for every customer; a propensity model needs both "
            f"yes and no outcomes (at least {MIN_CLASS_ROWS} of each)."
        )
    if min(n_yes, n_no) < MIN_CLASS_ROWS:
        rare, count = ("yes", n_yes) if n_yes < n_no else ("no", n_no)
        raise ParameterError(
            f"The target column {name!r} has only {counted(count, 'customer')} with {rare!r}; a propensity "
            f"model needs at least {MIN_CLASS_ROWS} of each outcome to learn and be checked."
        )
    return target


def target_candidates(frame: pd.DataFrame, *, id_col: str | None = None) -> tuple[str, ...]:
    """The columns of ``frame`` a propensity model can predict: yes/no values with both outcomes present."""
    found: list[str] = []
    for column in frame.columns:
        if column == id_col or frame[column].nunique(dropna=True) != 2:
            continue
        if is_yes_no(frame[column]) and read_yes_no(frame[column]).dropna().nunique() == 2:
            found.append(str(column))
    return tuple(found)


def _squashed(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", str(name).casefold())


def _named_after_target(column: str, target: str) -> bool:
    target_key = _squashed(target)
    return len(target_key) >= 4 and target_key in _squashed(column)


def _single_auc(values: pd.Series, is_category: bool, y: np.ndarray) -> float:
    if is_category:
        codes = values.astype(str).to_numpy()
        rates = pd.Series(y, dtype=float).groupby(codes).mean()
        x = rates.reindex(codes).to_numpy()
    else:
        x = values.to_numpy(dtype=float)
        x = np.where(np.isnan(x), np.nanmedian(x) if np.isfinite(x).any() else 0.0, x)
    if np.unique(x).size < 2:
        return 0.5
    return float(roc_auc_score(y, x))


def model_frame(frame: pd.DataFrame, plan: FeaturePlan) -> pd.DataFrame:
    """The columns of ``plan`` as models read them: numbers and dates (day numbers) as floats, else text.

    Assumes validated input (the columns exist). Missing numbers stay NaN (the pipeline
    imputes them); missing categories become :data:`MISSING_CATEGORY`.
    """
    data: dict[str, pd.Series | np.ndarray] = {}
    for column in plan.numeric:
        data[column] = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    for column in plan.dates:
        stamps = pd.to_datetime(frame[column], errors="coerce", format="mixed")
        days = stamps.to_numpy(dtype="datetime64[D]").astype("float64")
        days[stamps.isna().to_numpy()] = np.nan
        data[column] = days
    for column in plan.categorical:
        text = frame[column].astype("string").str.strip()
        data[column] = text.fillna(MISSING_CATEGORY).replace("", MISSING_CATEGORY).to_numpy(dtype=object)
    return pd.DataFrame(data, index=frame.index)


def plan_features(
    frame: pd.DataFrame,
    *,
    target: str,
    y: np.ndarray,
    id_col: str | None = None,
    roles: Mapping[str, Role | str] | None = None,
    features: Sequence[str] | None = None,
    keep_leaks: bool = False,
) -> FeaturePlan:
    """Choose the model's columns from ``frame`` (rows with a known target, aligned with ``y``).

    Parameters
    ----------
    frame : DataFrame of shape (n_customers, n_columns)
        Typed customer table (numbers as numbers, dates as dates).
    target : str
        The outcome column; never a feature.
    y : ndarray of shape (n_customers,)
        The outcome as booleans, for the leak check.
    id_col : str, optional
        The customer id column; never a feature.
    roles : mapping, optional
        Column roles; inferred from ``frame`` when not given.
    features : sequence of str, optional
        Use only these columns (still checked for leaks); by default every usable column.
    keep_leaks : bool
        Keep columns that predict the target almost perfectly on their own (default: leave out).
    """
    roles_of = as_roles(roles) if roles is not None else infer_roles(frame)
    if features is not None:
        for column in features:
            if column not in frame.columns:
                raise ColumnError(f"The feature {column!r} is not a column of the table.")
    candidates = [str(c) for c in (features if features is not None else frame.columns)]
    numeric: list[str] = []
    dates: list[str] = []
    categorical: list[str] = []
    excluded: list[ExcludedFeature] = []
    for column in candidates:
        if column == target:
            continue
        role = roles_of.get(column)
        values = frame[column]
        if column == id_col:
            excluded.append(ExcludedFeature(column, "the customer id"))
        elif column != target and _named_after_target(column, target):
            excluded.append(ExcludedFeature(column, f"its name says it comes from the outcome {target!r}"))
        elif values.nunique(dropna=True) < 2:
            excluded.append(ExcludedFeature(column, "the same value for every customer"))
        elif role is Role.DATE or pd.api.types.is_datetime64_any_dtype(values.dtype):
            dates.append(column)
        elif role in _NUMBER_ROLES or (role is None and pd.api.types.is_numeric_dtype(values.dtype)):
            numeric.append(column)
        elif role in _CATEGORY_ROLES or role is None:
            n_values = int(values.nunique(dropna=True))
            if n_values > MAX_CATEGORIES:
                excluded.append(
                    ExcludedFeature(column, f"{n_values} different values; at most {MAX_CATEGORIES} are used")
                )
            else:
                categorical.append(column)
        else:
            excluded.append(ExcludedFeature(column, _WHY_NOT.get(role, f"a {role} column")))
    plan = FeaturePlan(tuple(numeric), tuple(dates), tuple(categorical), tuple(excluded))
    if not keep_leaks:
        plan = _without_leaks(frame, plan, target=target, y=y)
    if not plan.features:
        raise ColumnError(
            f"No column can be used to predict {target!r}: every column is an id, text, constant or a leak "
            f"({'; '.join(f'{e.column}: {e.reason}' for e in plan.excluded[:5])})."
        )
    return plan


def _without_leaks(frame: pd.DataFrame, plan: FeaturePlan, *, target: str, y: np.ndarray) -> FeaturePlan:
    values = model_frame(frame, plan)
    leaks: list[ExcludedFeature] = []
    for column in plan.features:
        auc = _single_auc(values[column], column in plan.categorical, y)
        if auc >= LEAK_AUC or auc <= 1 - LEAK_AUC:
            leaks.append(
                ExcludedFeature(
                    column,
                    f"on its own it predicts {target!r} almost perfectly (AUC {max(auc, 1 - auc):.3f}): "
                    "probably recorded after the outcome",
                )
            )
    leaked = {e.column for e in leaks}
    return FeaturePlan(
        numeric=tuple(c for c in plan.numeric if c not in leaked),
        dates=tuple(c for c in plan.dates if c not in leaked),
        categorical=tuple(c for c in plan.categorical if c not in leaked),
        excluded=plan.excluded + tuple(leaks),
    )
