"""Seeded customer tables with a known response signal, for tests and benchmarks of propensity models."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["synthetic_responses"]


def synthetic_responses(
    n_customers: int, *, n_columns: int = 30, seed: int = 0, with_leak: bool = False
) -> pd.DataFrame:
    """A customer table whose ``responded`` (yes/no) follows a known logistic rule.

    Columns: ``customer_id``; ``orders`` (count), ``days_since_last_order``, ``spend``; a
    ``channel`` category (web, store, app); then noise columns ``x01``... up to ``n_columns``
    columns besides the id and the target. The chance to respond rises with orders, falls with
    days since the last order, and is higher for the app channel; the noise columns carry nothing.
    ``with_leak`` adds ``coupon_redeemed``, which equals the outcome on 99% of rows (a leak).
    """
    rng = np.random.default_rng(seed)
    orders = rng.poisson(3.0, n_customers)
    recency = rng.exponential(60.0, n_customers).round()
    spend = (orders * rng.gamma(2.0, 40.0, n_customers)).round(2)
    channel = rng.choice(np.array(["web", "store", "app"]), n_customers, p=[0.5, 0.3, 0.2])
    logit = -1.8 + 0.35 * (orders - 3) - 0.02 * (recency - 60) + 0.9 * (channel == "app")
    responded = rng.random(n_customers) < 1 / (1 + np.exp(-logit))
    data: dict[str, object] = {
        "customer_id": [f"C{i:06d}" for i in range(n_customers)],
        "orders": orders,
        "days_since_last_order": recency,
        "spend": spend,
        "channel": channel,
    }
    for index in range(1, max(n_columns - 4, 0) + 1):
        data[f"x{index:02d}"] = rng.normal(size=n_customers).round(3)
    if with_leak:
        flip = rng.random(n_customers) < 0.01
        data["coupon_redeemed"] = np.where(responded ^ flip, "yes", "no")
    data["responded"] = np.where(responded, "yes", "no")
    return pd.DataFrame(data)
