"""What the customers on a campaign list have spent: the money behind a list, in the table's own units."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.campaigns.rules import Audience
from segmentation.money import format_money

__all__ = ["ListSpend", "list_spend"]


@dataclass(frozen=True)
class ListSpend:
    """Spend (``money_col``) of the customers on a list: ``to_contact`` (treatment) and ``listed``
    totals, and the ``median`` per listed customer; missing values count as nothing spent."""

    money_col: str
    to_contact: float
    listed: float
    median: float
    n_to_contact: int

    def sentence(self, currency: str) -> str:
        """ "The 900 people to contact spent $120,000 in total (median $85 each)." """
        people = "person" if self.n_to_contact == 1 else "people"
        total, median = format_money(self.to_contact, currency), format_money(self.median, currency)
        return (
            f"The {self.n_to_contact:,} {people} to contact spent {total} in total (median {median} per "
            f"listed customer, from {self.money_col!r})."
        )

    def to_dict(self, currency: str) -> dict[str, Any]:
        return {
            "column": self.money_col,
            "to_contact": self.to_contact,
            "listed": self.listed,
            "median_per_listed_customer": self.median,
            "summary": self.sentence(currency),
        }


def list_spend(audience: Audience, customers: pd.DataFrame, *, money_col: str) -> ListSpend:
    """The spend behind ``audience``, read from ``customers`` (the table the list was built from).

    Parameters
    ----------
    audience : Audience
        A built list; ``audience.input_rows`` are positions in ``customers``.
    customers : DataFrame of shape (n_customers, n_columns)
        The customer table the list was built from (same rows, same order).
    money_col : str
        Its spend column (numeric).
    """
    values = pd.to_numeric(customers[money_col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    listed = values[np.asarray(audience.input_rows, dtype=np.int64)]
    treated = (audience.frame["group"] == "treatment").to_numpy(dtype=bool)
    filled = np.nan_to_num(listed, nan=0.0)
    return ListSpend(
        money_col=str(money_col),
        to_contact=float(filled[treated].sum()),
        listed=float(filled.sum()),
        median=float(np.median(filled)) if len(filled) else 0.0,
        n_to_contact=int(treated.sum()),
    )
