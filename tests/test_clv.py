"""Lifetime value on the CDNOW sample: the published results of Fader, Hardie & Lee (2005) reproduced.

The sample (2,357 customers who first bought in the first quarter of 1997, their purchases to the
end of June 1998) is ``tests/data/cdnow_sample.csv`` (see tests/data/README.md). Calibration
is the first 39 weeks (to 1997-09-30), the holdout weeks 40-78.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation import (
    CLV_MODELS,
    ClvResult,
    ColumnError,
    ParameterError,
    PurchaseHistory,
    TransactionColumns,
    bg_nbd_log_likelihood,
    fit_clv,
    gamma_gamma_parameters,
    purchase_history,
)

CDNOW = Path(__file__).parent / "data" / "cdnow_sample.csv"
COLUMNS = TransactionColumns(customer="customer_id", date="date", amount="spend")
CALIBRATION_END = date(1997, 9, 30)
# Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2).
PUBLISHED_BG_NBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_BG_NBD_LL = -9582.4
PUBLISHED_PARETO_NBD = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
PUBLISHED_PARETO_NBD_LL = -9595.0
# Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves", JMR 42(4): Gamma-Gamma on the
# average repeat-purchase spend of the 946 customers who bought again in weeks 1-39.
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def transactions() -> pd.DataFrame:
    return pd.read_csv(CDNOW, dtype=str)


@pytest.fixture(scope="module")
def history(transactions: pd.DataFrame) -> PurchaseHistory:
    return purchase_history(transactions, columns=COLUMNS, calibration_end=CALIBRATION_END)


@pytest.fixture(scope="module")
def result(history: PurchaseHistory) -> ClvResult:
    return fit_clv(history, models=CLV_MODELS)


def _check(result: ClvResult, model: str):  # type: ignore[no-untyped-def]
    return next(check for check in result.checks if check.model == model)


def test_the_sample_summary_is_the_papers(history: PurchaseHistory) -> None:
    calibration = history.calibration
    assert len(calibration.customers) == 2357
    assert calibration.repeat_buyers == 946
    assert calibration.frequency.sum() == 2457
    assert history.holdout_purchases.sum() == 1882
    assert history.holdout_weeks == pytest.approx(39, abs=0.01)
    # Customer 0001 first bought on 1997-01-01: 272 days (38.86 weeks) before the calibration end.
    first = list(calibration.customers).index("0001")
    assert calibration.age[first] == pytest.approx(272 / 7)
    assert calibration.frequency[first] == 2


def test_bg_nbd_reproduces_the_published_estimates(result: ClvResult) -> None:
    check = _check(result, "bg_nbd")
    for name, value in PUBLISHED_BG_NBD.items():
        assert check.parameters[name] == pytest.approx(value, rel=0.01), name
    assert check.log_likelihood == pytest.approx(PUBLISHED_BG_NBD_LL, abs=0.1)


def test_bg_nbd_log_likelihood_at_the_published_estimates(history: PurchaseHistory) -> None:
    calibration = history.calibration
    value = bg_nbd_log_likelihood(
        PUBLISHED_BG_NBD, calibration.frequency, calibration.recency, calibration.age
    )
    assert value == pytest.approx(PUBLISHED_BG_NBD_LL, abs=0.5)


def test_bg_nbd_holdout_correlation_is_the_papers(result: ClvResult, history: PurchaseHistory) -> None:
    check = _check(result, "bg_nbd")
    assert check.correlation == pytest.approx(0.63, abs=0.01)
    assert check.actual_total == 1882
    # The model under-predicts the holdout total a little (the paper's figure 3 shows the same).
    assert check.predicted_total == pytest.approx(1653, rel=0.01)
    table = check.by_frequency
    assert list(table["group"]) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["customers"].sum() == 2357
    assert table.loc[table["group"] == "0", "customers"].item() == 2357 - 946
    # Predicted purchases rise with past purchases, as the actual ones do.
    assert np.all(np.diff(table["predicted"]) > 0)


def test_pareto_nbd_reproduces_the_published_estimates(result: ClvResult) -> None:
    check = _check(result, "pareto_nbd")
    for name, value in PUBLISHED_PARETO_NBD.items():
        assert check.parameters[name] == pytest.approx(value, rel=0.01), name
    assert check.log_likelihood == pytest.approx(PUBLISHED_PARETO_NBD_LL, abs=0.1)


def test_gamma_gamma_reproduces_the_published_estimates(history: PurchaseHistory) -> None:
    parameters = gamma_gamma_parameters(history.calibration)
    for name, value in PUBLISHED_GAMMA_GAMMA.items():
        assert parameters[name] == pytest.approx(value, rel=0.01), name


def test_the_model_that_predicted_the_holdout_better_is_kept(result: ClvResult) -> None:
    errors = {check.model: check.mean_squared_error for check in result.checks}
    assert set(errors) == {"bg_nbd", "pareto_nbd"}
    assert result.model == min(errors, key=errors.__getitem__)
    assert result.holdout.model == result.model
    # On CDNOW the two are close; Pareto/NBD's holdout error per customer is the smaller.
    assert result.model == "pareto_nbd"


def test_every_customer_is_scored(result: ClvResult) -> None:
    customers = result.customers
    assert list(customers.columns) == [
        "customer",
        "probability_active",
        "expected_purchases",
        "expected_value",
    ]
    assert len(customers) == 2357
    assert customers["customer"].is_unique
    assert customers["probability_active"].between(0, 1).all()
    assert (customers["expected_purchases"] >= 0).all()
    assert (customers["expected_value"] >= 0).all()
    assert result.as_of == date(1998, 6, 30)
    # Customers who bought often and recently are worth more than one-off buyers of early 1997.
    top = customers.nlargest(100, "expected_value")["customer"]
    history_counts = pd.read_csv(CDNOW, dtype=str)["customer_id"].value_counts()
    assert history_counts[top].mean() > 3 * history_counts.mean()


def test_discounting_lowers_value_and_a_longer_horizon_raises_it(history: PurchaseHistory) -> None:
    plain = fit_clv(history, discount_rate=0.0, horizon_days=365)
    assert [check.model for check in plain.checks] == ["bg_nbd"]  # Pareto/NBD is opt-in
    discounted = fit_clv(history, models=("bg_nbd",), discount_rate=0.2, horizon_days=365)
    longer = fit_clv(history, models=("bg_nbd",), discount_rate=0.0, horizon_days=730)
    assert (discounted.customers["expected_value"] < plain.customers["expected_value"]).all()
    assert (longer.customers["expected_purchases"] > plain.customers["expected_purchases"]).all()
    # A year at 20%: purchases spread over the year lose between 0% and 1/6 of their value.
    ratio = discounted.customers["expected_value"].sum() / plain.customers["expected_value"].sum()
    assert 1 / 1.2 < ratio < 1


def test_default_calibration_holds_out_the_last_third(transactions: pd.DataFrame) -> None:
    history = purchase_history(transactions, columns=COLUMNS)
    # 1997-01-01 .. 1998-06-30 is 545 days; two thirds is 363 days.
    assert history.calibration.end == date(1997, 12, 30)
    assert history.full.end == date(1998, 6, 30)


def test_too_few_repeat_buyers_is_refused(transactions: pd.DataFrame) -> None:
    few = transactions[transactions["customer_id"].astype(int) <= 300]
    with pytest.raises(ParameterError, match=r"need at least 200 repeat buyers"):
        purchase_history(few, columns=COLUMNS, calibration_end=CALIBRATION_END)


@pytest.mark.parametrize("end", [date(1998, 6, 30), date(1999, 1, 1), date(1996, 12, 31)])
def test_a_calibration_end_that_leaves_no_holdout_is_refused(transactions: pd.DataFrame, end: date) -> None:
    with pytest.raises(ParameterError, match=r"leaves no holdout"):
        purchase_history(transactions, columns=COLUMNS, calibration_end=end)


def test_no_money_column_is_refused(transactions: pd.DataFrame) -> None:
    with pytest.raises(ColumnError, match=r"needs the money paid"):
        purchase_history(
            transactions, columns=TransactionColumns(customer="customer_id", date="date", quantity="cds")
        )


def test_bad_options_are_refused(history: PurchaseHistory) -> None:
    with pytest.raises(ParameterError, match="horizon"):
        fit_clv(history, horizon_days=0)
    with pytest.raises(ParameterError, match="discount rate"):
        fit_clv(history, discount_rate=1.5)
    with pytest.raises(ParameterError, match="Unknown lifetime-value model"):
        fit_clv(history, models=("lifetimes",))
