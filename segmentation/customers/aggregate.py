"""Per-customer aggregation of typed transaction lines, and the join of customer attributes.

Works on integer codes: sums with ``numpy.bincount``, distinct counts by hashing
(customer, value) pairs, so millions of lines take seconds. Assumes validated input.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from segmentation._plural import counted
from segmentation.customers.transactions import TypedLines, check_column, column_listing, customer_key
from segmentation.errors import ColumnError
from segmentation.profiling.roles import Role
from segmentation.profiling.table_roles import infer_roles

__all__ = ["behaviour", "join_customers"]


def _count_distinct_pairs(customer: np.ndarray, other: np.ndarray, n_customers: int) -> np.ndarray:
    """Distinct values of ``other`` per customer; both arrays are non-negative int64 codes."""
    span = int(other.max()) + 1 if len(other) else 1
    pairs = pd.unique(customer * span + other)
    return np.bincount(pairs // span, minlength=n_customers)


def _category_shares(
    lines: TypedLines, purchase: np.ndarray, n_customers: int, monetary: np.ndarray, *, top: int
) -> dict[str, np.ndarray]:
    """Share of each customer's spend in the ``top`` categories by total spend, plus "other"."""
    assert lines.category_codes is not None and lines.category_names is not None
    codes = lines.category_codes[purchase]
    customers = lines.customer_codes[purchase]
    value = lines.value[purchase]
    n_categories = len(lines.category_names)
    totals = np.bincount(codes[codes >= 0], weights=value[codes >= 0], minlength=n_categories)
    ranked = np.argsort(-totals, kind="stable")[: min(top, n_categories)]
    slot = np.full(n_categories + 1, len(ranked), dtype=np.int64)  # last slot: other (and missing)
    slot[ranked] = np.arange(len(ranked))
    line_slot = slot[np.where(codes >= 0, codes, n_categories)]
    spend = np.bincount(
        customers * (len(ranked) + 1) + line_slot, weights=value, minlength=n_customers * (len(ranked) + 1)
    ).reshape(n_customers, len(ranked) + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(monetary[:, None] > 0, spend / monetary[:, None], 0.0)
    names = [_share_name(str(lines.category_names[i])) for i in ranked]
    columns: dict[str, np.ndarray] = {}
    for position, name in enumerate(names):
        unique_name, suffix = name, 2
        while unique_name in columns or unique_name == "share_other":
            unique_name, suffix = f"{name}_{suffix}", suffix + 1
        columns[unique_name] = shares[:, position]
    if n_categories > len(ranked) or bool((codes < 0).any()):
        columns["share_other"] = shares[:, len(ranked)]
    return columns


def _share_name(category: str) -> str:
    slug = re.sub(r"\W+", "_", category.strip().casefold()).strip("_")
    return f"share_{slug or 'blank'}"


#: Names of the total and per-order columns: spend when the lines carry money, else items.
#: A file without prices must not produce a column that reads as spend ("monetary"), or every
#: later stage (personas, campaigns) would talk about money that was never measured.
MONEY_NAMES = ("monetary", "avg_order_value")
ITEM_NAMES = ("items_bought", "items_per_order")


def behaviour(lines: TypedLines, *, as_of_day: int, top_categories: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Per-customer features for customers with at least one purchase, and the kept customer codes.

    The total is ``monetary`` (and ``avg_order_value``) when the lines carry money, otherwise
    ``items_bought`` (and ``items_per_order``).
    """
    total_name, per_order_name = MONEY_NAMES if lines.has_money else ITEM_NAMES
    n = len(lines.customer_names)
    purchase = lines.value >= 0
    returned = ~purchase
    pc, pday = lines.customer_codes[purchase], lines.day[purchase]
    bought = np.bincount(pc, minlength=n) > 0
    by_customer = pd.DataFrame({"c": pc, "day": pday}).groupby("c", sort=True)["day"].agg(["min", "max"])
    first, last = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    first[by_customer.index.to_numpy()] = by_customer["min"].to_numpy()
    last[by_customer.index.to_numpy()] = by_customer["max"].to_numpy()
    day_offset = pday - (int(pday.min()) if len(pday) else 0)
    purchase_days = _count_distinct_pairs(pc, day_offset, n)
    if lines.order_codes is not None:
        order_codes = lines.order_codes[purchase]
        known = order_codes >= 0
        frequency = _count_distinct_pairs(pc[known], order_codes[known], n)
        # Lines without an order number count as one order per purchase day.
        frequency = frequency + _count_distinct_pairs(pc[~known], day_offset[~known], n)
    else:
        frequency = purchase_days
    monetary = np.bincount(pc, weights=lines.value[purchase], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        columns: dict[str, np.ndarray] = {
            "recency_days": (as_of_day - last).astype("float64"),
            "frequency": frequency.astype("float64"),
            total_name: monetary,
            per_order_name: monetary / frequency,
            "tenure_days": (as_of_day - first).astype("float64"),
            "mean_days_between_purchases": np.where(
                purchase_days > 1, (last - first) / np.maximum(purchase_days - 1, 1), np.nan
            ),
        }
    if lines.item_codes is not None:
        items = lines.item_codes[purchase]
        columns["distinct_items"] = _count_distinct_pairs(pc[items >= 0], items[items >= 0], n).astype(
            "float64"
        )
    rc = lines.customer_codes[returned]
    columns["returns_count"] = np.bincount(rc, minlength=n).astype("float64")
    columns["returns_value"] = np.bincount(rc, weights=-lines.value[returned], minlength=n).astype("float64")
    if lines.category_codes is not None:
        columns.update(_category_shares(lines, purchase, n, monetary, top=top_categories))
    kept = np.flatnonzero(bought)
    frame = pd.DataFrame({name: values[kept] for name, values in columns.items()})
    return frame, kept


# --------------------------------------------------------------------------- customer attributes


def join_customers(
    features: pd.DataFrame,
    id_col: str,
    customers: pd.DataFrame,
    customer_id_col: str | None,
    notes: list[str],
) -> pd.DataFrame:
    """Left-join customer attributes on the id matched as trimmed text (first row per id wins)."""
    if customer_id_col is None:
        found = [c for c, r in infer_roles(customers).items() if r is Role.CUSTOMER_ID]
        if id_col in customers.columns:
            customer_id_col = id_col
        elif len(found) == 1:
            customer_id_col = found[0]
        else:
            raise ColumnError(
                f"Which column of the customer file is the customer id? Candidates: "
                f"{column_listing(found or [str(c) for c in customers.columns])}. Pass --customer-id-col."
            )
    check_column(customers, customer_id_col, "customer id (customer file)")
    keys = customer_key(customers[customer_id_col])
    attributes = customers.drop(columns=[customer_id_col])
    duplicated = keys.duplicated() & keys.notna()
    if duplicated.any():
        notes.append(
            f"The customer file repeats some ids ({counted(int(duplicated.sum()), 'extra row')}); "
            "the first row of each id was used."
        )
    attributes = attributes[~duplicated.to_numpy() & keys.notna().to_numpy()]
    attributes.index = pd.Index(keys[~duplicated & keys.notna()].to_numpy(dtype=object), name=None)
    taken = set(features.columns)
    attributes = attributes.rename(
        columns={c: f"{c} (customer file)" for c in attributes.columns if c in taken}
    )
    joined = attributes.reindex(features[id_col].to_numpy(dtype=object))
    joined.index = features.index
    found_mask = features[id_col].isin(attributes.index).to_numpy()
    if not found_mask.all():
        notes.append(
            f"Found no attributes for {counted(int((~found_mask).sum()), 'customer')}: they are not "
            "in the customer file."
        )
    without_purchases = int((~pd.Index(attributes.index).isin(features[id_col])).sum())
    if without_purchases:
        notes.append(
            f"Left out {counted(without_purchases, 'customer')} of the customer file with no "
            "purchases (RFM needs at least one)."
        )
    return pd.concat([features, joined], axis=1)
