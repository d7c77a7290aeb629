"""Customer lifetime value: BG/NBD or Pareto/NBD for repeat purchases, Gamma-Gamma for spend.

The models come from PyMC-Marketing's CLV module, the field's maintained implementation (the
older ``lifetimes`` package is no longer maintained). They are fitted by maximum a posteriori
with flat priors, which is maximum likelihood: it reproduces the published estimates (Fader,
Hardie & Lee 2005) and takes seconds, where sampling the posterior (MCMC) takes minutes. A point
estimate has no interval: the predictions carry none.

:func:`fit_clv` fits the purchase models asked for (BG/NBD by default; Pareto/NBD on request) on
the calibration period, keeps the one whose holdout predictions are closer to what customers
really bought (mean squared error per customer), refits it and Gamma-Gamma on the whole period
and scores every customer over the horizon.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import betaln, gammaln

with warnings.catch_warnings():
    # ArviZ (imported by PyMC) announces its coming refactor with a FutureWarning once a day.
    warnings.simplefilter("ignore", FutureWarning)
    import pymc as pm
    import pytensor.tensor as pt
    from pymc_extras.prior import Prior
    from pymc_marketing.clv import BetaGeoModel, GammaGammaModel, ParetoNBDModel
    from pymc_marketing.clv.distributions import ParetoNBD

from segmentation.errors import ParameterError
from segmentation.predictions.clv_check import HoldoutCheck, holdout_check
from segmentation.predictions.clv_data import DAYS_PER_PERIOD, PurchaseHistory, PurchaseSummary

__all__ = [
    "CLV_MODELS",
    "CLV_MODEL_LABELS",
    "DEFAULT_CLV_MODELS",
    "DEFAULT_DISCOUNT_RATE",
    "DEFAULT_HORIZON_DAYS",
    "ClvResult",
    "bg_nbd_log_likelihood",
    "fit_clv",
    "gamma_gamma_parameters",
]

#: The repeat-purchase models tried, in order of preference when they fit equally well.
CLV_MODELS = ("bg_nbd", "pareto_nbd")
CLV_MODEL_LABELS = {"bg_nbd": "BG/NBD", "pareto_nbd": "Pareto/NBD"}
DEFAULT_HORIZON_DAYS = 365
#: Fitted unless asked otherwise. Pareto/NBD is opt-in: its fit takes ~7 times BG/NBD's on CDNOW
#: and, on some data (the demo shop), PyMC-Marketing's MAP fit did not finish in minutes (the
#: optimiser wanders where the hypergeometric function is slow); the two predict alike on most
#: data (Fader, Hardie & Lee 2005).
DEFAULT_CLV_MODELS = ("bg_nbd",)
#: Yearly discount rate applied to future spend.
DEFAULT_DISCOUNT_RATE = 0.1
_PARAMETERS = {"bg_nbd": ("r", "alpha", "a", "b"), "pareto_nbd": ("r", "alpha", "s", "beta")}
_SPEND_PARAMETERS = ("p", "q", "v")
_DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class ClvResult:
    """Lifetime-value predictions for every customer, with the holdout check behind them.

    ``customers`` has one row per customer: ``customer`` (the id as text),
    ``probability_active``, ``expected_purchases`` and ``expected_value`` over ``horizon_days``
    (value discounted at ``discount_rate`` a year). ``parameters`` are the purchase model's and
    ``spend_parameters`` Gamma-Gamma's (p, q and γ written ``v``), both fitted on the whole
    period; ``holdout`` is the chosen model's check and ``checks`` every model's.
    """

    model: str
    parameters: dict[str, float]
    spend_parameters: dict[str, float]
    holdout: HoldoutCheck
    checks: tuple[HoldoutCheck, ...]
    customers: pd.DataFrame
    horizon_days: int
    discount_rate: float
    as_of: date
    notes: tuple[str, ...] = ()

    @property
    def model_label(self) -> str:
        """The chosen model as written in papers: "BG/NBD" or "Pareto/NBD"."""
        return CLV_MODEL_LABELS[self.model]


def bg_nbd_log_likelihood(
    parameters: dict[str, float], frequency: np.ndarray, recency: np.ndarray, age: np.ndarray
) -> float:
    """The BG/NBD log-likelihood (Fader, Hardie & Lee 2005, equation 6) summed over customers.

    ``parameters`` holds r, alpha, a and b; the arrays (shape (n_customers,)) are in the model's
    time unit.
    """
    r, alpha, a, b = (parameters[k] for k in _PARAMETERS["bg_nbd"])
    x = np.asarray(frequency, dtype="float64")
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    alive = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + age)
    with np.errstate(divide="ignore", invalid="ignore"):
        gone = betaln(a + 1, b + x - 1) - betaln(a, b) - (r + x) * np.log(alpha + recency)
    terms = np.where(x > 0, np.logaddexp(alive, np.where(x > 0, gone, -np.inf)), alive)
    return float(np.sum(common + terms))


def _pareto_nbd_log_likelihood(parameters: dict[str, float], summary: PurchaseSummary) -> float:
    r, alpha, s, beta = (pt.as_tensor_variable(np.float64(parameters[k])) for k in _PARAMETERS["pareto_nbd"])
    value = pt.as_tensor_variable(np.column_stack([summary.recency, summary.frequency]))
    age = pt.as_tensor_variable(summary.age)
    return float(pm.logp(ParetoNBD.dist(r, alpha, s, beta, age), value).sum().eval())


def _frame(summary: PurchaseSummary) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": np.arange(len(summary.customers)),
            "frequency": summary.frequency,
            "recency": summary.recency,
            "T": summary.age,
        }
    )


def _fit_purchases(model: str, summary: PurchaseSummary) -> tuple[Any, dict[str, float], float]:
    """The fitted purchase model, its parameters and log-likelihood."""
    flat = {name: Prior("HalfFlat") for name in _PARAMETERS[model]}
    fitted: Any = BetaGeoModel(model_config=flat) if model == "bg_nbd" else ParetoNBDModel(model_config=flat)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # PyMC's notes on the optimiser's progress
        fitted.fit(data=_frame(summary), method="map", progressbar=False)
    posterior = fitted.fit_result
    parameters = {name: float(posterior[name].values.ravel()[0]) for name in _PARAMETERS[model]}
    if model == "bg_nbd":
        log_likelihood = bg_nbd_log_likelihood(parameters, summary.frequency, summary.recency, summary.age)
    else:
        log_likelihood = _pareto_nbd_log_likelihood(parameters, summary)
    return fitted, parameters, log_likelihood


def _expected_purchases(fitted: Any, summary: PurchaseSummary, weeks: float) -> np.ndarray:
    values = fitted.expected_purchases(data=_frame(summary), future_t=weeks)
    return np.asarray(values.values, dtype="float64").reshape(-1)


def _probability_active(fitted: Any, summary: PurchaseSummary) -> np.ndarray:
    values = fitted.expected_probability_alive(data=_frame(summary))
    return np.asarray(values.values, dtype="float64").reshape(-1)


def _fit_spend(summary: PurchaseSummary) -> tuple[Any, dict[str, float]]:
    repeat = (summary.frequency > 0) & (summary.monetary > 0)
    data = pd.DataFrame(
        {
            "customer_id": np.arange(int(repeat.sum())),
            "frequency": summary.frequency[repeat],
            "monetary_value": summary.monetary[repeat],
        }
    )
    fitted: Any = GammaGammaModel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fitted.fit(data=data, method="map", progressbar=False)
    posterior = fitted.fit_result
    return fitted, {name: float(posterior[name].values.ravel()[0]) for name in _SPEND_PARAMETERS}


def gamma_gamma_parameters(summary: PurchaseSummary) -> dict[str, float]:
    """Gamma-Gamma's p, q and γ (``v``) fitted on the customers of ``summary`` with a repeat purchase."""
    return _fit_spend(summary)[1]


def _expected_spend(fitted: Any, summary: PurchaseSummary) -> np.ndarray:
    """Expected value of one future purchase; customers without a repeat purchase get the population mean."""
    data = pd.DataFrame(
        {
            "customer_id": np.arange(len(summary.customers)),
            "frequency": summary.frequency,
            "monetary_value": np.nan_to_num(summary.monetary, nan=0.0),
        }
    )
    return np.asarray(fitted.expected_customer_spend(data=data).values, dtype="float64").reshape(-1)


def _discounted_purchases(
    fitted: Any, summary: PurchaseSummary, *, horizon_days: int, discount_rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Expected purchases over the horizon, and the same discounted month by month to today's money."""
    steps = max(1, round(horizon_days / _DAYS_PER_MONTH))
    ends = np.arange(1, steps + 1) * (horizon_days / steps)
    discounted = np.zeros(len(summary.customers))
    previous = np.zeros(len(summary.customers))
    for end in ends:
        cumulative = _expected_purchases(fitted, summary, end / DAYS_PER_PERIOD)
        discounted += (cumulative - previous) / (1 + discount_rate) ** (end / 365.25)
        previous = cumulative
    return previous, discounted


def _check(model: str, history: PurchaseHistory) -> HoldoutCheck:
    fitted, parameters, log_likelihood = _fit_purchases(model, history.calibration)
    predicted = _expected_purchases(fitted, history.calibration, history.holdout_weeks)
    return holdout_check(
        model=model,
        parameters=parameters,
        log_likelihood=log_likelihood,
        calibration=history.calibration,
        predicted=predicted,
        actual=history.holdout_purchases,
        holdout_end=history.full.end,
    )


def fit_clv(
    history: PurchaseHistory,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
    models: tuple[str, ...] | None = None,
) -> ClvResult:
    """Fit the lifetime-value models, check them on the holdout and score every customer.

    Parameters
    ----------
    history : PurchaseHistory
        From :func:`segmentation.purchase_history`.
    horizon_days : int
        How far ahead purchases and value are predicted.
    discount_rate : float
        Yearly rate future spend is discounted at (0.1: money a year from now is worth 1/1.1).
    models : tuple of str, optional
        Repeat-purchase models to try (from :data:`CLV_MODELS`); the one with the smaller holdout
        error per customer is kept. Default: :data:`DEFAULT_CLV_MODELS` (BG/NBD).

    Returns
    -------
    ClvResult
        Per customer: ``probability_active``, ``expected_purchases``, ``expected_value``.

    Raises
    ------
    ParameterError
        When the horizon, discount rate or model names are out of range.
    """
    if horizon_days < 1:
        raise ParameterError(f"The horizon is {horizon_days} days; give 1 day or more, such as 365.")
    if not 0 <= discount_rate < 1:
        raise ParameterError(
            f"The discount rate {discount_rate} is not a yearly rate from 0 to 1, such as 0.1 for 10%."
        )
    models = DEFAULT_CLV_MODELS if models is None else models
    unknown = [m for m in models if m not in CLV_MODELS] or ([] if models else ["(none)"])
    if unknown:
        raise ParameterError(
            f"Unknown lifetime-value model {unknown[0]!r}; choose from {', '.join(CLV_MODELS)}."
        )
    checks = tuple(_check(model, history) for model in models)
    best = min(checks, key=lambda check: check.mean_squared_error)
    fitted, parameters, _ = _fit_purchases(best.model, history.full)
    spend_model, spend_parameters = _fit_spend(history.full)
    purchases, discounted = _discounted_purchases(
        fitted, history.full, horizon_days=horizon_days, discount_rate=discount_rate
    )
    spend = _expected_spend(spend_model, history.full)
    customers = pd.DataFrame(
        {
            "customer": history.full.customers,
            "probability_active": _probability_active(fitted, history.full),
            "expected_purchases": purchases,
            "expected_value": discounted * spend,
        }
    )
    return ClvResult(
        model=best.model,
        parameters=parameters,
        spend_parameters=spend_parameters,
        holdout=best,
        checks=checks,
        customers=customers,
        horizon_days=horizon_days,
        discount_rate=discount_rate,
        as_of=history.full.end,
        notes=history.notes,
    )
