"""Personas: trait sentences on hand-built tables, names, actions, rules, shares, validation."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest

from segmentation.errors import ColumnError, ParameterError
from segmentation.personas.describe import (
    Persona,
    describe_segments,
    guess_money_column,
    personas_to_dict,
    project_2d,
    segment_profile_matrix,
    surrogate_rules,
)

# Ten customers: rows 0-4 are segment 0, rows 5-9 segment 1.
TWO_SEGMENTS = np.array([0] * 5 + [1] * 5)


def _persona(personas: tuple[Persona, ...], segment: int) -> Persona:
    return next(p for p in personas if p.segment == segment)


def _sentences(frame: pd.DataFrame, segment: int, **options: object) -> list[str]:
    personas = describe_segments(frame, TWO_SEGMENTS, features=list(frame.columns), **options)  # type: ignore[arg-type]
    return [t.sentence for t in _persona(personas, segment).traits]


# Expected numbers worked out by hand from the values:
# monetary overall sorted 100..1,500, 9,000 → median (500 + 1,000) / 2 = 750; segment 1 median
# 1,300 (ratio 1.73), segment 0 median 300 (60% less); the 9,000 makes the column skewed.
# frequency overall median (3 + 10) / 2 = 6.5, segment 1 median 10 (ratio 1.54), skewed by 40.
# recency is symmetric (bimodal), so averages: segment 1 mean 30, overall 70.
NUMERIC_CASES = [
    (
        "monetary",
        [100, 200, 300, 400, 500, 1000, 1200, 1300, 1500, 9000],
        {
            1: "Spends 1.7× the average: median 1,300 vs 750",
            0: "Spends 60% less than the average: median 300 vs 750",
        },
    ),
    (
        "frequency",
        [1, 2, 2, 2, 3, 10, 10, 10, 11, 40],
        {1: "Buys 1.5× as often: median 10 orders vs 6.5", 0: "Buys less often: median 2 orders vs 6.5"},
    ),
    (
        "recency_days",
        [90, 100, 110, 120, 130, 10, 20, 30, 40, 50],
        {1: "Last purchase: 30 days ago (average) vs 70 overall"},
    ),
    (
        "tenure_days",
        [400, 400, 400, 400, 400, 10, 20, 30, 40, 50],
        {1: "Customer for 30 days (average) vs 215 overall"},
    ),
    (
        "share_Electronics",
        [0.1] * 5 + [0.5, 0.5, 0.4, 0.4, 0.5],
        # no money column in the table: shares are of items, never "spends"
        {
            1: "46% of their items are Electronics vs 28% overall",
            0: "10% of their items are Electronics vs 28% overall",
        },
    ),
    (
        "Annual Income (k$)",
        [35] * 5 + [80, 85, 90, 85, 85],
        {1: "Higher annual income: average $85k vs $60k overall"},
    ),
    ("age", [55] * 5 + [20, 25, 30, 25, 25], {1: "Younger: average age 25 vs 40 overall"}),
    (
        "Spending Score (1-100)",
        [20] * 5 + [70, 80, 90, 80, 80],
        {1: "Higher spending score: average 80 vs 50 overall"},
    ),
]


@pytest.mark.parametrize(("column", "values", "expected"), NUMERIC_CASES, ids=[c[0] for c in NUMERIC_CASES])
def test_numeric_trait_sentences_use_the_data_units(
    column: str, values: list[float], expected: dict[int, str]
) -> None:
    frame = pd.DataFrame({column: np.asarray(values, dtype="float64")})
    for segment, sentence in expected.items():
        assert _sentences(frame, segment) == [sentence]


def test_categorical_and_yes_no_trait_sentences() -> None:
    frame = pd.DataFrame(
        {
            "channel": ["Store"] * 4 + ["Online"] + ["Online"] * 4 + ["Store"],
            "marketing_consent": [True] + [False] * 4 + [True] * 5,
        }
    )
    assert sorted(_sentences(frame, 1)) == [
        "Marketing consent: yes for 100% vs 60% overall",
        "Mostly Online channel: 80% vs 50% overall",
    ]
    assert "Mostly Store channel: 80% vs 50% overall" in _sentences(frame, 0)


def test_currency_only_when_the_column_name_says_so() -> None:
    values = np.asarray([35.0] * 5 + [85.0] * 5)
    assert _sentences(pd.DataFrame({"revenue_usd": values}), 1) == [
        "Spends 1.4× the average: average $85 vs $60"
    ]
    assert _sentences(pd.DataFrame({"revenue": values}), 1) == ["Spends 1.4× the average: average 85 vs 60"]


def test_ids_and_personal_data_never_become_traits() -> None:
    frame = pd.DataFrame(
        {
            "CustomerID": np.arange(10, dtype="float64"),  # differs by segment, yet an id
            "email": [f"c{i}@example.com" for i in range(10)],
            "phone": ["555"] * 5 + ["777"] * 5,
            "last_name": ["Smith"] * 5 + ["Jones"] * 5,
            "age": [55.0] * 5 + [25.0] * 5,
        }
    )
    personas = describe_segments(frame, TWO_SEGMENTS, features=["age"])
    for persona in personas:
        assert [t.feature for t in persona.traits] == ["age"]


def test_traits_are_ranked_capped_and_skip_weak_differences() -> None:
    rng = np.random.default_rng(3)
    labels = np.repeat([0, 1], 200)
    frame = pd.DataFrame(
        {
            "recency_days": np.where(labels == 1, 10.0, 100.0) + rng.normal(0, 5, 400),
            "tenure_days": np.where(labels == 1, 200.0, 400.0) + rng.normal(0, 60, 400),
            "noise": rng.normal(0, 1, 400),
        }
    )
    traits = _persona(describe_segments(frame, labels, features=list(frame.columns)), 1).traits
    assert [t.feature for t in traits] == ["recency_days", "tenure_days"]
    assert abs(traits[0].effect) > abs(traits[1].effect) >= 0.2


def _rfm_table() -> tuple[pd.DataFrame, np.ndarray]:
    """Four planted profiles of 40 customers each: VIP, gone quiet, new, low value."""
    rng = np.random.default_rng(7)
    columns = ("recency_days", "frequency", "monetary", "tenure_days")
    profiles = {
        0: (10, 5, 3000, 600),  # recent big spenders
        1: (300, 5, 2500, 700),  # big spenders gone quiet
        2: (15, 1, 300, 20),  # new
        3: (200, 3, 100, 500),  # low everything
    }
    labels = np.repeat(list(profiles), 40)
    values = {
        column: np.concatenate(
            [np.full(40, float(p[c])) * rng.uniform(0.9, 1.1, 40) for p in profiles.values()]
        )
        for c, column in enumerate(columns)
    }
    frame = pd.DataFrame({"customer_id": [f"C{i:03d}" for i in range(160)], **values})
    return frame, labels


RFM_FEATURES = ["recency_days", "frequency", "monetary", "tenure_days"]


def test_actions_for_planted_rfm_profiles() -> None:
    frame, labels = _rfm_table()
    personas = describe_segments(
        frame, labels, features=RFM_FEATURES, money_col="monetary", id_col="customer_id"
    )
    actions = {p.segment: p.action for p in personas}
    assert actions[0].startswith("VIP / loyalty programme")
    assert actions[1].startswith("Win-back")
    assert actions[2].startswith("Onboarding series")
    assert actions[3].startswith("Low-cost reactivation or suppress")
    vip = _persona(personas, 0)
    assert "Last purchase" in vip.action_reason and "Spends" in vip.action_reason
    assert vip.name == "Recent big spenders"
    # bought as often as most but long ago: at risk, not lapsed (lapsed needs frequency not above)
    assert _persona(personas, 1).name.startswith("At-risk")
    assert _persona(personas, 2).name.startswith("New")


def test_names_are_unique_and_never_generic() -> None:
    frame, labels = _rfm_table()
    # Segments 4 and 5 are copies of profile 0, so their traits (and first-choice names) clash.
    doubled = pd.concat([frame, frame.iloc[:80]], ignore_index=True)
    doubled_labels = np.concatenate([labels, np.repeat([4, 5], 40)])
    names = [p.name for p in describe_segments(doubled, doubled_labels, features=RFM_FEATURES)]
    assert len(set(names)) == len(names)
    assert not any(name.lower().startswith(("cluster", "segment")) for name in names)


def test_unassigned_customers_get_no_invented_traits() -> None:
    frame, labels = _rfm_table()
    labels = labels.copy()
    labels[::10] = -1
    personas = describe_segments(frame, labels, features=RFM_FEATURES)
    assert personas[-1].segment == -1
    unassigned = personas[-1]
    assert unassigned.name == "Unassigned"
    assert unassigned.traits == () and unassigned.rule == "" and unassigned.rule_fidelity is None
    assert unassigned.size == 16
    assert all(p.name != "Unassigned" for p in personas[:-1])


def test_rule_fidelity_is_100_percent_on_a_separable_set() -> None:
    frame, labels = _rfm_table()
    personas = describe_segments(frame, labels, features=RFM_FEATURES)
    for persona in personas:
        assert persona.rule_fidelity == pytest.approx(1.0)
        assert persona.rule_precision == pytest.approx(1.0) and persona.rule_coverage == pytest.approx(1.0)
        assert 1 <= persona.rule.count(" and ") + 1 <= 3
    rules = surrogate_rules(frame, labels, features=RFM_FEATURES)
    # Only recency separates segment 1 (270-330 days) from the rest (at most 220 days); the
    # roundest number between the two is 250.
    assert rules[1].text == "recency_days > 250"
    assert rules[1].conditions[0].value == 250.0


def test_rule_on_a_categorical_feature_reads_as_a_level() -> None:
    frame = pd.DataFrame({"channel": ["Store"] * 5 + ["Online"] * 5, "age": np.arange(10.0)})
    rules = surrogate_rules(frame, TWO_SEGMENTS, features=["channel"])
    assert rules[1].text == "channel is Online"
    assert rules[1].fidelity == pytest.approx(1.0)


def test_shares_revenue_categories_and_rfm_mix() -> None:
    frame, labels = _rfm_table()
    frame = frame.assign(
        share_Books=np.where(labels == 0, 0.7, 0.2),
        share_Toys=np.where(labels == 0, 0.3, 0.8),
        rfm_segment=np.where(labels == 0, "Champions", np.where(labels == 1, "At risk", "Hibernating")),
    )
    personas = describe_segments(frame, labels, features=RFM_FEATURES, money_col="monetary")
    assert sum(p.share for p in personas) == pytest.approx(1.0)
    assert sum(p.revenue_share or 0.0 for p in personas) == pytest.approx(1.0)
    expected_revenue = frame["monetary"][labels == 0].sum() / frame["monetary"].sum()
    assert _persona(personas, 0).revenue_share == pytest.approx(expected_revenue)
    assert _persona(personas, 0).top_categories == (
        ("Books", pytest.approx(0.7)),
        ("Toys", pytest.approx(0.3)),
    )
    assert _persona(personas, 1).rfm_mix == (("At risk", 1.0),)
    assert all(p.revenue_share is None for p in describe_segments(frame, labels, features=RFM_FEATURES))


def test_invalid_inputs_raise_clear_errors() -> None:
    frame, labels = _rfm_table()
    with pytest.raises(ParameterError, match="159 segment labels for 160 customers"):
        describe_segments(frame, labels[:-1], features=RFM_FEATURES)
    with pytest.raises(ColumnError, match="'spend'"):
        describe_segments(frame, labels, features=["spend"])
    with pytest.raises(ColumnError, match="holds text"):
        describe_segments(frame, labels, features=RFM_FEATURES, money_col="customer_id")
    with pytest.raises(ParameterError, match="whole numbers"):
        describe_segments(frame, labels + 0.5, features=RFM_FEATURES)
    with pytest.raises(ParameterError):
        project_2d(frame, labels[:3], features=RFM_FEATURES)


def test_inputs_are_not_mutated_and_results_are_deterministic() -> None:
    frame, labels = _rfm_table()
    frame_before, labels_before = frame.copy(deep=True), labels.copy()
    first = describe_segments(frame, labels, features=RFM_FEATURES, money_col="monetary", seed=1)
    second = describe_segments(frame, labels, features=RFM_FEATURES, money_col="monetary", seed=1)
    pd.testing.assert_frame_equal(frame, frame_before)
    np.testing.assert_array_equal(labels, labels_before)
    assert first == second
    assert pickle.loads(pickle.dumps(first)) == first


def test_personas_to_dict_is_json_ready_and_keeps_edits() -> None:
    frame, labels = _rfm_table()
    personas = describe_segments(frame, labels, features=RFM_FEATURES, money_col="monetary")
    exported = personas_to_dict(personas, names={0: "Our VIPs"}, actions={1: "Call them"})
    decoded = json.loads(json.dumps(exported))
    by_segment = {s["segment"]: s for s in decoded["segments"]}
    assert by_segment[0]["name"] == "Our VIPs" and by_segment[0]["action_suggested"] is True
    assert by_segment[1]["action"] == "Call them" and by_segment[1]["action_suggested"] is False
    assert by_segment[2]["name"] == _persona(personas, 2).name
    assert by_segment[0]["traits"] == [t.sentence for t in _persona(personas, 0).traits]


def test_profile_matrix_signs_follow_the_planted_profiles() -> None:
    frame, labels = _rfm_table()
    frame = frame.assign(channel=np.where(labels == 2, "Online", "Store"))
    matrix = segment_profile_matrix(frame, labels, features=[*RFM_FEATURES, "channel"])
    assert list(matrix.index) == [0, 1, 2, 3]
    recency, monetary = matrix["recency_days"].to_numpy(), matrix["monetary"].to_numpy()
    assert recency[0] < 0 < recency[1]
    assert monetary[0] > 0 > monetary[3]
    assert matrix["channel: Online"].to_numpy()[2] > 1


def test_projection_samples_at_scale_and_keeps_segments() -> None:
    frame, labels = _rfm_table()
    projection = project_2d(frame, labels, features=RFM_FEATURES, max_points=50, seed=3)
    assert projection.sampled and projection.n_total == 160 and len(projection.frame) == 50
    assert list(projection.frame.columns) == ["x", "y", "segment", "row"]
    np.testing.assert_array_equal(projection.frame["segment"], labels[projection.frame["row"]])
    assert 0.5 < sum(projection.explained_variance) <= 1.0 + 1e-9
    full = project_2d(frame, labels, features=RFM_FEATURES)
    assert not full.sampled and len(full.frame) == 160


def test_names_from_customer_attributes_and_categorical_majorities() -> None:
    rng = np.random.default_rng(5)
    labels = np.repeat([0, 1, 2], 50)
    frame = pd.DataFrame(
        {
            "CustomerID": np.arange(150),
            "Age": rng.uniform(20, 60, 150),
            "Annual Income (k$)": np.concatenate([rng.uniform(80, 120, 100), rng.uniform(20, 40, 50)]),
            "Spending Score (1-100)": np.concatenate([rng.uniform(70, 95, 50), rng.uniform(5, 30, 100)]),
            "channel": np.where(labels == 2, "Store", rng.choice(["Online", "Store"], 150)),
        }
    )
    names = {p.segment: p.name for p in describe_segments(frame, labels, features=list(frame.columns[1:4]))}
    # a spending score is not money: no "spenders" without a money column
    assert names[0] == "High-income, high spending-score customers"
    assert names[1] == "High-income, low spending-score customers"
    assert names[2] == "Low-income, low spending-score customers"
    same_spending = frame.assign(**{"Spending Score (1-100)": rng.uniform(5, 95, 150)})
    by_channel = describe_segments(same_spending, labels, features=["Annual Income (k$)"])
    assert by_channel[2].name == "Low-income customers, mostly Store"
    young = frame.assign(Age=np.where(labels == 0, 25.0, 50.0) + rng.uniform(-5, 5, 150))
    young_names = describe_segments(young, labels, features=["Age", "Spending Score (1-100)"])
    assert young_names[0].name == "Young, high spending-score customers"


def test_unassigned_only_and_single_segment() -> None:
    frame, _ = _rfm_table()
    only_noise = describe_segments(frame, np.full(160, -1), features=RFM_FEATURES)
    assert [(p.segment, p.name, p.share) for p in only_noise] == [(-1, "Unassigned", 1.0)]
    (single,) = describe_segments(frame, np.zeros(160, dtype=int), features=RFM_FEATURES)
    assert single.name == "Typical customers" and single.traits == () and single.rule == ""


def test_guess_money_column() -> None:
    assert guess_money_column(pd.DataFrame({"revenue_usd": [1.0], "monetary": [2.0]})) == "monetary"
    assert guess_money_column(pd.DataFrame({"age": [1.0], "total_spend": [2.0]})) == "total_spend"
    frame = pd.DataFrame(
        {"Annual Income (k$)": [1.0], "Spending Score (1-100)": [2.0], "returns_value": [3.0]}
    )
    assert guess_money_column(frame) is None


def test_projection_of_a_constant_feature_is_flat() -> None:
    frame = pd.DataFrame({"constant": np.ones(20)})
    projection = project_2d(frame, np.repeat([0, 1], 10), features=["constant"])
    assert projection.explained_variance == (0.0, 0.0)
    assert (projection.frame[["x", "y"]].to_numpy() == 0).all()
