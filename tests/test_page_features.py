"""The Features & k page through AppTest: empty state, defaults, sweep, segments, saved model."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from app_pages.registry import page
from app_pages.state import ACTIVE_DATA, SEGMENT_RUN, ActiveData, SegmentRun
from segmentation.segments.model_file import SegmentationModel

PAGE = str(page("features").file)
CENTRES = np.array([[10.0, 100.0, 2.0], [60.0, 600.0, 12.0], [120.0, 300.0, 6.0]])
SPREAD = np.array([4.0, 30.0, 0.8])


def _data() -> ActiveData:
    rng = np.random.default_rng(3)
    points = CENTRES[np.repeat([0, 1, 2], 50)] + rng.normal(size=(150, 3)) * SPREAD  # three planted groups
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(150)],
            "email": [f"c{i}@example.com" for i in range(150)],
            "recency_days": np.abs(points[:, 0]),
            "monetary": np.abs(points[:, 1]),
            "frequency": np.abs(points[:, 2]),
            "monetary_again": np.abs(points[:, 1]) * 2 + 1,
            "country": pd.Series(rng.choice(["FR", "DE"], 150), dtype="str"),
            "store": ["Main"] * 150,
        }
    )
    roles = {"customer_id": "customer_id", "email": "email", "country": "categorical"}
    return ActiveData(
        source_name="test.csv", token="d1", customers=customers, customer_id_col="customer_id", roles=roles
    )


def _page(data: ActiveData | None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    if data is not None:
        at.session_state[ACTIVE_DATA] = data
    return at.run()


def test_without_data_the_page_points_to_the_data_page() -> None:
    at = _page(None)
    assert not at.exception
    assert "Load data on the Data page first" in at.info[0].value


def test_defaults_leave_out_ids_pii_and_constants_and_warn_on_correlation() -> None:
    at = _page(_data())
    assert not at.exception
    chosen = at.multiselect[0].value
    assert chosen == ["recency_days", "monetary", "frequency", "monetary_again"]
    excluded = at.dataframe[0].value.set_index("column")["reason"]
    assert {"customer_id", "email", "store"} <= set(excluded.index)
    assert any("**Monetary** and **Monetary again**" in w.value for w in at.warning)  # labels, not names
    assert "Find segments" in at.info[-1].value  # nothing computed before the button


def test_find_segments_recommends_the_planted_k_and_stores_the_run() -> None:
    at = _page(_data())
    at.multiselect[0].set_value(["recency_days", "monetary", "frequency"])
    at.slider[0].set_value((2, 6))
    at.run()
    at.button(key="features:find").click().run()
    assert not at.exception
    # Issue 10 changes the lead: one sentence in segments, not "Recommended: k = 3" and a reason.
    lead = at.success[0].value
    assert lead.startswith("**3 segments: clearly separated and stable") and "k" not in lead.split(":")[0]
    assert not any(r in lead for r in ("np.float64(", "nan", "None", "["))
    how = next(e for e in at.expander if e.label == "How this was chosen")
    assert any(m.value.startswith("k=3 ") for m in how.markdown)
    run = at.session_state[SEGMENT_RUN]
    assert isinstance(run, SegmentRun) and run.k == 3 and run.data_token == "d1"
    assert len(run.labels) == 150 and set(run.default_names) == {0, 1, 2}
    assert len(set(run.default_names.values())) == 3
    assert "Silhouette computed on all customers" in " ".join(c.value for c in at.caption)


def test_density_method_needs_no_sweep_and_marks_unassigned() -> None:
    at = _page(_data())
    at.multiselect[0].set_value(["recency_days", "monetary", "frequency"])
    at.selectbox(key="features:algorithm").set_value("hdbscan").run()
    assert not at.exception
    run = at.session_state[SEGMENT_RUN]
    assert run.algorithm == "hdbscan" and run.k >= 2


def test_saved_model_is_json_that_reproduces_the_run() -> None:
    data = _data()
    at = _page(data)
    at.multiselect[0].set_value(["recency_days", "monetary", "frequency"])
    at.run()
    at.button(key="features:find").click().run()
    run = at.session_state[SEGMENT_RUN]
    model = SegmentationModel.from_json(run.result.model.to_json())
    from segmentation.segments.scoring import assign_segments

    assert np.array_equal(assign_segments(model, data.customers), run.labels)
    assert json.loads(run.result.model.to_json())["algorithm"] == "kmeans"


def test_k_range_above_the_number_of_customers_is_explained() -> None:
    data = _data()
    small = ActiveData(
        source_name="tiny.csv",
        token="d2",
        customers=data.customers.head(8),
        customer_id_col="customer_id",
        roles=data.roles,
    )
    at = _page(small)
    at.multiselect[0].set_value(["recency_days", "monetary", "frequency"])
    at.run()
    at.button(key="features:find").click().run()
    assert not at.exception
    assert any("k=10 is larger than the 8 customers" in e.value for e in at.error)
    assert SEGMENT_RUN not in at.session_state


def test_filled_values_and_customers_without_data_are_shown() -> None:
    data = _data()
    customers = data.customers.copy()
    customers.loc[[3, 8, 20], "monetary"] = np.nan
    customers.loc[[40], ["recency_days", "monetary", "frequency"]] = np.nan
    at = _page(ActiveData(**{**data.__dict__, "customers": customers, "token": "d-blanks"}))
    at.multiselect[0].set_value(["recency_days", "monetary", "frequency"])
    at.run()
    at.button(key="features:find").click().run()
    assert not at.exception, at.exception
    run = at.session_state[SEGMENT_RUN]
    assert run.labels[40] == -2 and (np.delete(run.labels, 40) >= 0).all()
    median = customers["monetary"].drop(index=40).median()
    info = " ".join(box.value for box in at.info)
    assert f"Monetary: 3 missing values filled with the median {median:,.2f}".rstrip("0").rstrip(".") in info
    assert any("Not segmented (no data): 1 customer" in box.value for box in at.warning)


def test_near_duplicates_are_flagged_by_the_picker_and_one_click_keeps_one() -> None:
    at = _page(_data())
    flagged = [w.value for w in at.warning if "near-duplicates" in w.value]
    assert flagged and "**Monetary** and **Monetary again**" in flagged[0]
    assert "(correlation 1.00)" in flagged[0]
    keep = at.button(key="features:keep_one:monetary:monetary_again")
    assert keep.label == "Keep Monetary, drop Monetary again"
    keep.click().run()
    assert not at.exception
    assert at.multiselect[0].value == ["recency_days", "monetary", "frequency"]
    assert not any("Monetary again" in w.value for w in at.warning)


def test_constant_and_mostly_missing_columns_are_said_in_words() -> None:
    data = _data()
    loyalty = np.where(np.arange(150) < 30, np.arange(150.0), np.nan)  # 120 of 150 missing
    customers = data.customers.assign(discount=0.0, loyalty=loyalty)
    at = _page(ActiveData(**{**data.__dict__, "customers": customers, "token": "d-words"}))
    assert not at.exception
    excluded = at.dataframe[0].value.set_index("column")["reason"]
    assert excluded["discount"] == "constant: every customer has the same value (0)"
    assert excluded["store"] == "constant: every customer has the same value (Main)"
    assert not any("np." in reason for reason in excluded)
    at.multiselect[0].set_value(["recency_days", "frequency", "loyalty"]).run()
    warned = " ".join(w.value for w in at.warning)
    assert "'Loyalty' is missing in 120 of 150 rows (80%)" in warned and "Consider leaving it out" in warned


def test_how_this_was_chosen_explains_every_measure_in_plain_words() -> None:
    at = _page(_data())
    at.multiselect[0].set_value(["recency_days", "monetary", "frequency"])
    at.run()
    at.button(key="features:find").click().run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    for meaning in ("star marks the elbow", "own segment than to the next", "other samples of customers",
                    "far apart segments are", "overlaps its closest neighbour"):  # fmt: skip
        assert meaning in captions
    measures = at.dataframe[-1].value
    assert list(measures["k"]) == list(range(2, 11))


def test_predictions_are_offered_as_features_and_personas_follow() -> None:
    """Issue 13, point 5: a prediction is a feature to choose (never chosen for the marketer)."""
    data = _data()
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[ACTIVE_DATA] = data
    # Expected value planted with the same three groups as the features.
    at.session_state["predictions"] = pd.DataFrame(
        {"customer": [f"C{i:04d}" for i in range(150)], "expected_value": np.repeat([10.0, 500.0, 90.0], 50)}
    )
    at.session_state["predictions_token"] = "p-features"
    at.run()
    assert not at.exception
    picker = at.multiselect[0]
    assert "Expected value" in picker.options and "expected_value" not in picker.value
    picker.set_value(["recency_days", "expected_value"]).run()
    at.button(key="features:find").click().run()
    assert not at.exception
    next(n for n in at.number_input if str(n.key).startswith("features:k:")).set_value(3).run()
    run = at.session_state[SEGMENT_RUN]
    assert run.features == ("recency_days", "expected_value") and run.data_token == "d1"
    # The three groups are found again: each planted group is one segment.
    labels = np.asarray(run.labels)
    assert all(len(set(labels[g * 50 : (g + 1) * 50])) == 1 for g in range(3))

    personas = AppTest.from_file(str(page("personas").file), default_timeout=60)
    for key in (ACTIVE_DATA, SEGMENT_RUN, "predictions", "predictions_token"):
        personas.session_state[key] = at.session_state[key]
    personas.run()
    assert not personas.exception
    assert not personas.error, [e.value for e in personas.error]
    # Without the predictions (a new session), the page says what to do instead of failing.
    bare = AppTest.from_file(str(page("personas").file), default_timeout=60)
    bare.session_state[ACTIVE_DATA] = data
    bare.session_state[SEGMENT_RUN] = run
    bare.run()
    assert not bare.exception
    assert "Predictions page" in bare.info[0].value
