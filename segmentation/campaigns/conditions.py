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

Evaluation and live counts are in :mod:`segmentation.campaigns.query_matching`.
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

from segmentation.errors import ColumnError, ParameterError

__all__ = [
    "CATEGORY_LIMIT",
    "DATE_OPERATORS",
    "NUMBER_OPERATORS",
    "OPERATORS",
    "OPERATORS_BY_KIND",
    "TEXT_OPERATORS",
    "AudienceQuery",
    "Condition",
    "ConditionGroup",
    "describe_condition",
    "describe_query",
    "iso_date",
    "number_value",
    "query_from_file",
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
NUMBER_OPERATORS = frozenset({"gt", "ge", "lt", "le", "eq"})
TEXT_OPERATORS = frozenset({"is", "is_not", "contains"})
DATE_OPERATORS = frozenset({"before", "after"})
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
            iso_date(query.as_of, "as_of")
        return query

    @classmethod
    def from_json(cls, text: str | bytes) -> AudienceQuery:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ParameterError(f"the audience file is not valid JSON ({exc}).") from exc
        return cls.from_dict(data)


def _check_match(match: str, what: str) -> None:
    if match not in _MATCHES:
        raise ParameterError(f"the {what} says match {match!r}; use 'all' (AND) or 'any' (OR).")


def iso_date(text: object, column: str) -> pd.Timestamp:
    """``text`` as a day (``2024-03-01``); a :class:`ParameterError` naming ``column`` otherwise."""
    try:
        return pd.Timestamp(dt.date.fromisoformat(str(text)))
    except ValueError:
        raise ParameterError(
            f"condition on {column!r}: {text!r} is not a date; write it like 2024-03-01."
        ) from None


def number_value(value: object, column: str) -> float:
    """A condition's number ("12,5" reads as 12.5); a :class:`ParameterError` naming ``column`` otherwise."""
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
    if operator in NUMBER_OPERATORS:
        number_value(value, column)
    elif operator == "between":
        if not isinstance(value, tuple) or len(value) != 2:
            raise ParameterError(f"condition on {column!r}: 'between' needs two numbers, e.g. [10, 50].")
        low, high = (number_value(v, column) for v in value)
        if low > high:
            raise ParameterError(
                f"condition on {column!r}: between {low:g} and {high:g} is empty; swap them."
            )
    elif operator in TEXT_OPERATORS:
        if not isinstance(value, str) or not value.strip():
            raise ParameterError(f"condition on {column!r}: '{OPERATORS[operator]}' needs a text value.")
    elif operator == "one_of":
        if not isinstance(value, tuple) or not value or not all(isinstance(v, str) for v in value):
            raise ParameterError(f"condition on {column!r}: 'is one of' needs a list of values.")
    elif operator in DATE_OPERATORS:
        iso_date(value, column)
    elif operator == "within_days":
        days = number_value(value, column)
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
        iso_date(query.as_of, "as_of")


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
        days = int(number_value(value, condition.column))
        return f" {days} day" if days == 1 else f" {days} days"
    if condition.operator in NUMBER_OPERATORS:
        return f" {_number_text(value)}"
    return f" {value}"


def _number_text(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}".rstrip("0").rstrip(".")


#: The segment column: conditions on it read "in Loyal big spenders" rather than "segment_name is …".
SEGMENT_COLUMN = "segment_name"
_SEGMENT_WORDS = {"is": "in", "one_of": "in", "is_not": "not in"}


def describe_condition(condition: Condition, *, labels: Mapping[str, str] | None = None) -> str:
    """The condition as words: ``monetary is more than 500``, ``in Loyal big spenders``, ``in A or B``."""
    if condition.column == SEGMENT_COLUMN and condition.operator in _SEGMENT_WORDS:
        return f"{_SEGMENT_WORDS[condition.operator]}{_value_text(condition)}"
    name = (labels or {}).get(condition.column, condition.column)
    return f"{name} {OPERATORS.get(condition.operator, condition.operator)}{_value_text(condition)}"


def describe_query(query: AudienceQuery, *, labels: Mapping[str, str] | None = None) -> str:
    """The audience as one sentence: ``Customers in Loyal AND (B OR C)``; "All customers" when empty."""
    joiner = {"all": " AND ", "any": " OR "}
    parts = []
    used = [g for g in query.groups if g.conditions]
    for group in used:
        words = [describe_condition(c, labels=labels) for c in group.conditions]
        text = joiner[group.match].join(words)
        parts.append(f"({text})" if len(words) > 1 and len(used) > 1 else text)
    if not parts:
        return "All customers"
    sentence = joiner[query.combine].join(parts)
    in_segment = sentence.lstrip("(").startswith(("in ", "not in "))
    return ("Customers " if in_segment else "Customers where ") + sentence


def query_from_file(data: bytes, *, name: str) -> AudienceQuery:
    """Read an audience JSON file (as written by :meth:`AudienceQuery.to_json`); errors name the file."""
    try:
        return AudienceQuery.from_json(data)
    except ParameterError as exc:
        raise ParameterError(f"{name}: {exc}") from None
