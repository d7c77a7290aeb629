"""The honest check of a lifetime-value model: predicted against actual purchases after the calibration end.

The model learns from purchases up to the calibration end and predicts how many purchases each
customer makes in the holdout period; the customers then really made some. Compared by
calibration frequency (the chart of Fader, Hardie & Lee 2005, figure 4), per customer
(correlation) and in total (aggregate error).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from segmentation.predictions.clv_data import PurchaseSummary

__all__ = ["MAX_FREQUENCY_GROUP", "HoldoutCheck", "holdout_check"]

#: Customers with this many repeat purchases or more share the last group of the chart ("7+").
MAX_FREQUENCY_GROUP = 7


@dataclass(frozen=True)
class HoldoutCheck:
    """How well a model fitted up to ``calibration_end`` predicted the purchases up to ``holdout_end``.

    ``by_frequency`` has one row per calibration frequency group (``group`` "0" … "7+") with the
    ``customers`` in it and their mean ``predicted`` and ``actual`` purchases in the holdout.
    ``parameters`` and ``log_likelihood`` are those of the calibration fit.
    """

    model: str
    parameters: dict[str, float]
    log_likelihood: float
    calibration_end: date
    holdout_end: date
    by_frequency: pd.DataFrame
    predicted_total: float
    actual_total: float
    correlation: float
    mean_squared_error: float

    @property
    def holdout_weeks(self) -> float:
        """Length of the holdout period in weeks."""
        return (self.holdout_end - self.calibration_end).days / 7

    @property
    def aggregate_error(self) -> float:
        """(predicted - actual) / actual purchases in the holdout: -0.12 means 12% too few predicted."""
        return (self.predicted_total - self.actual_total) / self.actual_total if self.actual_total else 0.0

    def to_dict(self) -> dict[str, float | str]:
        """The CLI's ``holdout`` object: totals, correlation and the period checked."""
        return {
            "predicted_total": round(self.predicted_total, 2),
            "actual_total": round(self.actual_total, 2),
            "correlation": round(self.correlation, 4),
            "aggregate_error": round(self.aggregate_error, 4),
            "calibration_end": self.calibration_end.isoformat(),
            "holdout_end": self.holdout_end.isoformat(),
        }


def _groups(frequency: np.ndarray) -> np.ndarray:
    capped = np.minimum(frequency, MAX_FREQUENCY_GROUP).astype(np.int64)
    return capped


def holdout_check(
    *,
    model: str,
    parameters: dict[str, float],
    log_likelihood: float,
    calibration: PurchaseSummary,
    predicted: np.ndarray,
    actual: np.ndarray,
    holdout_end: date,
) -> HoldoutCheck:
    """Compare ``predicted`` with ``actual`` holdout purchases, arrays of shape (n_calibration_customers,).

    Assumes validated input: both arrays are aligned with ``calibration.customers``.
    """
    groups = _groups(calibration.frequency)
    table = (
        pd.DataFrame({"code": groups, "predicted": predicted, "actual": actual})
        .groupby("code", sort=True)
        .agg(customers=("actual", "size"), predicted=("predicted", "mean"), actual=("actual", "mean"))
        .reset_index()
    )
    table.insert(
        0,
        "group",
        [f"{c}+" if c == MAX_FREQUENCY_GROUP else str(c) for c in table["code"]],
    )
    spread = float(np.std(predicted)) * float(np.std(actual))
    correlation = float(np.corrcoef(predicted, actual)[0, 1]) if spread > 0 else 0.0
    return HoldoutCheck(
        model=model,
        parameters=parameters,
        log_likelihood=log_likelihood,
        calibration_end=calibration.end,
        holdout_end=holdout_end,
        by_frequency=table.drop(columns="code"),
        predicted_total=float(np.sum(predicted)),
        actual_total=float(np.sum(actual)),
        correlation=correlation,
        mean_squared_error=float(np.mean((predicted - actual) ** 2)),
    )
