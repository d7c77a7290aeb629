"""Every chart reads on its own (issue 10, point 4), checked on an uploaded 20-feature customer table.

The file goes in through the Data page's uploader, as a marketer's would; then the Features & k,
Personas and Campaigns pages are drawn and each plotly figure's JSON is checked: a title, axis
titles on every axis, categories (never a number line) for segments, features and ids, a
heatmap that grows with its rows, and a one-line caption directly under each chart.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.charts import HEATMAP_ROWS, correlation_order, separation_order
from app_pages.registry import page

APP = str(Path(__file__).resolve().parents[1] / "app.py")
N_FEATURES = 20
#: Axis titles that name labels (segments, features, ids, groups): these axes must be categories.
LABEL_AXES = ("Segment", "Feature", "Item", "RFM group", "Customers compared")


def _twenty_feature_csv(n: int = 240) -> bytes:
    """Customers in four seeded groups over 20 numeric features with long, readable names."""
    rng = np.random.default_rng(20)
    groups = np.repeat(np.arange(4), n // 4)
    centres = rng.normal(0.0, 3.0, size=(4, N_FEATURES))
    values = centres[groups] + rng.normal(size=(n, N_FEATURES))
    names = [f"Visits to aisle {i + 1:02d} per month" for i in range(N_FEATURES)]
    frame = pd.DataFrame(np.round(50 + 10 * values, 2), columns=names)
    frame.insert(0, "customer_id", np.arange(1001, 1001 + n))
    return frame.to_csv(index=False).encode("utf-8")


def _figures(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _axes(layout: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            yield name, axis


def _problems(figure: dict[str, Any]) -> list[str]:
    layout = figure["layout"]
    title = (layout.get("title") or {}).get("text") or ""
    problems = [] if title.strip() else ["no title"]
    for name, axis in _axes(layout):
        axis_title = (axis.get("title") or {}).get("text") or ""
        if not axis_title.strip():
            problems.append(f"{title}: {name} has no title")
        if axis_title.startswith(LABEL_AXES) and axis.get("type") != "category":
            problems.append(f"{title}: {name} ({axis_title}) is not a category axis")
    for trace in figure["data"]:
        if not trace.get("hovertemplate") and trace.get("hoverinfo") != "skip":
            problems.append(f"{title}: a {trace.get('type')} trace has no hover text")
    return problems


def _flat(block: Any) -> Iterator[Any]:
    for child in getattr(block, "children", {}).values():
        if getattr(child, "children", None):
            yield from _flat(child)
        else:
            yield child


def _captions_follow_charts(at: AppTest) -> list[str]:
    """Titles of charts not directly followed by a caption (their one-line "what this means")."""
    elements = list(_flat(at.main))
    missing = []
    for position, element in enumerate(elements):
        if element.type == "plotly_chart":
            after = elements[position + 1] if position + 1 < len(elements) else None
            if after is None or after.type != "caption":
                missing.append(json.loads(element.proto.spec)["layout"]["title"]["text"])
    return missing


def _array(value: Any) -> np.ndarray:
    """A plotly JSON array: a list, or plotly 6's typed form {"dtype", "bdata", "shape"}."""
    if isinstance(value, dict):
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = [int(n) for n in str(value.get("shape", len(flat))).split(",")]
        return flat.reshape(shape)
    return np.asarray(value, dtype=float)


def _heatmap(figures: list[dict[str, Any]], title_start: str) -> dict[str, Any]:
    return next(f for f in figures if f["layout"]["title"]["text"].startswith(title_start))


@pytest.fixture(scope="module")
def uploaded() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.switch_page(page("data").path)
    at.run()
    at.radio(key="data:source").set_value("Upload a file").run()
    at.file_uploader(key="data:upload").set_value(("twenty.csv", _twenty_feature_csv(), "text/csv")).run()
    at.button(key="data:use_customers").click().run()
    assert not at.exception, at.exception
    assert at.session_state["active_data"].source_name == "twenty.csv"
    return at


def test_features_and_personas_charts_read_on_their_own_with_20_features(uploaded: AppTest) -> None:
    at = uploaded
    at.switch_page(page("features").path)
    at.run()
    picker = next(m for m in at.multiselect if m.key.startswith("features:chosen:"))
    features = [o for o in picker.options if o.startswith("Visits to aisle")]
    assert len(features) == N_FEATURES
    picker.set_value(features).run()
    at.button(key="features:find").click().run()
    assert not at.exception, at.exception
    figures = _figures(at)
    titles = [f["layout"]["title"]["text"] for f in figures]
    assert "Customers per segment" in titles, titles
    assert [p for f in figures for p in _problems(f)] == []
    assert _captions_follow_charts(at) == []

    # The correlation heatmap: capped at HEATMAP_ROWS features until "show all", then it grows.
    capped = _heatmap(figures, "How strongly features move together")
    assert len(capped["data"][0]["y"]) == HEATMAP_ROWS
    assert all(len(label) <= 24 for label in capped["data"][0]["y"])  # long names shortened; full in hover
    at.checkbox(key="features:correlations_all").check().run()
    full = _heatmap(_figures(at), "How strongly features move together")
    assert len(full["data"][0]["y"]) == N_FEATURES
    assert full["layout"]["height"] > capped["layout"]["height"]
    assert full["data"][0]["texttemplate"] == "%{z:.1f}"  # one decimal stays readable in 20 x 20 cells

    at.switch_page(page("personas").path)
    at.run()
    assert not at.exception, at.exception
    figures = _figures(at)
    assert [p for f in figures for p in _problems(f)] == []
    assert _captions_follow_charts(at) == []
    capped = _heatmap(figures, "How each segment differs")
    assert len(capped["data"][0]["y"]) == HEATMAP_ROWS
    at.checkbox(key="personas:heatmap_all").check().run()
    full = _heatmap(_figures(at), "How each segment differs")
    assert len(full["data"][0]["y"]) == N_FEATURES
    assert full["layout"]["height"] >= capped["layout"]["height"] + 30 * (N_FEATURES - HEATMAP_ROWS)
    # Rows sorted by how much the feature separates the segments (largest spread first).
    z = _array(full["data"][0]["z"])
    spread = z.max(axis=1) - z.min(axis=1)
    assert list(spread) == sorted(spread, reverse=True)

    at.switch_page(page("campaigns").path)
    at.run()
    assert not at.exception, at.exception
    at.checkbox(key="campaigns:waive").check().run()
    figures = _figures(at)
    assert figures, "the Campaigns page draws its chart once the list is built"
    assert [p for f in figures for p in _problems(f)] == []
    assert _captions_follow_charts(at) == []

    at.switch_page(page("results").path)
    at.run()
    at.checkbox(key="results:simulate").check().run()
    assert not at.exception, at.exception
    figures = _figures(at)
    assert len(figures) >= 2, "conversion rates and lift"
    assert [p for f in figures for p in _problems(f)] == []
    assert _captions_follow_charts(at) == []


def test_demo_data_and_recommendation_charts_read_on_their_own() -> None:
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.switch_page(page("data").path)
    at.run()
    assert not at.exception, at.exception
    figures = _figures(at)
    assert any(f["layout"]["title"]["text"] == "Customers per RFM group" for f in figures)
    assert [p for f in figures for p in _problems(f)] == []
    assert _captions_follow_charts(at) == []
    at.switch_page(page("features").path)
    at.run()
    at.button(key="features:find").click().run()
    at.switch_page(page("recommendations").path)
    at.run()
    assert not at.exception, at.exception
    figures = _figures(at)
    assert figures, "items to feature for the chosen segment"
    assert [p for f in figures for p in _problems(f)] == []
    assert _captions_follow_charts(at) == []


def test_numeric_segment_names_stay_categories() -> None:
    # A marketer may name segments "2024" or "10": the axis still has one bar per segment, not a number line.
    from app_pages.charts import segment_sizes_chart

    sizes = pd.DataFrame({"name": ["2024", "10"], "customers": [5, 7], "share": [5 / 12, 7 / 12]})
    figure = json.loads(segment_sizes_chart(sizes, {0: "2024", 1: "10"}).to_json())
    assert figure["layout"]["xaxis"]["type"] == "category"
    assert _problems(figure) == []


def test_orders_put_related_and_separating_features_first() -> None:
    correlations = pd.DataFrame(
        [[1.0, 0.1, 0.9], [0.1, 1.0, 0.2], [0.9, 0.2, 1.0]], index=list("abc"), columns=list("abc")
    )
    assert correlation_order(correlations) == ["a", "c", "b"]
    profile = pd.DataFrame({"flat": [0.1, -0.1], "split": [1.5, -1.5], "mild": [0.5, -0.2]}, index=[0, 1])
    assert separation_order(profile) == ["split", "mild", "flat"]


def test_shortened_labels_stay_distinct() -> None:
    from app_pages.charts import short_labels

    ends = short_labels([f"Average basket value in aisle {i:02d}" for i in range(1, 4)])
    assert ends == ["Average basket…aisle 01", "Average basket…aisle 02", "Average basket…aisle 03"]
    starts = short_labels([f"Visits to aisle {i:02d} per month" for i in range(1, 4)])
    assert starts == ["Visits to aisle 01 per…", "Visits to aisle 02 per…", "Visits to aisle 03 per…"]
    same = short_labels(["A very long name that is the same"] * 2)
    assert len(set(same)) == 2 and all(label.endswith(("(1)", "(2)")) for label in same)
    assert short_labels(["Loyal", "New"]) == ["Loyal", "New"]
