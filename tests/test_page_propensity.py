"""The Predictions page's propensity panel, run headless through a tiny page script that calls ``draw``."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.propensity_panel import CHURN_CHOICE, SCORES_KEY
from app_pages.state import ACTIVE_DATA, ActiveData
from segmentation import TransactionColumns, synthetic_responses

PAGE = """
from app_pages import state
from app_pages.propensity_panel import draw

draw(state.get_active_data())
"""


def _app(tmp_path: Path, customers: pd.DataFrame) -> AppTest:
    script = tmp_path / "propensity_page.py"
    script.write_text(PAGE, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=240)
    at.session_state[ACTIVE_DATA] = ActiveData(
        source_name="customers.csv",
        token=f"data-{tmp_path.name}",  # caches are keyed on the token: one per test
        customers=customers,
        customer_id_col="customer_id",
        roles={c: "numeric" for c in customers.columns if c.startswith(("x", "orders", "days", "spend"))}
        | {"customer_id": "customer_id", "channel": "categorical", "responded": "categorical"},
    )
    return at


def _visible_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.success]
    return "\n".join(str(p) for p in parts)


def test_training_answers_in_one_sentence_and_keeps_the_scores(tmp_path: Path) -> None:
    customers = synthetic_responses(600, n_columns=6, seed=2)
    at = _app(tmp_path, customers).run()
    assert not at.exception
    assert at.selectbox[0].options == ["responded"]
    at.multiselect[0].set_value(["logistic", "tree"]).run()
    at.button[0].click().run()
    assert not at.exception
    assert re.match(
        r"Best: (Logistic regression|Decision tree \(rules\)), AUC 0\.\d\d ± 0\.\d\d: ", at.success[0].value
    )
    text = _visible_text(at)
    assert "the top 10% of customers by score hold" in text
    assert "Customers with " in text and "responded = yes" in text
    for bad in ("nan", "None", "np.float64("):
        assert not re.search(rf"\b{re.escape(bad)}\b", text), bad
    scores = at.session_state[SCORES_KEY]
    assert len(scores) == 600 and list(scores.columns) == ["customer_id", "propensity", "decile", "target"]
    assert len(at.get("plotly_chart")) == 3


def test_without_a_yes_no_column_or_orders_it_says_what_is_needed(tmp_path: Path) -> None:
    customers = synthetic_responses(100, n_columns=5, seed=2).drop(columns="responded")
    at = _app(tmp_path, customers).run()
    assert not at.exception
    assert "no yes/no column" in at.info[0].value


@pytest.mark.parametrize("rarer", [20])
def test_too_few_yes_shows_the_rule_instead_of_a_model(tmp_path: Path, rarer: int) -> None:
    customers = synthetic_responses(400, n_columns=5, seed=2)
    customers["responded"] = ["yes"] * rarer + ["no"] * (400 - rarer)
    at = _app(tmp_path, customers).run()
    at.button[0].click().run()
    assert not at.exception
    assert f"only {rarer} customers with 'yes'" in at.error[0].value


def test_churn_is_offered_when_the_data_has_orders(tmp_path: Path) -> None:
    customers = synthetic_responses(100, n_columns=5, seed=2)
    orders = pd.DataFrame({"customer_id": ["C000000"], "order_date": ["2024-01-01"], "amount": [1.0]})
    at = _app(tmp_path, customers)
    data = at.session_state[ACTIVE_DATA]
    at.session_state[ACTIVE_DATA] = ActiveData(
        **{
            **data.__dict__,
            "transactions": orders,
            "transaction_columns": TransactionColumns("customer_id", "order_date", amount="amount"),
            "kind": "transactions",
        }
    )
    at.run()
    assert CHURN_CHOICE in at.selectbox[0].options
    at.selectbox[0].select(CHURN_CHOICE).run()
    assert at.number_input[0].value == 90
    at.button[0].click().run()
    assert not at.exception
    assert "leaves no history before it; churn needs purchases spread over more days" in at.error[0].value
