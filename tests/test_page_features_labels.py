"""Labels the marketer edits on the Data page reach the Features & k page (AppTest, issue 10's leftover).

The feature picker, its warnings (near-duplicates, mostly missing), the columns left out, the
preparation table and the notes after segmenting name columns by their labels; the picker's values
stay the column names, so scripts and tests still select by name.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from app_pages.registry import page
from app_pages.state import ACTIVE_DATA, COLUMN_LABELS, SEGMENT_RUN

N = 120


def _shop_csv() -> bytes:
    """Customers with a near-duplicate pair (spend, spend_copy), a mostly missing and a constant column."""
    rng = np.random.default_rng(11)
    spend = np.round(rng.gamma(2.0, 150.0, N), 2)
    loyalty = np.where(np.arange(N) < 20, rng.integers(1, 500, N).astype(float), np.nan)  # 100 of 120 empty
    visits = rng.integers(1, 40, N).astype(float)
    spend_copy = np.round(spend * 1.1 + rng.normal(0, 1.0, N), 2)
    visits[7], spend[7], spend_copy[7] = np.nan, np.nan, np.nan  # no value at all: not segmented
    spend[9] = np.nan  # filled with the median when segmenting on spend
    frame = pd.DataFrame(
        {
            "customer_id": [f"K{i:04d}" for i in range(N)],
            "spend": spend,
            "spend_copy": spend_copy,
            "visits": visits,
            "loyalty": loyalty,
            "shop": ["Main street"] * N,
        }
    )
    return frame.to_csv(index=False).encode()


def _data_page_with_labels(labels: dict[str, str]) -> AppTest:
    """Upload the shop's file on the Data page, then type ``labels`` into its "Column labels" table."""
    at = AppTest.from_file(str(page("data").file), default_timeout=120)
    at.run()
    at.radio(key="data:source").set_value("Upload a file").run()
    at.file_uploader(key="data:upload").set_value(("shop.csv", _shop_csv(), "text/csv")).run()
    at.radio(key="data:shape").set_value("One row per customer").run()
    at.button(key="data:use_customers").click().run()
    assert not at.exception, at.exception
    editor = next(e for e in at.data_editor if str(e.key).startswith("data:labels_editor:"))
    rows = list(editor.value["Column"])
    # What the browser sends when the marketer types into the Label cells (AppTest applies no edits).
    at.session_state[editor.key] = {
        "edited_rows": {rows.index(column): {"Label": text} for column, text in labels.items()},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, at.exception
    return at


def _features_page(session: Any) -> AppTest:
    at = AppTest.from_file(str(page("features").file), default_timeout=120)
    for key in (ACTIVE_DATA, COLUMN_LABELS):
        at.session_state[key] = session[key]
    at.run()
    assert not at.exception, at.exception
    return at


LABELS = {
    "spend": "Lifetime spend",
    "spend_copy": "Spend incl. VAT",
    "loyalty": "Loyalty points",
    "shop": "Store",
}


def test_labels_edited_on_the_data_page_name_the_features_and_their_warnings() -> None:
    data_page = _data_page_with_labels(LABELS)
    assert data_page.session_state[COLUMN_LABELS] == LABELS
    at = _features_page(data_page.session_state)

    picker = at.multiselect(key=f"features:chosen:{at.session_state[ACTIVE_DATA].token}")
    assert {"Lifetime spend", "Spend incl. VAT", "Visits", "Loyalty points"} <= set(picker.options)
    assert not {"spend", "spend_copy", "loyalty"} & set(picker.options)
    assert picker.value == ["spend", "spend_copy", "visits", "loyalty"]  # the values stay the names

    warnings = [w.value for w in at.warning]
    duplicate = next(w for w in warnings if "near-duplicates" in w)
    assert duplicate.startswith("**Lifetime spend** and **Spend incl. VAT** are near-duplicates")
    assert any("'Loyalty points' is missing in 100 of 120 rows (83%)" in w for w in warnings)
    assert not any("spend_copy" in w or "'loyalty'" in w for w in warnings)

    left_out = at.dataframe[0].value.set_index("column")
    assert (
        left_out.loc["shop", "label"] == "Store"
    )  # the one value for everyone: left out, named by its label
    assert left_out.loc["customer_id", "label"] == "Customer id"

    prepared = next(e.value for e in at.data_editor if "transform" in e.value.columns).set_index("feature")
    assert prepared.loc["spend", "label"] == "Lifetime spend" and prepared.loc["visits", "label"] == "Visits"
    assert at.selectbox(key="features:histogram").options[:2] == ["Lifetime spend", "Spend incl. VAT"]

    # The one-click fix reads in labels and still drops the column by name.
    keep = at.button(key="features:keep_one:spend:spend_copy")
    assert keep.label == "Keep Lifetime spend, drop Spend incl. VAT"
    keep.click().run()
    assert at.multiselect(key=picker.key).value == ["spend", "visits", "loyalty"]
    assert not any("near-duplicates" in w.value for w in at.warning)


def test_notes_after_segmenting_name_columns_by_their_labels() -> None:
    at = _features_page(_data_page_with_labels(LABELS).session_state)
    picker = at.multiselect(key=f"features:chosen:{at.session_state[ACTIVE_DATA].token}")
    picker.set_value(["spend", "visits"]).run()  # scripts select by column name
    at.button(key="features:find").click().run()
    assert not at.exception, at.exception
    assert at.session_state[SEGMENT_RUN].features == ("spend", "visits")
    notes = " ".join(w.value for w in at.warning)
    assert "with no value in any of 'Lifetime spend', 'Visits'" in notes and "'spend'" not in notes
    filled = " ".join(i.value for i in at.info)
    assert "- Lifetime spend: 1 missing value filled with the median" in filled and "- spend:" not in filled


def test_two_columns_labelled_alike_are_told_apart_in_the_picker() -> None:
    at = _features_page(_data_page_with_labels({"spend": "Spend", "spend_copy": "Spend"}).session_state)
    picker = at.multiselect(key=f"features:chosen:{at.session_state[ACTIVE_DATA].token}")
    assert "Spend (spend)" in picker.options and "Spend (spend_copy)" in picker.options
    picker.set_value(["spend_copy", "visits"]).run()
    assert at.multiselect(key=picker.key).value == ["spend_copy", "visits"]
