"""Campaign lift against hand-computed numbers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from segmentation.campaigns.lift import measure_lift, summarise_incremental, summarise_lift, wilson_interval
from segmentation.cli import main
from segmentation.errors import ColumnError, ParameterError


def _campaign(groups: dict[tuple[str, str], tuple[int, int]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An export and a results file: for each (segment, group), (customers, conversions)."""
    export_rows, result_rows = [], []
    for (segment, group), (n, conversions) in groups.items():
        for i in range(n):
            customer = f"{segment[:1]}{group[:1]}{i:05d}"
            export_rows.append({"customer_id": customer, "segment_name": segment, "group": group})
            result_rows.append({"customer_id": customer, "converted": "1" if i < conversions else "0"})
    return pd.DataFrame(export_rows, dtype="str"), pd.DataFrame(result_rows, dtype="str")


def test_lift_matches_a_hand_computed_example() -> None:
    export, results = _campaign({("All", "treatment"): (1000, 41), ("All", "control"): (1000, 30)})
    report = measure_lift(export, results, customer_col="customer_id", converted_col="converted")
    overall = report.overall
    assert (overall.treatment.n, overall.treatment.conversions) == (1000, 41)
    assert overall.treatment.rate == pytest.approx(0.041) and overall.control.rate == pytest.approx(0.030)
    assert overall.absolute_lift == pytest.approx(0.011)
    assert overall.relative_lift == pytest.approx(0.011 / 0.030)
    # Unpooled SE: sqrt(.041*.959/1000 + .03*.97/1000) = 0.0082716; 1.959964 * SE = 0.0162120.
    assert overall.ci95 == pytest.approx((0.011 - 0.0162120, 0.011 + 0.0162120), abs=1e-6)
    # Pooled p = 71/2000; SE = sqrt(p(1-p)(2/1000)) = 0.0082753; z = 1.32926; two-sided p = 0.18376.
    assert overall.p_value == pytest.approx(0.18376, abs=1e-4)
    chi2 = stats.chi2_contingency([[41, 959], [30, 970]], correction=False)
    assert overall.p_value == pytest.approx(chi2.pvalue, rel=1e-9)  # the z-test is the 2x2 chi-square test
    assert not overall.warnings
    assert report.missing_from_results == 0 and report.unmatched_results == 0


def test_per_segment_comparisons_and_small_sample_warnings() -> None:
    export, results = _campaign(
        {
            ("Loyal", "treatment"): (200, 40),
            ("Loyal", "control"): (200, 20),
            ("New", "treatment"): (20, 3),
            ("New", "control"): (5, 0),
        }
    )
    report = measure_lift(export, results, customer_col="customer_id", converted_col="converted")
    by_label = {s.label: s for s in report.segments}
    assert by_label["Loyal"].absolute_lift == pytest.approx(0.1)
    assert by_label["Loyal"].p_value is not None and by_label["Loyal"].p_value < 0.01
    assert not by_label["Loyal"].warnings
    new = by_label["New"]
    assert new.relative_lift is None  # control rate 0
    assert any("only 5 customers in the control group" in w for w in new.warnings)
    assert "too few" in summarise_lift(new)
    assert report.overall.treatment.n == 220 and report.overall.control.conversions == 20


def test_revenue_per_customer_uses_welch() -> None:
    rng = np.random.default_rng(0)
    treated, control = rng.gamma(2.0, 30.0, 80), rng.gamma(2.0, 20.0, 60)
    export = pd.DataFrame(
        {
            "customer_id": [f"T{i}" for i in range(80)] + [f"C{i}" for i in range(60)],
            "group": ["treatment"] * 80 + ["control"] * 60,
        }
    )
    results = pd.DataFrame(
        {"id": export["customer_id"], "revenue": np.concatenate([treated, control]).round(2).astype(str)}
    )
    report = measure_lift(
        export, results, customer_col="customer_id", results_customer_col="id", revenue_col="revenue"
    )
    overall = report.overall
    treated, control = treated.round(2), control.round(2)
    assert overall.treatment.revenue_per_customer == pytest.approx(treated.mean())
    assert overall.revenue_lift == pytest.approx(treated.mean() - control.mean())
    welch = stats.ttest_ind(treated, control, equal_var=False)
    assert overall.revenue_p_value == pytest.approx(welch.pvalue, rel=1e-9)
    low, high = welch.confidence_interval(0.95)
    assert overall.revenue_ci95 == pytest.approx((low, high), rel=1e-9)
    assert report.conversion_from_revenue and overall.treatment.conversions == 80  # every revenue > 0
    assert report.segments == ()  # no segment column in the list


def test_missing_and_unmatched_results_and_escaped_ids() -> None:
    export = pd.DataFrame(
        {
            "customer_id": ["'-1", "A2", "A3", "B1", "B2"],
            "group": ["treatment", "treatment", "treatment", "control", "control"],
        }
    )
    results = pd.DataFrame(
        {"customer_id": [" -1 ", "a2", "a2", "B1", "ZZ"], "converted": ["yes", "0", "1", "no", "1"]}
    )
    report = measure_lift(export, results, customer_col="customer_id", converted_col="converted")
    assert report.overall.treatment.conversions == 2  # '-1' unescaped; A2 converted on one of two rows
    assert report.overall.treatment.n == 3 and report.overall.control.n == 2
    assert report.missing_from_results == 2 and report.unmatched_results == 1
    assert any("counted as not converted" in n for n in report.notes)
    excluded = measure_lift(
        export, results, customer_col="customer_id", converted_col="converted", missing="exclude"
    )
    assert excluded.overall.treatment.n == 2 and excluded.overall.control.n == 1
    assert excluded.overall.treatment.rate == pytest.approx(1.0)


def test_warns_when_results_cover_only_one_group() -> None:
    export, results = _campaign({("All", "treatment"): (50, 10), ("All", "control"): (50, 5)})
    only_treated = results[results["customer_id"].str[1] == "t"]
    report = measure_lift(export, only_treated, customer_col="customer_id", converted_col="converted")
    assert any("None of the control customers" in n for n in report.notes)


def test_bad_inputs_are_named() -> None:
    export, results = _campaign({("All", "treatment"): (3, 1), ("All", "control"): (3, 1)})
    with pytest.raises(ColumnError, match="'maybe'"):
        measure_lift(
            export, results.assign(converted="maybe"), customer_col="customer_id", converted_col="converted"
        )
    with pytest.raises(ColumnError, match="'lots'"):
        measure_lift(
            export, results.assign(revenue="lots"), customer_col="customer_id", revenue_col="revenue"
        )
    with pytest.raises(ColumnError, match="'holdout'"):
        measure_lift(
            export.assign(group="holdout"), results, customer_col="customer_id", converted_col="converted"
        )
    with pytest.raises(ParameterError, match="converted"):
        measure_lift(export, results, customer_col="customer_id")
    with pytest.raises(ColumnError, match="no column 'sales'"):
        measure_lift(export, results, customer_col="customer_id", revenue_col="sales")


def test_summary_sentence_and_json() -> None:
    export, results = _campaign({("All", "treatment"): (10000, 410), ("All", "control"): (10000, 300)})
    report = measure_lift(export, results, customer_col="customer_id", converted_col="converted")
    sentence = summarise_lift(report.overall)
    se = math.sqrt(0.041 * 0.959 / 10000 + 0.03 * 0.97 / 10000) * 1.959964
    assert sentence.startswith(
        "Customers who got the campaign converted 4.1% vs 3.0% in the control group: "
        f"+1.1 points (95% CI {(0.011 - se) * 100:+.1f} to {(0.011 + se) * 100:+.1f}), p < 0.001"
    )
    assert sentence.endswith("unlikely to be chance.")
    payload = json.loads(json.dumps(report.to_dict()))
    assert set(payload) >= {"overall", "segments"}
    assert set(payload["overall"]) >= {
        "treatment",
        "control",
        "absolute_lift",
        "relative_lift",
        "ci95",
        "p_value",
    }
    assert payload["overall"]["treatment"] == {"n": 10000, "conversions": 410, "rate": 0.041}
    assert payload["segments"][0]["segment"] == "All"


def test_tables_for_charts_and_wilson_interval() -> None:
    expected = stats.binomtest(41, 1000).proportion_ci(confidence_level=0.95, method="wilson")
    assert wilson_interval(41, 1000) == pytest.approx((expected.low, expected.high), rel=1e-9)
    assert wilson_interval(0, 0) is None
    export, results = _campaign(
        {("A", "treatment"): (100, 20), ("A", "control"): (40, 8), ("B", "treatment"): (10, 1)}
    )
    report = measure_lift(export, results, customer_col="customer_id", converted_col="converted")
    comparisons = report.comparison_frame()
    assert comparisons["comparison"].tolist() == ["All customers", "A", "B"]
    assert comparisons.loc[1, "absolute_lift"] == pytest.approx(0.2 - 0.2)
    assert comparisons["enough_data"].tolist() == [True, True, False]
    groups = report.group_frame()
    assert len(groups) == 6 and groups.loc[5, "customers"] == 0 and np.isnan(groups.loc[5, "rate"])
    assert groups.loc[0, "rate_low"] < groups.loc[0, "rate"] < groups.loc[0, "rate_high"]


def test_incremental_conversions_scale_the_lift_and_its_interval() -> None:
    export, results = _campaign({("All", "treatment"): (1000, 41), ("All", "control"): (1000, 30)})
    overall = measure_lift(export, results, customer_col="customer_id", converted_col="converted").overall
    # (4.1% - 3.0%) x 1000 treated = 11 extra conversions; interval 1000 x (0.011 -/+ 0.0162120).
    assert overall.incremental_conversions == pytest.approx(11.0)
    assert overall.incremental_conversions_ci95 == pytest.approx((11.0 - 16.2120, 11.0 + 16.2120), abs=1e-3)
    assert overall.incremental_revenue is None and overall.incremental_revenue_ci95 is None
    sentence = summarise_incremental(overall)
    assert sentence == (
        "Among the 1,000 customers who got the campaign, it added +11 conversions (95% interval -5 to +27). "
        "An interval that includes 0 means the campaign may have added nothing."
    )


def test_incremental_revenue_scales_the_welch_difference() -> None:
    rng = np.random.default_rng(0)
    treated, control = rng.gamma(2.0, 30.0, 80).round(2), rng.gamma(2.0, 20.0, 60).round(2)
    export = pd.DataFrame(
        {
            "customer_id": [f"T{i}" for i in range(80)] + [f"C{i}" for i in range(60)],
            "group": ["treatment"] * 80 + ["control"] * 60,
        }
    )
    results = pd.DataFrame(
        {"customer_id": export["customer_id"], "revenue": np.concatenate([treated, control])}
    )
    report = measure_lift(export, results, customer_col="customer_id", revenue_col="revenue")
    overall = report.overall
    low, high = stats.ttest_ind(treated, control, equal_var=False).confidence_interval(0.95)
    assert overall.incremental_revenue == pytest.approx((treated.mean() - control.mean()) * 80)
    assert overall.incremental_revenue_ci95 == pytest.approx((low * 80, high * 80), rel=1e-9)
    assert low > 0  # the treated spend clearly more: no "may have added nothing"
    sentence = summarise_incremental(overall)
    assert (
        f"{overall.incremental_revenue:+,.2f} revenue (95% interval {low * 80:+,.2f} to {high * 80:+,.2f})"
        in (sentence)
    )
    frame = report.comparison_frame()
    row = frame.iloc[0]
    assert row["extra_revenue"] == pytest.approx(overall.incremental_revenue)
    assert (row["extra_revenue_low"], row["extra_revenue_high"]) == pytest.approx((low * 80, high * 80))
    assert row["extra_conversions"] == pytest.approx(0.0)  # every customer has revenue > 0
    payload = json.loads(json.dumps(report.to_dict()))["overall"]
    assert payload["incremental_revenue"] == pytest.approx(overall.incremental_revenue)
    assert payload["incremental_revenue_ci95"] == pytest.approx([low * 80, high * 80])
    # The keys that were there before are all still there.
    assert {"revenue_lift", "revenue_ci95", "revenue_p_value", "warnings", "p_value", "ci95"} <= set(payload)


def test_incremental_numbers_per_segment_and_in_json() -> None:
    export, results = _campaign(
        {("Loyal", "treatment"): (200, 40), ("Loyal", "control"): (200, 20), ("New", "treatment"): (10, 1)}
    )
    report = measure_lift(export, results, customer_col="customer_id", converted_col="converted")
    loyal, new = report.segments
    assert loyal.incremental_conversions == pytest.approx(20.0)  # (20% - 10%) x 200
    assert new.incremental_conversions is None and new.incremental_conversions_ci95 is None
    assert "cannot be measured" in summarise_incremental(new)
    frame = report.comparison_frame()
    assert frame["extra_conversions"].iloc[1] == pytest.approx(20.0)
    assert np.isnan(frame["extra_conversions"].iloc[2]) and frame["extra_revenue"].isna().all()
    payload = json.loads(json.dumps(report.to_dict()))
    assert payload["segments"][0]["incremental_conversions"] == pytest.approx(20.0)
    assert payload["segments"][1]["incremental_conversions"] is None
    assert "incremental_revenue" not in payload["overall"]  # no revenue column, as for revenue_lift


def test_cli_json_adds_incremental_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export, results = _campaign({("All", "treatment"): (100, 30), ("All", "control"): (50, 10)})
    results = results.assign(revenue=results["converted"].astype(int) * 20.0)
    export.to_csv(tmp_path / "list.csv", index=False)
    results.to_csv(tmp_path / "res.csv", index=False)
    assert main(["lift", str(tmp_path / "list.csv"), str(tmp_path / "res.csv"), "--json"]) == 0
    overall = json.loads(capsys.readouterr().out)["overall"]
    # (30% - 20%) x 100 treated = 10 extra conversions; (6.00 - 4.00) x 100 = 200 extra revenue.
    assert overall["incremental_conversions"] == pytest.approx(10.0)
    assert overall["incremental_revenue"] == pytest.approx(200.0)
    low, high = overall["incremental_conversions_ci95"]
    assert (low, high) == pytest.approx([c * 100 for c in overall["ci95"]])
    assert overall["incremental_revenue_ci95"] == pytest.approx([c * 100 for c in overall["revenue_ci95"]])
    assert {"treatment", "control", "absolute_lift", "relative_lift", "p_value", "revenue_lift"} <= set(
        overall
    )
