"""Churn without a label: "no purchase in the next N days" built from the transactions and a cut-off date.

Features come from the purchases on or before the cut-off only (recency, frequency, monetary,
tenure ... from :func:`segmentation.customers.features.build_customer_features`, measured as of
the cut-off); the outcome is whether the customer bought nothing in the ``churn_days`` days after
it. The default cut-off is the last purchase date minus ``churn_days``, so the latest window of
the data is the one the outcome is read from. Customers who first bought after the cut-off are
not in the table (nothing was known about them then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from segmentation.customers.features import build_customer_features
from segmentation.customers.transactions import TransactionColumns, check_column, customer_key
from segmentation.errors import ParameterError
from segmentation.parsing import parse_dates

__all__ = ["MIN_REPEAT_BUYERS", "ChurnTable", "churn_column_name", "churn_table"]

#: Fewest customers with two or more purchases a churn model is built from.
MIN_REPEAT_BUYERS = 200


@dataclass(frozen=True)
class ChurnTable:
    """One row per customer known at the cut-off: behaviour features and the yes/no outcome column.

    ``frame`` holds the id column ``id_col``, the features (as of ``cutoff``) and ``target``
    ("yes" = no purchase in the ``churn_days`` days after the cut-off).
    """

    frame: pd.DataFrame
    id_col: str
    target: str
    cutoff: date
    churn_days: int
    n_churned: int
    notes: tuple[str, ...]

    @property
    def description(self) -> str:
        end = self.cutoff + timedelta(days=self.churn_days)
        return (
            f"Outcome: no purchase between {self.cutoff + timedelta(days=1)} and {end}, learned from "
            f"purchases up to {self.cutoff}; {self.n_churned:,} of {len(self.frame):,} customers bought "
            "nothing then."
        )


def churn_column_name(churn_days: int) -> str:
    """The outcome column's name, e.g. ``no_purchase_next_90_days``."""
    return f"no_purchase_next_{churn_days}_days"


def _purchase_days(transactions: pd.DataFrame, column: str) -> pd.Series:
    values = transactions[column]
    stamps = values if pd.api.types.is_datetime64_any_dtype(values.dtype) else parse_dates(values).values
    return pd.to_datetime(stamps, errors="coerce").dt.normalize()


def churn_table(
    transactions: pd.DataFrame,
    *,
    columns: TransactionColumns,
    churn_days: int = 90,
    cutoff: date | str | None = None,
    decimal: str = ".",
) -> ChurnTable:
    """Customers' features as of ``cutoff`` and whether they bought nothing in the next ``churn_days`` days.

    Parameters
    ----------
    transactions : DataFrame of shape (n_lines, n_columns)
        Purchase lines (typed or as loaded).
    columns : TransactionColumns
        Which columns hold the customer, date, amount ...
    churn_days : int
        Length of the window after the cut-off (1-3650 days).
    cutoff : date or "YYYY-MM-DD", optional
        Last day whose purchases are features; default: last purchase date − ``churn_days``.

    Raises
    ------
    ParameterError
        When the dates leave no history before or no full window after the cut-off, or fewer
        than :data:`MIN_REPEAT_BUYERS` customers bought twice or more.
    """
    if not 1 <= churn_days <= 3650:
        raise ParameterError(f"churn_days={churn_days}: choose a window of 1 to 3650 days.")
    check_column(transactions, columns.customer, "customer")
    check_column(transactions, columns.date, "date")
    days = _purchase_days(transactions, columns.date)
    if days.notna().sum() == 0:
        raise ParameterError(f"No purchase date in {columns.date!r} can be read, so no cut-off can be set.")
    first, last = days.min().date(), days.max().date()
    cut = (last - timedelta(days=churn_days)) if cutoff is None else pd.Timestamp(cutoff).date()
    if cut < first:
        raise ParameterError(
            f"The purchases run from {first} to {last}: a {churn_days}-day window after the cut-off {cut} "
            f"leaves no history before it; "
            + (
                f"choose fewer than {(last - first).days} days or a later cut-off."
                if (last - first).days > 1
                else "churn needs purchases spread over more days."
            )
        )
    if cut + timedelta(days=churn_days) > last:
        raise ParameterError(
            f"The cut-off {cut} leaves no full {churn_days}-day holdout: the purchases end on {last}; "
            f"choose a cut-off on or before {last - timedelta(days=churn_days)} or fewer days."
        )
    everyone = build_customer_features(transactions, columns=columns, decimal=decimal)
    repeat_buyers = int((everyone.frame["frequency"] >= 2).sum())
    if repeat_buyers < MIN_REPEAT_BUYERS:
        raise ParameterError(
            f"Only {repeat_buyers:,} customers bought more than once; churn needs at least "
            f"{MIN_REPEAT_BUYERS} repeat buyers to learn who comes back."
        )
    before = build_customer_features(transactions, columns=columns, as_of=cut, decimal=decimal)
    window = (days > pd.Timestamp(cut)) & (days <= pd.Timestamp(cut + timedelta(days=churn_days)))
    came_back = set(customer_key(transactions.loc[window.to_numpy(), columns.customer]).dropna())
    # The RFM segment name and the "555"-style code repeat r/f/m_score as text; the scores stay.
    frame = before.frame.drop(columns=["rfm_segment", "rfm_score"], errors="ignore")
    ids = customer_key(frame[before.id_col])
    churned = ~ids.isin(came_back).to_numpy()
    target = churn_column_name(churn_days)
    frame = frame.assign(**{target: np.where(churned, "yes", "no")})
    return ChurnTable(
        frame=frame,
        id_col=before.id_col,
        target=target,
        cutoff=cut,
        churn_days=churn_days,
        n_churned=int(churned.sum()),
        notes=before.notes,
    )
