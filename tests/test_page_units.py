"""Units and words through the pages (AppTest): the currency is detected on the Data page, set once, and
carried by personas, campaigns and exports; column labels the marketer edits reach the personas."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.registry import page
from app_pages.state import ACTIVE_DATA, COLUMN_LABELS, CURRENCY, SEGMENT_RUN, ActiveData, SegmentRun
from segmentation import CurrencyGuess

CORPUS = Path(__file__).parent / "corpus" / "tables"


def _currency_box(at: AppTest) -> Any:
    return next(box for box in at.selectbox if str(box.key).startswith("data:currency:"))


def _confirmed_upload(file: str, *, before: ActiveData | None = None) -> AppTest:
    at = AppTest.from_file(str(page("data").file), default_timeout=120)
    if before is not None:
        at.session_state[ACTIVE_DATA] = before
    at.run()
    at.radio(key="data:source").set_value("Upload a file").run()
    content = (CORPUS / file).read_bytes()
    at.file_uploader(key="data:upload").set_value((file, content, "text/csv")).run()
    at.radio(key="data:shape").set_value("One row per customer").run()
    at.button(key="data:use_customers").click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("file", "code", "sure"),
    [
        ("exp_german_customers.csv", "EUR", True),
        ("exp_japanese_customers.csv", "JPY", False),
        ("exp_mall_customers.csv", "USD", False),
    ],
)
def test_data_page_detects_the_currency_of_an_upload(file: str, code: str, sure: bool) -> None:
    at = _confirmed_upload(file)
    assert _currency_box(at).value == code
    detected = [c.value for c in at.caption] + [i.value for i in at.info]
    line = next(text for text in detected if text.startswith("Detected currency"))
    assert (code in line) and (("This is a guess" not in line) is sure)


def test_a_new_file_starts_on_its_own_currency_not_the_previous_choice() -> None:
    demo_like = ActiveData(
        source_name="Demo shop",
        token="demo",
        customers=pd.DataFrame({"customer_id": ["a", "b"], "monetary": [1.0, 2.0]}),
        customer_id_col="customer_id",
        roles={},
        currency_guess=CurrencyGuess("USD", 1.0, "the demo shop's prices are in US dollars"),
    )
    at = _confirmed_upload("exp_german_customers.csv", before=demo_like)
    assert _currency_box(at).value == "EUR"
    written = [c.value for c in at.caption if c.value.startswith("Money is written")]
    assert written and "€1,234" in written[0] and "$" not in written[0]


def test_data_page_asks_when_nothing_names_a_currency_and_keeps_the_choice() -> None:
    at = _confirmed_upload("exp_marketing_campaign.csv")
    assert any(i.value.startswith("We could not tell the currency") for i in at.info)
    assert _currency_box(at).value == "No currency (plain numbers)"
    _currency_box(at).set_value("GBP").run()
    assert at.session_state[CURRENCY] == "GBP"
    assert any("£1,234" in c.value for c in at.caption)  # "Money is written like this: £1,234 …"


def test_data_page_labels_editor_lists_readable_labels() -> None:
    at = _confirmed_upload("exp_marketing_campaign.csv")
    editor = at.get("data_editor")
    labels = next(e.value for e in editor if "Label" in getattr(e.value, "columns", []))
    by_column = dict(zip(labels["Column"], labels["Label"], strict=True))
    assert by_column["MntWines"] == "Wines (Mnt)"
    assert "ID" not in by_column  # the customer id is never a trait
    # the table of customers is headed by the same labels
    assert any('"MntWines": {"label": "Wines (Mnt)"' in str(d.proto.columns) for d in at.dataframe)


# ---- personas: currency, labels, rules as sentences, segment -1 named ----
FEATURES = ("recency_days", "monetary")


def _personas_session(labels_array: np.ndarray | None = None) -> tuple[ActiveData, SegmentRun]:
    rng = np.random.default_rng(0)
    n = 120
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(n)],
            "recency_days": np.concatenate([rng.uniform(1, 30, 60), rng.uniform(200, 400, 60)]),
            "monetary": np.concatenate([rng.uniform(800, 1500, 60), rng.uniform(50, 200, 60)]),
        }
    )
    labels = np.where(customers["recency_days"] < 100, 0, 1) if labels_array is None else labels_array
    data = ActiveData(
        source_name="shop.csv", token="d", customers=customers, customer_id_col="customer_id", roles={}
    )
    run = SegmentRun(
        data_token="d",
        token="r",
        features=FEATURES,
        algorithm="k-means",
        k=2,
        seed=0,
        labels=labels,
        result=None,
    )
    return data, run


def _personas_page(data: ActiveData, run: SegmentRun, **session: object) -> AppTest:
    at = AppTest.from_file(str(page("personas").file), default_timeout=60)
    at.session_state[ACTIVE_DATA] = data
    at.session_state[SEGMENT_RUN] = run
    for key, value in session.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_personas_speak_the_chosen_currency_and_rules_in_words() -> None:
    data, run = _personas_session()
    at = _personas_page(data, run, **{CURRENCY: "EUR"})
    text = " ".join(m.value for m in at.markdown)
    assert "Spends" in text and "€" in text
    rules = [m for m in at.markdown if m.value.startswith("**Rule of thumb**")]
    assert rules and all("recency_days" not in m.value and "`" not in m.value for m in rules)
    assert all(
        "monetary" in m.proto.help or "recency_days" in m.proto.help for m in rules
    )  # the rule as written, in the help


def test_a_label_the_marketer_set_reaches_the_heatmap() -> None:
    data, run = _personas_session()
    at = _personas_page(
        data, replace(run, token="r-labels"), **{COLUMN_LABELS: {"monetary": "Lifetime spend"}}
    )
    heatmap = at.get("plotly_chart")[0].proto.spec
    assert "Lifetime spend" in heatmap and "Recency days" in heatmap


def test_customers_left_out_are_called_unassigned_on_the_map() -> None:
    data, run = _personas_session()
    labels = np.asarray(run.labels).copy()
    labels[:5] = -1
    at = _personas_page(data, replace(run, labels=labels, token="r-unassigned"))
    customer_map = at.get("plotly_chart")[1].proto.spec
    assert "Unassigned" in customer_map and "Segment -1" not in customer_map


# ---- campaigns: the list's spend in the currency, recorded in the manifest ----
def test_campaigns_page_shows_and_records_the_currency() -> None:
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in range(30)],
            "email": [f"c{i}@example.com" for i in range(30)],
            "monetary": [100.0] * 30,
        }
    )
    data = ActiveData(
        source_name="shop.csv",
        token="d",
        customers=customers,
        customer_id_col="customer_id",
        roles={"customer_id": "customer_id", "email": "email", "monetary": "amount"},
    )
    run = SegmentRun(
        data_token="d",
        token="r",
        features=("monetary",),
        algorithm="kmeans",
        k=3,
        seed=0,
        labels=np.array([i % 3 for i in range(30)]),
        result=None,
        default_names={0: "A", 1: "B", 2: "C"},
    )
    at = AppTest.from_file(str(page("campaigns").file), default_timeout=30)
    at.session_state[ACTIVE_DATA] = data
    at.session_state[SEGMENT_RUN] = run
    at.session_state[CURRENCY] = "GBP"
    at.run()
    if at.checkbox:  # no consent column: the marketer confirms consent another way
        for box in at.checkbox:
            if "consent" in str(box.label).lower():
                box.check()
        at.run()
    assert not at.exception, at.exception
    # 30 customers, 10% control per segment of 10 -> 1 each: 27 to contact, each spent £100.
    assert any("The 27 people to contact spent £2,700 in total" in c.value for c in at.caption)
    manifest = at.session_state["campaign"]["manifest"]
    assert manifest["currency"] == {"code": "GBP", "name": "pound sterling"}
    assert manifest["spend"]["to_contact"] == pytest.approx(2700.0)


# ---- Features & k: the preparation table in words ----
def test_preparation_table_speaks_words_not_skew_and_log1p() -> None:
    rng = np.random.default_rng(5)
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(150)],
            "monetary": rng.lognormal(4.0, 1.2, 150),  # a few very large spenders
            "age": rng.normal(45.0, 8.0, 150),
        }
    )
    data = ActiveData(
        source_name="shop.csv",
        token="prep",
        customers=customers,
        customer_id_col="customer_id",
        roles={"customer_id": "customer_id", "monetary": "amount", "age": "numeric"},
    )
    at = AppTest.from_file(str(page("features").file), default_timeout=60)
    at.session_state[ACTIVE_DATA] = data
    at.run()
    assert not at.exception, at.exception
    table = next(e.value for e in at.get("data_editor") if "transform" in e.value.columns).set_index(
        "feature"
    )
    assert table.loc["monetary", "skew"] == "Lopsided: a few very large values"
    assert table.loc["monetary", "transform"] == "compressed large values (log)"
    assert table.loc["age", "skew"] == "Even" and table.loc["age", "transform"] == "as they are"
    assert "log1p" not in " ".join(str(v) for v in table.to_numpy().ravel())


def test_a_thousands_money_column_reads_in_thousands_in_the_table() -> None:
    at = _confirmed_upload("exp_mall_customers.csv")
    columns = next(str(d.proto.columns) for d in at.dataframe if "Annual Income" in str(d.proto.columns))
    assert '"format": "$%,.1fk"' in columns  # 25 in "Annual Income (k$)" reads $25.0k, not $25.00
