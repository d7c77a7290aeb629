"""The Personas page: empty states, one card per segment, names edited on the page are kept."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.registry import page
from app_pages.state import ACTIVE_DATA, SEGMENT_ACTIONS, SEGMENT_NAMES, SEGMENT_RUN, ActiveData, SegmentRun
from segmentation.errors import DataQualityWarning
from segmentation.personas.describe import describe_segments

PAGE = str(page("personas").file)
FEATURES = ("recency_days", "monetary", "tenure_days")


def _data_and_run(*, with_personas: bool = False) -> tuple[ActiveData, SegmentRun]:
    rng = np.random.default_rng(0)
    n = 120
    recency = np.concatenate([rng.uniform(1, 30, 60), rng.uniform(200, 400, 60)])
    monetary = np.concatenate([rng.uniform(800, 1500, 60), rng.uniform(50, 200, 60)])
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(n)],
            "recency_days": recency,
            "monetary": monetary,
            "tenure_days": rng.uniform(100, 800, n),
            "channel": rng.choice(["Online", "Store"], n),
        }
    )
    labels = np.where(customers["recency_days"] < 100, 0, 1)  # segments from a simple rule
    data = ActiveData(
        source_name="test.csv",
        token="data-1",
        customers=customers,
        customer_id_col="customer_id",
        roles={},
    )
    personas = (
        describe_segments(customers, labels, features=FEATURES, money_col="monetary")
        if with_personas
        else None
    )
    run = SegmentRun(
        data_token="data-1",
        token="run-1",
        features=FEATURES,
        algorithm="k-means",
        k=2,
        seed=0,
        labels=labels,
        result=None,
        default_names={p.segment: p.name for p in personas} if personas else {},
        personas=personas,
    )
    return data, run


def _page(data: ActiveData | None = None, run: SegmentRun | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    if data is not None:
        at.session_state[ACTIVE_DATA] = data
    if run is not None:
        at.session_state[SEGMENT_RUN] = run
    at.run()
    return at


def test_without_segments_the_page_points_to_features() -> None:
    data, _ = _data_and_run()
    at = _page(data)
    assert not at.exception
    assert "Features & k" in at.info[0].value
    assert not at.text_input


def test_without_data_the_page_points_to_the_data_page() -> None:
    at = _page()
    assert not at.exception
    assert "Data page" in at.info[0].value


def test_cards_show_generated_names_and_a_rename_is_kept() -> None:
    data, run = _data_and_run()
    at = _page(data, run)
    assert not at.exception, at.exception
    shown = {box.key: box.value for box in at.text_input}
    assert shown == {
        "personas:name:run-1:0": "Recent big spenders",
        "personas:name:run-1:1": "Lapsed low-value customers",
    }
    page_text = " ".join(m.value for m in at.markdown)
    assert "Last purchase:" in page_text and "Rule of thumb" in page_text
    assert len(at.get("plotly_chart")) == 2  # heatmap and customer map
    assert any("all 120 customers" in caption.value for caption in at.caption)
    assert any(caption.value.startswith(":material/lightbulb: **Suggested**") for caption in at.caption)

    at.text_input(key="personas:name:run-1:0").input("Our best customers").run()
    assert not at.exception
    assert at.session_state[SEGMENT_NAMES][0] == "Our best customers"
    at.run()  # a later rerun (e.g. coming back to the page) shows the edited name
    assert at.text_input(key="personas:name:run-1:0").value == "Our best customers"


def test_an_edited_action_is_kept_and_no_longer_marked_suggested() -> None:
    data, run = _data_and_run()
    at = _page(data, run)
    at.text_area(key="personas:action:run-1:1").input("Send a postcard").run()
    assert not at.exception
    assert at.session_state[SEGMENT_ACTIONS][1] == "Send a postcard"
    captions = [caption.value for caption in at.caption]
    expected = ":material/edit: **Your action.** The suggestion was: Low-cost reactivation"
    assert expected in " ".join(captions)


def test_personas_stored_on_the_run_are_used() -> None:
    data, run = _data_and_run(with_personas=True)
    assert run.personas is not None
    renamed = (replace(run.personas[0], name="Precomputed"), *run.personas[1:])
    at = _page(data, replace(run, personas=renamed, default_names={}))
    assert not at.exception
    assert at.text_input(key="personas:name:run-1:0").value == "Precomputed"


def test_unassigned_customers_and_a_repeated_name_are_flagged() -> None:
    data, run = _data_and_run()
    labels = run.labels.copy()
    labels[:6] = -1
    at = _page(data, replace(run, labels=labels, token="run-with-noise"))  # cached results follow the token
    assert not at.exception, at.exception
    assert "6 customers fit no segment" in at.markdown[0].value
    assert [box.key for box in at.text_input] == [
        "personas:name:run-with-noise:0",
        "personas:name:run-with-noise:1",
    ]
    at.text_input(key="personas:name:run-with-noise:1").input("Recent big spenders").run()
    assert not at.exception
    assert "Several segments are called 'Recent big spenders'" in at.warning[0].value


def test_page_says_what_was_filled_and_who_was_not_segmented() -> None:
    from segmentation.segments.clustering import fit_segments
    from segmentation.segments.preparing import FeatureSpec

    data, run = _data_and_run()
    customers = data.customers.copy()
    customers.loc[[2, 70], "monetary"] = np.nan
    customers.loc[[5], list(FEATURES)] = np.nan
    specs = [FeatureSpec(name) for name in FEATURES]
    with pytest.warns(DataQualityWarning, match="no data"):
        result = fit_segments(customers, specs, k=2, seed=0)
    data = replace(data, customers=customers)
    run = replace(run, labels=result.labels, result=result, k=result.k)
    at = _page(data, run)
    assert not at.exception, at.exception
    assert sorted(box.key for box in at.text_input) == ["personas:name:run-1:0", "personas:name:run-1:1"]
    page_text = " ".join(m.value for m in at.markdown)
    assert "1 customers were not segmented" in page_text
    median = customers["monetary"].drop(index=5).median()
    assert any(
        f"Monetary: 2 missing values filled with the median {median:,.0f}" in c.value for c in at.caption
    )
    charts = " ".join(chart.proto.spec for chart in at.get("plotly_chart"))
    assert "Segment -2" not in charts  # no heatmap row nor map colour for customers without data


def test_cards_say_what_the_predictions_expect_of_each_segment() -> None:
    """Issue 13, point 5: predicted value and chance still active become persona traits."""
    data, run = _data_and_run(with_personas=True)
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state[ACTIVE_DATA] = data
    at.session_state[SEGMENT_RUN] = run
    at.session_state["currency"] = "EUR"
    # Segment 0 (rows 0-59) is worth 300 each, segment 1 (rows 60-119) 100: 200 overall.
    at.session_state["predictions"] = pd.DataFrame(
        {
            "customer": [f"C{i:04d}" for i in range(120)],
            "expected_value": [300.0] * 60 + [100.0] * 60,
            "probability_active": [0.9] * 60 + [0.3] * 60,
        }
    )
    at.session_state["predictions_token"] = "p-personas"
    at.session_state["predictions_horizon_days"] = 365
    at.run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "Expected value €300 over the next 12 months per customer vs €200 overall" in text
    assert "Expected value €100 over the next 12 months per customer vs €200 overall" in text
    assert "Chance still active: 90% vs 60% overall" in text
