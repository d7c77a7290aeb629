"""Seeded generator of the demo customers, catalog and order lines (face: :mod:`segmentation.demo.shop`).

Assumes validated input (a non-negative seed and a sensible customer count). Every random
draw comes from one ``numpy.random.Generator`` in a fixed order, so the same seed gives the
same tables. Prices are kept in whole cents until the end so written and re-read values match
exactly.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.demo.word_lists import (
    BRAND_PRICE_FACTORS,
    CATEGORIES,
    CHANNELS,
    CITIES,
    EMAIL_DOMAINS,
    FEMALE_FIRST_NAMES,
    GROUPS,
    LAST_NAMES,
    MALE_FIRST_NAMES,
    REGIONS,
)

__all__ = ["HISTORY_DAYS", "HISTORY_END", "HISTORY_START", "GeneratedTables", "generate_tables"]

HISTORY_START = np.datetime64("2024-11-01", "D")
HISTORY_END = np.datetime64("2026-10-31", "D")
HISTORY_DAYS = int((HISTORY_END - HISTORY_START).astype(int)) + 1

_N_STYLES = 3  # one style per brand tier: budget, mid, premium
_LAPSED_LAST_ACTIVE_DAYS = (150, 430)  # last purchase between 2025-03-31 and 2026-01-05
_RETURN_SHARE = 0.025
_DISCOUNTS = np.array([0.10, 0.15, 0.20, 0.25, 0.30])


@dataclass(frozen=True, eq=False)
class GeneratedTables:
    """The generated tables plus the planted group of every customer (positional)."""

    customers: pd.DataFrame
    products: pd.DataFrame
    orders: pd.DataFrame
    group_names: np.ndarray


def _as_dates(days: np.ndarray) -> pd.Series:
    """Day offsets from :data:`HISTORY_START` as a ``datetime64[ns]`` series."""
    return pd.Series((HISTORY_START + days.astype("timedelta64[D]")).astype("datetime64[ns]"))


def _draw_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One categorical draw per row of ``probabilities`` (shape (n, k), rows sum to 1)."""
    cumulative = np.cumsum(probabilities, axis=1)
    draws = rng.random(len(probabilities))[:, None]
    return np.minimum((draws >= cumulative).sum(axis=1), probabilities.shape[1] - 1)


def _exact_group_sizes(n: int) -> np.ndarray:
    """Split ``n`` customers over the groups by share (largest remainder), every group non-empty."""
    shares = np.array([g.share for g in GROUPS])
    raw = shares / shares.sum() * n
    sizes = np.floor(raw).astype(int)
    order = np.argsort(-(raw - sizes), kind="stable")
    sizes[order[: n - sizes.sum()]] += 1
    return sizes


def _retail_cents(dollars: np.ndarray) -> np.ndarray:
    """Shelf prices in cents ending in .99 (or .49/.99 under $10), never below $0.99."""
    cheap = dollars < 10
    cheap_cents = np.floor(dollars * 2) * 50 + 49
    dear_cents = np.floor(dollars) * 100 + 99
    cents = np.where(cheap, cheap_cents, dear_cents)
    return np.maximum(cents, 99).astype(np.int64)


def _products(rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Catalog frame plus per-product category index, style (brand tier) and popularity weight."""
    names: list[str] = []
    category_of: list[int] = []
    style_of: list[int] = []
    dollars: list[float] = []
    for cat_index, spec in enumerate(CATEGORIES):
        per_style = np.full(_N_STYLES, spec.n_products // _N_STYLES)
        per_style[: spec.n_products % _N_STYLES] += 1
        combos = [(i, v) for i in range(len(spec.items)) for v in range(len(spec.variants))]
        for style, count in enumerate(per_style):
            chosen = rng.choice(len(combos), size=count, replace=False)
            for combo_index in np.sort(chosen):
                item, variant = combos[combo_index]
                item_name, item_price = spec.items[item]
                variant_name, variant_factor = spec.variants[variant]
                names.append(" ".join(p for p in (spec.brands[style], item_name, variant_name) if p))
                category_of.append(cat_index)
                style_of.append(style)
                dollars.append(item_price * variant_factor * BRAND_PRICE_FACTORS[style])
    noisy = np.array(dollars) * rng.lognormal(0.0, 0.08, size=len(dollars))
    cents = _retail_cents(noisy)
    popularity = 1.0 / (1.0 + rng.permutation(len(names))) ** 0.6 + 0.02
    frame = pd.DataFrame(
        {
            "product_id": [f"P{i + 1:04d}" for i in range(len(names))],
            "product_name": names,
            "category": [CATEGORIES[c].name for c in category_of],
            "price": cents / 100,
        }
    )
    return frame, np.array(category_of), np.array(style_of), popularity


def _ascii_word(text: str) -> str:
    """Lower-case ASCII letters of ``text`` for e-mail addresses (José → jose, O'Brien → obrien)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _customers(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Customer frame, planted group index per customer and signup day offsets."""
    sizes = _exact_group_sizes(n)
    group = rng.permutation(np.repeat(np.arange(len(GROUPS)), sizes))

    def per_group(values: Sequence[float] | Sequence[tuple[float, ...]]) -> np.ndarray:
        return np.asarray(values)[group]

    age = np.clip(np.rint(rng.normal(per_group([g.mean_age for g in GROUPS]), 11.0)), 18, 84).astype(np.int64)

    female = per_group([g.female_share for g in GROUPS])
    gender_probs = np.column_stack([female, 0.96 - female, np.full(n, 0.02), np.full(n, 0.02)])
    gender = _draw_rows(rng, gender_probs)
    any_names = FEMALE_FIRST_NAMES + MALE_FIRST_NAMES
    pools = (FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, any_names, any_names)
    first_pick = rng.random(n)
    first = [pools[g][int(u * len(pools[g]))] for g, u in zip(gender, first_pick, strict=True)]
    last = [LAST_NAMES[i] for i in rng.integers(0, len(LAST_NAMES), size=n)]
    domain = rng.integers(0, len(EMAIL_DOMAINS), size=n)
    locals_ = pd.Series([f"{_ascii_word(f)}.{_ascii_word(s)}" for f, s in zip(first, last, strict=True)])
    repeat = locals_.groupby(locals_).cumcount().to_numpy()
    emails = [
        f"{local}{'' if k == 0 else f'+{k + 1}'}@{EMAIL_DOMAINS[d]}"
        for local, k, d in zip(locals_, repeat, domain, strict=True)
    ]

    region = _draw_rows(rng, per_group([g.region_weights for g in GROUPS]))
    city_region = np.array([REGIONS.index(c[1]) for c in CITIES])
    city_size = np.array([c[3] for c in CITIES])
    city_probs = np.where(city_region[None, :] == region[:, None], city_size[None, :], 0.0)
    city = _draw_rows(rng, city_probs / city_probs.sum(axis=1, keepdims=True))
    line_number = rng.integers(0, 100, size=n)
    phones = [f"+1-{CITIES[c][2]}-555-01{k:02d}" for c, k in zip(city, line_number, strict=True)]

    low = per_group([g.signup_days[0] for g in GROUPS])
    high = per_group([g.signup_days[1] for g in GROUPS])
    signup_day = (low + np.floor(rng.random(n) * (high - low + 1))).astype(np.int64)
    channel = _draw_rows(rng, per_group([g.channel_weights for g in GROUPS]))
    consent = rng.random(n) < per_group([g.consent_share for g in GROUPS])

    width = max(5, len(str(n)))
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i + 1:0{width}d}" for i in range(n)],
            "first_name": first,
            "last_name": last,
            "email": emails,
            "phone": phones,
            "age": age,
            "gender": [("Female", "Male", "Non-binary", "Prefer not to say")[g] for g in gender],
            "city": [CITIES[c][0] for c in city],
            "region": [CITIES[c][1] for c in city],
            "signup_date": _as_dates(signup_day),
            "channel": [CHANNELS[c] for c in channel],
            "marketing_consent": np.where(consent, "yes", "no").tolist(),
        }
    )
    return frame, group, signup_day


def _day_weights() -> np.ndarray:
    """Relative order volume per day of the history: growth, weekends, holidays, Black Friday week."""
    dates = HISTORY_START + np.arange(HISTORY_DAYS).astype("timedelta64[D]")
    month = dates.astype("datetime64[M]").astype(int) % 12 + 1
    weekday = (dates.astype(int) + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    month_effect = np.array([0.85, 0.85, 0.95, 1.0, 1.0, 1.0, 1.05, 1.0, 0.95, 1.0, 1.3, 1.5])[month - 1]
    weights = (1.0 + 0.25 * np.arange(HISTORY_DAYS) / HISTORY_DAYS) * month_effect
    weights = weights * np.where(weekday >= 5, 1.15, 1.0)
    return weights * np.where(_promotion_days(), 1.8, 1.0)


def _promotion_days() -> np.ndarray:
    """True on Black Friday/Cyber week and the January sale."""
    dates = HISTORY_START + np.arange(HISTORY_DAYS).astype("timedelta64[D]")
    flags = np.zeros(HISTORY_DAYS, dtype=bool)
    for start, days in (("2024-11-29", 4), ("2025-01-02", 10), ("2025-11-28", 4), ("2026-01-02", 10)):
        first = np.datetime64(start, "D")
        flags |= (dates >= first) & (dates < first + np.timedelta64(days, "D"))
    return flags


def _order_days(rng: np.random.Generator, first_day: np.ndarray, last_day: np.ndarray) -> np.ndarray:
    """One seasonal day per window [first_day, last_day] (inverse CDF of the day weights)."""
    cumulative = np.concatenate([[0.0], np.cumsum(_day_weights())])
    low = cumulative[first_day]
    high = cumulative[last_day + 1]
    target = low + rng.random(len(first_day)) * (high - low)
    days = np.searchsorted(cumulative, target, side="right") - 1
    return np.clip(days, first_day, last_day)


def _order_windows(
    rng: np.random.Generator, group: np.ndarray, signup_day: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per customer: first and last possible order day and the number of orders."""
    n = len(group)
    names = np.array([g.name for g in GROUPS])[group]
    first_day = np.maximum(signup_day, 0)
    last_day = np.full(n, HISTORY_DAYS - 1)
    lapsed = names == "lapsed"
    low, high = _LAPSED_LAST_ACTIVE_DAYS
    lapsed_first = np.maximum(first_day[lapsed] + 45, low)
    last_day[lapsed] = lapsed_first + np.floor(rng.random(lapsed.sum()) * (high - lapsed_first + 1))

    rate = np.array([g.orders_per_year for g in GROUPS])[group] * rng.gamma(5.0, 1.0 / 5.0, size=n)
    years = (last_day - first_day + 1) / 365.0
    n_orders = np.maximum(1, rng.poisson(rate * years))
    new = names == "new"
    n_orders[new] = rng.integers(1, 4, size=new.sum())
    return first_day, last_day, n_orders


def _pick_products(
    rng: np.random.Generator,
    category: np.ndarray,
    style: np.ndarray,
    product_category: np.ndarray,
    product_style: np.ndarray,
    popularity: np.ndarray,
) -> np.ndarray:
    """A product for each (category, style) pair, drawn by popularity within that brand line."""
    chosen = np.empty(len(category), dtype=np.int64)
    for cat in range(len(CATEGORIES)):
        for sty in range(_N_STYLES):
            rows = np.flatnonzero((category == cat) & (style == sty))
            candidates = np.flatnonzero((product_category == cat) & (product_style == sty))
            weights = popularity[candidates] / popularity[candidates].sum()
            chosen[rows] = rng.choice(candidates, size=len(rows), p=weights)
    return chosen


def generate_tables(seed: int, n_customers: int) -> GeneratedTables:
    """Generate customers, products and order lines with planted groups (assumes validated input)."""
    rng = np.random.default_rng(seed)
    products, product_category, product_style, popularity = _products(rng)
    customers, group, signup_day = _customers(rng, n_customers)
    n = n_customers

    # Taste: a category mix around the group's, a preferred brand tier per category and a few
    # favourite items that get bought again and again (what collaborative filtering can learn).
    group_weights = np.array([g.category_weights for g in GROUPS])[group]
    taste = rng.gamma(group_weights * 15.0 + 0.05)
    taste /= taste.sum(axis=1, keepdims=True)
    style_weights = np.array([g.style_weights for g in GROUPS])[group]
    preferred_style = np.column_stack([_draw_rows(rng, style_weights) for _ in CATEGORIES])
    max_favourites = 8
    n_favourites = rng.integers(3, max_favourites + 1, size=n)
    fav_category = np.column_stack([_draw_rows(rng, taste) for _ in range(max_favourites)])
    fav_style = np.take_along_axis(preferred_style, fav_category, axis=1)
    favourites = _pick_products(
        rng, fav_category.ravel(), fav_style.ravel(), product_category, product_style, popularity
    ).reshape(n, max_favourites)

    first_day, last_day, n_orders = _order_windows(rng, group, signup_day)
    order_customer = np.repeat(np.arange(n), n_orders)
    order_day = _order_days(rng, first_day[order_customer], last_day[order_customer])
    lines_per_order = np.array([g.lines_per_order for g in GROUPS])[group[order_customer]]
    n_lines = 1 + rng.poisson(lines_per_order)
    line_order = np.repeat(np.arange(len(order_customer)), n_lines)
    line_customer = order_customer[line_order]
    line_group = group[line_customer]

    is_favourite = rng.random(len(line_order)) < np.array([g.favourite_share for g in GROUPS])[line_group]
    slot = np.floor(rng.random(len(line_order)) * n_favourites[line_customer]).astype(np.int64)
    browse_category = _draw_rows(rng, taste[line_customer])
    own_style = rng.random(len(line_order)) < 0.6
    browse_style = np.where(
        own_style,
        preferred_style[line_customer, browse_category],
        rng.integers(0, _N_STYLES, size=len(line_order)),
    )
    browsed = _pick_products(rng, browse_category, browse_style, product_category, product_style, popularity)
    line_product = np.where(is_favourite, favourites[line_customer, slot], browsed)

    return _finish_orders(
        rng,
        customers=customers,
        products=products,
        group=group,
        order_customer=order_customer,
        order_day=order_day,
        line_order=line_order,
        line_product=line_product,
        product_category=product_category,
    )


def _finish_orders(
    rng: np.random.Generator,
    *,
    customers: pd.DataFrame,
    products: pd.DataFrame,
    group: np.ndarray,
    order_customer: np.ndarray,
    order_day: np.ndarray,
    line_order: np.ndarray,
    line_product: np.ndarray,
    product_category: np.ndarray,
) -> GeneratedTables:
    """Quantities, prices with discounts, returns, then order ids in date order."""
    line_customer = order_customer[line_order]
    line_group = group[line_customer]
    line_day = order_day[line_order]
    category = product_category[line_product]
    quantity = 1 + rng.poisson(np.array([c.quantity_rate for c in CATEGORIES])[category])

    list_cents = np.rint(products["price"].to_numpy() * 100).astype(np.int64)[line_product]
    discount_chance = np.array([g.discount_chance for g in GROUPS])[line_group]
    discount_chance = discount_chance + np.where(_promotion_days()[line_day], 0.3, 0.0)
    discounted = rng.random(len(line_order)) < discount_chance
    discount = _DISCOUNTS[rng.integers(0, len(_DISCOUNTS), size=len(line_order))]
    unit_cents = np.where(discounted, np.rint(list_cents * (1 - discount)), list_cents).astype(np.int64)

    # Returns: a later order of the same customer giving back part of an earlier line.
    return_weight = np.array([c.return_rate for c in CATEGORIES])[category] * (line_day <= HISTORY_DAYS - 31)
    return_chance = _RETURN_SHARE * return_weight / return_weight.mean()
    returned = np.flatnonzero(rng.random(len(line_order)) < return_chance)
    return_day = line_day[returned] + rng.integers(3, 31, size=len(returned))
    return_quantity = -(1 + np.floor(rng.random(len(returned)) * quantity[returned])).astype(np.int64)
    return_keys = pd.DataFrame({"customer": line_customer[returned], "day": return_day})
    return_order_of = return_keys.groupby(["customer", "day"], sort=True).ngroup().to_numpy()
    unique_returns = return_keys.drop_duplicates().sort_values(["customer", "day"])

    all_customer = np.concatenate([order_customer, unique_returns["customer"].to_numpy()])
    all_day = np.concatenate([order_day, unique_returns["day"].to_numpy()])
    all_is_return = np.concatenate([np.zeros(len(order_customer)), np.ones(len(unique_returns))])
    rank = np.empty(len(all_day), dtype=np.int64)
    rank[np.lexsort((all_is_return, all_customer, all_day))] = np.arange(len(all_day))

    every_line_order = np.concatenate([line_order, len(order_customer) + return_order_of])
    every_line_rank = rank[every_line_order]
    line_sort = np.argsort(every_line_rank, kind="stable")
    product = np.concatenate([line_product, line_product[returned]])[line_sort]
    customer = np.concatenate([line_customer, line_customer[returned]])[line_sort]
    day = np.concatenate([line_day, return_day])[line_sort]
    width = max(6, len(str(len(all_day))))
    orders = pd.DataFrame(
        {
            "order_id": [f"O{r + 1:0{width}d}" for r in every_line_rank[line_sort]],
            "customer_id": customers["customer_id"].to_numpy()[customer],
            "order_date": _as_dates(day),
            "product_id": products["product_id"].to_numpy()[product],
            "quantity": np.concatenate([quantity, return_quantity])[line_sort].astype(np.int64),
            "unit_price": np.concatenate([unit_cents, unit_cents[returned]])[line_sort] / 100,
        }
    )
    names = np.array([g.name for g in GROUPS], dtype=object)[group]
    return GeneratedTables(customers=customers, products=products, orders=orders, group_names=names)
