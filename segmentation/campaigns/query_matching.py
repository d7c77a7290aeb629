"""Which customers an audience query selects: vectorised evaluation and the builder's live counts.

The query's types, JSON form and wording live in :mod:`segmentation.campaigns.conditions`; here
each column is read once per evaluation the way its operators need it (numbers with a decimal
point or comma, dates in any format :func:`segmentation.parsing.parse_dates` reads, yes/no in
the languages of :mod:`segmentation.vocabulary`), so a million rows take one pass per column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.campaigns.column_values import folded_text, numbers
from segmentation.campaigns.conditions import (
    CATEGORY_LIMIT,
    DATE_OPERATORS,
    NUMBER_OPERATORS,
    TEXT_OPERATORS,
    AudienceQuery,
    Condition,
    iso_date,
    number_value,
    validate_query,
)
from segmentation.keys import clean_text
from segmentation.parsing import parse_dates
from segmentation.vocabulary import MISSING_WORDS, is_yes_no, read_yes_no

__all__ = ["QueryCounts", "column_kind", "count_after_each", "query_mask"]


@dataclass(frozen=True)
class QueryCounts:
    """Live counts for the builder.

    Attributes
    ----------
    after_condition : tuple of tuple of int
        Per group, customers matching the group's conditions 1..i (AND or OR as the group says).
    group : tuple of int
        Customers matching each group alone.
    after_group : tuple of int
        Customers matching groups 1..j combined as the query says.
    total : int
        Customers matching the whole query.
    n_customers : int
        Rows evaluated.
    """

    after_condition: tuple[tuple[int, ...], ...]
    group: tuple[int, ...]
    after_group: tuple[int, ...]
    total: int
    n_customers: int


def column_kind(values: pd.Series) -> str:
    """How the builder offers a column: ``"number"``, ``"date"``, ``"yes/no"``, ``"category"`` or ``"text"``.

    Read from the values (a file read as text still has number and date columns): a column is a
    number (or a date) when at least 90% of its non-empty values read as one, yes/no when every
    value is a yes/no word, else a category when it has at most :data:`CATEGORY_LIMIT` distinct values.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return "yes/no"
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return "date"
    if pd.api.types.is_numeric_dtype(values.dtype):
        return "number"
    sample = values.dropna()
    sample = sample.iloc[:20_000].astype("str")
    sample = sample[~sample.str.strip().str.casefold().isin(MISSING_WORDS)]
    if sample.empty:
        return "text"
    if numbers(sample).notna().mean() >= 0.9:
        return "number"
    if is_yes_no(sample):
        return "yes/no"
    if parse_dates(sample).values.notna().mean() >= 0.9:
        return "date"
    return "category" if sample.nunique() <= CATEGORY_LIMIT else "text"


class _Distinct:
    """A text column as codes into its distinct values, so text is folded once per distinct value."""

    def __init__(self, values: pd.Series) -> None:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        self.codes = codes
        self.folded = folded_text(pd.Series(np.asarray(uniques, dtype=object), dtype="object"))
        self.raw = pd.Series(np.asarray(uniques, dtype=object), dtype="object")

    def rows(self, per_value: np.ndarray, *, missing: bool) -> np.ndarray:
        """Spread a boolean per distinct value back to rows; rows without a value get ``missing``."""
        extended = np.append(np.asarray(per_value, dtype=bool), missing)
        return extended[self.codes]  # code -1 (missing) picks the appended value


class _Reader:
    """Reads each column once per evaluation, the way its operators need it."""

    def __init__(self, frame: pd.DataFrame, as_of: str | None) -> None:
        self.frame = frame
        self.cache: dict[tuple[str, str], Any] = {}
        self.as_of = iso_date(as_of, "as_of") if as_of else pd.Timestamp(dt.datetime.now(dt.UTC).date())

    def read(self, column: str, how: str) -> Any:
        key = (column, how)
        if key not in self.cache:
            values = self.frame[column]
            if how == "number":
                self.cache[key] = numbers(values).to_numpy(dtype="float64", na_value=np.nan)
            elif how == "date":
                self.cache[key] = parse_dates(values).values.to_numpy(dtype="datetime64[ns]")
            else:  # text: yes/no and missing read the same distinct values
                self.cache[key] = _Distinct(values)
        return self.cache[key]


def _text_mask(distinct: _Distinct, operator: str, value: object) -> np.ndarray:
    if operator == "contains":
        found = distinct.folded.str.contains(clean_text(str(value)).casefold(), regex=False)
        return distinct.rows(found.to_numpy(dtype=bool), missing=False)
    wanted = value if isinstance(value, tuple) else (str(value),)
    is_in = distinct.folded.isin({clean_text(str(v)).casefold() for v in wanted}).to_numpy(dtype=bool)
    matched = distinct.rows(is_in, missing=False)
    return ~matched if operator == "is_not" else matched


def _condition_mask(reader: _Reader, condition: Condition) -> np.ndarray:
    """Assumes a validated condition on an existing column."""
    column, operator, value = condition.column, condition.operator, condition.value
    if operator in NUMBER_OPERATORS or operator == "between":
        x = reader.read(column, "number")
        with np.errstate(invalid="ignore"):
            if operator == "between":
                low, high = (number_value(v, column) for v in value)  # type: ignore[union-attr]
                return (x >= low) & (x <= high)
            t = number_value(value, column)
            result = {"gt": x > t, "ge": x >= t, "lt": x < t, "le": x <= t, "eq": x == t}[operator]
        return np.asarray(result, dtype=bool)
    if operator in TEXT_OPERATORS or operator == "one_of":
        return _text_mask(reader.read(column, "text"), operator, value)
    if operator in DATE_OPERATORS or operator == "within_days":
        dates = reader.read(column, "date")
        with np.errstate(invalid="ignore"):
            if operator == "within_days":
                start = reader.as_of - pd.Timedelta(days=int(number_value(value, column)))
                end = reader.as_of + pd.Timedelta(days=1)  # the whole as-of day counts
                return (dates >= start.to_datetime64()) & (dates < end.to_datetime64())
            day = iso_date(value, column).to_datetime64()
            return dates < day if operator == "before" else dates >= day + np.timedelta64(1, "D")
    if operator in ("is_yes", "is_no"):
        distinct = reader.read(column, "text")
        answers = read_yes_no(distinct.raw)
        per_value = (answers == (operator == "is_yes")).fillna(False).to_numpy(dtype=bool)
        return distinct.rows(per_value, missing=False)
    distinct = reader.read(column, "text")
    blank = distinct.rows((distinct.folded == "").to_numpy(dtype=bool), missing=True)
    return blank if operator == "missing" else ~blank


def _combine(masks: list[np.ndarray], match: str, n_rows: int) -> np.ndarray:
    if not masks:
        return np.ones(n_rows, dtype=bool)
    if match == "any":
        return np.logical_or.reduce(masks)
    return np.logical_and.reduce(masks)


def _cumulative(masks: list[np.ndarray], match: str) -> tuple[int, ...]:
    counts, running = [], None
    for mask in masks:
        running = mask if running is None else (running | mask if match == "any" else running & mask)
        counts.append(int(running.sum()))
    return tuple(counts)


def _evaluate(
    customers: pd.DataFrame, query: AudienceQuery
) -> tuple[list[list[np.ndarray]], list[np.ndarray]]:
    validate_query(query, customers.columns)
    reader = _Reader(customers, query.as_of)
    per_condition = [[_condition_mask(reader, c) for c in group.conditions] for group in query.groups]
    per_group = [
        _combine(masks, group.match, len(customers))
        for masks, group in zip(per_condition, query.groups, strict=True)
    ]
    return per_condition, per_group


def query_mask(customers: pd.DataFrame, query: AudienceQuery) -> np.ndarray:
    """Whether each customer matches ``query``, as a boolean array of shape (n_customers,).

    Parameters
    ----------
    customers : DataFrame of shape (n_customers, n_columns)
        Any customer table (typed or text); not modified.
    query : AudienceQuery

    Raises
    ------
    ColumnError
        A condition names a column the table does not have.
    ParameterError
        An operator or value cannot be used (the message names the column and the value).
    """
    _, per_group = _evaluate(customers, query)
    # Groups with no conditions do not narrow the audience, also under "any".
    used = [mask for mask, group in zip(per_group, query.groups, strict=True) if group.conditions]
    return _combine(used, query.combine, len(customers))


def count_after_each(customers: pd.DataFrame, query: AudienceQuery) -> QueryCounts:
    """Customers left after each condition and each group, for the builder's live counts."""
    per_condition, per_group = _evaluate(customers, query)
    used = [mask for mask, group in zip(per_group, query.groups, strict=True) if group.conditions]
    after_group = list(_cumulative(used, query.combine))
    # Groups without conditions repeat the count before them (they change nothing).
    filled: list[int] = []
    position = 0
    for group in query.groups:
        if group.conditions:
            filled.append(after_group[position])
            position += 1
        else:
            filled.append(filled[-1] if filled else len(customers))
    return QueryCounts(
        after_condition=tuple(
            _cumulative(masks, group.match) for masks, group in zip(per_condition, query.groups, strict=True)
        ),
        group=tuple(int(m.sum()) for m in per_group),
        after_group=tuple(filled),
        total=int(_combine(used, query.combine, len(customers)).sum()),
        n_customers=len(customers),
    )
