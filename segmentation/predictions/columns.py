"""Predictions as ordinary customer columns: what segmentation, personas, audiences and exports read.

The Predictions page keeps one table of per-customer predictions keyed on ``customer`` (the id as
text); :func:`with_predictions` joins it onto any customer table, so an audience condition such as
"propensity decile at most 2" or an export column "expected_value" needs no special case.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from segmentation.keys import match_key
from segmentation.money import format_money

__all__ = ["PREDICTION_LABELS", "predicted_traits", "with_predictions"]

# Plain names for the prediction columns (the column names stay as written, for scripts).
PREDICTION_LABELS: dict[str, str] = {
    "probability_active": "Chance still active",
    "expected_purchases": "Expected orders (horizon)",
    "expected_value": "Expected value (horizon)",
    "propensity": "Chance to respond",
    "propensity_decile": "Response decile (1 = most likely)",
}


def with_predictions(
    customers: pd.DataFrame, *, id_column: str, predictions: pd.DataFrame | None
) -> pd.DataFrame:
    """A copy of ``customers`` with the prediction columns of ``predictions`` joined on the customer id.

    Parameters
    ----------
    customers : DataFrame of shape (n_customers, n_columns)
        One row per customer; ``id_column`` holds the id (any type: ids are compared as
        :func:`segmentation.keys.match_key` text, so ``007`` and ``"007"`` meet).
    id_column : str
        The customer id column of ``customers``.
    predictions : DataFrame or None
        Column ``customer`` plus prediction columns; ``None`` or empty returns an unchanged copy.

    Returns
    -------
    DataFrame of shape (n_customers, n_columns + n_predictions)
        Rows and order of ``customers``; customers without a prediction get missing values. A
        prediction column whose name the table already has is left out (the table's own wins).
    """
    frame = customers.copy()
    if predictions is None or predictions.empty or "customer" not in predictions.columns:
        return frame
    new = [c for c in predictions.columns if c != "customer" and c not in frame.columns]
    if not new:
        return frame
    keyed = predictions.assign(_key=match_key(predictions["customer"].astype("str")))
    keyed = keyed.drop_duplicates("_key", keep="last").set_index("_key")[new]
    keys = match_key(frame[id_column].astype("str")) if id_column in frame.columns else None
    if keys is None:
        return frame
    joined = keyed.reindex(keys.to_numpy())
    for column in new:
        frame[column] = joined[column].to_numpy()
    return frame


def _horizon_words(horizon_days: int | None) -> str:
    if not horizon_days:
        return ""
    months = round(horizon_days / (365.25 / 12))
    return f" over the next {months} months" if months >= 2 else f" over the next {horizon_days} days"


def _money(first: float, second: float, currency: str) -> tuple[str, str]:
    """Two amounts written alike: whole units from 10 up (cents would be noise), else cents."""
    decimals = 0 if max(abs(first), abs(second)) >= 10 else 2
    return format_money(first, currency, decimals=decimals), format_money(second, currency, decimals=decimals)


def predicted_traits(
    customers: pd.DataFrame,
    labels: Sequence[int] | np.ndarray,
    *,
    currency: str = "",
    horizon_days: int | None = None,
) -> dict[int, tuple[str, ...]]:
    """What the predictions say about each segment, one sentence per prediction, against all customers.

    Parameters
    ----------
    customers : DataFrame of shape (n_customers, n_columns)
        Customers with prediction columns (see :func:`with_predictions`); columns it lacks are skipped.
    labels : array of shape (n_customers,)
        The segment of each row; negative labels (unassigned, no data) get no sentences.
    currency : str
        Currency of ``expected_value`` (see :func:`segmentation.money.format_money`).
    horizon_days : int, optional
        The horizon of ``expected_value`` and ``expected_purchases``, for the words "over the next 12 months".

    Returns
    -------
    dict
        Segment → sentences such as "Expected value $412 over the next 12 months per customer vs $180
        overall". Averages per customer, over customers who have a prediction.
    """
    labels = np.asarray(labels)
    horizon = _horizon_words(horizon_days)
    wording = {
        "expected_value": lambda s, a: (
            f"Expected value {_money(s, a, currency)[0]}{horizon} per customer "
            f"vs {_money(s, a, currency)[1]} overall"
        ),
        "expected_purchases": lambda s, a: (
            f"Expected orders{horizon}: {s:.1f} per customer vs {a:.1f} overall"
        ),
        "probability_active": lambda s, a: f"Chance still active: {s:.0%} vs {a:.0%} overall",
        "propensity": lambda s, a: f"Chance to respond: {s:.0%} vs {a:.0%} overall",
    }
    present = [c for c in wording if c in customers.columns]
    if not present:
        return {}
    values = customers[present].apply(pd.to_numeric, errors="coerce").reset_index(drop=True)
    overall = values.mean()
    by_segment = values[labels >= 0].groupby(labels[labels >= 0]).mean()
    traits: dict[int, tuple[str, ...]] = {}
    for segment, row in by_segment.iterrows():
        traits[int(segment)] = tuple(
            wording[c](float(row[c]), float(overall[c]))
            for c in present
            if not (np.isnan(row[c]) or np.isnan(overall[c]))
        )
    return traits
