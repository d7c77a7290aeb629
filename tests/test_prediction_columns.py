"""Predictions joined onto customer tables: ids compared as text, rows kept in order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation import with_predictions


def test_joins_by_id_as_text_and_keeps_rows_and_order() -> None:
    customers = pd.DataFrame({"id": [7, 3, 5], "spend": [1.0, 2.0, 3.0]})
    predictions = pd.DataFrame({"customer": ["3", "7"], "expected_value": [30.0, 70.0]})
    joined = with_predictions(customers, id_column="id", predictions=predictions)
    assert joined["id"].tolist() == [7, 3, 5]
    assert joined["expected_value"].tolist()[:2] == [70.0, 30.0]
    assert np.isnan(joined["expected_value"].iloc[2])
    assert "expected_value" not in customers.columns  # input untouched


def test_leading_zero_ids_and_emails_match_as_written() -> None:
    customers = pd.DataFrame({"id": ["007", "ANN@x.org"]})
    predictions = pd.DataFrame({"customer": ["ann@x.org", "007"], "propensity": [0.9, 0.1]})
    joined = with_predictions(customers, id_column="id", predictions=predictions)
    assert joined["propensity"].tolist() == [0.1, 0.9]


def test_table_columns_win_and_missing_predictions_change_nothing() -> None:
    customers = pd.DataFrame({"id": [1], "propensity": [0.5]})
    predictions = pd.DataFrame({"customer": ["1"], "propensity": [0.9], "expected_value": [3.0]})
    joined = with_predictions(customers, id_column="id", predictions=predictions)
    assert joined["propensity"].tolist() == [0.5]
    assert joined["expected_value"].tolist() == [3.0]
    assert with_predictions(customers, id_column="id", predictions=None).equals(customers)
