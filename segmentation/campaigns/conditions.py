"""The audience builder: conditions on any customer column, combined in AND/OR groups.

A marketer's audience reads like "customers in *Loyal big spenders* AND (bought in the last 30
days OR spent more than 500)": an :class:`AudienceQuery` holds :class:`ConditionGroup` s combined
with ``"all"`` (AND) or ``"any"`` (OR), and each group holds :class:`Condition` s matched the
same way. A condition names a column, an operator and a value; the operator says how the column
is read, so the same query works on a typed frame and on a file read as text:

===============  ===========================================  =========================
kind             operators                                    value
===============  ===========================================  =========================
number           ``gt`` ``ge`` ``lt`` ``le`` ``eq``           a number
number           ``between``                                  ``(low, high)``, inclusive
text / category  ``is`` ``is_not`` ``contains``               a text
text / category  ``one_of``                                   a tuple of texts
date             ``before`` ``after``                         an ISO date ``"2024-03-01"``
date             ``within_days``                              whole days before ``as_of``
yes/no           ``is_yes`` ``is_no``                         none
any              ``missing`` ``not_missing``                  none
===============  ===========================================  =========================

Text is compared as :func:`segmentation.campaigns.column_values.folded_text` reads it (case,
spaces and full-width forms ignored). A value that cannot be read the operator's way (text in a
number comparison, an empty cell) fails every condition except ``is_not`` and ``missing``, as
the simple column filters do. Segments (``segment_name``), RFM groups (``rfm_segment``) and
prediction scores are ordinary columns. Queries round-trip through JSON
(:meth:`AudienceQuery.to_json` / :meth:`AudienceQuery.from_json`) to be stored with a campaign.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.campaigns.column_values import folded_text, numbers
from segmentation.errors import ColumnError, ParameterError
from segmentation.keys import clean_text
from segmentation.parsing import parse_dates
from segmentation.vocabulary import MISSING_WORDS, is_yes_no, read_yes_no

__all__ = [
    "CATEGORY_LIMIT",
    "OPERATORS",
    "OPERATORS_BY_KIND",
    "AudienceQuery",
    "Condition",
    "ConditionGroup",
    "QueryCounts",
    "column_kind",
    "count_after_each",
    "describe_condition",
    "describe_query",
    "query_from_file",
    "query_mask",
    "validate_query",
]

ConditionValue = str | float | int | tuple[str, ...] | tuple[float, float] | None

#: Operator → the words of a sentence ("spent *is more than* 500").
OPERATORS: dict[str, str] = {
    "gt": "is more than",
    "ge": "is at least",
    "lt": "is less than",
    "le": "is at most",
    "between": "is between",
    "eq": "equals",
    "is": "is",
    "is_not": "is not",
    "contains": "contains",
    "one_of": "is one of",
    "before": "is before",
    "after": "is after",
    "within_days": "is within the last",
    "is_yes": "is yes",
    "is_no": "is no",
    "missing": "is empty",
    "not_missing": "is not empty",
}
_ANY = ("missing", "not_missing")
#: Which operators make sense for each kind of column (see :func:`column_kind`), in menu order.
OPERATORS_BY_KIND: dict[str, tuple[str, ...]] = {
    "number": ("gt", "ge", "lt", "le", "between", "eq", *_ANY),
    "text": ("is", "is_not", "contains", "one_of", *_ANY),
    "category": ("is", "is_not", "one_of", "contains", *_ANY),
    "date": ("within_days", "before", "after", *_ANY),
    "yes/no": ("is_yes", "is_no", *_ANY),
}
_NUMBER_OPS = frozenset({"gt", "ge", "lt", "le", "eq"})
_TEXT_OPS = frozenset({"is", "is_not", "contains"})
_DATE_OPS = frozenset({"before", "after"})
_NO_VALUE_OPS = frozenset({"is_yes", "is_no", "missing", "not_missing"})
_MATCHES = ("all", "any")
#: A text column with at most this many distinct values is a category (its values offered in a list).
CATEGORY_LIMIT = 50


@dataclass(frozen=True)
class Condition:
    """One rule: ``column operator value``, e.g. ``Condition("monetary", "gt", 500.0)``."""

    column: str
    operator: str
    value: ConditionValue = None

    def to_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"column": self.column, "operator": self.operator, "value": value}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Condition:
        if not isinstance(data, Mapping) or "column" not in data or "operator" not in data:
            raise ParameterError(
                "an audience condition needs a 'column' and an 'operator'; "
                f"got {json.dumps(data, default=str)}."
            )
        value = data.get("value")
        if isinstance(value, list):
            value = tuple(value)
        condition = cls(str(data["column"]), str(data["operator"]), value)
        _check_condition(condition)
        return condition


@dataclass(frozen=True)
class ConditionGroup:
    """Conditions of which ``"all"`` (AND) or ``"any"`` (OR) must hold; an empty group matches everyone."""

    conditions: tuple[Condition, ...] = ()
    match: str = "all"

    def to_dict(self) -> dict[str, Any]:
        return {"match": self.match, "conditions": [c.to_dict() for c in self.conditions]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ConditionGroup:
        if not isinstance(data, Mapping):
            raise ParameterError(f"an audience group must be an object with 'conditions'; got {data!r}.")
        conditions = data.get("conditions", [])
        if not isinstance(conditions, list):
            raise ParameterError("an audience group's 'conditions' must be a list.")
        group = cls(tuple(Condition.from_dict(c) for c in conditions), str(data.get("match", "all")))
        _check_match(group.match, "group")
        return group


@dataclass(frozen=True)
class AudienceQuery:
    """Groups of conditions combined with ``"all"`` (AND) or ``"any"`` (OR).

    ``as_of`` (ISO date) is the day "within the last N days" counts back from; None means
    today, so store it with a campaign that must be reproduced later.
    """

    groups: tuple[ConditionGroup, ...] = ()
    combine: str = "all"
    as_of: str | None = None

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return tuple(c for group in self.groups for c in group.conditions)

    @property
    def is_empty(self) -> bool:
        return not self.conditions

    def to_dict(self) -> dict[str, Any]:
        return {"combine": self.combine, "as_of": self.as_of, "groups": [g.to_dict() for g in self.groups]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AudienceQuery:
        if not isinstance(data, Mapping):
            raise ParameterError(
                "an audience must be a JSON object with 'groups' (and 'combine': 'all' or 'any')."
            )
        groups = data.get("groups", [])
        if not isinstance(groups, list):
            raise ParameterError("the audience's 'groups' must be a list of groups.")
        as_of = data.get("as_of")
        query = cls(
            tuple(ConditionGroup.from_dict(g) for g in groups),
            str(data.get("combine", "all")),
            None if as_of is None else str(as_of),
        )
        _check_match(query.combine, "audience")
        if query.as_of is not None:
            _iso_date(query.as_of, "as_of")
        return query

    @classmethod
    def from_json(cls, text: str | bytes) -> AudienceQuery:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ParameterError(f"the audience file is not valid JSON ({exc}).") from exc
        return cls.from_dict(data)


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


def _check_match(match: str, what: str) -> None:
    if match not in _MATCHES:
        raise ParameterError(f"the {what} says match {match!r}; use 'all' (AND) or 'any' (OR).")


def _iso_date(text: object, column: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(dt.date.fromisoformat(str(text)))
    except ValueError:
        raise ParameterError(
            f"condition on {column!r}: {text!r} is not a date; write it like 2024-03-01."
        ) from None


def _number(value: object, column: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ParameterError(f"condition on {column!r}: {value!r} is not a number; write e.g. 100.")
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except ValueError:
        raise ParameterError(f"condition on {column!r}: {value!r} is not a number; write e.g. 100.") from None
    if not np.isfinite(number):
        raise ParameterError(f"condition on {column!r}: {value!r} is not a finite number.")
    return number


def _check_condition(condition: Condition) -> None:
    """Raise :class:`ParameterError` naming the column when the operator or value cannot be used."""
    column, operator, value = condition.column, condition.operator, condition.value
    if operator not in OPERATORS:
        known = ", ".join(OPERATORS)
        raise ParameterError(f"condition on {column!r}: unknown operator {operator!r}; use one of {known}.")
    if operator in _NUMBER_OPS:
        _number(value, column)
    elif operator == "between":
        if not isinstance(value, tuple) or len(value) != 2:
            raise ParameterError(f"condition on {column!r}: 'between' needs two numbers, e.g. [10, 50].")
        low, high = (_number(v, column) for v in value)
        if low > high:
            raise ParameterError(
                f"condition on {column!r}: between {low:g} and {high:g} is empty; swap them."
            )
    elif operator in _TEXT_OPS:
        if not isinstance(value, str) or not value.strip():
            raise ParameterError(f"condition on {column!r}: '{OPERATORS[operator]}' needs a text value.")
    elif operator == "one_of":
        if not isinstance(value, tuple) or not value or not all(isinstance(v, str) for v in value):
            raise ParameterError(f"condition on {column!r}: 'is one of' needs a list of values.")
    elif operator in _DATE_OPS:
        _iso_date(value, column)
    elif operator == "within_days":
        days = _number(value, column)
        if days < 0 or days % 1:
            raise ParameterError(
                f"condition on {column!r}: {value!r} days must be a whole number of 0 or more."
            )
    elif value is not None:
        raise ParameterError(
            f"condition on {column!r}: '{OPERATORS[operator]}' takes no value; got {value!r}."
        )


def validate_query(query: AudienceQuery, columns: Iterable[object]) -> None:
    """Raise a :class:`SegmentationError` naming the column or value the query cannot use."""
    _check_match(query.combine, "audience")
    known = [str(c) for c in columns]
    for group in query.groups:
        _check_match(group.match, "group")
        for condition in group.conditions:
            if condition.column not in known:
                shown = ", ".join(repr(c) for c in known[:30])
                raise ColumnError(
                    f"the audience uses column {condition.column!r}, which the customer table does not have. "
                    f"Its columns are: {shown}."
                )
            _check_condition(condition)
    if query.as_of is not None:
        _iso_date(query.as_of, "as_of")


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


class _Reader:
    """Reads each column once per evaluation, the way its operators need it."""

    def __init__(self, frame: pd.DataFrame, as_of: str | None) -> None:
        self.frame = frame
        self.cache: dict[tuple[str, str], Any] = {}
        self.as_of = _iso_date(as_of, "as_of") if as_of else pd.Timestamp(dt.datetime.now(dt.UTC).date())

    def read(self, column: str, how: str) -> Any:
        key = (column, how)
        if key not in self.cache:
            values = self.frame[column]
            if how == "number":
                self.cache[key] = numbers(values).to_numpy(dtype="float64", na_value=np.nan)
            elif how == "text":
                self.cache[key] = folded_text(values)
            elif how == "date":
                self.cache[key] = parse_dates(values).values.to_numpy(dtype="datetime64[ns]")
            elif how == "yes/no":
                self.cache[key] = read_yes_no(values)
            else:  # missing
                blank = values.isna().to_numpy() | (folded_text(values) == "").to_numpy()
                self.cache[key] = blank
        return self.cache[key]


def _condition_mask(reader: _Reader, condition: Condition) -> np.ndarray:
    """Assumes a validated condition on an existing column."""
    column, operator, value = condition.column, condition.operator, condition.value
    if operator in _NUMBER_OPS or operator == "between":
        x = reader.read(column, "number")
        with np.errstate(invalid="ignore"):
            if operator == "between":
                low, high = (_number(v, column) for v in value)  # type: ignore[union-attr]
                return (x >= low) & (x <= high)
            t = _number(value, column)
            result = {"gt": x > t, "ge": x >= t, "lt": x < t, "le": x <= t, "eq": x == t}[operator]
        return np.asarray(result, dtype=bool)
    if operator in _TEXT_OPS or operator == "one_of":
        text = reader.read(column, "text")
        if operator == "contains":
            return text.str.contains(clean_text(str(value)).casefold(), regex=False).to_numpy(dtype=bool)
        wanted = value if isinstance(value, tuple) else (str(value),)
        is_in = text.isin({clean_text(str(v)).casefold() for v in wanted}).to_numpy(dtype=bool)
        return ~is_in if operator == "is_not" else is_in
    if operator in _DATE_OPS or operator == "within_days":
        dates = reader.read(column, "date")
        with np.errstate(invalid="ignore"):
            if operator == "within_days":
                start = reader.as_of - pd.Timedelta(days=int(_number(value, column)))
                return (dates >= start.to_datetime64()) & (
                    dates <= reader.as_of.to_datetime64() + np.timedelta64(1, "D")
                )
            day = _iso_date(value, column).to_datetime64()
            return dates < day if operator == "before" else dates >= day + np.timedelta64(1, "D")
    if operator in ("is_yes", "is_no"):
        answers = reader.read(column, "yes/no")
        return (answers == (operator == "is_yes")).fillna(False).to_numpy(dtype=bool)
    blank = reader.read(column, "missing")
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


def _value_text(condition: Condition) -> str:
    value = condition.value
    if condition.operator in _NO_VALUE_OPS:
        return ""
    if condition.operator == "between" and isinstance(value, tuple):
        return f" {_number_text(value[0])} and {_number_text(value[1])}"
    if condition.operator == "one_of" and isinstance(value, tuple):
        shown = [str(v) for v in value]
        return " " + (shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1])
    if condition.operator == "within_days":
        days = int(_number(value, condition.column))
        return f" {days} day" if days == 1 else f" {days} days"
    if condition.operator in _NUMBER_OPS:
        return f" {_number_text(value)}"
    return f" {value}"


def _number_text(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}".rstrip("0").rstrip(".")


def describe_condition(condition: Condition, *, labels: Mapping[str, str] | None = None) -> str:
    """The condition as words, e.g. ``monetary is more than 500`` or ``Segment is one of A or B``."""
    name = (labels or {}).get(condition.column, condition.column)
    return f"{name} {OPERATORS.get(condition.operator, condition.operator)}{_value_text(condition)}"


def describe_query(query: AudienceQuery, *, labels: Mapping[str, str] | None = None) -> str:
    """The audience as one sentence: ``Customers where A AND (B OR C)``; "All customers" when empty."""
    joiner = {"all": " AND ", "any": " OR "}
    parts = []
    used = [g for g in query.groups if g.conditions]
    for group in used:
        words = [describe_condition(c, labels=labels) for c in group.conditions]
        text = joiner[group.match].join(words)
        parts.append(f"({text})" if len(words) > 1 and len(used) > 1 else text)
    if not parts:
        return "All customers"
    return "Customers where " + joiner[query.combine].join(parts)


def query_from_file(data: bytes, *, name: str) -> AudienceQuery:
    """Read an audience JSON file (as written by :meth:`AudienceQuery.to_json`); errors name the file."""
    try:
        return AudienceQuery.from_json(data)
    except ParameterError as exc:
        raise ParameterError(f"{name}: {exc}") from None
