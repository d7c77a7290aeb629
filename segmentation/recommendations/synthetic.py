"""Synthetic interaction data with a known taste structure, for tests and benchmarks.

The generator mimics a public ratings dataset of about 100k interactions (610 customers,
9.7k items): long-tailed item popularity (a few items bought by half the customers, most by
one or two), long-tailed customer activity (at least ``min_per_customer``), customers who
favour a few of ``n_tastes`` item groups, and tastes that drift over time so the latest
interactions are harder to predict than a random sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["make_synthetic_interactions"]


def make_synthetic_interactions(
    *,
    n_customers: int = 610,
    n_items: int = 9_700,
    n_interactions: int = 100_000,
    n_tastes: int = 40,
    taste_concentration: float = 0.15,
    popularity_sigma: float = 1.5,
    taste_strength: float = 0.95,
    min_per_customer: int = 20,
    seed: int = 0,
) -> pd.DataFrame:
    """Generate (customer_id, item_id, timestamp) rows, one per interaction.

    Parameters
    ----------
    n_customers, n_items, n_interactions : int
        Sizes; the row count is close to ``n_interactions``.
    n_tastes : int
        Number of latent item groups.
    taste_concentration : float
        Dirichlet concentration of customer tastes (smaller = customers stick to fewer groups).
    popularity_sigma : float
        Spread of the log-normal item popularity (larger = heavier head and longer tail).
    taste_strength : float
        0 = everyone buys by popularity only; 1 = only by taste.
    min_per_customer : int
        Fewest interactions per customer.
    seed : int

    Returns
    -------
    DataFrame of shape (≈ n_interactions, 3)
        ``customer_id`` (text), ``item_id`` (text), ``timestamp`` (epoch seconds, int64).
    """
    rng = np.random.default_rng(seed)
    item_taste = rng.choice(n_tastes, size=n_items, p=rng.dirichlet(np.full(n_tastes, 2.0)))
    item_weight = np.exp(popularity_sigma * rng.standard_normal(n_items))
    activity = rng.lognormal(mean=0.0, sigma=1.1, size=n_customers)
    floor = min(min_per_customer, n_items)
    extra = activity / activity.sum() * max(n_interactions - floor * n_customers, 0)
    sizes = np.minimum(floor + np.round(extra).astype(np.int64), n_items // 2 if n_items > 1 else 1)
    start = 1_000_000_000
    span = 3 * 365 * 86_400
    customers, items, times = [], [], []
    chunk = 10
    for customer in range(n_customers):
        early = rng.dirichlet(np.full(n_tastes, taste_concentration))
        late = 0.6 * early + 0.4 * rng.dirichlet(np.full(n_tastes, taste_concentration))
        size = int(sizes[customer])
        available = np.ones(n_items, dtype=bool)
        chosen: list[np.ndarray] = []
        for position in range(0, size, chunk):
            mix = position / max(size, 1)
            taste = (1 - mix) * early + mix * late
            weight = item_weight * ((1 - taste_strength) + taste_strength * n_tastes * taste[item_taste])
            weight = weight * available
            take = min(chunk, size - position, int(available.sum()))
            picked = rng.choice(n_items, size=take, replace=False, p=weight / weight.sum())
            available[picked] = False
            chosen.append(picked)
        picked_all = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
        first = start + rng.integers(0, span)
        length = rng.integers(86_400, span)
        stamps = np.sort(first + rng.integers(0, length, size=picked_all.size))
        customers.append(np.full(picked_all.size, customer))
        items.append(picked_all)
        times.append(stamps)
    frame = pd.DataFrame(
        {
            "customer_id": [f"U{c:05d}" for c in np.concatenate(customers)],
            "item_id": [f"I{i:05d}" for i in np.concatenate(items)],
            "timestamp": np.concatenate(times).astype(np.int64),
        }
    )
    # Shuffle rows so nothing relies on the file being sorted by customer.
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
