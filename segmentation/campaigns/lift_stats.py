"""The statistics behind :mod:`segmentation.campaigns.lift` (assumes validated counts and arrays)."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = ["Z95", "incremental", "proportion_test", "welch_difference", "wilson_interval"]

#: Two-sided 95% normal quantile (1.959964...).
Z95 = float(stats.norm.ppf(0.975))


def wilson_interval(conversions: int, n: int) -> tuple[float, float] | None:
    """95% Wilson score interval of a conversion rate (sensible also near 0% and 100%); None when n = 0."""
    if n == 0:
        return None
    rate = conversions / n
    centre = (rate + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(rate * (1 - rate) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion_test(
    xt: int, nt: int, xc: int, nc: int
) -> tuple[float | None, float | None, tuple[float, float] | None, float | None]:
    """Absolute lift, relative lift, unpooled 95% Wald interval, pooled z-test p-value."""
    if nt == 0 or nc == 0:
        return None, None, None, None
    rate_t, rate_c = xt / nt, xc / nc
    diff = rate_t - rate_c
    relative = diff / rate_c if rate_c > 0 else None
    se_unpooled = math.sqrt(rate_t * (1 - rate_t) / nt + rate_c * (1 - rate_c) / nc)
    ci = (diff - Z95 * se_unpooled, diff + Z95 * se_unpooled)
    pooled = (xt + xc) / (nt + nc)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / nt + 1 / nc))
    # With no conversions (or only conversions) in both groups there is nothing to test.
    p_value = math.erfc(abs(diff / se_pooled) / math.sqrt(2)) if se_pooled > 0 else None
    return diff, relative, ci, p_value


def welch_difference(
    treated: np.ndarray, control: np.ndarray
) -> tuple[float | None, tuple[float, float] | None, float | None]:
    """Difference of means, Welch 95% interval and two-sided p-value."""
    if len(treated) == 0 or len(control) == 0:
        return None, None, None
    diff = float(treated.mean() - control.mean())
    if len(treated) < 2 or len(control) < 2:
        return diff, None, None
    var_t, var_c = treated.var(ddof=1) / len(treated), control.var(ddof=1) / len(control)
    se = math.sqrt(var_t + var_c)
    if se == 0:
        return diff, (diff, diff), None
    dof = (var_t + var_c) ** 2 / (var_t**2 / (len(treated) - 1) + var_c**2 / (len(control) - 1))
    t_crit = float(stats.t.ppf(0.975, dof))
    p_value = float(2 * stats.t.sf(abs(diff) / se, dof))
    return diff, (diff - t_crit * se, diff + t_crit * se), p_value


def incremental(
    difference: float | None, ci: tuple[float, float] | None, n: int
) -> tuple[float | None, tuple[float, float] | None]:
    """A per-customer difference and its 95% interval, scaled to ``n`` treated customers.

    (treatment rate - control rate) x treated customers is the number of conversions the campaign
    added; the same for revenue per customer gives the revenue it added. Scaling by the fixed
    group size keeps the interval's coverage.
    """
    if difference is None:
        return None, None
    return difference * n, (ci[0] * n, ci[1] * n) if ci is not None else None
