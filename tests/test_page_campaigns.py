"""The Campaigns and Campaign results pages, run with Streamlit's AppTest on small session data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.registry import page
from app_pages.state import ActiveData, SegmentRun
from segmentation import export_csv

N_CUSTOMERS = 60


def _session() -> tuple[ActiveData, SegmentRun]:
    ids = [f"C{i:03d}" for i in range(N_CUSTOMERS)]
    customers = pd.DataFrame(
        {
            "customer_id": pd.Series(ids, dtype="str"),
            "email": pd.Series([f"c{i}@example.com" for i in range(N_CUSTOMERS)], dtype="str"),
            "first_name": pd.Series(["Ann", "=Bo", "Cy"] * (N_CUSTOMERS // 3), dtype="str"),
            "monetary": np.linspace(10.0, 600.0, N_CUSTOMERS),
            "marketing_consent": pd.array([i % 4 != 0 for i in range(N_CUSTOMERS)], dtype="boolean"),
        }
    )
    roles = {
        "customer_id": "customer_id",
        "email": "email",
        "first_name": "name",
        "monetary": "amount",
        "marketing_consent": "consent",
    }
    data = ActiveData(
        source_name="test.csv",
        token="data-1",
        customers=customers,
        customer_id_col="customer_id",
        roles=roles,
    )
    labels = np.array([i % 3 for i in range(N_CUSTOMERS)])
    run = SegmentRun(
        data_token="data-1",
        token="run-1",
        features=("monetary",),
        algorithm="kmeans",
        k=3,
        seed=0,
        labels=labels,
        result=None,
        default_names={0: "Loyal", 1: "New", 2: "At risk"},
        default_actions={0: "Thank them", 1: "Welcome", 2: "Win back"},
    )
    return data, run


def _campaigns_page() -> AppTest:
    at = AppTest.from_file(str(page("campaigns").file), default_timeout=30)
    data, run = _session()
    at.session_state["active_data"] = data
    at.session_state["segment_run"] = run
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_campaigns_page_builds_the_list_live() -> None:
    at = _campaigns_page().run()
    assert not at.exception
    # 15 of 60 have no consent (every 4th); 10% control per segment of 15 -> round(1.5) = 2 each.
    assert _metric(at, "On the list") == "45"
    assert _metric(at, "Control group") == "6"
    rules = at.dataframe[0].value.set_index("rule")
    assert rules.loc["no marketing consent", "removed"] == 15
    campaign = at.session_state["campaign"]
    assert campaign["manifest"]["consent"]["column"] == "marketing_consent"
    # The default download is the send-ready list, named after the campaign (was "Campaign_<date>.csv").
    assert campaign["file_name"] == "campaign_send.csv"
    assert set(campaign["frame"]["suggested_action"]) == {"Thank them", "Welcome", "Win back"}

    at.multiselect(key="campaigns:segments").set_value(["Loyal"]).run()
    assert _metric(at, "On the list") == "15"
    at.slider(key="campaigns:control").set_value(0.2).run()
    assert _metric(at, "Control group") == "3"
    at.button(key="campaigns:add_condition:0").click().run()
    at.selectbox(key="campaigns:cond_col:1").set_value("monetary").run()
    at.selectbox(key="campaigns:cond_op:1:monetary").set_value("ge").run()
    at.number_input(key="campaigns:cond_value:1:monetary:ge").set_value(300).run()
    assert not at.exception
    listed = at.session_state["campaign"]["frame"]
    assert len(listed) == int(_metric(at, "On the list")) and 0 < len(listed) < 15


def test_campaigns_page_consent_waiver_and_bad_filter() -> None:
    at = _campaigns_page().run()
    at.selectbox(key="campaigns:consent_col").set_value("— none —").run()
    # A choice not yet made is a neutral next step, not a red error (issue 10).
    assert not at.error, [e.value for e in at.error]
    assert any("choose the consent column" in i.value for i in at.info)
    at.checkbox(key="campaigns:waive").check().run()
    assert any("waived" in w.value for w in at.warning)
    assert _metric(at, "On the list") == str(N_CUSTOMERS)
    assert at.session_state["campaign"]["manifest"]["consent"]["waived"] is True
    # A number column takes numbers only: the builder offers a number box, not free text.
    at.button(key="campaigns:add_condition:0").click().run()
    at.selectbox(key="campaigns:cond_col:1").set_value("monetary").run()
    assert at.number_input(key="campaigns:cond_value:1:monetary:gt").value is None
    assert "Give each condition a value to count its customers." in [c.value for c in at.caption]
    # With a second, complete condition, the group counts it and says one still needs a value.
    at.button(key="campaigns:add_condition:0").click().run()
    at.selectbox(key="campaigns:cond_col:2").set_value("monetary").run()
    at.number_input(key="campaigns:cond_value:2:monetary:gt").set_value(300).run()
    captions = [c.value for c in at.caption]
    assert (
        "This group: 30 customers; with the groups above: 30 (1 condition still needs a value)." in captions
    )


def test_campaigns_page_without_segments_points_to_the_right_page() -> None:
    at = AppTest.from_file(str(page("campaigns").file), default_timeout=30)
    data, _ = _session()
    at.session_state["active_data"] = data
    at.run()
    assert not at.exception
    assert any("Segment your customers first" in i.value for i in at.info)


@pytest.fixture
def campaign_in_session() -> AppTest:
    at = _campaigns_page().run()
    return at


def test_results_page_measures_the_last_campaign(campaign_in_session: AppTest) -> None:
    campaign = campaign_in_session.session_state["campaign"]
    at = AppTest.from_file(str(page("results").file), default_timeout=30)
    data, run = _session()
    at.session_state["active_data"] = data
    at.session_state["segment_run"] = run
    at.session_state["campaign"] = campaign
    at.run()
    assert not at.exception
    at.checkbox(key="results:simulate").check().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table.loc[0, "comparison"] == "All customers"
    assert table.loc[0, "treatment_customers"] == 39 and table.loc[0, "control_customers"] == 6
    assert any("too few" in w.value or "only" in w.value for w in at.warning)
    assert any(m.value.startswith("Customers who got the campaign converted") for m in at.markdown)


def test_results_page_empty_state() -> None:
    at = AppTest.from_file(str(page("results").file), default_timeout=30).run()
    assert not at.exception
    assert any("Campaigns page" in i.value or "Upload" in i.value for i in at.info)


def test_campaigns_page_adds_recommended_items_and_hashes_emails() -> None:
    at = _campaigns_page()
    at.session_state["recommendations"] = pd.DataFrame(
        {
            "customer": [f"C{i:03d}" for i in range(N_CUSTOMERS) for _ in range(2)],
            "rank": [1, 2] * N_CUSTOMERS,
            "item": ["P1", "P2"] * N_CUSTOMERS,
            "item_name": ["Tea", "Mug"] * N_CUSTOMERS,
            "score": 0.5,
            "reason": "bought together",
            "cold_start": False,
        }
    )
    at.run()
    at.number_input(key="campaigns:top_n").set_value(2).run()
    at.checkbox(key="campaigns:hash").check().run()
    assert not at.exception
    frame = at.session_state["campaign"]["frame"]
    assert {"item_1", "item_1_name", "item_2", "item_2_name", "email_sha256"} <= set(frame.columns)
    assert "email" not in frame.columns and "first_name" not in frame.columns
    assert set(frame["item_2_name"]) == {"Mug"}


def test_results_page_measures_a_send_list_with_its_control_file() -> None:
    def csv_bytes(ids: range) -> bytes:
        frame = pd.DataFrame(
            {"email": [f"k{i}@example.com" for i in ids], "customer_id": [f"K{i}" for i in ids]}
        )
        return frame.to_csv(index=False).encode()

    at = AppTest.from_file(str(page("results").file), default_timeout=30).run()
    at.file_uploader(key="results:export").set_value(
        ("spring_send.csv", csv_bytes(range(40)), "text/csv")
    ).run()
    at.file_uploader(key="results:control").set_value(
        ("spring_control.csv", csv_bytes(range(40, 60)), "text/csv")
    ).run()
    at.selectbox(key="results:list_id").set_value("customer_id").run()
    at.checkbox(key="results:simulate").check().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table.loc[0, "treatment_customers"] == 40 and table.loc[0, "control_customers"] == 20


def test_results_page_shows_what_the_campaign_added_beside_the_rates() -> None:
    ids = [f"K{i}" for i in range(60)]
    send = pd.DataFrame({"customer_id": ids[:40]}).to_csv(index=False).encode()
    control = pd.DataFrame({"customer_id": ids[40:]}).to_csv(index=False).encode()
    # Treated: 20 of 40 bought (spending 10 each); control: 5 of 20.
    converted = [int(i < 20) for i in range(40)] + [int(i < 5) for i in range(20)]
    outcome = pd.DataFrame(
        {"customer_id": ids, "converted": converted, "revenue": [10.0 * c for c in converted]}
    )
    at = AppTest.from_file(str(page("results").file), default_timeout=30).run()
    at.file_uploader(key="results:export").set_value(("send.csv", send, "text/csv")).run()
    at.file_uploader(key="results:control").set_value(("control.csv", control, "text/csv")).run()
    at.selectbox(key="results:list_id").set_value("customer_id").run()
    outcome_csv = outcome.to_csv(index=False).encode()
    at.file_uploader(key="results:file").set_value(("results.csv", outcome_csv, "text/csv")).run()
    assert not at.exception, at.exception
    assert _metric(at, "Conversion, got the campaign") == "50.0%"
    assert _metric(at, "Conversion, control group") == "25.0%"
    # (50% - 25%) x 40 treated = 10 extra conversions; (5.00 - 2.50) x 40 = 100.00 extra revenue.
    assert _metric(at, "Extra conversions") == "+10"
    assert _metric(at, "Extra revenue") == "+100"  # no currency set: a plain number
    captions = " ".join(c.value for c in at.caption)
    assert "95% interval" in captions
    assert any(
        m.value.startswith("Among the 40 customers who got the campaign, it added +10 conversions")
        for m in at.markdown
    )
    table = at.dataframe[0].value
    assert table.loc[0, "extra_conversions"] == pytest.approx(10.0)
    assert table.loc[0, "extra_revenue"] == pytest.approx(100.0)
    assert table.loc[0, "extra_conversions_low"] < 10.0 < table.loc[0, "extra_conversions_high"]
    shown = [e.value for kind in ("markdown", "caption", "info", "warning") for e in at.get(kind)]
    shown += [m.value for m in at.metric]
    assert not [t for t in shown if any(r in str(t) for r in ("np.float64(", "nan", "None", "-0 "))]

    at.session_state["currency"] = "EUR"  # as set once on the Data page
    at.run()
    assert _metric(at, "Extra revenue") == "+€100"
    assert any("+€100 in revenue" in m.value for m in at.markdown)


def test_results_page_without_revenue_shows_no_revenue_numbers() -> None:
    ids = [f"K{i}" for i in range(60)]
    export = pd.DataFrame({"customer_id": ids, "group": ["treatment"] * 40 + ["control"] * 20})
    outcome = pd.DataFrame({"customer_id": ids, "converted": [int(i % 3 == 0) for i in range(60)]})
    at = AppTest.from_file(str(page("results").file), default_timeout=30).run()
    at.file_uploader(key="results:export").set_value(
        ("list.csv", export.to_csv(index=False).encode(), "text/csv")
    ).run()
    at.selectbox(key="results:list_id").set_value("customer_id").run()
    at.file_uploader(key="results:file").set_value(
        ("results.csv", outcome.to_csv(index=False).encode(), "text/csv")
    ).run()
    assert not at.exception, at.exception
    # Treated: 14 of 40 converted (every third id); control: 6 of 20. (35% - 30%) x 40 = 2.
    assert _metric(at, "Extra conversions") == "+2"
    assert not [m for m in at.metric if m.label == "Extra revenue"]
    assert not any("revenue" in m.value for m in at.markdown if m.value.startswith("Among the"))


def test_campaigns_page_audience_builder_with_two_groups() -> None:
    at = _campaigns_page().run()
    at.slider(key="campaigns:control").set_value(0.0).run()
    # Group 1: in segment Loyal or New.
    at.button(key="campaigns:add_condition:0").click().run()
    at.selectbox(key="campaigns:cond_col:1").set_value("segment_name").run()
    at.selectbox(key="campaigns:cond_op:1:segment_name").set_value("one_of").run()
    at.multiselect(key="campaigns:cond_value:1:segment_name:one_of").set_value(["Loyal", "New"]).run()
    # AND group 2: spent more than 400 OR first name is "=Bo" (a formula-like value).
    at.button(key="campaigns:add_group").click().run()
    at.button(key="campaigns:add_condition:2").click().run()
    at.radio(key="campaigns:group_match:2").set_value("any").run()
    at.selectbox(key="campaigns:cond_col:3").set_value("monetary").run()
    at.number_input(key="campaigns:cond_value:3:monetary:gt").set_value(400).run()
    at.selectbox(key="campaigns:cond_col:4").set_value("first_name").run()
    at.selectbox(key="campaigns:cond_value:4:first_name:is").set_value("=Bo").run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]

    # monetary = 10 + 10 i; segment = i % 3 (0 Loyal, 1 New); "=Bo" at i % 3 == 1; no consent at i % 4 == 0.
    def picked(i: int) -> bool:
        return i % 3 in (0, 1) and (10 + 10 * i > 400 or i % 3 == 1)

    before_consent = [i for i in range(N_CUSTOMERS) if picked(i)]
    captions = [c.value for c in at.caption]
    assert "→ 40 customers so far in this group" in captions  # Loyal or New
    assert "→ 20 customers so far in this group" in captions  # spent more than 400
    assert "→ 33 customers so far in this group" in captions
    assert f"This group: 33 customers; with the groups above: {len(before_consent)}." in captions
    summary = next(i.value for i in at.info if i.value.startswith("**Customers in"))
    assert summary.startswith(
        "**Customers in Loyal or New AND (monetary is more than 400 OR first_name is =Bo)**"
    )
    assert f"{len(before_consent)} of {N_CUSTOMERS} customers" in summary

    expected = [f"C{i:03d}" for i in before_consent if i % 4 != 0]
    assert _metric(at, "On the list") == str(len(expected))
    campaign = at.session_state["campaign"]
    assert sorted(campaign["frame"]["customer_id"]) == expected
    assert campaign["manifest"]["audience"]["combine"] == "all"
    assert [g["match"] for g in campaign["manifest"]["audience"]["groups"]] == ["all", "any"]
    # The exported list keeps the formula-like first name as text (the page writes it with export_csv).
    assert "=Bo" in set(campaign["frame"]["first_name"])
    text = export_csv(campaign["frame"]).decode("utf-8")
    assert "'=Bo" in text and ",=Bo" not in text
    # Choosing segments above narrows what the builder counts: Loyal only (i % 3 == 0), 20 customers.
    at.multiselect(key="campaigns:segments").set_value(["Loyal"]).run()
    summary = next(i.value for i in at.info if i.value.startswith("**Customers in"))
    loyal = [i for i in before_consent if i % 3 == 0]
    assert f"{len(loyal)} of 20 customers of the chosen segments" in summary
    campaign = at.session_state["campaign"]
    assert sorted(campaign["frame"]["customer_id"]) == [f"C{i:03d}" for i in loyal if i % 4 != 0]


def test_audience_builder_between_dates_and_removal() -> None:
    at = _campaigns_page().run()
    at.button(key="campaigns:add_condition:0").click().run()
    at.selectbox(key="campaigns:cond_col:1").set_value("monetary").run()
    at.selectbox(key="campaigns:cond_op:1:monetary").set_value("between").run()
    at.number_input(key="campaigns:cond_value:1:monetary:between:low").set_value(100).run()
    at.number_input(key="campaigns:cond_value:1:monetary:between:high").set_value(200).run()
    assert not at.exception, at.exception
    # monetary = 10 + 10 i: 100..200 is i = 9..19, 11 customers.
    assert "→ 11 customers so far in this group" in [c.value for c in at.caption]
    at.button(key="campaigns:remove_condition:1").click().run()
    assert not at.exception, at.exception
    assert not any(c.value.startswith("→") for c in at.caption)
    assert _metric(at, "On the list") == "45"


def test_predictions_are_audience_conditions_and_export_columns() -> None:
    """Issue 13, point 5: the Predictions page's scores are columns of the campaign's customers."""
    at = _campaigns_page()
    ids = [f"C{i:03d}" for i in range(N_CUSTOMERS)]
    # Decile 1 for the first 6 customers, 2 for the next 6, ... (as the propensity panel writes them).
    at.session_state["predictions"] = pd.DataFrame(
        {"customer": ids, "propensity_decile": [1 + i // 6 for i in range(N_CUSTOMERS)]}
    )
    at.session_state["predictions_token"] = "p-campaigns"
    at.run()
    at.slider(key="campaigns:control").set_value(0.0).run()
    at.button(key="campaigns:add_condition:0").click().run()
    at.selectbox(key="campaigns:cond_col:1").set_value("propensity_decile").run()
    at.selectbox(key="campaigns:cond_op:1:propensity_decile").set_value("le").run()
    at.number_input(key="campaigns:cond_value:1:propensity_decile:le").set_value(2).run()
    assert not at.exception
    assert "→ 12 customers so far in this group" in [c.value for c in at.caption]
    # Top two deciles = customers 0..11; every 4th has no consent (0, 4, 8).
    listed = at.session_state["campaign"]["frame"]
    assert sorted(listed["customer_id"]) == [f"C{i:03d}" for i in range(12) if i % 4 != 0]
    # The score can go into the file like any column.
    fields = at.multiselect(key="campaigns:fields")
    assert "propensity_decile" in fields.options
    fields.set_value([*fields.value, "propensity_decile"]).run()
    listed = at.session_state["campaign"]["frame"]
    assert listed.set_index("customer_id").loc["C001", "propensity_decile"] == 1
