"""Money columns in tables group thousands in every currency (AppTest on the Data page's preview).

Streamlit writes ``%,.2f`` as ``1,234.50`` (its printf formats group with ``,``), so a column
configured ``CHF %,.2f`` reads "CHF 1,234.50" while its cells stay numbers the table sorts by.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_page_units import _confirmed_upload, _currency_box

from app_pages.state import CURRENCY

MONEY = "Umsatz gesamt (EUR)"  # the German till export's money column (role: amount)


def _money_config(at: AppTest) -> tuple[dict[str, Any], pd.Series]:
    """The preview table's configuration of the money column, and the column's values."""
    table = next(d for d in at.dataframe if MONEY in json.loads(d.proto.columns or "{}"))
    return json.loads(table.proto.columns)[MONEY], table.value[MONEY]


@pytest.fixture(scope="module")
def german_upload() -> AppTest:
    return _confirmed_upload("exp_german_customers.csv")


@pytest.mark.parametrize(
    ("currency", "written"),
    [
        ("CHF", "CHF %,.2f"),  # a code written before the number, with a space: "CHF 1,234.50"
        ("GBP", "£%,.2f"),  # "£1,234.50"
        ("EUR", "€%,.2f"),  # the same pattern for the currencies Streamlit has names for
        ("USD", "$%,.2f"),
        ("JPY", "¥%,.0f"),  # no minor unit: "¥1,235"
    ],
)
def test_every_currency_groups_thousands_in_tables(
    german_upload: AppTest, currency: str, written: str
) -> None:
    at = german_upload
    _currency_box(at).set_value(currency).run()
    assert not at.exception, at.exception
    assert at.session_state[CURRENCY] == currency
    config, values = _money_config(at)
    assert config["type_config"]["format"] == written
    assert config["help"] == f"Money, in {currency}."
    assert pd.api.types.is_float_dtype(values)  # numbers, not pre-formatted text: the column sorts by value
    assert values.iloc[0] == pytest.approx(536.25)


def test_a_currency_the_table_does_not_know_is_written_after_the_grouped_number(
    german_upload: AppTest,
) -> None:
    at = german_upload
    _currency_box(at).set_value("Another unit (type a word)…").run()
    word = next(t for t in at.text_input if str(t.key).startswith("data:currency_word:"))
    word.set_value("BTC").run()
    assert not at.exception, at.exception
    assert at.session_state[CURRENCY] == "BTC"
    config, values = _money_config(at)
    assert config["type_config"]["format"] == "%,.2f BTC"  # "1,234.50 BTC"
    assert pd.api.types.is_float_dtype(values)
    assert any("1,234 BTC" in c.value for c in at.caption)  # the sentence under the picker: same unit, after
