"""One colour per segment on every page: the mapping in app_pages/charts.py and the charts that use it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from app_pages.charts import NO_SEGMENT_COLOUR, SEGMENT_PALETTE, segment_colour, segment_colour_map
from app_pages.registry import page
from app_pages.state import ACTIVE_DATA, ActiveData

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_colour_follows_the_segment_number_not_its_name() -> None:
    before = segment_colour_map({0: "Bargain hunters", 1: "Loyal regulars", 2: "New faces"})
    after = segment_colour_map({0: "Deal seekers", 1: "Loyal regulars", 2: "New faces"})
    assert before["Bargain hunters"] == after["Deal seekers"] == segment_colour(0)
    assert before["Loyal regulars"] == after["Loyal regulars"] == segment_colour(1)
    # The labels pages fall back to for an unnamed segment get the same colour as its name.
    assert before["Segment 2"] == before["2"] == before["New faces"] == segment_colour(2)


def test_segments_get_distinct_colours_and_no_segment_is_grey() -> None:
    names = {s: f"Group {s}" for s in range(len(SEGMENT_PALETTE))}
    colours = segment_colour_map(names)
    assert len({colours[name] for name in names.values()}) == len(SEGMENT_PALETTE)
    assert NO_SEGMENT_COLOUR not in {colours[name] for name in names.values()}
    for label in ("Unassigned", "Not segmented (no data)"):
        assert colours[label] == NO_SEGMENT_COLOUR
    assert segment_colour_map({-1: "Not segmented (missing values)"})["Not segmented (missing values)"] == (
        NO_SEGMENT_COLOUR
    )
    assert segment_colour(-2) == NO_SEGMENT_COLOUR


def _three_groups() -> ActiveData:
    rng = np.random.default_rng(7)
    centres = np.array([[10.0, 100.0, 2.0], [60.0, 600.0, 12.0], [120.0, 300.0, 6.0]])
    points = centres[np.repeat([0, 1, 2], 40)] + rng.normal(size=(120, 3)) * np.array([4.0, 30.0, 0.8])
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(120)],
            "recency_days": np.abs(points[:, 0]),
            "monetary": np.abs(points[:, 1]),
            "frequency": np.abs(points[:, 2]),
        }
    )
    return ActiveData(
        source_name="three.csv",
        token="three",
        customers=customers,
        customer_id_col="customer_id",
        roles={"customer_id": "customer_id"},
    )


def _segment_trace_colours(at: AppTest) -> dict[str, dict[str, str]]:
    """Chart title → {trace name: colour} for the charts on the page with one trace per segment."""
    charts: dict[str, dict[str, str]] = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        traces = {t.get("name"): t.get("marker", {}).get("color") for t in spec["data"]}
        charts[spec["layout"]["title"]["text"]] = traces
    return charts


def test_a_segment_has_the_same_colour_on_features_and_personas() -> None:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state[ACTIVE_DATA] = _three_groups()
    at.run()
    at.switch_page(page("features").path)
    at.run()
    at.button(key="features:find").click().run()
    assert not at.exception, at.exception
    names = at.session_state["segment_names"]
    assert len(names) >= 2
    expected = {name: segment_colour(segment) for segment, name in names.items()}
    features = _segment_trace_colours(at)
    at.switch_page(page("personas").path)
    at.run()
    assert not at.exception, at.exception
    personas = _segment_trace_colours(at)
    by_segment = [
        traces
        for title, traces in {**features, **personas}.items()
        if title.startswith(("Customers per segment", "How well each customer fits", "Customers on a map"))
    ]
    assert len(by_segment) == 3, list({**features, **personas})
    for traces in by_segment:
        assert set(traces) == set(expected), (traces, expected)
        assert traces == expected
