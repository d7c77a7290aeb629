"""Distinctive traits of segments: per-segment statistics against all customers, ranked by effect size.

Which columns can become traits: the segmentation features first, plus the other informative
columns of the customer table: numeric columns, yes/no columns and categorical columns with
2–12 levels. Never: the id column, personal data (names, e-mail, phone, address ... by column
name), dates, free text / high-cardinality columns, the RFM segment column (shown as its own
RFM mix) and the RFM score columns unless they were segmentation features.

Effect sizes (``Trait.effect``, signed, in standard deviations):

* numeric: (segment mean − overall mean) / overall standard deviation, computed on values
  winsorised at the overall 1st and 99th percentiles so a few extreme customers do not dominate;
  skewed non-negative columns (|skewness| > 1: spend, counts, days) are compared on the
  log(1 + x) scale, so the effect follows the typical customer as the quoted median does;
* categorical level (and yes/no "yes"): (segment share − overall share) / sqrt(p (1 − p)),
  with p the overall share.

The sentence quotes the median when the column is skewed (|skewness| > 1) and the medians
differ, the average otherwise, and says which. Everything here assumes validated input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from segmentation.personas.wording import (
    NumericFacts,
    Role,
    categorical_sentence,
    column_role,
    column_unit,
    is_private_column,
    is_rfm_score_column,
    numeric_sentence,
)

MAX_CATEGORY_LEVELS = 12
# |effect| needed for a trait to be shown at all, and for the 4th and 5th trait.
MIN_EFFECT = 0.2
STRONG_EFFECT = 0.5
MIN_TRAITS, MAX_TRAITS = 3, 5
# Columns this correlated with an already listed trait say the same thing twice.
REDUNDANT_CORRELATION = 0.95
_STATS_SAMPLE = 200_000
_CORRELATION_SAMPLE = 20_000
_SKEWED = 1.0


@dataclass(frozen=True)
class Trait:
    """One way a segment differs from all customers, with a plain-language sentence.

    ``effect`` is the signed standardised difference (see module notes); ``segment_value`` and
    ``overall_value`` are the quoted statistic (``statistic``: "median", "average" or, for
    categorical levels, "share") in the column's own units; ``ratio`` is segment / overall when
    both are positive numbers; ``level`` is the categorical level the trait is about.
    """

    feature: str
    kind: Literal["numeric", "categorical"]
    effect: float
    segment_value: float | str
    overall_value: float | str
    ratio: float | None
    sentence: str
    level: str | None = None
    statistic: str = "median"
    role: str = "generic"


@dataclass(frozen=True)
class TraitColumns:
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    boolean: tuple[str, ...]


_TYPE_CHECK_ROWS = 10_000


def _is_flag(series: pd.Series) -> bool:
    """Yes/no columns: booleans, or numbers that are only ever 0 and 1."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return True
    if not pd.api.types.is_numeric_dtype(series.dtype):
        return False
    # a look at the first rows rules out almost every real numeric column cheaply
    head = series.iloc[:_TYPE_CHECK_ROWS].dropna().to_numpy(dtype="float64")
    if head.size and not np.all((head == 0) | (head == 1)):
        return False
    values = series.dropna().to_numpy(dtype="float64")
    return bool(np.all((values == 0) | (values == 1))) and np.unique(values).size == 2


def _few_levels(series: pd.Series) -> bool:
    if series.iloc[:_TYPE_CHECK_ROWS].nunique(dropna=True) > MAX_CATEGORY_LEVELS:
        return False
    return 2 <= series.nunique(dropna=True) <= MAX_CATEGORY_LEVELS


def level_counts(
    segment_index: np.ndarray, n_segments: int, values: pd.Series
) -> tuple[list[str], np.ndarray]:
    """Customers per (segment, level) as an array of shape (n_segments, n_levels); missing values skipped.

    ``segment_index`` holds each row's position in the sorted segment numbers.
    """
    codes, uniques = pd.factorize(values, sort=True)
    present = codes >= 0
    n_levels = len(uniques)
    flat = np.bincount(segment_index[present] * n_levels + codes[present], minlength=n_segments * n_levels)
    return [str(u) for u in uniques], flat.reshape(n_segments, n_levels)


def trait_columns(frame: pd.DataFrame, *, features: Sequence[str], excluded: Sequence[str]) -> TraitColumns:
    """Split the columns that may become traits into numeric, categorical and yes/no ones."""
    numeric: list[str] = []
    categorical: list[str] = []
    boolean: list[str] = []
    chosen = set(features)
    ordered = list(features) + [c for c in frame.columns if c not in chosen]
    for column in ordered:
        if column in excluded or is_private_column(column):
            continue
        if is_rfm_score_column(column) and column not in chosen:
            continue
        series = frame[column]
        dtype = series.dtype
        if pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(dtype, pd.PeriodDtype):
            continue
        if _is_flag(series):
            boolean.append(column)
        elif pd.api.types.is_numeric_dtype(dtype):
            numeric.append(column)
        elif _few_levels(series):
            categorical.append(column)
    return TraitColumns(tuple(numeric), tuple(categorical), tuple(boolean))


@dataclass(frozen=True)
class _Level:
    """Shares of one categorical level (or "yes" of a yes/no column), by segment."""

    column: str
    level: str
    boolean: bool
    segment_share: pd.Series
    overall_share: float
    effect: pd.Series


@dataclass(frozen=True)
class SegmentStatistics:
    """Per-segment statistics of every trait column (rows: segment numbers, sorted)."""

    segments: tuple[int, ...]
    sizes: pd.Series
    numeric_effect: pd.DataFrame
    numeric_median: pd.DataFrame
    numeric_mean: pd.DataFrame
    overall_median: pd.Series
    overall_mean: pd.Series
    skewed: dict[str, bool]
    rates: dict[str, bool]
    levels: tuple[_Level, ...]
    correlation: pd.DataFrame
    money_col: str | None
    currency: str = ""  # ISO code or the marketer's word for money; "" = unknown
    column_labels: Mapping[str, str] = field(default_factory=dict)  # the marketer's column labels


def _sample_rows(n_rows: int, size: int, rng: np.random.Generator) -> np.ndarray:
    if n_rows <= size:
        return np.arange(n_rows)
    return np.sort(rng.choice(n_rows, size=size, replace=False))


def _level_shares(
    column: str, values: pd.Series, segment_index: np.ndarray, sizes: pd.Series, *, boolean: bool
) -> list[_Level]:
    if boolean:
        flags = values.astype("float64").fillna(0.0).to_numpy() > 0.5
        names = ["yes"]
        counts = np.bincount(segment_index[flags], minlength=len(sizes))[:, None]
    else:
        names, counts = level_counts(segment_index, len(sizes), values)
    n_rows = len(values)
    levels: list[_Level] = []
    for position, level in enumerate(names):
        segment_share = pd.Series(counts[:, position], index=sizes.index) / sizes
        overall = float(counts[:, position].sum()) / n_rows
        spread = np.sqrt(overall * (1.0 - overall))
        effect = (segment_share - overall) / spread if spread > 0 else segment_share * 0.0
        levels.append(_Level(column, level, boolean, segment_share, overall, effect))
    return levels


def segment_statistics(
    frame: pd.DataFrame,
    labels: np.ndarray,
    columns: TraitColumns,
    *,
    money_col: str | None,
    seed: int,
    currency: str = "",
    column_labels: Mapping[str, str] | None = None,
) -> SegmentStatistics:
    """Vectorised per-segment statistics (one groupby per statistic) for every trait column.

    ``currency`` and ``column_labels`` (column → the marketer's label) only change how traits are worded.
    """
    rng = np.random.default_rng(seed)
    numeric = list(columns.numeric)
    values = pd.DataFrame(
        frame[numeric].to_numpy(dtype="float64", na_value=np.nan), columns=numeric, index=None
    )
    sizes = pd.Series(labels).value_counts().sort_index()
    sample = _sample_rows(len(frame), _STATS_SAMPLE, rng)
    sampled = values.iloc[sample]
    if numeric:
        skewness = sampled.skew().fillna(0.0).abs()
        scaled = values.copy()
        for column in numeric:
            if skewness[column] > _SKEWED and sampled[column].min() >= 0:
                scaled[column] = np.log1p(values[column].clip(lower=0.0))
        scaled_sample = scaled.iloc[sample]
        clipped = scaled.clip(lower=scaled_sample.quantile(0.01), upper=scaled_sample.quantile(0.99), axis=1)
        spread = clipped.std(ddof=0)
        effect = (clipped.groupby(labels).mean() - clipped.mean()) / spread.where(spread > 0)
        effect = effect.fillna(0.0)
        within_unit = (sampled.min() >= 0) & (sampled.max() <= 1)
    else:
        effect = pd.DataFrame(index=sizes.index)
        skewness = pd.Series(dtype="float64")
        within_unit = pd.Series(dtype="bool")
    segment_index = np.searchsorted(sizes.index.to_numpy(), labels)
    levels: list[_Level] = []
    for column in columns.categorical:
        levels.extend(_level_shares(column, frame[column], segment_index, sizes, boolean=False))
    for column in columns.boolean:
        levels.extend(_level_shares(column, frame[column], segment_index, sizes, boolean=True))
    correlation_rows = _sample_rows(len(frame), _CORRELATION_SAMPLE, rng)
    correlation = values.iloc[correlation_rows].corr().abs().fillna(0.0)
    return SegmentStatistics(
        segments=tuple(int(s) for s in sizes.index),
        sizes=sizes,
        numeric_effect=effect.reindex(sizes.index),
        numeric_median=values.groupby(labels).median().reindex(sizes.index),
        numeric_mean=values.groupby(labels).mean().reindex(sizes.index),
        overall_median=values.median(),
        overall_mean=values.mean(),
        skewed={c: bool(skewness.get(c, 0.0) > _SKEWED) for c in numeric},
        rates={c: bool(within_unit.get(c, False)) for c in numeric},
        levels=tuple(levels),
        correlation=correlation,
        money_col=money_col,
        currency=currency,
        column_labels=dict(column_labels or {}),
    )


def _cell(table: pd.DataFrame, row: int | str, column: str) -> float:
    value: Any = table.at[row, column]
    return float(value)


def _numeric_trait(stats: SegmentStatistics, segment: int, column: str) -> Trait:
    role: Role = column_role(column, money_col=stats.money_col)
    effect = _cell(stats.numeric_effect, segment, column)
    segment_median = _cell(stats.numeric_median, segment, column)
    overall_median = float(stats.overall_median[column])
    segment_mean = _cell(stats.numeric_mean, segment, column)
    overall_mean = float(stats.overall_mean[column])
    # quote the median for skewed columns, unless it does not point the way the effect does
    # (equal medians, or a few big values pulling the other way); then the average
    median_agrees = np.sign(segment_median - overall_median) == np.sign(effect) != 0
    if role != "share" and stats.skewed[column] and median_agrees:
        statistic, segment_value, overall_value = "median", segment_median, overall_median
    else:
        statistic, segment_value, overall_value = "average", segment_mean, overall_mean
    ratio = segment_value / overall_value if overall_value > 0 and segment_value >= 0 else None
    facts = NumericFacts(
        column=column,
        role=role,
        unit=column_unit(
            column, looks_like_rate=stats.rates[column], currency=stats.currency, money_col=stats.money_col
        ),
        statistic=statistic,
        segment_value=segment_value,
        overall_value=overall_value,
        ratio=ratio,
        effect=effect,
        has_money=stats.money_col is not None,
        label=stats.column_labels.get(column, ""),
    )
    return Trait(
        feature=column,
        kind="numeric",
        effect=effect,
        segment_value=segment_value,
        overall_value=overall_value,
        ratio=ratio,
        sentence=numeric_sentence(facts),
        statistic=statistic,
        role=role,
    )


@dataclass(frozen=True)
class ColumnFacts:
    """A segment against all described customers on one numeric column.

    What the name and action checks read (see :mod:`segmentation.personas.naming`): ``role`` as
    in :func:`segmentation.personas.wording.column_role`, the signed ``effect`` and the medians
    and means of the segment and of everyone, in the column's own units.
    """

    column: str
    role: str
    effect: float
    segment_median: float
    overall_median: float
    segment_mean: float
    overall_mean: float


def column_facts(stats: SegmentStatistics, segment: int) -> dict[str, ColumnFacts]:
    """Per numeric trait column, how ``segment`` compares with all customers."""
    return {
        str(column): ColumnFacts(
            column=str(column),
            role=column_role(str(column), money_col=stats.money_col),
            effect=_cell(stats.numeric_effect, segment, column),
            segment_median=_cell(stats.numeric_median, segment, column),
            overall_median=float(stats.overall_median[column]),
            segment_mean=_cell(stats.numeric_mean, segment, column),
            overall_mean=float(stats.overall_mean[column]),
        )
        for column in stats.numeric_effect.columns
    }


def _level_trait(level: _Level, segment: int, label: str = "") -> Trait:
    effect = float(level.effect[segment])
    segment_share = float(level.segment_share[segment])
    return Trait(
        feature=level.column,
        kind="categorical",
        effect=effect,
        segment_value=segment_share,
        overall_value=level.overall_share,
        ratio=segment_share / level.overall_share if level.overall_share > 0 else None,
        sentence=categorical_sentence(
            level.column,
            level.level,
            segment_share=segment_share,
            overall_share=level.overall_share,
            effect=effect,
            boolean=level.boolean,
            label=label,
        ),
        level="yes" if level.boolean else level.level,
        statistic="share",
        role="flag" if level.boolean else "categorical",
    )


def all_traits(stats: SegmentStatistics, segment: int) -> tuple[Trait, ...]:
    """Every candidate trait of ``segment`` (one per column), strongest first.

    For a categorical column the level with the largest positive effect is used ("Mostly
    Online"), unless an under-represented level differs clearly more ("Rarely Online").
    """
    traits = [_numeric_trait(stats, segment, column) for column in stats.numeric_effect.columns]
    by_column: dict[str, list[Trait]] = {}
    for level in stats.levels:
        by_column.setdefault(level.column, []).append(
            _level_trait(level, segment, stats.column_labels.get(level.column, ""))
        )
    for candidates in by_column.values():
        strongest = max(candidates, key=lambda t: abs(t.effect))
        over = max(candidates, key=lambda t: t.effect)
        traits.append(over if over.effect > 0 and over.effect >= 0.8 * abs(strongest.effect) else strongest)
    return tuple(sorted(traits, key=lambda t: (-abs(t.effect), t.feature)))


def distinctive_traits(stats: SegmentStatistics, candidates: Sequence[Trait]) -> tuple[Trait, ...]:
    """The 3–5 traits to show: |effect| ≥ 0.2 (≥ 0.5 beyond the third), no near-duplicates."""
    chosen: list[Trait] = []
    for trait in candidates:
        needed = MIN_EFFECT if len(chosen) < MIN_TRAITS else STRONG_EFFECT
        if len(chosen) >= MAX_TRAITS or abs(trait.effect) < needed:
            break
        if trait.kind == "numeric" and any(
            other.kind == "numeric"
            and _cell(stats.correlation, trait.feature, other.feature) >= REDUNDANT_CORRELATION
            for other in chosen
        ):
            continue
        chosen.append(trait)
    return tuple(chosen)
