"""Segment rules as sentences a marketer reads aloud.

``share_other > 0.576 and recency_days <= 30`` reads "Spent more than 58% of their money outside
the top categories and bought in the last 30 days": shares as percentages, money with the
currency (:func:`segmentation.money.format_money`), counts as counts of orders or items, days as
days, and every other column by its readable label (or the marketer's own label). The rule itself
(:mod:`segmentation.personas.rules`) is unchanged; only its wording is made here.
Everything here assumes validated input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from segmentation.personas.rules import Condition
from segmentation.personas.wording import (
    capitalise,
    category_of_share_column,
    column_role,
    column_unit,
    format_percent,
    frequency_unit,
    in_sentence,
    is_plain_count,
    readable_label,
)

__all__ = ["condition_phrase", "rule_sentence"]


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _count(value: float, plural: str) -> str:
    """``(1, "orders")`` → "1 order"; ``(5, "orders")`` → "5 orders"."""
    return f"{_number(value)} {plural[:-1] if value == 1 and plural.endswith('s') else plural}"


def _share_phrase(condition: Condition, value: float, *, has_money: bool) -> str:
    amount = f"{'more than' if condition.operator == '>' else 'at most'} {format_percent(value)}"
    category = category_of_share_column(condition.feature)
    if has_money:
        where = "outside the top categories" if category.lower() == "other" else f"on {category}"
        return f"spent {amount} of their money {where}"
    where = "outside the top categories" if category.lower() == "other" else f"in {category}"
    return f"bought {amount} of their items {where}"


def condition_phrase(
    condition: Condition,
    *,
    currency: str = "",
    label: str = "",
    has_money: bool = True,
    money_col: str | None = None,
) -> str:
    """One condition in words, starting lower-case: ``recency_days <= 30`` → "bought in the last 30 days".

    Parameters
    ----------
    condition : Condition
        A condition of a segment rule, in the column's own units.
    currency : str
        The table's currency (ISO code or the marketer's word) for money columns.
    label : str
        The marketer's label for the column; the generated readable label when empty.
    has_money : bool
        False when the table has no money column: shares are of items, not of spend.
    money_col : str, optional
        The table's spend column (money whatever its name).
    """
    feature = condition.feature
    name = in_sentence(label) if label else readable_label(feature)
    if isinstance(condition.value, str):
        if condition.value in ("yes", "no") and condition.operator in ("is", "is not"):
            answer = (
                condition.value if condition.operator == "is" else {"yes": "no", "no": "yes"}[condition.value]
            )
            return f"{name}: {answer}"
        return f"{name} {condition.operator} {condition.value}"
    value = float(condition.value)
    above = condition.operator == ">"
    more = "more than" if above else "at most"
    role = column_role(feature, money_col=money_col)
    unit = column_unit(feature, looks_like_rate=0 <= value <= 1, currency=currency, money_col=money_col)
    if role == "share":
        return _share_phrase(condition, value, has_money=has_money)
    days = _number(round(value))
    if role == "recency":
        return f"last bought more than {days} days ago" if above else f"bought in the last {days} days"
    if role == "tenure":
        return f"customers for {more} {days} days"
    if role == "interval":
        return f"{more} {days} days between purchases on average"
    if role == "frequency" and is_plain_count(feature):
        counted_unit = frequency_unit(feature)
        verb = "placed" if counted_unit == "orders" else "made"
        return f"{verb} {more} {_count(value, counted_unit)}"
    if role == "items":
        return f"bought {more} {_count(value, 'items')}"
    if role == "age":
        return f"older than {_number(value)}" if above else f"aged {_number(value)} or younger"
    written = unit.format(value) if (unit.money or unit.percent) else _number(value)
    if unit.whole_above_ten and not unit.money:
        written = f"{days} days"
    if role == "money" and unit.money:
        return f"spent {more} {written} in total" if label == "" else f"{name} {more} {written}"
    if role == "aov":
        return f"average order worth {more} {written}"
    return f"{name} {'above' if above else 'at most'} {written}"


def rule_sentence(
    conditions: Sequence[Condition],
    *,
    currency: str = "",
    column_labels: Mapping[str, str] | None = None,
    has_money: bool = True,
    money_col: str | None = None,
) -> str:
    """A whole rule as one sentence ("Spent more than €1,200 in total and 5 or more orders"); "" for none.

    Options as in :func:`condition_phrase`; ``column_labels`` maps columns to the marketer's labels.
    """
    labels = column_labels or {}
    phrases = [
        condition_phrase(
            c, currency=currency, label=labels.get(c.feature, ""), has_money=has_money, money_col=money_col
        )
        for c in conditions
    ]
    if not phrases:
        return ""
    text = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    return capitalise(text)
