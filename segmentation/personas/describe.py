"""Personas: readable, actionable descriptions of customer segments.

Given the customer table in its original units (the features table or a typed customer file)
and one segment label per row, :func:`describe_segments` returns one :class:`Persona` per
segment: a generated name, size and shares, 3–5 distinctive traits in plain language, top
categories, RFM mix, a short rule in original units with its fidelity, and a suggested action.
Label −1 is "Unassigned" (customers a density method left out): it gets a persona with that
name and no invented traits, rule or action. Label −2 (``NOT_SEGMENTED``: customers with no
value in any feature, never clustered) gets no persona at all and does not count in the overall
numbers the segments are compared with.

Words must match numbers: every qualifier of a name or action ("new", "lapsed", "big" ...) is
checked against the segment's numbers (:data:`segmentation.personas.naming.QUALIFIERS`), and money
words ("spend", "spenders", "revenue") appear only when a money column is used.

Which columns the traits use, and how effects are measured, is described in
:mod:`segmentation.personas.traits`; rule fidelity in :mod:`segmentation.personas.rules`; names and the
action rule table in :mod:`segmentation.personas.naming`. Nothing here scales the data: personas
describe original values (only the 2D map standardises, as any PCA must).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.errors import ColumnError, ParameterError
from segmentation.personas.naming import ACTION_UNASSIGNED, suggest_action, unique_names
from segmentation.personas.projection import map_coordinates
from segmentation.personas.rule_wording import rule_sentence
from segmentation.personas.rules import Condition, RuleSet, design_matrix, fit_surrogate_rules
from segmentation.personas.traits import (
    Trait,
    all_traits,
    column_facts,
    distinctive_traits,
    level_counts,
    segment_statistics,
    trait_columns,
)
from segmentation.personas.wording import category_of_share_column, column_role, is_share_column
from segmentation.segments.labels import NOT_SEGMENTED, UNASSIGNED, UNASSIGNED_NAME

__all__ = [
    "Condition",
    "Persona",
    "Projection",
    "RuleSet",
    "Trait",
    "describe_segments",
    "guess_money_column",
    "personas_to_dict",
    "project_2d",
    "segment_profile_matrix",
    "surrogate_rules",
]

_MONEY_ROLES = frozenset({"amount", "price"})
_TOP_CATEGORIES = 3
_TOP_RFM = 5
_DEFAULT_RFM_COLUMN = "rfm_segment"


@dataclass(frozen=True)
class Persona:
    """Description of one segment.

    ``share`` is the segment's share of customers; ``revenue_share`` its share of the money
    column's total (``None`` without one); ``top_categories`` the categories with the largest
    average share of spend as (category, share) pairs; ``rfm_mix`` the RFM segments of its
    customers as (RFM segment, share) pairs; ``rule`` a short rule in original units with
    ``rule_fidelity`` / ``rule_precision`` / ``rule_coverage`` as defined in
    :mod:`segmentation.personas.rules`, and ``rule_sentence`` the same rule in words (with the
    currency and the marketer's column labels); ``action`` a suggestion, with ``action_reason`` naming the
    traits that triggered it; ``money_col`` the money column the persona speaks of (``None``:
    the data has none, so categories are shares of items, not of spend).
    """

    segment: int
    name: str
    size: int
    share: float
    revenue_share: float | None
    traits: tuple[Trait, ...]
    top_categories: tuple[tuple[str, float], ...]
    rfm_mix: tuple[tuple[str, float], ...]
    rule: str
    rule_fidelity: float | None
    action: str
    action_reason: str
    rule_precision: float | None = None
    rule_coverage: float | None = None
    money_col: str | None = None
    rule_sentence: str = ""


@dataclass(frozen=True)
class Projection:
    """Customers on a 2D map (first two principal components of the standardised features).

    ``frame`` has columns ``x``, ``y``, ``segment`` and ``row`` (position in the input table);
    ``explained_variance`` is the share of variance each axis keeps; ``sampled`` says whether
    only a seeded sample of the ``n_total`` customers is shown.
    """

    frame: pd.DataFrame
    explained_variance: tuple[float, float]
    sampled: bool
    n_total: int


def guess_money_column(frame: pd.DataFrame, roles: Mapping[str, Any] | None = None) -> str | None:
    """The column holding each customer's spend, recognised by name (``monetary`` first), or None.

    Spending scores, income and returns are not spend; a currency-named total such as
    ``revenue_usd`` or ``total_spend`` is. With ``roles`` (column → role), a column whose role is
    known and is not a money amount (``amount``/``price``) is never taken for spend. Files
    without money have ``items_bought`` instead of ``monetary``, so no money column is found.
    """
    numeric = [
        str(c)
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c].dtype)
        and not pd.api.types.is_bool_dtype(frame[c].dtype)
        and (roles is None or c not in roles or str(getattr(roles[c], "value", roles[c])) in _MONEY_ROLES)
    ]
    if "monetary" in numeric:
        return "monetary"
    return next((c for c in numeric if column_role(c) == "money"), None)


def _validate(
    frame: pd.DataFrame,
    labels: Any,
    *,
    features: Sequence[str],
    optional_columns: Mapping[str, str | None] | None = None,
    extra_columns: Sequence[str] = (),
) -> np.ndarray:
    """Check the inputs at the edge and return the labels as an int64 array."""
    label_array = np.asarray(labels)
    if label_array.ndim != 1 or len(label_array) != len(frame):
        raise ParameterError(
            f"There are {label_array.size} segment labels for {len(frame)} customers; "
            "give exactly one label per row of the customer table."
        )
    if len(frame) == 0:
        raise ParameterError("The customer table is empty; load a file with at least one customer.")
    if not np.issubdtype(label_array.dtype, np.integer):
        as_float = np.asarray(label_array, dtype="float64") if label_array.dtype.kind in "fb" else None
        if as_float is None or not np.all(np.isfinite(as_float)) or np.any(as_float != np.round(as_float)):
            raise ParameterError("Segment labels must be whole numbers (−1 for unassigned customers).")
    if not features:
        raise ParameterError("Choose at least one feature the segments were built from.")
    named = [(f"Feature {c!r}", c) for c in features]
    named += [(what, c) for what, c in (optional_columns or {}).items() if c is not None]
    named += [(f"Category share column {c!r}", c) for c in extra_columns]
    for what, column in named:
        if column not in frame.columns:
            shown = ", ".join(repr(str(c)) for c in list(frame.columns)[:20])
            raise ColumnError(f"{what} is not a column of the customer table; its columns are: {shown}.")
    return label_array.astype("int64")


def _money_shares(frame: pd.DataFrame, labels: np.ndarray, money_col: str | None) -> dict[int, float] | None:
    if money_col is None:
        return None
    money = frame[money_col].to_numpy(dtype="float64", na_value=np.nan)
    total = float(np.nansum(money))
    if total <= 0:
        return None
    sums = pd.Series(money).groupby(labels).sum()
    return {int(s): float(v) / total for s, v in zip(sums.index.to_numpy(), sums.to_numpy(), strict=True)}


def _largest_shares(shares: pd.DataFrame, top: int) -> dict[int, tuple[tuple[str, float], ...]]:
    """Per segment (row), the ``top`` columns with the largest positive share, largest first."""
    largest: dict[int, tuple[tuple[str, float], ...]] = {}
    names = [str(c) for c in shares.columns]
    for segment, row in zip(shares.index.to_numpy(), shares.to_numpy(dtype="float64"), strict=True):
        order = np.argsort(-np.nan_to_num(row, nan=0.0), kind="stable")[:top]
        largest[int(segment)] = tuple((names[i], float(row[i])) for i in order if row[i] > 0)
    return largest


def _top_categories(
    frame: pd.DataFrame, labels: np.ndarray, columns: Sequence[str]
) -> dict[int, tuple[tuple[str, float], ...]]:
    if not columns:
        return {}
    values = pd.DataFrame(
        frame[list(columns)].to_numpy(dtype="float64", na_value=np.nan),
        columns=[category_of_share_column(c) for c in columns],
    )
    return _largest_shares(values.groupby(labels).mean(), _TOP_CATEGORIES)


def _rfm_mix(
    frame: pd.DataFrame, labels: np.ndarray, rfm_col: str | None
) -> dict[int, tuple[tuple[str, float], ...]]:
    if rfm_col is None:
        return {}
    segments, segment_index = np.unique(labels, return_inverse=True)
    levels, counts = level_counts(segment_index, len(segments), frame[rfm_col])
    sizes = np.bincount(segment_index, minlength=len(segments))
    shares = pd.DataFrame(counts / sizes[:, None], index=segments, columns=levels)
    return _largest_shares(shares, _TOP_RFM)


def describe_segments(
    frame: pd.DataFrame,
    labels: Any,
    *,
    features: Sequence[str],
    money_col: str | None = None,
    id_col: str | None = None,
    category_share_cols: Sequence[str] | None = None,
    rfm_col: str | None = None,
    seed: int = 0,
    currency: str = "",
    column_labels: Mapping[str, str] | None = None,
) -> tuple[Persona, ...]:
    """Describe every segment as a persona, in the data's own units.

    Parameters
    ----------
    frame : DataFrame of shape (n_customers, n_columns)
        The customer table in original units; not modified.
    labels : array-like of shape (n_customers,)
        Segment number per row; −1 means "Unassigned", −2 "not segmented" (no persona).
    features : sequence of str
        The columns the segments were built from (rules use these; traits use these first,
        plus the table's other informative columns, see :mod:`segmentation.personas.traits`).
    money_col : str, optional
        Spend per customer (e.g. ``monetary``): gives revenue shares and "spends" traits.
    id_col : str, optional
        Customer id column, never used as a trait (ids and personal data are excluded anyway).
    category_share_cols : sequence of str, optional
        Columns holding each customer's share of spend per category; ``None`` uses every
        ``share_<category>`` column, an empty sequence turns top categories off.
    rfm_col : str, optional
        RFM segment column for the RFM mix; ``None`` uses ``rfm_segment`` when present.
    seed : int
        Seed of the sampling used at scale (statistics, correlation, rule trees).
    currency : str
        The money's currency (ISO code such as ``"EUR"``, or a word such as ``"points"``);
        ``""`` writes money as plain numbers. Columns whose name states a currency keep theirs.
    column_labels : mapping of str to str, optional
        The marketer's labels for columns, used in trait and rule sentences.

    Returns
    -------
    tuple of Persona
        One per segment, sorted by segment number, "Unassigned" (−1) last; none for −2.
    """
    if category_share_cols is None:
        category_share_cols = [str(c) for c in frame.columns if is_share_column(str(c))]
    if rfm_col is None and _DEFAULT_RFM_COLUMN in frame.columns:
        rfm_col = _DEFAULT_RFM_COLUMN
    label_array = _validate(
        frame,
        labels,
        features=features,
        optional_columns={
            f"The money column {money_col!r}": money_col,
            f"The id column {id_col!r}": id_col,
            f"The RFM column {rfm_col!r}": rfm_col,
        },
        extra_columns=category_share_cols,
    )
    if money_col is not None and not pd.api.types.is_numeric_dtype(frame[money_col].dtype):
        raise ColumnError(f"The money column {money_col!r} holds text, not amounts; choose a numeric column.")
    described = label_array != NOT_SEGMENTED
    if not described.all():  # customers with no data are neither described nor part of "overall"
        frame, label_array = frame.loc[described], label_array[described]
        if len(frame) == 0:
            return ()
    excluded = [c for c in (id_col, rfm_col) if c is not None]
    columns = trait_columns(frame, features=features, excluded=excluded)
    stats = segment_statistics(
        frame,
        label_array,
        columns,
        money_col=money_col,
        seed=seed,
        currency=currency,
        column_labels=column_labels,
    )
    assigned = [s for s in stats.segments if s != UNASSIGNED]
    candidates = {s: all_traits(stats, s) for s in assigned}
    shown = {s: distinctive_traits(stats, candidates[s]) for s in assigned}
    facts = {s: column_facts(stats, s) for s in assigned}
    names = unique_names(shown, facts)
    rules = fit_surrogate_rules(frame, label_array, features=features, max_depth=3, seed=seed)
    revenue = _money_shares(frame, label_array, money_col)
    categories = _top_categories(frame, label_array, category_share_cols)
    rfm = _rfm_mix(frame, label_array, rfm_col)
    n_customers = len(frame)
    personas: list[Persona] = []
    for segment in [*assigned, *(s for s in stats.segments if s == UNASSIGNED)]:
        is_unassigned = segment == UNASSIGNED
        if is_unassigned:
            action, reason = ACTION_UNASSIGNED, "Customers that fit no segment are not described."
        else:
            action, reason = suggest_action(candidates[segment], shown[segment], facts[segment])
        rule = rules.get(segment)
        personas.append(
            Persona(
                segment=segment,
                name=UNASSIGNED_NAME if is_unassigned else names[segment],
                size=int(stats.sizes[segment]),
                share=int(stats.sizes[segment]) / n_customers,
                revenue_share=None if revenue is None else revenue.get(segment, 0.0),
                traits=() if is_unassigned else shown[segment],
                top_categories=categories.get(segment, ()),
                rfm_mix=rfm.get(segment, ()),
                rule=rule.text if rule is not None else "",
                rule_fidelity=rule.fidelity if rule is not None else None,
                action=action,
                action_reason=reason,
                rule_precision=rule.precision if rule is not None else None,
                rule_coverage=rule.coverage if rule is not None else None,
                money_col=money_col,
                rule_sentence=""
                if rule is None
                else rule_sentence(
                    rule.conditions,
                    currency=currency,
                    column_labels=column_labels,
                    has_money=money_col is not None,
                    money_col=money_col,
                ),
            )
        )
    return tuple(personas)


def personas_to_dict(
    personas: Sequence[Persona],
    *,
    names: Mapping[int, str] | None = None,
    actions: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    """JSON-ready description of the personas, with the marketer's edited names and actions.

    ``names`` and ``actions`` (by segment number) replace the generated ones where given.
    Returns ``{"segments": [{segment, name, size, share, revenue_share, traits (sentences),
    trait_details, top_categories, rfm_mix, rule, rule_sentence, rule_fidelity, rule_precision,
    rule_coverage, action, action_suggested, action_reason}, ...]}``; ``action_suggested`` is
    false when the marketer replaced the suggestion.
    """
    names = names or {}
    actions = actions or {}
    segments = []
    for persona in personas:
        action = actions.get(persona.segment, persona.action)
        segments.append(
            {
                "segment": persona.segment,
                "name": names.get(persona.segment, persona.name),
                "size": persona.size,
                "share": persona.share,
                "revenue_share": persona.revenue_share,
                "traits": [t.sentence for t in persona.traits],
                "trait_details": [
                    {
                        "feature": t.feature,
                        "kind": t.kind,
                        "level": t.level,
                        "effect": t.effect,
                        "statistic": t.statistic,
                        "segment_value": t.segment_value,
                        "overall_value": t.overall_value,
                        "ratio": t.ratio,
                    }
                    for t in persona.traits
                ],
                "top_categories": [{"category": c, "share": s} for c, s in persona.top_categories],
                "rfm_mix": [{"rfm_segment": r, "share": s} for r, s in persona.rfm_mix],
                "rule": persona.rule,
                "rule_sentence": persona.rule_sentence,
                "rule_fidelity": persona.rule_fidelity,
                "rule_precision": persona.rule_precision,
                "rule_coverage": persona.rule_coverage,
                "action": action,
                "action_suggested": action == persona.action,
                "action_reason": persona.action_reason,
            }
        )
    return {"segments": segments}


def segment_profile_matrix(frame: pd.DataFrame, labels: Any, *, features: Sequence[str]) -> pd.DataFrame:
    """Standardised means of each feature per segment (heatmap data).

    Returns a DataFrame of shape (n_segments, n_columns): index the segment numbers (sorted),
    columns the numeric features and, for categorical features, "feature: level" for each
    level; values are effects in standard deviations from the average customer, as in
    :class:`Trait` (numeric: winsorised mean difference / std; levels: share difference /
    sqrt(p(1 − p))).
    """
    label_array = _validate(frame, labels, features=features)
    described = label_array != NOT_SEGMENTED  # customers with no data have no profile
    frame, label_array = frame.loc[described], label_array[described]
    columns = trait_columns(frame[list(features)], features=features, excluded=())
    stats = segment_statistics(frame, label_array, columns, money_col=None, seed=0)
    matrix = stats.numeric_effect.copy()
    for level in stats.levels:
        name = level.column if level.boolean else f"{level.column}: {level.level}"
        matrix[name] = level.effect.reindex(matrix.index)
    matrix.index = pd.Index([int(s) for s in matrix.index], name="segment")
    return matrix


def project_2d(
    frame: pd.DataFrame, labels: Any, *, features: Sequence[str], max_points: int = 5000, seed: int = 0
) -> Projection:
    """Place customers on a 2D map with PCA of the standardised features (seeded sample at scale).

    Categorical features enter as 0/1 indicators; missing values are filled with the median;
    skewed non-negative columns are log-scaled first (see :mod:`segmentation.personas.projection`).
    ``max_points`` caps the customers placed (a seeded random sample beyond it). Customers not
    segmented (−2, no data) are not placed: they have no values to place.
    """
    label_array = _validate(frame, labels, features=features)
    if max_points < 2:
        raise ParameterError(f"max_points={max_points} is too small for a map; use at least 2.")
    placeable = np.flatnonzero(label_array != NOT_SEGMENTED)
    n_total = len(placeable)
    sampled = n_total > max_points
    rows = (
        placeable[np.sort(np.random.default_rng(seed).choice(n_total, max_points, replace=False))]
        if sampled
        else placeable
    )
    matrix, _ = design_matrix(frame.iloc[rows], features)
    coordinates, explained = map_coordinates(matrix, seed=seed)
    projected = pd.DataFrame(
        {"x": coordinates[:, 0], "y": coordinates[:, 1], "segment": label_array[rows], "row": rows}
    )
    return Projection(projected, explained, sampled, n_total)


def surrogate_rules(
    frame: pd.DataFrame, labels: Any, *, features: Sequence[str], max_depth: int = 3, seed: int = 0
) -> dict[int, RuleSet]:
    """A short rule per segment in original units, from a depth-≤3 one-vs-rest decision tree.

    Returns ``{segment: RuleSet}`` (no entry for −1, "Unassigned"). ``RuleSet.fidelity`` is the
    share of all customers the rule classifies the same way as the segmentation; ``precision``
    the share of matching customers in the segment; ``coverage`` the share of the segment
    matching the rule (see :mod:`segmentation.personas.rules`).
    """
    label_array = _validate(frame, labels, features=features)
    if not 1 <= max_depth <= 3:
        raise ParameterError(f"max_depth={max_depth}: rules stay short, choose 1, 2 or 3 conditions.")
    return fit_surrogate_rules(frame, label_array, features=features, max_depth=max_depth, seed=seed)
