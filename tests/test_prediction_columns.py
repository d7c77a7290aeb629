"""Predictions joined onto customer tables: ids compared as text, rows kept in order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation import predicted_traits, with_predictions


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


def test_predicted_traits_compare_each_segment_with_everyone() -> None:
    customers = pd.DataFrame(
        {"expected_value": [10.0, 30.0, np.nan, 100.0], "propensity": [0.1, 0.3, 0.2, 0.8]}
    )
    traits = predicted_traits(customers, np.array([0, 0, 1, -1]), currency="USD", horizon_days=30)
    # Averages over customers with a prediction: segment 0 = 20, everyone = 140 / 3.
    assert traits[0] == (
        "Expected value $20 over the next 30 days per customer vs $47 overall",
        "Chance to respond: 20% vs 35% overall",
    )
    assert traits[1] == ("Chance to respond: 20% vs 35% overall",)  # no value predicted: no sentence
    assert -1 not in traits
    assert predicted_traits(pd.DataFrame({"x": [1]}), np.array([0])) == {}
