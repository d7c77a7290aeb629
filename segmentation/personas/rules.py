"""Short rules that describe segments in original units, from shallow surrogate decision trees.

For each segment a one-vs-rest ``DecisionTreeClassifier`` (depth ≤ 3, balanced classes) is fitted
on a seeded sample of the original, unscaled feature values (categorical features one-hot as
"column is level"). The rule is the single tree path to a "this segment" leaf with the best F1,
so it has at most ``max_depth`` conditions; thresholds are rounded to readable numbers and the
rule is then evaluated, as written, on every customer.

Rule quality (all shares of customers, measured on the whole table, not the sample):

* ``fidelity``: share of all customers the rule classifies the same way as the segmentation
  (matches the rule and is in the segment, or does not match and is not in it);
* ``precision``: share of the customers matching the rule who are in the segment;
* ``coverage``: share of the segment's customers who match the rule.

Missing numeric values are filled with the column median to fit the tree; a customer with a
missing value does not match a condition on that column. Everything here assumes validated input.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from segmentation.personas.traits import MAX_CATEGORY_LEVELS

_TREE_SAMPLE = 20_000
Operator = Literal["<=", ">", "is", "is not"]
_SYMBOLS: dict[str, str] = {"<=": "≤", ">": ">", "is": "is", "is not": "is not"}


@dataclass(frozen=True)
class Condition:
    """One condition of a rule, e.g. ``monetary > 1,200`` or ``channel is Online``."""

    feature: str
    operator: Operator
    value: float | str

    @property
    def text(self) -> str:
        value = self.value if isinstance(self.value, str) else _threshold_text(self.value)
        return f"{self.feature} {_SYMBOLS[self.operator]} {value}"


@dataclass(frozen=True)
class RuleSet:
    """The short rule describing one segment and how well it agrees with the segmentation.

    ``text`` is empty and the shares ``None`` when no tree path singles the segment out.
    """

    segment: int
    conditions: tuple[Condition, ...]
    text: str
    fidelity: float | None
    precision: float | None
    coverage: float | None
    n_matched: int


@dataclass(frozen=True)
class DesignColumn:
    """Column of the design matrix: a numeric feature, or the indicator "feature is level"."""

    feature: str
    level: str | None


def _as_text_levels(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series.dtype):
        mapped = series.map({True: "yes", False: "no"})
        return mapped.astype(object)
    return series.astype(object).where(series.notna(), None)


def design_matrix(
    frame: pd.DataFrame, features: Sequence[str]
) -> tuple[np.ndarray, tuple[DesignColumn, ...]]:
    """Original feature values as a float matrix of shape (n_customers, n_columns); NaN kept.

    Numeric features are used as they are; other features become 0/1 indicators of their most
    common levels (at most 12 per feature).
    """
    blocks: list[np.ndarray] = []
    columns: list[DesignColumn] = []
    for feature in features:
        series = frame[feature]
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            blocks.append(series.to_numpy(dtype="float64", na_value=np.nan)[:, None])
            columns.append(DesignColumn(feature, None))
            continue
        text = _as_text_levels(series)
        for level in text.value_counts().index[:MAX_CATEGORY_LEVELS]:
            blocks.append((text == level).to_numpy(dtype="float64")[:, None])
            columns.append(DesignColumn(feature, str(level)))
    matrix = np.hstack(blocks) if blocks else np.empty((len(frame), 0))
    return matrix, tuple(columns)


def fill_missing(matrix: np.ndarray) -> np.ndarray:
    """A copy of ``matrix`` with missing and infinite values replaced by the column median (0 if none)."""
    finite = np.where(np.isfinite(matrix), matrix, np.nan)
    medians = pd.DataFrame(finite).median().fillna(0.0).to_numpy()
    return np.where(np.isnan(finite), medians[None, :], finite)


def _nice_threshold(threshold: float, values: np.ndarray) -> float:
    """The roundest number that splits ``values`` (the training sample) exactly as ``threshold`` does.

    The tree puts thresholds midway between two neighbouring values ``below < above``; any
    number in ``[below, above)`` gives the same split, so the one with fewest significant
    digits is shown (for whole numbers ``x ≤ 30.5`` becomes ``x ≤ 30``).
    """
    finite = values[np.isfinite(values)]
    under = finite[finite <= threshold]
    over = finite[finite > threshold]
    if not under.size or not over.size:
        return threshold
    below, above = float(under.max()), float(over.min())
    for digits in range(1, 16):
        candidate = float(f"{threshold:.{digits}g}")
        if below <= candidate < above:
            return candidate
        rounded_down = float(f"{below:.{digits}g}")
        if below <= rounded_down < above:
            return rounded_down
    return threshold


def _threshold_text(value: float) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def _paths_to_segment_leaves(tree: DecisionTreeClassifier) -> list[list[tuple[int, bool, float]]]:
    """Every root-to-leaf path whose leaf predicts the segment, as (column, goes_left, threshold)."""
    structure = tree.tree_
    positive = int(np.flatnonzero(tree.classes_ == 1)[0]) if 1 in tree.classes_ else None
    paths: list[list[tuple[int, bool, float]]] = []
    if positive is None:
        return paths
    stack: list[tuple[int, list[tuple[int, bool, float]]]] = [(0, [])]
    while stack:
        node, path = stack.pop()
        left, right = structure.children_left[node], structure.children_right[node]
        if left == -1:
            if int(np.argmax(structure.value[node][0])) == positive and path:
                paths.append(path)
            continue
        column, threshold = int(structure.feature[node]), float(structure.threshold[node])
        stack.append((left, [*path, (column, True, threshold)]))
        stack.append((right, [*path, (column, False, threshold)]))
    return paths


def _conditions(
    path: list[tuple[int, bool, float]], columns: Sequence[DesignColumn], sample: np.ndarray
) -> tuple[Condition, ...]:
    """Readable conditions of a path, merging repeated conditions on one column."""
    upper: dict[str, float] = {}
    lower: dict[str, float] = {}
    categorical: dict[tuple[str, str], Operator] = {}
    for index, goes_left, threshold in path:
        column = columns[index]
        if column.level is not None:
            categorical[(column.feature, column.level)] = "is not" if goes_left else "is"
            continue
        value = _nice_threshold(threshold, sample[:, index])
        if goes_left:
            upper[column.feature] = min(value, upper.get(column.feature, math.inf))
        else:
            lower[column.feature] = max(value, lower.get(column.feature, -math.inf))
    conditions: list[Condition] = []
    for feature in dict.fromkeys([columns[i].feature for i, _, _ in path]):
        if feature in lower:
            conditions.append(Condition(feature, ">", lower[feature]))
        if feature in upper:
            conditions.append(Condition(feature, "<=", upper[feature]))
        conditions.extend(
            Condition(feature, op, level) for (name, level), op in categorical.items() if name == feature
        )
    # "is Online" makes "is not Store" redundant
    positives = {c.feature for c in conditions if c.operator == "is"}
    return tuple(c for c in conditions if not (c.operator == "is not" and c.feature in positives))


def rule_mask(frame: pd.DataFrame, conditions: Sequence[Condition]) -> np.ndarray:
    """Which customers match every condition, evaluated on the original values as written."""
    mask = np.ones(len(frame), dtype=bool)
    for condition in conditions:
        series = frame[condition.feature]
        if isinstance(condition.value, str):
            equal = (_as_text_levels(series) == condition.value).to_numpy(dtype=bool)
            mask &= equal if condition.operator == "is" else (~equal & series.notna().to_numpy())
            continue
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            mask &= values <= condition.value if condition.operator == "<=" else values > condition.value
    return mask


def _f1(predicted: np.ndarray, actual: np.ndarray) -> float:
    hits = float(np.sum(predicted & actual))
    denominator = float(np.sum(predicted) + np.sum(actual))
    return 2 * hits / denominator if denominator else 0.0


def _scored_rule(
    segment: int, conditions: tuple[Condition, ...], frame: pd.DataFrame, actual: np.ndarray
) -> RuleSet:
    matched = rule_mask(frame, conditions)
    n_matched = int(matched.sum())
    hits = int(np.sum(matched & actual))
    return RuleSet(
        segment=segment,
        conditions=conditions,
        text=" and ".join(c.text for c in conditions),
        fidelity=float(np.mean(matched == actual)),
        precision=hits / n_matched if n_matched else 0.0,
        coverage=hits / int(actual.sum()) if actual.any() else 0.0,
        n_matched=n_matched,
    )


def fit_surrogate_rules(
    frame: pd.DataFrame, labels: np.ndarray, *, features: Sequence[str], max_depth: int, seed: int
) -> dict[int, RuleSet]:
    """One short rule per segment (label −1, "Unassigned", gets none)."""
    rng = np.random.default_rng(seed)
    n_rows = len(frame)
    sample = (
        np.arange(n_rows)
        if n_rows <= _TREE_SAMPLE
        else np.sort(rng.choice(n_rows, _TREE_SAMPLE, replace=False))
    )
    matrix, columns = design_matrix(frame.iloc[sample], features)
    filled = fill_missing(matrix)
    sample_frame = frame.iloc[sample]
    rules: dict[int, RuleSet] = {}
    for segment in sorted(int(s) for s in np.unique(labels) if s != -1):
        actual_sample = labels[sample] == segment
        empty = RuleSet(segment, (), "", None, None, None, 0)
        if filled.shape[1] == 0 or actual_sample.all() or not actual_sample.any():
            rules[segment] = empty
            continue
        tree = DecisionTreeClassifier(
            max_depth=max_depth,
            class_weight="balanced",
            min_samples_leaf=max(1, len(sample) // 200),
            random_state=seed,
        ).fit(filled, actual_sample.astype(int))
        candidates = [_conditions(path, columns, filled) for path in _paths_to_segment_leaves(tree)]
        if not candidates:
            rules[segment] = empty
            continue
        best = max(candidates, key=lambda c: _f1(rule_mask(sample_frame, c), actual_sample))
        rules[segment] = _scored_rule(segment, best, frame, labels == segment)
    return rules
