"""Synthetic interaction data with a known taste structure, for tests and benchmarks.

The generator mimics a public ratings dataset of about 100k interactions (610 customers,
9.7k items): long-tailed item popularity (a few items bought by half the customers, most by
one or two), long-tailed customer activity (at least ``min_per_customer``), customers who
favour a few of ``n_tastes`` item groups, and tastes that drift over time so the latest
interactions are harder to predict than a random sample. Sampling is vectorised, so a
million interactions take seconds.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

__all__ = ["make_synthetic_interactions"]

_START = 1_000_000_000  # epoch seconds, September 2001
_SPAN = 3 * 365 * 86_400
_TOP_UP_ROUNDS = 8


def _draw_items(
    rng: np.random.Generator,
    customer_of: np.ndarray,
    progress: np.ndarray,
    *,
    early: np.ndarray,
    late: np.ndarray,
    item_weight: np.ndarray,
    item_taste: np.ndarray,
    taste_strength: float,
) -> np.ndarray:
    """One item per (customer, position in their history), with replacement."""
    n_tastes = early.shape[1]
    by_taste = np.argsort(item_taste, kind="stable")
    cumulative = np.cumsum(item_weight[by_taste])
    taste_mass = np.bincount(item_taste, weights=item_weight, minlength=n_tastes)
    taste_start = np.concatenate([[0.0], np.cumsum(taste_mass)[:-1]])
    total = cumulative[-1]
    # Later positions use the drifted taste more often.
    taste = np.where(
        (rng.random(customer_of.size) < progress)[:, None], late[customer_of], early[customer_of]
    )
    weighted = taste * taste_mass[None, :]
    from_taste_mass = taste_strength * n_tastes * weighted.sum(axis=1)
    from_taste = (
        rng.random(customer_of.size) * (from_taste_mass + (1 - taste_strength) * total) < from_taste_mass
    )
    group_cdf = np.cumsum(weighted, axis=1)
    group_cdf /= group_cdf[:, -1:]
    group = (rng.random(customer_of.size)[:, None] > group_cdf).sum(axis=1).clip(0, n_tastes - 1)
    target = np.where(
        from_taste,
        taste_start[group] + rng.random(customer_of.size) * taste_mass[group],
        rng.random(customer_of.size) * total,
    )
    return by_taste[np.searchsorted(cumulative, target, side="right").clip(0, item_weight.size - 1)]


def make_synthetic_interactions(
    *,
    n_customers: int = 610,
    n_items: int = 11_600,
    n_interactions: int = 100_000,
    n_tastes: int = 40,
    taste_concentration: float = 0.15,
    popularity_sigma: float = 1.5,
    taste_strength: float = 0.95,
    min_per_customer: int = 20,
    seed: int = 0,
) -> pd.DataFrame:
    """Generate (customer_id, item_id, timestamp) rows, one per distinct interaction.

    Parameters
    ----------
    n_customers, n_items, n_interactions : int
        Sizes; the row count is close to ``n_interactions``. ``n_items`` is the catalog: about
        17% of it is never drawn, so the default 11,600 gives about 9.7k items with interactions.
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
        ``customer_id`` (text), ``item_id`` (text), ``timestamp`` (epoch seconds, int64), rows shuffled.
    """
    rng = np.random.default_rng(seed)
    item_taste = rng.choice(n_tastes, size=n_items, p=rng.dirichlet(np.full(n_tastes, 2.0)))
    item_weight = np.exp(popularity_sigma * rng.standard_normal(n_items))
    activity = rng.lognormal(mean=0.0, sigma=1.1, size=n_customers)
    floor = min(min_per_customer, n_items)
    extra = activity / activity.sum() * max(n_interactions - floor * n_customers, 0)
    sizes = np.minimum(floor + np.round(extra).astype(np.int64), max(n_items // 2, 1))
    early = rng.dirichlet(np.full(n_tastes, taste_concentration), size=n_customers)
    late = 0.6 * early + 0.4 * rng.dirichlet(np.full(n_tastes, taste_concentration), size=n_customers)
    draw = partial(
        _draw_items,
        rng,
        early=early,
        late=late,
        item_weight=item_weight,
        item_taste=item_taste,
        taste_strength=taste_strength,
    )
    customer_of = np.repeat(np.arange(n_customers), sizes)
    position = np.arange(customer_of.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    items = draw(customer_of, position / sizes[customer_of])
    # Repeats of a (customer, item) pair are redrawn a few times, like sampling without replacement.
    for _ in range(_TOP_UP_ROUNDS):
        _, first = np.unique(customer_of * n_items + items, return_index=True)
        repeat = np.ones(items.size, dtype=bool)
        repeat[first] = False
        if not repeat.any():
            break
        items[repeat] = draw(customer_of[repeat], position[repeat] / sizes[customer_of[repeat]])
    _, first = np.unique(customer_of * n_items + items, return_index=True)
    keep = np.sort(first)
    customer_of, items, position = customer_of[keep], items[keep], position[keep]
    first_day = _START + rng.integers(0, _SPAN, size=n_customers)
    length = rng.integers(86_400, _SPAN, size=n_customers)
    stamps = first_day[customer_of] + (
        (position + rng.random(position.size)) / sizes[customer_of] * length[customer_of]
    )
    frame = pd.DataFrame(
        {
            "customer_id": np.char.add("U", np.char.zfill(customer_of.astype(str), 6)),
            "item_id": np.char.add("I", np.char.zfill(items.astype(str), 5)),
            "timestamp": stamps.astype(np.int64),
        }
    )
    # Shuffle rows so nothing relies on the file being sorted by customer.
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
