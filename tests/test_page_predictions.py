"""The Predictions page, run headless on a small demo shop (800 customers) and on a customer table."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.registry import page
from app_pages.state import ACTIVE_DATA, CURRENCY, PREDICTIONS, ActiveData
from segmentation import demo_dataset, write_demo_data

PAGE = str(page("predictions").file)


@pytest.fixture(scope="module")
def small_shop(tmp_path_factory: pytest.TempPathFactory) -> ActiveData:
    folder = tmp_path_factory.mktemp("shop")
    write_demo_data(folder, n_customers=800)
    return ActiveData.from_dataset(demo_dataset(folder), token="small-shop")


def test_lifetime_value_on_the_demo_shop(small_shop: ActiveData) -> None:
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.session_state[ACTIVE_DATA] = small_shop
    at.session_state[CURRENCY] = "CHF"
    at.run()
    assert not at.exception, at.exception
    assert [title.value for title in at.title] == ["Predictions"]
    assert PREDICTIONS not in at.session_state
    at.button(key="predictions:run").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    # The honest check: a titled chart of predicted against actual orders, and what it means.
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    assert "Predicted vs actual orders after" in charts[0].proto.spec
    assert any(c.value.startswith("What this means") for c in at.caption)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Model kept"] in {"BG/NBD", "Pareto/NBD"}
    assert 0 < float(metrics["Per-customer correlation"]) <= 1
    # Every customer, in plain words, and the predictions kept for other pages.
    predictions = at.session_state[PREDICTIONS]
    assert list(predictions.columns) == [
        "customer",
        "probability_active",
        "expected_purchases",
        "expected_value",
    ]
    assert set(predictions["customer"]) <= set(small_shop.customers[small_shop.customer_id_col].astype(str))
    assert len(predictions) > 0.9 * len(small_shop.customers)
    assert predictions["probability_active"].between(0, 1).all()
    table = at.dataframe[-1].value
    assert len(table) == len(predictions)
    # Expected value is money: in the marketer's currency with thousands grouped, still numbers.
    money = json.loads(at.dataframe[-1].proto.columns)["expected_value"]
    assert money["type_config"]["format"] == "CHF %,.2f"
    assert pd.api.types.is_float_dtype(table["expected_value"])
    # Moving away and back: the result is kept, not refitted (no button needed).
    at.run()
    assert len(at.get("plotly_chart")) == 1


def test_a_customer_table_says_what_is_needed() -> None:
    customers = pd.DataFrame({"customer_id": ["A", "B"], "income": [10.0, 20.0]})
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[ACTIVE_DATA] = ActiveData(
        source_name="people.csv",
        token="people",
        customers=customers,
        customer_id_col="customer_id",
        roles={"customer_id": "customer_id", "income": "numeric"},
    )
    at.run()
    assert not at.exception, at.exception
    assert any("needs purchase history" in i.value for i in at.info), [i.value for i in at.info]
    assert not at.button  # nothing to fit
    # The second tab is there for yes/no outcomes.
    assert any("yes/no column" in i.value for i in at.info)


def test_no_data_links_to_the_data_page() -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    assert any("Load data" in i.value for i in at.info)


def test_path_is_the_registry_file() -> None:
    assert Path(PAGE).name == "predictions.py"
