"""Purchase histories for lifetime-value models: one row per customer, split at a calibration date.

The buy-till-you-die models read, per customer, how many *repeat* purchases they made
(``frequency``), when the last one was (``recency``, measured from the first purchase), how long
they have been a customer (``age``, often written T) and what a repeat purchase was worth on
average (``monetary``). Time is counted in weeks, as in Fader, Hardie & Lee (2005). Several lines
on the same day are one purchase (an order split over lines, or two orders an hour apart), as in
the published CDNOW analyses.

The calibration/holdout split is by date: the models learn from purchases up to
``calibration_end`` and are checked against what the same customers bought after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from segmentation._plural import counted
from segmentation.customers.transactions import TransactionColumns, read_lines
from segmentation.errors import ColumnError, ParameterError

__all__ = [
    "DAYS_PER_PERIOD",
    "DEFAULT_HOLDOUT_SHARE",
    "MIN_REPEAT_BUYERS",
    "PurchaseHistory",
    "PurchaseSummary",
    "purchase_history",
]

#: Time unit of the models: weeks.
DAYS_PER_PERIOD = 7
#: Share of the period held out to check the models when no calibration end is given.
DEFAULT_HOLDOUT_SHARE = 1 / 3
#: Below this many customers with a repeat purchase the models have too little to learn from.
MIN_REPEAT_BUYERS = 200
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class PurchaseSummary:
    """Each customer's purchases up to ``end``, arrays of shape (n_customers,) in weeks.

    ``monetary`` is the average value of the repeat purchases (NaN for customers without one),
    the input of the Gamma-Gamma spend model.
    """

    customers: np.ndarray
    frequency: np.ndarray
    recency: np.ndarray
    age: np.ndarray
    monetary: np.ndarray
    end: date

    @property
    def repeat_buyers(self) -> int:
        """Customers with at least one repeat purchase."""
        return int((self.frequency > 0).sum())

    def frame(self) -> pd.DataFrame:
        """The summary as a table with columns customer, frequency, recency, T, monetary_value."""
        return pd.DataFrame(
            {
                "customer": self.customers,
                "frequency": self.frequency,
                "recency": self.recency,
                "T": self.age,
                "monetary_value": self.monetary,
            }
        )


@dataclass(frozen=True)
class PurchaseHistory:
    """The calibration summary, what each of those customers bought afterwards, and the whole period.

    ``holdout_purchases`` (shape (n_calibration_customers,)) counts purchase days after
    ``calibration.end`` up to ``full.end``; ``full`` summarises every customer over the whole
    period and is what predictions are made from.
    """

    calibration: PurchaseSummary
    holdout_purchases: np.ndarray
    full: PurchaseSummary
    start: date
    notes: tuple[str, ...] = ()

    @property
    def holdout_weeks(self) -> float:
        """Length of the holdout period in weeks."""
        return (self.full.end - self.calibration.end).days / DAYS_PER_PERIOD


def _day(value: int) -> date:
    return _EPOCH + timedelta(days=int(value))


def _day_number(value: date) -> int:
    return (value - _EPOCH).days


def _summary(
    customer: np.ndarray, day: np.ndarray, value: np.ndarray, names: np.ndarray, end_day: int
) -> PurchaseSummary:
    """Summaries up to ``end_day`` of purchase days (one row per customer and day, sorted).

    Assumes validated input: every customer in ``customer`` has a first purchase on or before ``end_day``.
    """
    keep = day <= end_day
    customer, day, value = customer[keep], day[keep], value[keep]
    codes, first_index, counts = np.unique(customer, return_index=True, return_counts=True)
    first_day = day[first_index]
    last_day = day[first_index + counts - 1]
    repeat_value = np.bincount(customer, weights=value, minlength=len(names))[codes] - value[first_index]
    frequency = (counts - 1).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, repeat_value / frequency, np.nan)
    return PurchaseSummary(
        customers=names[codes].astype(str),
        frequency=frequency,
        recency=(last_day - first_day) / DAYS_PER_PERIOD,
        age=(end_day - first_day) / DAYS_PER_PERIOD,
        monetary=monetary,
        end=_day(end_day),
    )


def _default_calibration_end(first: int, last: int) -> int:
    return first + round((last - first) * (1 - DEFAULT_HOLDOUT_SHARE))


def purchase_history(
    transactions: pd.DataFrame,
    *,
    columns: TransactionColumns,
    calibration_end: date | None = None,
    decimal: str = ".",
) -> PurchaseHistory:
    """Per-customer purchase histories for lifetime-value models, split at ``calibration_end``.

    Parameters
    ----------
    transactions : DataFrame
        Purchase lines; ``columns`` says which column holds the customer, the date and the money.
    columns : TransactionColumns
        The column mapping (see :func:`segmentation.detect_transaction_columns`); a money column
        (amount, or quantity and price) is required.
    calibration_end : date, optional
        Last day the models learn from; later purchases check them. Default: the last third of
        the period is held out.
    decimal : str
        Decimal mark of numbers written as text.

    Raises
    ------
    ColumnError
        When there is no money column.
    ParameterError
        When the calibration end leaves no purchases before or after it, or when fewer than
        :data:`MIN_REPEAT_BUYERS` customers bought again before it.
    """
    if columns.amount is None and (columns.quantity is None or columns.price is None):
        raise ColumnError(
            "Lifetime value needs the money paid per purchase: this file has no amount column (or "
            "quantity and price). Pass --amount-col, or --quantity-col and --price-col."
        )
    notes: list[str] = []
    lines = read_lines(transactions, columns, notes, decimal=decimal)
    # One purchase per customer and day: sum the lines of that day.
    frame = pd.DataFrame({"customer": lines.customer_codes, "day": lines.day, "value": lines.value})
    days = frame.groupby(["customer", "day"], sort=True)["value"].sum().reset_index()
    not_bought = days["value"] < 0
    if not_bought.any():
        notes.append(
            f"Left out {counted(int(not_bought.sum()), 'customer-day')} where returns outweighed the "
            "purchases (net value below 0)."
        )
        days = days[~not_bought]
    if days.empty:
        raise ParameterError("The transactions have no purchase with a positive value to learn from.")
    customer = days["customer"].to_numpy(np.int64)
    day = days["day"].to_numpy(np.int64)
    value = days["value"].to_numpy(np.float64)
    first, last = int(day.min()), int(day.max())
    end = _default_calibration_end(first, last) if calibration_end is None else _day_number(calibration_end)
    if end < first or end >= last:
        raise ParameterError(
            f"The calibration end {_day(end).isoformat()} leaves no holdout to check the predictions: "
            f"purchases run from {_day(first).isoformat()} to {_day(last).isoformat()}; choose a day "
            "in between (by default the last third is held out)."
        )
    first_day = np.full(len(lines.customer_names), np.iinfo(np.int64).max)
    np.minimum.at(first_day, customer, day)
    known = first_day[customer] <= end
    calibration = _summary(customer[known], day[known], value[known], lines.customer_names, end)
    if calibration.repeat_buyers < MIN_REPEAT_BUYERS:
        raise ParameterError(
            f"Only {counted(calibration.repeat_buyers, 'customer')} bought again before "
            f"{_day(end).isoformat()}; lifetime-value models need at least {MIN_REPEAT_BUYERS} repeat "
            "buyers to learn from. Use a later calibration end or a longer purchase history."
        )
    after = known & (day > end)
    holdout = np.bincount(customer[after], minlength=len(lines.customer_names))
    codes = np.unique(customer[known])
    full = _summary(customer, day, value, lines.customer_names, last)
    return PurchaseHistory(
        calibration=calibration,
        holdout_purchases=holdout[codes].astype("float64"),
        full=full,
        start=_day(first),
        notes=tuple(notes),
    )
