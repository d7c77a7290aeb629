"""Churn without a label: features before a cut-off, outcome "no purchase in the next N days"."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from segmentation import ParameterError, TransactionColumns, churn_table, demo_dataset, fit_propensity

COLUMNS = TransactionColumns(customer="customer", date="day", amount="amount")


def _orders(n_customers: int = 300, *, repeat: bool = True) -> pd.DataFrame:
    """Customer i buys on 2024-01-10 (and 2024-02-10 if ``repeat``); odd customers buy again on 2024-06-15."""
    rows = []
    for i in range(n_customers):
        rows.append((f"K{i:03d}", "2024-01-10", 20.0))
        if repeat:
            rows.append((f"K{i:03d}", "2024-02-10", 30.0))
        if i % 2:
            rows.append((f"K{i:03d}", "2024-06-15", 25.0))
    rows.append(("LATE", "2024-06-30", 10.0))  # first buys after the cut-off: not in the table
    return pd.DataFrame(rows, columns=["customer", "day", "amount"])


def test_default_cut_off_is_the_last_date_minus_n_days_and_the_outcome_is_known() -> None:
    churn = churn_table(_orders(), columns=COLUMNS, churn_days=30)
    assert churn.cutoff == date(2024, 5, 31)
    assert churn.target == "no_purchase_next_30_days"
    frame = churn.frame.set_index("customer")
    assert "LATE" not in frame.index and len(frame) == 300
    assert frame.loc["K001", churn.target] == "no" and frame.loc["K002", churn.target] == "yes"
    assert churn.n_churned == 150
    # Features are measured as of the cut-off from purchases before it (the June order is not counted).
    assert frame.loc["K001", "frequency"] == 2 and frame.loc["K001", "monetary"] == 50.0
    assert frame.loc["K001", "recency_days"] == (date(2024, 5, 31) - date(2024, 2, 10)).days
    assert "no purchase between 2024-06-01 and 2024-06-30" in churn.description


def test_an_explicit_cut_off_moves_the_window() -> None:
    churn = churn_table(_orders(), columns=COLUMNS, churn_days=10, cutoff="2024-06-10")
    assert churn.cutoff == date(2024, 6, 10)
    assert churn.n_churned == 150


def test_fewer_than_200_repeat_buyers_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"Only 150 customers bought more than once; .* at least 200"):
        churn_table(_orders(repeat=False), columns=COLUMNS, churn_days=30)


def test_dates_that_leave_no_holdout_or_no_history_are_refused() -> None:
    with pytest.raises(
        ParameterError, match=r"leaves no full 30-day holdout: the purchases end on 2024-06-30"
    ):
        churn_table(_orders(), columns=COLUMNS, churn_days=30, cutoff="2024-06-20")
    with pytest.raises(ParameterError, match="leaves no history before it; choose fewer than 172 days"):
        churn_table(_orders(), columns=COLUMNS, churn_days=400)


def test_churn_on_the_demo_orders_is_learnable() -> None:
    demo = demo_dataset()
    churn = churn_table(demo.transactions, columns=demo.transaction_columns, churn_days=90)
    assert 0.2 < churn.n_churned / len(churn.frame) < 0.8
    result = fit_propensity(
        churn.frame, target=churn.target, id_col=churn.id_col, models=["logistic", "tree"]
    )
    assert result.best.auc > 0.8
    assert {f.column for f in result.importance[:4]} & {"recency_days", "frequency", "tenure_days"}
    assert np.isfinite(result.scores["propensity"]).all()
