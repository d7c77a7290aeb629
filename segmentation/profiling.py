"""Understanding a loaded table: column roles, typed values, table shape and data quality.

The Data page and ``segmentation inspect`` show what this module finds: a role per column
(editable by the user), whether the file lists customers or transactions, and a data-quality
report that names the column, the count and example values of each problem.

Counts of bad values always cover every row; only role inference samples rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from segmentation._parsing import DateParse, NumberParse, parse_dates, parse_numbers
from segmentation._roles import ID_ROLES, NUMBER_ROLES, ROLE_LABELS, Role, infer_roles

__all__ = [
    "ROLE_LABELS",
    "ColumnProfile",
    "DataIssue",
    "DateParse",
    "NumberParse",
    "Role",
    "ShapeGuess",
    "TableProfile",
    "coerce_table",
    "detect_table_shape",
    "infer_roles",
    "parse_dates",
    "parse_numbers",
    "profile_table",
]

TableShape = Literal["customers", "transactions"]

_DTYPE_LABELS: dict[Role, str] = {
    **{role: "number" for role in NUMBER_ROLES},
    Role.DATE: "date",
    Role.CONSENT: "yes/no",
}
_TRUE_WORDS = frozenset(
    {"yes", "y", "true", "t", "1", "1.0", "ja", "oui", "si", "sí", "是", "opt-in", "opted in", "subscribed"}
)
_FALSE_WORDS = frozenset(
    {"no", "n", "false", "f", "0", "0.0", "nein", "non", "否", "opt-out", "opted out", "unsubscribed"}
)
_MAD_TO_SD = 1.4826
_OUTLIER_MADS = 5.0
_TUKEY_IQRS = 3.0
_FEW_ROWS = 20
_N_EXAMPLES = 3


@dataclass(frozen=True)
class ShapeGuess:
    """Whether a table lists customers (one row each) or transactions, and why we think so."""

    shape: TableShape
    reason: str


@dataclass(frozen=True)
class DataIssue:
    """One data-quality finding. ``column`` is None for table-wide findings."""

    column: str | None
    kind: str
    count: int
    message: str
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "kind": self.kind, "count": self.count, "message": self.message}


@dataclass(frozen=True)
class ColumnProfile:
    """Summary of one column: its role, a plain type label, missing values and distinct values."""

    name: str
    role: Role
    dtype: str
    missing: int
    missing_share: float
    distinct: int
    examples: tuple[str, ...]
    role_label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": str(self.role),
            "dtype": self.dtype,
            "missing": self.missing,
            "distinct": self.distinct,
        }


@dataclass(frozen=True)
class TableProfile:
    """Everything the Data page shows about a table before it is used."""

    rows: int
    shape: TableShape
    shape_reason: str
    roles: dict[str, Role]
    columns: tuple[ColumnProfile, ...]
    issues: tuple[DataIssue, ...] = field(default_factory=tuple)

    def to_dict(self, *, file_format: str | None = None) -> dict[str, Any]:
        """The ``segmentation inspect --json`` payload (``format`` only when given)."""
        payload: dict[str, Any] = {} if file_format is None else {"format": file_format}
        payload.update(
            {
                "rows": self.rows,
                "shape": self.shape,
                "columns": [c.to_dict() for c in self.columns],
                "issues": [i.to_dict() for i in self.issues],
            }
        )
        return payload


# --------------------------------------------------------------------------- typing values


def _as_id_text(series: pd.Series) -> pd.Series:
    """Ids as trimmed text; whole-number floats (1808.0 from Excel) lose their ``.0``."""
    if pd.api.types.is_float_dtype(series.dtype):
        whole = series.dropna()
        if (whole % 1 == 0).all():
            return series.astype("Int64").astype("str").where(series.notna())
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("str").where(series.notna())
    text = series.astype("str")
    return text.str.strip().where(series.notna())


def _as_consent(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean")
    words = series.astype("str").str.strip().str.casefold()
    result = pd.Series(pd.NA, index=series.index, dtype="boolean")
    result[words.isin(_TRUE_WORDS).fillna(False).astype(bool)] = True
    result[words.isin(_FALSE_WORDS).fillna(False).astype(bool)] = False
    return result


def coerce_table(frame: pd.DataFrame, roles: dict[str, Role], *, decimal: str = ".") -> pd.DataFrame:
    """Convert each column to the type its role implies; the input is not modified.

    Numbers (numeric, amount, quantity, price) become float64 with bad values NaN; dates become
    datetime64; consent becomes nullable boolean; ids, items, categories and text become ``str``
    with ids kept exactly as written (``"007"`` stays ``"007"``). Columns without a role, and
    ignored ones, are copied unchanged.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
    roles : dict
        Column name → :class:`Role` (as from :func:`infer_roles`, possibly edited).
    decimal : {".", ","}
        The file's decimal mark.

    Returns
    -------
    DataFrame of shape (n_rows, n_columns)
    """
    converted: dict[Any, pd.Series] = {}
    for column in frame.columns:
        series = frame[column]
        role = roles.get(str(column))
        if role in NUMBER_ROLES:
            converted[column] = parse_numbers(series, decimal=decimal).values
        elif role is Role.DATE:
            converted[column] = parse_dates(series).values
        elif role is Role.CONSENT:
            converted[column] = _as_consent(series)
        elif role is None or role is Role.IGNORE:
            converted[column] = series.copy()
        elif role in ID_ROLES or role in (Role.ITEM, Role.CATEGORY, Role.CATEGORICAL):
            converted[column] = _as_id_text(series)
        else:
            converted[column] = series.astype("str").where(series.notna())
    return pd.DataFrame(converted, index=frame.index)


# --------------------------------------------------------------------------- table shape


def detect_table_shape(frame: pd.DataFrame, roles: dict[str, Role]) -> ShapeGuess:
    """Guess whether ``frame`` has one row per customer or one row per purchase.

    A table is a transaction table when its customer ids repeat (more than 5 % of rows) and it
    has a date, an order id, an item or an amount; otherwise it is a customer table.
    """
    id_columns = [c for c, r in roles.items() if r is Role.CUSTOMER_ID]
    if not id_columns:
        return ShapeGuess(
            "customers", "No customer id column was found, so each row is taken as one customer."
        )
    id_column = id_columns[0]
    ids = frame[id_column].dropna()
    repeated = int(ids.duplicated().sum())
    purchase_columns = [
        c for c, r in roles.items() if r in (Role.DATE, Role.ORDER_ID, Role.ITEM, Role.AMOUNT)
    ]
    if len(ids) and repeated > 0.05 * len(ids) and purchase_columns:
        distinct = len(ids) - repeated
        return ShapeGuess(
            "transactions",
            f"{id_column!r} repeats ({len(ids):,} rows for {distinct:,} customers, about "
            f"{len(ids) / max(distinct, 1):.1f} rows each) and the file has purchase columns "
            f"({', '.join(repr(c) for c in purchase_columns[:3])}), so each row is taken as one purchase line.",
        )
    return ShapeGuess(
        "customers", f"Each {id_column!r} appears about once, so each row is taken as one customer."
    )


# --------------------------------------------------------------------------- data quality


def _quote_examples(examples: tuple[str, ...]) -> str:
    return ", ".join(repr(e) for e in examples[:_N_EXAMPLES])


def _outlier_issue(name: str, values: pd.Series) -> DataIssue | None:
    """Robust outliers: median ± 5 scaled MADs, or Tukey's 3·IQR fences when the MAD is zero."""
    numbers = values.dropna().to_numpy(dtype="float64")
    if len(numbers) < _FEW_ROWS:
        return None
    median = float(np.median(numbers))
    mad = float(np.median(np.abs(numbers - median))) * _MAD_TO_SD
    if mad > 0:
        low, high = median - _OUTLIER_MADS * mad, median + _OUTLIER_MADS * mad
        rule = f"more than 5 robust standard deviations (5 × 1.4826 × MAD) from the median {median:,.4g}"
    else:
        q1, q3 = np.quantile(numbers, [0.25, 0.75])
        iqr = float(q3 - q1)
        if iqr == 0:
            return None
        low, high = q1 - _TUKEY_IQRS * iqr, q3 + _TUKEY_IQRS * iqr
        rule = "outside Tukey's fences (quartiles ± 3 × IQR)"
    outside = (numbers < low) | (numbers > high)
    count = int(outside.sum())
    if count == 0:
        return None
    extremes = np.unique(numbers[outside])
    examples = tuple(f"{v:g}" for v in (extremes[:1].tolist() + extremes[-2:].tolist()))
    above, below = int((numbers > high).sum()), int((numbers < low).sum())
    return DataIssue(
        name,
        "outliers",
        count,
        f"{name!r} has {count:,} unusual values ({below:,} below {low:,.4g}, {above:,} above {high:,.4g}), "
        f"{rule}, like {_quote_examples(tuple(dict.fromkeys(examples)))}. Check they are real before segmenting.",
        tuple(dict.fromkeys(examples)),
    )


def _number_issues(name: str, role: Role, parsed: NumberParse) -> list[DataIssue]:
    issues: list[DataIssue] = []
    if parsed.n_bad:
        issues.append(
            DataIssue(
                name,
                "not_a_number",
                parsed.n_bad,
                f"{name!r} has {parsed.n_bad:,} values that are not numbers, like "
                f"{_quote_examples(parsed.examples)}; they will be treated as missing.",
                parsed.examples,
            )
        )
    if role in (Role.AMOUNT, Role.PRICE, Role.QUANTITY):
        values = parsed.values
        negative, zero = int((values < 0).sum()), int((values == 0).sum())
        if negative:
            issues.append(
                DataIssue(
                    name,
                    "negative_amount",
                    negative,
                    f"{name!r} has {negative:,} negative values; they are taken as returns or cancellations "
                    "and counted separately from spend.",
                )
            )
        if zero:
            issues.append(
                DataIssue(
                    name,
                    "zero_amount",
                    zero,
                    f"{name!r} has {zero:,} values equal to zero (free items, test orders or missing prices?).",
                )
            )
    outliers = _outlier_issue(name, parsed.values)
    if outliers is not None:
        issues.append(outliers)
    return issues


def _date_issues(name: str, parsed: DateParse) -> list[DataIssue]:
    issues: list[DataIssue] = []
    if parsed.n_bad:
        issues.append(
            DataIssue(
                name,
                "not_a_date",
                parsed.n_bad,
                f"{name!r} has {parsed.n_bad:,} values that are not dates (read as {parsed.format_name}), like "
                f"{_quote_examples(parsed.examples)}; those rows will be left out of date calculations.",
                parsed.examples,
            )
        )
    if parsed.ambiguous:
        issues.append(
            DataIssue(
                name,
                "ambiguous_date",
                0,
                f"{name!r} could be day-first or month-first (no day above 12); it was read day-first "
                "(31/12 style). Change it if your system writes month first.",
            )
        )
    return issues


def _missing_issues(name: str, missing: int, rows: int) -> list[DataIssue]:
    if rows and missing == rows:
        return [
            DataIssue(name, "all_missing", missing, f"{name!r} is empty in every row; it will be ignored.")
        ]
    if rows and missing > 0.5 * rows:
        return [
            DataIssue(
                name,
                "mostly_missing",
                missing,
                f"{name!r} is missing in {missing:,} of {rows:,} rows ({missing / rows:.0%}); "
                "segments built on it would mostly reflect the gaps.",
            )
        ]
    return []


def _column_issues(
    name: str,
    role: Role,
    series: pd.Series,
    *,
    missing: int,
    distinct: int,
    rows: int,
    shape: TableShape,
    decimal: str,
) -> list[DataIssue]:
    issues = _missing_issues(name, missing, rows)
    if missing == rows:
        return issues
    if distinct == 1 and rows > 1:
        value = series.dropna().iloc[0]
        issues.append(
            DataIssue(
                name,
                "constant",
                rows - missing,
                f"{name!r} has the same value ({value!r}) in every row; it cannot tell customers apart.",
            )
        )
    if role in NUMBER_ROLES:
        issues.extend(_number_issues(name, role, parse_numbers(series, decimal=decimal)))
    elif role is Role.DATE:
        issues.extend(_date_issues(name, parse_dates(series)))
    elif role is Role.CUSTOMER_ID and shape == "customers":
        duplicated = series.dropna().duplicated(keep=False)
        if duplicated.any():
            repeated_ids = series.dropna()[duplicated]
            examples = tuple(str(v) for v in repeated_ids.unique()[:_N_EXAMPLES])
            count = int(duplicated.sum())
            issues.append(
                DataIssue(
                    name,
                    "duplicate_id",
                    count,
                    f"{name!r} repeats: {count:,} rows share an id with another row, like "
                    f"{_quote_examples(examples)}. Only the first row of each customer will be used.",
                    examples,
                )
            )
    elif (
        role in (Role.TEXT, Role.CATEGORICAL)
        and rows - missing > _FEW_ROWS
        and distinct > 0.9 * (rows - missing)
    ):
        issues.append(
            DataIssue(
                name,
                "near_unique_text",
                distinct,
                f"{name!r} has a different value in almost every row ({distinct:,} distinct); it looks like "
                "free text or an id and will not help to form segments.",
            )
        )
    return issues


def _table_issues(frame: pd.DataFrame, shape: TableShape) -> list[DataIssue]:
    issues: list[DataIssue] = []
    if frame.shape[1] == 1:
        issues.append(
            DataIssue(
                None,
                "one_column",
                1,
                f"The file has a single column ({str(frame.columns[0])[:60]!r}); the separator was probably "
                "not recognised. Choose it by hand (comma, semicolon, tab).",
            )
        )
    if len(frame) < _FEW_ROWS:
        unit = "customers" if shape == "customers" else "purchase lines"
        issues.append(
            DataIssue(
                None,
                "few_rows",
                len(frame),
                f"The table has only {len(frame):,} {unit}; segments need at least a few dozen to mean anything.",
            )
        )
    return issues


def _distinct_and_examples(series: pd.Series) -> tuple[int, tuple[str, ...]]:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return len(uniques), tuple(str(v) for v in uniques[:_N_EXAMPLES])


def profile_table(
    frame: pd.DataFrame, *, roles: dict[str, Role] | None = None, decimal: str = "."
) -> TableProfile:
    """Profile every column and list data-quality issues.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        As loaded (text) or typed.
    roles : dict, optional
        Column name → :class:`Role`; inferred when omitted.
    decimal : {".", ","}
        The file's decimal mark, for reading numbers written as text.

    Returns
    -------
    TableProfile
        Rows, shape guess, one :class:`ColumnProfile` per column and the :class:`DataIssue` list
        (table-wide issues first, then by column order).
    """
    roles = dict(roles) if roles is not None else infer_roles(frame)
    guess = detect_table_shape(frame, roles)
    rows = len(frame)
    columns: list[ColumnProfile] = []
    issues = _table_issues(frame, guess.shape)
    for column in frame.columns:
        name = str(column)
        series = frame[column]
        role = roles.get(name, Role.IGNORE)
        missing = int(series.isna().sum())
        distinct, examples = _distinct_and_examples(series)
        columns.append(
            ColumnProfile(
                name=name,
                role=role,
                dtype=_DTYPE_LABELS.get(role, "text"),
                missing=missing,
                missing_share=missing / rows if rows else 0.0,
                distinct=distinct,
                examples=examples,
                role_label=ROLE_LABELS[role],
            )
        )
        if role is not Role.IGNORE:
            issues.extend(
                _column_issues(
                    name,
                    role,
                    series,
                    missing=missing,
                    distinct=distinct,
                    rows=rows,
                    shape=guess.shape,
                    decimal=decimal,
                )
            )
    return TableProfile(
        rows=rows,
        shape=guess.shape,
        shape_reason=guess.reason,
        roles=roles,
        columns=tuple(columns),
        issues=tuple(issues),
    )
