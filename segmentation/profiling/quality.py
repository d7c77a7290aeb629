"""Data-quality checks behind :func:`segmentation.profiling.table_profile.profile_table`.

Each check returns :class:`DataIssue` values whose message names the column, the count and
example values, in words a marketer can act on. Counts cover every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from segmentation._plural import counted
from segmentation.parsing import (
    DateParse,
    DistinctText,
    NumberParse,
    dates_from_distinct,
    distinct_text,
    is_text,
    numbers_from_distinct,
    parse_dates,
    parse_numbers,
)
from segmentation.profiling.roles import NUMBER_ROLES, Role

__all__ = [
    "ColumnValues",
    "DataIssue",
    "TableShape",
    "column_issues",
    "column_values",
    "missing_issues",
    "table_issues",
]

TableShape = Literal["customers", "transactions"]

_MAD_TO_SD = 1.4826
_OUTLIER_MADS = 5.0
_TUKEY_IQRS = 3.0
_FEW_ROWS = 20
_N_EXAMPLES = 3


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


def _quote_examples(examples: tuple[str, ...]) -> str:
    return ", ".join(repr(e) for e in examples[:_N_EXAMPLES])


def _fences(numbers: np.ndarray) -> tuple[float, float, str] | None:
    """Median ± 5 scaled MADs, or Tukey's 3·IQR fences when the MAD is zero; None when both are zero."""
    median = float(np.median(numbers))
    mad = float(np.median(np.abs(numbers - median))) * _MAD_TO_SD
    if mad > 0:
        return (
            median - _OUTLIER_MADS * mad,
            median + _OUTLIER_MADS * mad,
            "more than 5 robust standard deviations ",
        )
    q1, q3 = np.quantile(numbers, [0.25, 0.75])
    iqr = float(q3 - q1)
    if iqr == 0:
        return None
    return q1 - _TUKEY_IQRS * iqr, q3 + _TUKEY_IQRS * iqr, "outside Tukey's fences (quartiles ± 3 × IQR) "


def _outlier_issue(name: str, values: pd.Series, *, log_scale: bool) -> DataIssue | None:
    """Robust outliers, on a log scale for money and quantities (they are right-skewed).

    On the log scale only positive values are checked: negatives and zeros have their own issues.
    """
    numbers = values.dropna().to_numpy(dtype="float64")
    if log_scale:
        numbers = numbers[numbers > 0]
    if len(numbers) < _FEW_ROWS:
        return None
    fences = _fences(np.log(numbers) if log_scale else numbers)
    if fences is None:
        return None
    low, high, rule = fences
    if log_scale:
        low, high = float(np.exp(low)), float(np.exp(high))
        rule += f"(5 × 1.4826 × MAD) on a log scale, around the median {np.median(numbers):,.4g}"
    else:
        rule += f"(5 × 1.4826 × MAD) from the median {np.median(numbers):,.4g}"
    rule = rule.replace("(quartiles ± 3 × IQR) (5 × 1.4826 × MAD)", "(quartiles ± 3 × IQR)")
    outside = (numbers < low) | (numbers > high)
    count = int(outside.sum())
    if count == 0:
        return None
    extremes = np.unique(numbers[outside])
    examples = tuple(dict.fromkeys(f"{v:g}" for v in (extremes[:1].tolist() + extremes[-2:].tolist())))
    above, below = int((numbers > high).sum()), int((numbers < low).sum())
    return DataIssue(
        name,
        "outliers",
        count,
        f"{name!r} has {counted(count, 'unusual value')} "
        f"({below:,} below {low:,.4g}, {above:,} above {high:,.4g}), "
        f"{rule}, like {_quote_examples(examples)}. Check they are real before segmenting.",
        examples,
    )


def _number_issues(name: str, role: Role, parsed: NumberParse) -> list[DataIssue]:
    issues: list[DataIssue] = []
    if parsed.n_bad:
        issues.append(
            DataIssue(
                name,
                "not_a_number",
                parsed.n_bad,
                f"{name!r} has {counted(parsed.n_bad, 'value')} that "
                f"{'is not a number' if parsed.n_bad == 1 else 'are not numbers'}, like "
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
                    f"{name!r} has {counted(negative, 'negative value')}, taken as returns or "
                    "cancellations and counted separately from spend.",
                )
            )
        if zero:
            issues.append(
                DataIssue(
                    name,
                    "zero_amount",
                    zero,
                    f"{name!r} has {counted(zero, 'value')} equal to zero "
                    "(free items, test orders or missing prices?).",
                )
            )
    outliers = _outlier_issue(name, parsed.values, log_scale=role is not Role.NUMERIC)
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
                f"{name!r} has {counted(parsed.n_bad, 'value')} that "
                f"{'is not a date' if parsed.n_bad == 1 else 'are not dates'} "
                f"(read as {parsed.format_name}), like "
                f"{_quote_examples(parsed.examples)}; those rows will be left out of date calculations.",
                parsed.examples,
            )
        )
    if parsed.ambiguous:
        issues.append(
            DataIssue(
                name,
                "ambiguous_date",
                int(parsed.values.notna().sum()),
                f"{name!r} could be day-first or month-first (no value has a day above 12); its dates were "
                "read day-first (31/12 style). Check this if your system writes the month first.",
            )
        )
    return issues


def missing_issues(name: str, missing: int, rows: int) -> list[DataIssue]:
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


@dataclass(frozen=True)
class ColumnValues:
    """One column factorized once, so every check can share it.

    ``codes`` of shape (n_rows,) index the distinct values (-1: missing or blank);
    ``text`` is set for text columns (stripped distinct values), ``uniques`` otherwise.
    """

    series: pd.Series
    codes: np.ndarray
    n_distinct: int
    text: DistinctText | None
    uniques: pd.Series

    @property
    def missing(self) -> int:
        return int((self.codes < 0).sum())

    def value_at(self, code: int) -> str:
        return str(self.uniques.iloc[code])

    def examples(self, limit: int = _N_EXAMPLES) -> tuple[str, ...]:
        """The first ``limit`` distinct non-blank values, in order of appearance."""
        head = [str(v) for v in self.uniques.iloc[: limit + 5].tolist()]
        return tuple(v for v in head if self.text is None or v != "")[:limit]


def column_values(series: pd.Series) -> ColumnValues:
    """Factorize ``series`` (text is stripped and blank counts as missing)."""
    if is_text(series):
        distinct = distinct_text(series)
        return ColumnValues(series, distinct.codes, distinct.n_distinct, distinct, distinct.texts)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return ColumnValues(series, codes.astype(np.int64), len(uniques), None, pd.Series(uniques))


def _duplicate_id_issue(name: str, values: ColumnValues) -> DataIssue | None:
    counts = np.bincount(values.codes[values.codes >= 0], minlength=len(values.uniques))
    repeated = np.flatnonzero(counts > 1)
    if len(repeated) == 0:
        return None
    most = repeated[np.argsort(-counts[repeated], kind="stable")][:_N_EXAMPLES]
    examples = tuple(values.value_at(int(c)) for c in most)
    count = int(counts[repeated].sum())
    return DataIssue(
        name,
        "duplicate_id",
        count,
        f"{name!r} repeats: {count:,} rows share an id with another row, like "
        f"{_quote_examples(examples)}. Only the first row of each customer will be used.",
        examples,
    )


_SCIENTIFIC = r"(?i)^[-+]?\d(?:[.,]\d+)?e\+?\d+$"
_KEY_ROLES = frozenset({Role.CUSTOMER_ID, Role.ORDER_ID, Role.PHONE})


def _scientific_id_issue(name: str, values: ColumnValues) -> DataIssue | None:
    """Ids a spreadsheet wrote as ``1.23457E+11``: their last digits are gone, so people may share one."""
    if values.text is None:
        return None
    shortened = np.flatnonzero(values.uniques.astype("str").str.match(_SCIENTIFIC).to_numpy(dtype=bool))
    if not len(shortened):
        return None
    count = int(np.isin(values.codes, shortened).sum())
    examples = tuple(values.value_at(int(c)) for c in shortened[:_N_EXAMPLES])
    return DataIssue(
        name,
        "scientific_notation_id",
        count,
        f"{name!r} has {count:,} value(s) in scientific notation, like {_quote_examples(examples)}: a "
        "spreadsheet cut their digits, so different people can share one. Export the column as text "
        "(or as a number with no decimals) and load the file again.",
        examples,
    )


def column_issues(
    name: str, role: Role, values: ColumnValues, *, rows: int, shape: TableShape, decimal: str
) -> list[DataIssue]:
    """Every check that applies to one column with the given role."""
    missing, distinct = values.missing, values.n_distinct
    issues = missing_issues(name, missing, rows)
    if missing == rows:
        return issues
    if distinct == 1 and rows > 1:
        consequence = ", so it is ignored" if role is Role.IGNORE else "; it cannot tell customers apart"
        issues.append(
            DataIssue(
                name,
                "constant",
                rows - missing,
                f"{name!r} has the same value ({values.examples(1)[0]!r}) in every row{consequence}.",
            )
        )
    if role is Role.IGNORE:
        return issues
    if role in _KEY_ROLES:
        shortened = _scientific_id_issue(name, values)
        issues += [shortened] if shortened is not None else []
    index = values.series.index
    if role in NUMBER_ROLES:
        parsed = (
            numbers_from_distinct(values.text, index, decimal=decimal)
            if values.text is not None
            else parse_numbers(values.series, decimal=decimal)
        )
        issues.extend(_number_issues(name, role, parsed))
    elif role is Role.DATE:
        dates = (
            dates_from_distinct(values.text, index) if values.text is not None else parse_dates(values.series)
        )
        issues.extend(_date_issues(name, dates))
    elif role is Role.CUSTOMER_ID and shape == "customers":
        duplicate = _duplicate_id_issue(name, values)
        if duplicate is not None:
            issues.append(duplicate)
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


def table_issues(frame: pd.DataFrame, shape: TableShape) -> list[DataIssue]:
    issues: list[DataIssue] = []
    if frame.shape[1] == 1:
        name = str(frame.columns[0])
        # "id;email;spend" as one name means an unrecognised separator; "email" alone is a plain list
        split = any(separator in name for separator in ",;\t|")
        advice = (
            "the separator was probably not recognised. Choose it by hand (comma, semicolon, tab)."
            if split
            else "it can serve as a suppression list, but segments need more columns about each customer."
        )
        issues.append(
            DataIssue(None, "one_column", 1, f"The file has a single column ({name[:60]!r}); {advice}")
        )
    if len(frame) < _FEW_ROWS:
        unit = "customers" if shape == "customers" else "purchase lines"
        issues.append(
            DataIssue(
                None,
                "few_rows",
                len(frame),
                f"The table has only {len(frame):,} {unit}; "
                "segments need at least a few dozen to mean anything.",
            )
        )
    # One 64-bit hash per row keeps this check light on memory (DataFrame.duplicated would
    # factorize every column at once); a collision would only over-count a hint.
    repeated = int(pd.util.hash_pandas_object(frame, index=False).duplicated().sum()) if frame.shape[1] else 0
    if repeated:
        consequence = (
            "they may be real repeat purchases or a double export; they are kept and counted as bought"
            if shape == "transactions"
            else "the same customer may be counted twice; check the export"
        )
        issues.append(
            DataIssue(
                None,
                "duplicate_rows",
                repeated,
                f"{repeated:,} rows repeat an earlier row exactly "
                f"({repeated / len(frame):.1%}): {consequence}.",
            )
        )
    return issues
