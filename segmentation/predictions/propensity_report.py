"""How good a propensity model is, in a marketer's terms: gains by decile, calibration, rules in words.

Gains and calibration are measured on out-of-fold scores (each customer scored by a model that
did not see them), so they describe how the model will do on new customers. Assumes validated
input: ``y`` boolean and ``scores`` probabilities of the same length.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.tree import DecisionTreeClassifier

from segmentation.personas.rules import Condition, _nice_threshold

__all__ = [
    "CalibrationBin",
    "DecileGain",
    "FeatureImportance",
    "TreeRule",
    "calibration_bins",
    "decile_gains",
    "score_deciles",
    "tree_rules",
]


@dataclass(frozen=True)
class DecileGain:
    """One tenth of the customers, highest scores first (decile 1 = the top 10%)."""

    decile: int
    customers: int
    responders: int
    response_rate: float
    cumulative_share: float  # share of all responders in deciles 1..decile
    lift: float  # response rate / overall rate

    def to_dict(self) -> dict[str, float | int]:
        return {
            "decile": self.decile,
            "customers": self.customers,
            "responders": self.responders,
            "response_rate": round(self.response_rate, 4),
            "cumulative_share": round(self.cumulative_share, 4),
            "lift": round(self.lift, 3),
        }


@dataclass(frozen=True)
class CalibrationBin:
    """Customers whose predicted chance fell in one tenth of 0-100%: predicted vs observed share of yes."""

    low: float
    high: float
    customers: int
    predicted: float
    observed: float


@dataclass(frozen=True)
class FeatureImportance:
    """How much the model's ROC AUC drops when a column's values are shuffled (higher = matters more)."""

    column: str
    importance: float


@dataclass(frozen=True)
class TreeRule:
    """One leaf of the shallow decision tree, in words: who they are and how often they said yes."""

    text: str
    conditions: tuple[Condition, ...]
    customers: int
    responders: int
    rate: float


def score_deciles(scores: np.ndarray) -> np.ndarray:
    """Decile of each score, 1 (highest tenth) to 10; ties broken by row order, so it is reproducible."""
    order = np.argsort(-scores, kind="stable")
    deciles = np.empty(len(scores), dtype=np.int64)
    for number, rows in enumerate(np.array_split(order, 10), start=1):
        deciles[rows] = number
    return deciles


def decile_gains(y: np.ndarray, scores: np.ndarray) -> tuple[DecileGain, ...]:
    """Responders captured by each tenth of customers ranked by score (of shape (n_customers,))."""
    deciles = score_deciles(scores)
    total = max(int(y.sum()), 1)
    overall = total / len(y)
    gains: list[DecileGain] = []
    captured = 0
    for number in range(1, 11):
        in_decile = deciles == number
        customers = int(in_decile.sum())
        responders = int(y[in_decile].sum())
        captured += responders
        rate = responders / customers if customers else 0.0
        gains.append(
            DecileGain(
                number, customers, responders, rate, captured / total, rate / overall if overall else 0.0
            )
        )
    return tuple(gains)


def calibration_bins(y: np.ndarray, scores: np.ndarray, *, bins: int = 10) -> tuple[CalibrationBin, ...]:
    """Reliability table: for each probability band holding customers, mean predicted vs share of yes."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    band = np.clip(np.digitize(scores, edges[1:-1], right=False), 0, bins - 1)
    result: list[CalibrationBin] = []
    for index in range(bins):
        rows = band == index
        if rows.any():
            result.append(
                CalibrationBin(
                    float(edges[index]),
                    float(edges[index + 1]),
                    int(rows.sum()),
                    float(scores[rows].mean()),
                    float(y[rows].mean()),
                )
            )
    return tuple(result)


def _percent(share: float) -> str:
    return f"{share:.0%}" if share >= 0.01 or share == 0 else "under 1%"


def _condition_words(condition: Condition, dates: frozenset[str]) -> str:
    if condition.feature in dates and not isinstance(condition.value, str):
        day = np.datetime64(math.floor(float(condition.value)), "D")
        return f"{condition.feature} {'after' if condition.operator == '>' else 'on or before'} {day}"
    if condition.operator in ("is", "is not"):
        return f"{condition.feature} {condition.operator} {condition.value}"
    word = "more than" if condition.operator == ">" else "at most"
    return condition.text.replace(" > ", f" {word} ", 1).replace(" ≤ ", f" {word} ", 1)


def tree_rules(
    tree: DecisionTreeClassifier,
    matrix: np.ndarray,
    names: Sequence[str],
    y: np.ndarray,
    *,
    target: str,
    categorical: Sequence[str],
    dates: Sequence[str] = (),
) -> tuple[TreeRule, ...]:
    """Every leaf of a fitted shallow tree as a rule in words, highest share of yes first.

    Parameters
    ----------
    tree : DecisionTreeClassifier
        Fitted on ``matrix``.
    matrix : ndarray of shape (n_customers, n_columns)
        The tree's input: numbers in original units (imputed), one-hot columns named "column_value".
    names : sequence of str
        The ``matrix`` column names (from the ColumnTransformer).
    y : ndarray of shape (n_customers,)
        Outcome, to count customers and yes per leaf.
    categorical : sequence of str
        Original categorical columns, to read one-hot names back as "column is value".
    """
    structure = tree.tree_
    leaf_of = tree.apply(matrix)
    one_hot = {
        name: (column, name[len(column) + 1 :])
        for name in names
        for column in categorical
        if name.startswith(f"{column}_")
    }
    rules: list[TreeRule] = []
    stack: list[tuple[int, list[tuple[int, bool, float]]]] = [(0, [])]
    while stack:
        node, path = stack.pop()
        left, right = structure.children_left[node], structure.children_right[node]
        if left != -1:
            feature, threshold = int(structure.feature[node]), float(structure.threshold[node])
            stack.append((left, [*path, (feature, True, threshold)]))
            stack.append((right, [*path, (feature, False, threshold)]))
            continue
        in_leaf = leaf_of == node
        customers = int(in_leaf.sum())
        responders = int(y[in_leaf].sum())
        conditions = _path_conditions(path, names, one_hot, matrix)
        rate = responders / customers if customers else 0.0
        who = " and ".join(_condition_words(c, frozenset(dates)) for c in conditions) or "all customers"
        text = (
            f"Customers with {who}: {_percent(rate)} {target} = yes "
            f"({customers:,} customer{'s' if customers != 1 else ''})"
        )
        rules.append(TreeRule(text, conditions, customers, responders, rate))
    rules.sort(key=lambda r: (-r.rate, -r.customers))
    return tuple(rules)


def _path_conditions(
    path: list[tuple[int, bool, float]],
    names: Sequence[str],
    one_hot: dict[str, tuple[str, str]],
    matrix: np.ndarray,
) -> tuple[Condition, ...]:
    upper: dict[str, float] = {}
    lower: dict[str, float] = {}
    levels: dict[tuple[str, str], bool] = {}
    order: list[str] = []
    for index, goes_left, threshold in path:
        name = names[index]
        if name in one_hot:
            column, level = one_hot[name]
            levels[(column, level)] = not goes_left
            order.append(column)
            continue
        order.append(name)
        value = _nice_threshold(threshold, matrix[:, index])
        if goes_left:
            upper[name] = min(value, upper.get(name, math.inf))
        else:
            lower[name] = max(value, lower.get(name, -math.inf))
    conditions: list[Condition] = []
    for feature in dict.fromkeys(order):
        if feature in lower:
            conditions.append(Condition(feature, ">", lower[feature]))
        if feature in upper:
            conditions.append(Condition(feature, "<=", upper[feature]))
        positive = [lv for (col, lv), yes in levels.items() if col == feature and yes]
        if positive:
            conditions.append(Condition(feature, "is", positive[0]))
        else:
            conditions.extend(
                Condition(feature, "is not", lv)
                for (col, lv), yes in levels.items()
                if col == feature and not yes
            )
    return tuple(conditions)
