"""Shared, seeded data for the engine tests: the same files go through the pandas and the Spark engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from segmentation import TransactionColumns

COLUMNS = TransactionColumns(
    customer="customer_id",
    date="order_date",
    quantity="quantity",
    price="unit_price",
    order="order_id",
    item="product_id",
)
RFM_COLUMNS = (
    "customer_id",
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "tenure_days",
    "mean_days_between_purchases",
    "distinct_items",
    "returns_count",
    "returns_value",
    "r_score",
    "f_score",
    "m_score",
    "rfm_score",
    "rfm_segment",
)


def shop_lines(*, n_customers: int = 240, seed: int = 0) -> pd.DataFrame:
    """Order lines of three kinds of customer (frequent big spenders, regulars, one-off buyers).

    Ids are written as text with leading zeros and some with a stray space; a few lines are returns
    (negative quantity); many customers tie on frequency, so the rank tie-break is exercised.
    """
    rng = np.random.default_rng(seed)
    rows = []
    order = 0
    start = np.datetime64("2024-01-01")
    for c in range(n_customers):
        kind = c % 3
        n_orders = (rng.integers(8, 14), rng.integers(3, 6), 1)[kind]
        price_level = (80.0, 30.0, 12.0)[kind]
        last = rng.integers(0, (40, 150, 330)[kind])
        days = np.sort(rng.integers(0, 360 - last, size=n_orders))
        customer = f"{c:05d}" + (" " if c % 17 == 0 else "")
        for day in days:
            order += 1
            for _ in range(rng.integers(1, 4)):
                quantity = int(rng.integers(1, 4))
                if rng.random() < 0.03:
                    quantity = -quantity
                rows.append(
                    {
                        "order_id": f"O{order:06d}",
                        "customer_id": customer,
                        "order_date": str(start + int(day)),
                        "product_id": f"P{int(rng.integers(0, 60)):03d}",
                        "quantity": str(quantity),
                        "unit_price": f"{price_level * rng.uniform(0.5, 1.5):.2f}",
                    }
                )
    return pd.DataFrame(rows)


def write_lines(folder: Path, frame: pd.DataFrame, name: str = "orders.csv") -> str:
    path = folder / name
    frame.to_csv(path, index=False)
    return str(path)


#: Three well-separated groups of uneven sizes and spreads (half, 30%, 20% of the customers).
MIXTURE_FEATURES = ("engagement", "loyalty", "activity")


def mixture_customers(*, n_customers: int = 12_000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A customer table drawn from a known Gaussian mixture, and each customer's true group (0 largest).

    Groups are ≥ 7 standard deviations apart, so a mixture fitted with k = 3 finds them whatever
    engine fits it; their spreads and sizes differ, so the weights and covariances are not trivial.
    """
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0, 0.0], [9.0, 1.0, 2.0], [1.0, 10.0, -6.0]])
    spreads = np.array([[1.0, 1.5, 0.8], [0.6, 0.9, 1.2], [1.4, 0.7, 1.0]])
    group = np.sort(rng.choice(3, size=n_customers, p=[0.5, 0.3, 0.2]))
    values = centres[group] + spreads[group] * rng.normal(size=(n_customers, 3))
    frame = pd.DataFrame(values, columns=list(MIXTURE_FEATURES))
    frame.insert(0, "customer_id", [f"M{i:06d}" for i in range(n_customers)])
    order = rng.permutation(n_customers)
    return frame.iloc[order].reset_index(drop=True), group[order]


#: The command-line flags naming the columns of :func:`shop_lines` (features, recommend ...).
TRANSACTION_FLAGS = [
    "--customer-col",
    "customer_id",
    "--date-col",
    "order_date",
    "--quantity-col",
    "quantity",
    "--price-col",
    "unit_price",
    "--order-col",
    "order_id",
    "--item-col",
    "product_id",
]
