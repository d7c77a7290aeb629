"""Predictions as ordinary customer columns: what segmentation, personas, audiences and exports read.

The Predictions page keeps one table of per-customer predictions keyed on ``customer`` (the id as
text); :func:`with_predictions` joins it onto any customer table, so an audience condition such as
"propensity decile at most 2" or an export column "expected_value" needs no special case.
"""

from __future__ import annotations

import pandas as pd

from segmentation.keys import match_key

__all__ = ["PREDICTION_LABELS", "with_predictions"]

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
