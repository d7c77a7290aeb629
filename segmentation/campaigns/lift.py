"""Campaign lift: did the customers who got the campaign do better than the control group?

The exported list (see :mod:`segmentation.campaigns.audience`) says who was in ``treatment`` and who
in ``control``; a results file gives, per customer id, whether they converted (0/1) and/or
their revenue. :func:`measure_lift` joins them by the trimmed id and compares the groups,
overall and per segment:

* conversion rate lift (treatment minus control, in rate units) with a 95% Wald interval that
  uses the *unpooled* standard error, and a two-sided two-proportion z-test p-value that uses
  the *pooled* standard error (the usual pairing: the test assumes no difference, the interval
  does not);
* relative lift = absolute lift / control rate (``None`` when the control rate is 0);
* revenue per customer difference with a Welch (unequal-variance) t interval and p-value;
* what the campaign added: incremental conversions = lift x treated customers and incremental
  revenue = revenue-per-customer difference x treated customers, each with the 95% interval
  scaled the same way.

Customers of the list who are missing from the results count as not converted with zero
revenue by default, because results files usually list only buyers; the number is always
reported, and ``missing="exclude"`` leaves them out instead. Result rows whose id is not on the
list are counted and ignored. Several rows per customer are combined (converted if any row
says so, revenue summed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.campaigns.export import unescape_text
from segmentation.campaigns.lift_inputs import combine_split_lists, simulate_results
from segmentation.campaigns.lift_stats import (
    incremental,
    proportion_test,
    welch_difference,
    wilson_interval,
)
from segmentation.campaigns.rules import isin_text, numbers
from segmentation.errors import ColumnError, ParameterError
from segmentation.keys import match_key
from segmentation.money import format_money

__all__ = [
    "MIN_CONVERSIONS",
    "MIN_GROUP_SIZE",
    "GroupOutcome",
    "LiftComparison",
    "LiftReport",
    "combine_split_lists",
    "measure_lift",
    "simulate_results",
    "summarise_incremental",
    "summarise_lift",
    "wilson_interval",
]

#: Below this many customers in either group, no conclusion is drawn.
MIN_GROUP_SIZE = 30
#: Below this many conversions (or non-conversions) in either group, the normal approximation fails.
MIN_CONVERSIONS = 5
_CONVERTED = frozenset({"1", "1.0", "yes", "y", "true", "converted"})
_NOT_CONVERTED = frozenset({"0", "0.0", "no", "n", "false", ""})


@dataclass(frozen=True)
class GroupOutcome:
    """Outcome of one group (treatment or control) in one comparison."""

    n: int
    conversions: int
    rate: float | None
    revenue_per_customer: float | None = None

    def to_dict(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"n": self.n, "conversions": self.conversions, "rate": self.rate}
        if self.revenue_per_customer is not None:
            payload["revenue_per_customer"] = self.revenue_per_customer
        return payload


def _listed(interval: tuple[float, float] | None) -> list[float] | None:
    return list(interval) if interval is not None else None


@dataclass(frozen=True)
class LiftComparison:
    """Treatment versus control for all customers or one segment.

    ``absolute_lift`` is in rate units (0.011 = +1.1 points); ``ci95`` is its 95% interval
    (unpooled standard error); ``p_value`` is the two-sided pooled two-proportion z-test.
    The ``revenue_*`` fields compare revenue per customer (Welch interval and test).
    ``incremental_conversions`` and ``incremental_revenue`` are what the campaign added among the
    treated customers (difference x treatment size), with their 95% intervals.
    ``warnings`` say why the numbers may not support a conclusion.
    """

    label: str
    treatment: GroupOutcome
    control: GroupOutcome
    absolute_lift: float | None
    relative_lift: float | None
    ci95: tuple[float, float] | None
    p_value: float | None
    revenue_lift: float | None = None
    revenue_ci95: tuple[float, float] | None = None
    revenue_p_value: float | None = None
    warnings: tuple[str, ...] = ()
    incremental_conversions: float | None = None
    incremental_conversions_ci95: tuple[float, float] | None = None
    incremental_revenue: float | None = None
    incremental_revenue_ci95: tuple[float, float] | None = None

    @property
    def too_small(self) -> bool:
        return bool(self.warnings)

    def to_dict(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "treatment": self.treatment.to_dict(),
            "control": self.control.to_dict(),
            "absolute_lift": self.absolute_lift,
            "relative_lift": self.relative_lift,
            "ci95": list(self.ci95) if self.ci95 is not None else None,
            "p_value": self.p_value,
            "incremental_conversions": self.incremental_conversions,
            "incremental_conversions_ci95": _listed(self.incremental_conversions_ci95),
        }
        if self.treatment.revenue_per_customer is not None:
            payload["revenue_lift"] = self.revenue_lift
            payload["revenue_ci95"] = _listed(self.revenue_ci95)
            payload["revenue_p_value"] = self.revenue_p_value
            payload["incremental_revenue"] = self.incremental_revenue
            payload["incremental_revenue_ci95"] = _listed(self.incremental_revenue_ci95)
        payload["warnings"] = list(self.warnings)
        return payload


_ENDS = ("", "_low", "_high")


def _interval_columns(
    name: str, value: float | None, interval: tuple[float, float] | None
) -> dict[str, float | None]:
    low, high = interval if interval is not None else (None, None)
    return dict(zip((f"{name}{end}" for end in _ENDS), (value, low, high), strict=True))


@dataclass(frozen=True)
class LiftReport:
    """Lift overall and per segment, with how the results file matched the list."""

    overall: LiftComparison
    segments: tuple[LiftComparison, ...]
    n_listed: int
    unmatched_results: int
    missing_from_results: int
    missing_policy: str
    conversion_from_revenue: bool
    notes: tuple[str, ...] = ()

    @property
    def comparisons(self) -> tuple[LiftComparison, ...]:
        """The overall comparison followed by one per segment."""
        return (self.overall, *self.segments)

    def comparison_frame(self) -> pd.DataFrame:
        """One row per comparison: rates, lift (rate units), its 95% interval, p-value, enough data.

        Then what the campaign added: ``extra_conversions`` (``_low``/``_high``: its 95% interval)
        and ``extra_revenue`` likewise (NaN without a revenue column).

        Returns
        -------
        DataFrame of shape (1 + n_segments, 17)
        """
        rows = []
        for c in self.comparisons:
            rows.append(
                {
                    "comparison": c.label,
                    "treatment_customers": c.treatment.n,
                    "treatment_rate": c.treatment.rate,
                    "control_customers": c.control.n,
                    "control_rate": c.control.rate,
                    "absolute_lift": c.absolute_lift,
                    "ci_low": c.ci95[0] if c.ci95 else None,
                    "ci_high": c.ci95[1] if c.ci95 else None,
                    "relative_lift": c.relative_lift,
                    "p_value": c.p_value,
                    "enough_data": not c.too_small,
                    **_interval_columns(
                        "extra_conversions", c.incremental_conversions, c.incremental_conversions_ci95
                    ),
                    **_interval_columns("extra_revenue", c.incremental_revenue, c.incremental_revenue_ci95),
                }
            )
        return pd.DataFrame(rows).astype(
            {
                c: "float64"
                for c in (
                    "treatment_rate",
                    "control_rate",
                    "absolute_lift",
                    "ci_low",
                    "ci_high",
                    "relative_lift",
                    "p_value",
                    *(f"{name}{end}" for name in ("extra_conversions", "extra_revenue") for end in _ENDS),
                )
            }
        )

    def group_frame(self) -> pd.DataFrame:
        """One row per comparison and group, with the rate's 95% Wilson interval (for error bars).

        Returns
        -------
        DataFrame of shape (2 * (1 + n_segments), 7)
            ``comparison``, ``group``, ``customers``, ``conversions``, ``rate``, ``rate_low``,
            ``rate_high`` and ``revenue_per_customer`` (NaN without revenue).
        """
        rows = []
        for c in self.comparisons:
            for group, outcome in (("treatment", c.treatment), ("control", c.control)):
                low, high = wilson_interval(outcome.conversions, outcome.n) or (None, None)
                rows.append(
                    {
                        "comparison": c.label,
                        "group": group,
                        "customers": outcome.n,
                        "conversions": outcome.conversions,
                        "rate": outcome.rate,
                        "rate_low": low,
                        "rate_high": high,
                        "revenue_per_customer": outcome.revenue_per_customer,
                    }
                )
        return pd.DataFrame(rows).astype(
            {c: "float64" for c in ("rate", "rate_low", "rate_high", "revenue_per_customer")}
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``overall``, ``segments`` (each with ``segment``), and the matching counts."""
        return {
            "overall": self.overall.to_dict(),
            "segments": [{"segment": s.label, **s.to_dict()} for s in self.segments],
            "n_listed": self.n_listed,
            "unmatched_results": self.unmatched_results,
            "missing_from_results": self.missing_from_results,
            "missing_policy": self.missing_policy,
            "notes": list(self.notes),
        }


def _parse_converted(values: pd.Series, *, column: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).astype("int64")
    keys = match_key(values)
    unknown = sorted(set(keys[~keys.isin(_CONVERTED | _NOT_CONVERTED)]))
    if unknown:
        shown = ", ".join(repr(v) for v in unknown[:10])
        raise ColumnError(f"column {column!r} should hold 0/1 (or yes/no) but has {shown}; fix those rows.")
    return keys.isin(_CONVERTED).astype("int64")


def _parse_revenue(values: pd.Series, *, column: str) -> pd.Series:
    amounts = numbers(values)
    text = match_key(values) if not pd.api.types.is_numeric_dtype(values) else None
    bad = amounts.isna() & (text != "") if text is not None else pd.Series(False, index=values.index)
    if bad.any():
        raise ColumnError(
            f"column {column!r} should hold amounts but has {values[bad].iloc[0]!r}; fix those rows."
        )
    return amounts.fillna(0.0)


def _small_sample_warnings(label: str, outcomes: dict[str, GroupOutcome]) -> tuple[str, ...]:
    warnings = []
    for group, outcome in outcomes.items():
        if outcome.n < MIN_GROUP_SIZE:
            warnings.append(
                f"{label}: only {outcome.n} customers in the {group} group; at least {MIN_GROUP_SIZE} "
                "per group are needed to conclude anything."
            )
        elif min(outcome.conversions, outcome.n - outcome.conversions) < MIN_CONVERSIONS:
            warnings.append(
                f"{label}: the {group} group has {outcome.conversions} conversions out of {outcome.n}; "
                f"at least {MIN_CONVERSIONS} conversions and non-conversions per group are needed."
            )
    return tuple(warnings)


def _compare(label: str, joined: pd.DataFrame, with_revenue: bool) -> LiftComparison:
    outcomes: dict[str, GroupOutcome] = {}
    revenue: dict[str, np.ndarray] = {}
    for group in ("treatment", "control"):
        part = joined[joined["group"] == group]
        n, conversions = len(part), int(part["converted"].sum())
        revenue[group] = part["revenue"].to_numpy(dtype="float64")
        outcomes[group] = GroupOutcome(
            n=n,
            conversions=conversions,
            rate=conversions / n if n else None,
            revenue_per_customer=float(revenue[group].mean()) if with_revenue and n else None,
        )
    treatment, control = outcomes["treatment"], outcomes["control"]
    diff, relative, ci, p_value = proportion_test(
        treatment.conversions, treatment.n, control.conversions, control.n
    )
    revenue_diff, revenue_ci, revenue_p = (
        welch_difference(revenue["treatment"], revenue["control"]) if with_revenue else (None,) * 3
    )
    extra_conversions, extra_conversions_ci = incremental(diff, ci, treatment.n)
    extra_revenue, extra_revenue_ci = incremental(revenue_diff, revenue_ci, treatment.n)
    return LiftComparison(
        label=label,
        treatment=treatment,
        control=control,
        absolute_lift=diff,
        relative_lift=relative,
        ci95=ci,
        p_value=p_value,
        revenue_lift=revenue_diff,
        revenue_ci95=revenue_ci,
        revenue_p_value=revenue_p,
        warnings=_small_sample_warnings(label, outcomes),
        incremental_conversions=extra_conversions,
        incremental_conversions_ci95=extra_conversions_ci,
        incremental_revenue=extra_revenue,
        incremental_revenue_ci95=extra_revenue_ci,
    )


def _check_columns(frame: pd.DataFrame, names: list[str | None], what: str) -> None:
    for name in names:
        if name is not None and name not in frame.columns:
            shown = ", ".join(repr(str(c)) for c in frame.columns)
            raise ColumnError(f"the {what} has no column {name!r}. Its columns are: {shown}.")


def measure_lift(
    export: pd.DataFrame,
    results: pd.DataFrame,
    *,
    customer_col: str,
    results_customer_col: str | None = None,
    converted_col: str | None = None,
    revenue_col: str | None = None,
    missing: str = "not_converted",
    group_col: str = "group",
    segment_col: str = "segment_name",
) -> LiftReport:
    """Compare treatment and control of an exported list against campaign results.

    Parameters
    ----------
    export : DataFrame of shape (n_listed, n_columns)
        The exported list: ``customer_col``, ``group_col`` (treatment/control) and optionally
        ``segment_col`` (for the per-segment breakdown).
    results : DataFrame of shape (n_results, n_columns)
        Campaign results: the customer id and ``converted_col`` (0/1, yes/no) and/or
        ``revenue_col``. With revenue only, a customer converted when revenue > 0.
    customer_col : str
        Id column of ``export``; also of ``results`` unless ``results_customer_col`` is given.
    missing : {"not_converted", "exclude"}
        What listed customers absent from ``results`` count as.

    Returns
    -------
    LiftReport
    """
    results_customer_col = results_customer_col or customer_col
    if converted_col is None and revenue_col is None:
        raise ParameterError(
            "choose the results column that says who converted (0/1), the revenue column, or both."
        )
    if missing not in ("not_converted", "exclude"):
        raise ParameterError(f"missing={missing!r}; use 'not_converted' or 'exclude'.")
    _check_columns(export, [customer_col, group_col], "exported list")
    _check_columns(results, [results_customer_col, converted_col, revenue_col], "results file")

    groups = match_key(export[group_col])
    odd = sorted(set(groups) - {"treatment", "control"})
    if odd:
        raise ColumnError(
            f"column {group_col!r} of the list should say treatment or control, but has {odd[0]!r}."
        )
    has_segments = segment_col in export.columns
    listed = pd.DataFrame(
        {
            "key": match_key(unescape_text(export[customer_col])).to_numpy(),
            "group": groups.to_numpy(),
            "segment": unescape_text(export[segment_col]).to_numpy() if has_segments else "",
        }
    ).drop_duplicates("key")
    revenue = _parse_revenue(results[revenue_col], column=revenue_col) if revenue_col else None
    if converted_col is not None:
        converted = _parse_converted(results[converted_col], column=converted_col)
    else:
        assert revenue is not None  # checked above: one of the two columns is given
        converted = (revenue > 0).astype("int64")
    outcome = (
        pd.DataFrame(
            {
                "key": match_key(results[results_customer_col]).to_numpy(),
                "converted": converted.to_numpy(),
                "revenue": revenue.to_numpy() if revenue is not None else 0.0,
            }
        )
        .groupby("key", sort=False)
        .agg(converted=("converted", "max"), revenue=("revenue", "sum"))
    )
    outcome = outcome[outcome.index != ""]
    matched = pd.Series(isin_text(listed["key"], outcome.index), index=listed.index)
    unmatched_results = int((~isin_text(outcome.index.to_series(), listed["key"])).sum())
    missing_count = int((~matched).sum())
    joined = listed.join(outcome, on="key")
    if missing == "exclude":
        joined = joined[matched.to_numpy()]
    joined = joined.fillna({"converted": 0, "revenue": 0.0})

    notes = []
    if missing_count:
        policy = "counted as not converted" if missing == "not_converted" else "left out"
        notes.append(
            f"{missing_count:,} customers on the list are not in the results file; they were {policy}."
        )
    if unmatched_results:
        notes.append(
            f"{unmatched_results:,} customers in the results file are not on the list and were ignored."
        )
    if converted_col is None:
        notes.append(
            "No conversion column was given: a customer counts as converted when revenue is above 0."
        )
    for group in ("treatment", "control"):
        in_group = listed["group"] == group
        if in_group.any() and not (matched & in_group).any() and matched.any():
            notes.append(
                f"None of the {group} customers appear in the results file; check that it covers both groups "
                "before trusting the lift."
            )
    with_revenue = revenue_col is not None
    overall = _compare("All customers", joined, with_revenue)
    segments = tuple(
        _compare(str(name), part, with_revenue) for name, part in joined.groupby("segment", sort=False)
    )
    return LiftReport(
        overall=overall,
        segments=segments if has_segments else (),
        n_listed=len(listed),
        unmatched_results=unmatched_results,
        missing_from_results=missing_count,
        missing_policy=missing,
        conversion_from_revenue=converted_col is None,
        notes=tuple(notes),
    )


def _points(value: float) -> str:
    return f"{value * 100:+.1f}"


def summarise_lift(comparison: LiftComparison) -> str:
    """One plain-language sentence about a comparison, for a marketer.

    E.g. "Customers who got the campaign converted 4.1% vs 3.0% in the control group: +1.1 points
    (95% CI +0.2 to +2.0), p = 0.02 — unlikely to be chance."
    """
    treatment, control = comparison.treatment, comparison.control
    if treatment.rate is None or control.rate is None or comparison.absolute_lift is None:
        return "There are no customers in one of the groups, so the campaign's effect cannot be measured."
    sentence = (
        f"Customers who got the campaign converted {treatment.rate:.1%} "
        f"vs {control.rate:.1%} in the control group: "
        f"{_points(comparison.absolute_lift)} points"
    )
    if comparison.ci95 is not None:
        sentence += f" (95% CI {_points(comparison.ci95[0])} to {_points(comparison.ci95[1])})"
    if comparison.p_value is None:
        return sentence + " — no conversions to compare."
    p_text = "p < 0.001" if comparison.p_value < 0.001 else f"p = {comparison.p_value:.2g}"
    if comparison.too_small:
        verdict = "too few customers or conversions to conclude anything"
    elif comparison.p_value < 0.05:
        verdict = "unlikely to be chance"
    else:
        verdict = "could well be chance"
    return f"{sentence}, {p_text} — {verdict}."


def _signed(value: float, decimals: int) -> str:
    # "-0" reads as a sign error; a rounded zero is plain 0.
    text = f"{value:+,.{decimals}f}"
    return text[1:] if float(text.replace(",", "")) == 0 else text


def _signed_money(value: float, currency: str) -> str:
    text = format_money(abs(value), currency)
    if not any(ch.isdigit() and ch != "0" for ch in text):
        return text  # a rounded zero has no sign
    return f"{'-' if value < 0 else '+'}{text}"


def _added(
    value: float,
    interval: tuple[float, float] | None,
    what: str,
    decimals: int,
    currency: str | None = None,
) -> str:
    def written(number: float) -> str:
        return _signed(number, decimals) if currency is None else _signed_money(number, currency)

    text = f"{written(value)} {what}"
    if interval is None:
        return text
    return f"{text} (95% interval {written(interval[0])} to {written(interval[1])})"


def summarise_incremental(comparison: LiftComparison, *, currency: str | None = None) -> str:
    """What the campaign added among the customers who got it, in conversions and revenue.

    E.g. "Among the 10,000 customers who got the campaign, it added +110 conversions (95% interval
    +49 to +171) and +5,500.00 revenue (95% interval +1,210.50 to +9,789.50)." With ``currency``
    (an ISO code or a word, see :func:`segmentation.money.format_money`) revenue is written as
    money: "+€5,500 in revenue (95% interval +€1,211 to +€9,790)".
    """
    added = comparison.incremental_conversions
    if added is None:
        return "There are no customers in one of the groups, so what the campaign added cannot be measured."
    parts = [_added(added, comparison.incremental_conversions_ci95, "conversions", 0)]
    if comparison.incremental_revenue is not None:
        what = "revenue" if currency is None else "in revenue"
        parts.append(
            _added(
                comparison.incremental_revenue,
                comparison.incremental_revenue_ci95,
                what,
                2,
                currency=currency,
            )
        )
    treated = comparison.treatment.n
    sentence = f"Among the {treated:,} customers who got the campaign, it added {' and '.join(parts)}."
    intervals = [comparison.incremental_conversions_ci95, comparison.incremental_revenue_ci95]
    if any(i is not None and i[0] <= 0 <= i[1] for i in intervals):
        sentence += " An interval that includes 0 means the campaign may have added nothing."
    return sentence
