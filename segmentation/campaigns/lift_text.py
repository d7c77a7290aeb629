"""Plain-language sentences about a campaign's lift, for a marketer (see :mod:`.lift`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from segmentation.campaigns.lift import LiftComparison

__all__ = ["summarise_incremental", "summarise_lift"]


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


def _added(value: float, interval: tuple[float, float] | None, what: str, decimals: int) -> str:
    text = f"{_signed(value, decimals)} {what}"
    if interval is None:
        return text
    return f"{text} (95% interval {_signed(interval[0], decimals)} to {_signed(interval[1], decimals)})"


def summarise_incremental(comparison: LiftComparison) -> str:
    """What the campaign added among the customers who got it, in conversions and revenue.

    E.g. "Among the 10,000 customers who got the campaign, it added +110 conversions (95% interval
    +49 to +171) and +5,500.00 revenue (95% interval +1,210.50 to +9,789.50)."
    """
    added = comparison.incremental_conversions
    if added is None:
        return "There are no customers in one of the groups, so what the campaign added cannot be measured."
    parts = [_added(added, comparison.incremental_conversions_ci95, "conversions", 0)]
    if comparison.incremental_revenue is not None:
        parts.append(
            _added(comparison.incremental_revenue, comparison.incremental_revenue_ci95, "revenue", 2)
        )
    treated = comparison.treatment.n
    sentence = f"Among the {treated:,} customers who got the campaign, it added {' and '.join(parts)}."
    intervals = [comparison.incremental_conversions_ci95, comparison.incremental_revenue_ci95]
    if any(i is not None and i[0] <= 0 <= i[1] for i in intervals):
        sentence += " An interval that includes 0 means the campaign may have added nothing."
    return sentence
