"""Customer features and RFM from transactions, checked against hand-computed values."""

from __future__ import annotations

import pickle
from datetime import date

import numpy as np
import pandas as pd
import pytest

from segmentation.customers.features import (
    RFM_SEGMENT_RULES,
    RfmCutPoints,
    build_customer_features,
    default_cut_points,
    detect_transaction_columns,
    rfm_scores,
    rfm_segment,
    rfm_segment_grid,
    rfm_segment_table,
)
from segmentation.customers.transactions import TransactionColumns
from segmentation.errors import ColumnError, ParameterError
from segmentation.profiling.table_profile import Role, coerce_table, infer_roles

SEGMENT_NAMES = {
    "Champions",
    "Loyal Customers",
    "Potential Loyalist",
    "New Customers",
    "Promising",
    "Need Attention",
    "About to Sleep",
    "At Risk",
    "Can't Lose Them",
    "Hibernating",
    "Lost",
}

# (customer, date, order, item, category, amount). As of 2024-01-11.
LINES = [
    ("A", "2024-01-01", "O1", "apple", "fruit", "10"),
    ("A", "2024-01-01", "O1", "pear", "fruit", "20"),
    ("A", "2024-01-05", "O2", "bread", "bakery", "30"),
    ("A", "2024-01-10", "O3", "apple", "fruit", "40"),
    ("A", "2024-01-10", "R1", "apple", "fruit", "-15"),  # a return
    ("B", "2024-01-02", "O4", "bread", "bakery", "100"),
    ("C", "2024-01-03", "O5", "milk", "dairy", "5"),
    ("C", "2024-01-09", "O6", "milk", "dairy", "5"),
    ("D", "2024-01-08", "O7", "apple", "fruit", "50"),
    ("D", "2024-01-08", "O8", "bread", "bakery", "25"),  # second order, same day
    ("E", "2024-01-04", "X1", "milk", "dairy", "-10"),  # only a return
    ("F", "2024-01-06", "O9", "pear", "fruit", "60"),
]
COLUMNS = TransactionColumns(
    customer="customer", date="date", amount="amount", order="order", item="item", category="category"
)


def raw_lines() -> pd.DataFrame:
    frame = pd.DataFrame(LINES, columns=["customer", "date", "order", "item", "category", "amount"])
    return frame.astype("str")


@pytest.fixture
def hand_example() -> pd.DataFrame:
    return build_customer_features(raw_lines(), columns=COLUMNS, as_of="2024-01-11", top_categories=2).frame


def test_hand_computed_features(hand_example: pd.DataFrame) -> None:
    frame = hand_example.set_index("customer")
    assert frame.index.tolist() == ["A", "B", "C", "D", "F"]  # E bought nothing
    expected = pd.DataFrame(
        {
            "recency_days": [1, 9, 2, 3, 5],
            "frequency": [3, 1, 2, 2, 1],
            "monetary": [100, 100, 10, 75, 60],
            "avg_order_value": [100 / 3, 100, 5, 37.5, 60],
            "tenure_days": [10, 9, 8, 3, 5],
            "mean_days_between_purchases": [4.5, np.nan, 6, np.nan, np.nan],
            "distinct_items": [3, 1, 1, 2, 1],
            "returns_count": [1, 0, 0, 0, 0],
            "returns_value": [15, 0, 0, 0, 0],
            # total spend: fruit 180, bakery 155, dairy 10 → top two, then other
            "share_fruit": [0.7, 0, 0, 50 / 75, 1],
            "share_bakery": [0.3, 1, 0, 25 / 75, 0],
            "share_other": [0, 0, 1, 0, 0],
        },
        index=pd.Index(["A", "B", "C", "D", "F"], name="customer"),
    ).astype("float64")
    pd.testing.assert_frame_equal(frame[expected.columns], expected, check_exact=False, rtol=1e-12)


def test_hand_computed_rfm(hand_example: pd.DataFrame) -> None:
    frame = hand_example.set_index("customer")
    # Five customers → each quintile holds one. Ties (F: B and F at 1, C and D at 2; M: A and
    # B at 100) go by row order, the later row ranking higher.
    assert frame["r_score"].tolist() == [5, 1, 4, 3, 2]
    assert frame["f_score"].tolist() == [5, 1, 3, 4, 2]
    assert frame["m_score"].tolist() == [4, 5, 1, 3, 2]
    assert frame["rfm_score"].tolist() == ["554", "115", "431", "343", "222"]
    # FM = (F + M) / 2 rounded half up: A 4.5→5, B 3, C 2, D 3.5→4, F 2
    assert frame["rfm_segment"].tolist() == [
        "Champions",
        "At Risk",
        "Potential Loyalist",
        "Loyal Customers",
        "Hibernating",
    ]


def test_output_column_order(hand_example: pd.DataFrame) -> None:
    assert hand_example.columns.tolist() == [
        "customer",
        "recency_days",
        "frequency",
        "monetary",
        "avg_order_value",
        "tenure_days",
        "mean_days_between_purchases",
        "distinct_items",
        "returns_count",
        "returns_value",
        "share_fruit",
        "share_bakery",
        "share_other",
        "r_score",
        "f_score",
        "m_score",
        "rfm_score",
        "rfm_segment",
    ]


def test_returns_counted_and_notes() -> None:
    result = build_customer_features(raw_lines(), columns=COLUMNS, as_of=date(2024, 1, 11))
    assert result.n_returns == 2
    assert result.returns_value == 25.0
    assert result.n_lines == len(LINES)
    assert result.as_of == date(2024, 1, 11)
    assert "Left out 1 customer whose only lines are returns or cancellations." in result.notes
    pickle.loads(pickle.dumps(result))


def test_default_as_of_is_day_after_last_purchase() -> None:
    result = build_customer_features(raw_lines(), columns=COLUMNS)
    assert result.as_of == date(2024, 1, 11)
    assert result.frame.set_index("customer").loc["A", "recency_days"] == 1


def test_lines_after_as_of_are_left_out() -> None:
    result = build_customer_features(raw_lines(), columns=COLUMNS, as_of="2024-01-07")
    frame = result.frame.set_index("customer")
    assert frame.loc["A", "frequency"] == 2 and frame.loc["A", "monetary"] == 60
    assert "C" in frame.index and frame.loc["C", "frequency"] == 1
    assert "D" not in frame.index  # bought only on 01-08
    assert "Left out 5 lines dated after the as-of date." in result.notes  # A ×2, C, D ×2


def test_raw_and_typed_input_give_same_features() -> None:
    raw = raw_lines()
    roles = {
        "customer": Role.CUSTOMER_ID,
        "date": Role.DATE,
        "order": Role.ORDER_ID,
        "item": Role.ITEM,
        "category": Role.CATEGORY,
        "amount": Role.AMOUNT,
    }
    typed = coerce_table(raw, roles)
    assert pd.api.types.is_datetime64_any_dtype(typed["date"]) and typed["amount"].dtype == "float64"
    from_raw = build_customer_features(raw, columns=COLUMNS, as_of="2024-01-11").frame
    from_typed = build_customer_features(typed, columns=COLUMNS, as_of="2024-01-11").frame
    pd.testing.assert_frame_equal(from_raw, from_typed)


def test_quantity_times_price_and_negative_quantity_returns() -> None:
    frame = pd.DataFrame(
        {
            "cid": ["1", "1", "2", "1"],
            "when": ["05/01/2024", "20/01/2024", "20/01/2024", "21/01/2024"],  # day-first
            "qty": ["2", "1", "3", "-1"],
            "price": ["1,50", "10", "2", "10"],  # decimal comma
        },
        dtype="str",
    )
    columns = TransactionColumns(customer="cid", date="when", quantity="qty", price="price")
    result = build_customer_features(frame, columns=columns, decimal=",")
    out = result.frame.set_index("cid")
    assert result.as_of == date(2024, 1, 22)
    assert out.loc["1", "monetary"] == 13.0  # 2 × 1.50 + 1 × 10
    assert out.loc["1", "returns_value"] == 10.0 and out.loc["1", "returns_count"] == 1
    assert out.loc["2", "monetary"] == 6.0
    assert out.loc["1", "recency_days"] == 2 and out.loc["1", "tenure_days"] == 17


def test_without_order_id_frequency_counts_purchase_days() -> None:
    columns = TransactionColumns(customer="customer", date="date", amount="amount")
    frame = build_customer_features(raw_lines(), columns=columns, as_of="2024-01-11").frame.set_index(
        "customer"
    )
    assert frame["frequency"].to_dict() == {"A": 3.0, "B": 1.0, "C": 2.0, "D": 1.0, "F": 1.0}
    assert frame.loc["D", "avg_order_value"] == 75.0
    assert "distinct_items" not in frame.columns


def test_file_without_money_counts_items() -> None:
    frame = pd.DataFrame(
        {
            "Member_number": ["1808", "1808", "2552"],
            "Date": ["21-07-2015", "22-07-2015", "21-07-2015"],
            "itemDescription": ["milk", "bread", "milk"],
        },
        dtype="str",
    )
    columns = detect_transaction_columns(frame, infer_roles(frame))
    assert columns == TransactionColumns(customer="Member_number", date="Date", item="itemDescription")
    result = build_customer_features(frame, columns=columns)
    assert result.frame.set_index("Member_number")["items_bought"].to_dict() == {"1808": 2.0, "2552": 1.0}
    assert "monetary" not in result.frame.columns and "avg_order_value" not in result.frame.columns
    assert not result.monetary_is_money
    assert any("counts the lines" in note for note in result.notes)


def test_rank_tie_breaking_spreads_scores_evenly() -> None:
    frame = pd.DataFrame({"recency_days": [5.0] * 10, "frequency": [1.0] * 10, "monetary": [20.0] * 10})
    scores = rfm_scores(frame)
    for column in ("r_score", "f_score", "m_score"):
        assert sorted(scores[column].tolist()) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert scores["f_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]  # row order breaks the tie


def test_editable_cut_points() -> None:
    cuts = RfmCutPoints(recency=(1, 2, 5, 9), frequency=(1, 2, 3, 4), monetary=(10, 50, 75, 100))
    result = build_customer_features(raw_lines(), columns=COLUMNS, as_of="2024-01-11", cut_points=cuts)
    frame = result.frame.set_index("customer")
    # recency 1,9,2,3,5; frequency 3,1,2,2,1; monetary 100,100,10,75,60
    assert frame["r_score"].tolist() == [5, 2, 4, 3, 3]
    assert frame["f_score"].tolist() == [3, 1, 2, 2, 1]
    assert frame["m_score"].tolist() == [4, 4, 1, 3, 3]
    assert result.cut_points == cuts and not result.rank_based


def test_default_cut_points_are_quintiles() -> None:
    frame = pd.DataFrame(
        {
            "recency_days": np.arange(1, 11.0),
            "frequency": np.arange(1, 11.0),
            "monetary": np.arange(10, 110.0, 10),
        }
    )
    cuts = default_cut_points(frame)
    assert cuts.frequency == (2.0, 4.0, 6.0, 8.0)
    assert cuts.monetary == (20.0, 40.0, 60.0, 80.0)
    assert rfm_scores(frame, cut_points=cuts)["f_score"].tolist() == rfm_scores(frame)["f_score"].tolist()


def test_cut_points_must_ascend() -> None:
    with pytest.raises(ParameterError, match="ascending"):
        RfmCutPoints(recency=(9, 5, 2, 1), frequency=(1, 2, 3, 4), monetary=(1, 2, 3, 4))


def test_every_score_pair_has_exactly_one_segment() -> None:
    for r in range(1, 6):
        for fm in range(1, 6):
            matching = {rule.name for rule in RFM_SEGMENT_RULES if rule.matches(r, fm)}
            blocks = [rule for rule in RFM_SEGMENT_RULES if rule.matches(r, fm)]
            assert len(blocks) == 1, (r, fm, matching)
    assert {rule.name for rule in RFM_SEGMENT_RULES} == SEGMENT_NAMES
    assert rfm_segment(np.array([5, 1]), np.array([5, 1]), np.array([5, 1])).tolist() == ["Champions", "Lost"]


def test_segment_tables_for_display() -> None:
    table = rfm_segment_table()
    assert table["Segment"].tolist()[0] == "Champions" and set(table["Segment"]) == SEGMENT_NAMES
    grid = rfm_segment_grid()
    assert grid.shape == (5, 5)
    assert grid.loc["R=5", "FM=5"] == "Champions" and grid.loc["R=1", "FM=1"] == "Lost"


def test_detect_columns_explicit_and_ambiguous() -> None:
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "order_date": ["2024-01-01"] * 3,
            "ship_date": ["2024-01-03"] * 3,
            "total": ["1", "2", "3"],
        },
        dtype="str",
    )
    roles = infer_roles(frame)
    found = detect_transaction_columns(frame, roles)
    assert (found.customer, found.date, found.amount) == ("customer_id", "order_date", "total")
    assert detect_transaction_columns(frame, roles, date="ship_date").date == "ship_date"
    roles["ship_date"], roles["order_date"] = Role.DATE, Role.DATE
    renamed = frame.rename(columns={"order_date": "created", "ship_date": "shipped"})
    renamed_roles = {
        "customer_id": Role.CUSTOMER_ID,
        "created": Role.DATE,
        "shipped": Role.DATE,
        "total": Role.AMOUNT,
    }
    with pytest.raises(
        ColumnError, match=r"purchase date\? Candidates: 'created', 'shipped'\. Pass --date-col"
    ):
        detect_transaction_columns(renamed, renamed_roles)
    with pytest.raises(ColumnError, match="'nope' is not in the transactions"):
        detect_transaction_columns(frame, roles, amount="nope")


def test_missing_customer_column_lists_candidates() -> None:
    frame = pd.DataFrame({"who": ["x", "y"], "day": ["2024-01-01", "2024-01-02"]}, dtype="str")
    with pytest.raises(ColumnError, match=r"customer id\? Candidates: 'who'\. Pass --customer-col"):
        detect_transaction_columns(frame, {"who": Role.CATEGORICAL, "day": Role.DATE})


def test_unreadable_date_column_is_an_error_with_examples() -> None:
    frame = raw_lines().assign(date=["soon"] * 7 + ["2024-01-01"] * 5)
    with pytest.raises(
        ColumnError, match=r"date column 'date' could not be read in 7 of 12 filled rows, like 'soon'"
    ):
        build_customer_features(frame, columns=COLUMNS)


def test_lines_without_id_or_date_are_dropped_and_noted() -> None:
    frame = raw_lines()
    frame.loc[0, "customer"] = None
    frame.loc[1, "date"] = "not a date"
    result = build_customer_features(frame, columns=COLUMNS, as_of="2024-01-11")
    assert result.n_lines == len(LINES) - 2
    assert "Left out 1 line with no customer id in 'customer'." in result.notes
    assert "Left out 1 line with no readable date in 'date'." in result.notes


def test_customer_attributes_joined_on_trimmed_text() -> None:
    customers = pd.DataFrame(
        {
            "customer": [" A", "B", "B", "Z"],
            "region": ["North", "South", "West", "East"],
            "monetary": ["x"] * 4,
        },
        dtype="str",
    )
    result = build_customer_features(raw_lines(), columns=COLUMNS, as_of="2024-01-11", customers=customers)
    frame = result.frame.set_index("customer")
    assert frame.loc["A", "region"] == "North" and frame.loc["B", "region"] == "South"
    assert pd.isna(frame.loc["C", "region"])
    assert "monetary (customer file)" in frame.columns and frame.loc["A", "monetary"] == 100
    assert "Z" not in frame.index
    notes = " ".join(result.notes)
    assert "Found no attributes for 3 customers: they are not in the customer file." in notes
    assert "Left out 1 customer of the customer file with no purchases" in notes
    assert "The customer file repeats some ids (1 extra row)" in notes


def test_numeric_ids_keep_leading_zeros_as_text() -> None:
    frame = raw_lines().assign(
        customer=["007", "007", "007", "007", "007", "010", "011", "011", "012", "012", "013", "014"]
    )
    out = build_customer_features(frame, columns=COLUMNS, as_of="2024-01-11").frame
    assert out["customer"].tolist() == ["007", "010", "011", "012", "014"]


def test_as_of_before_first_purchase_is_an_error() -> None:
    with pytest.raises(
        ParameterError, match=r"as-of date 2023-12-01 is before the first purchase \(2024-01-01\)"
    ):
        build_customer_features(raw_lines(), columns=COLUMNS, as_of="2023-12-01")


def test_no_returns_gives_float_zeros() -> None:
    frame = raw_lines()
    frame = frame[~frame["amount"].str.startswith("-")]
    result = build_customer_features(frame, columns=COLUMNS, as_of="2024-01-11")
    assert result.returns_value == 0.0 and result.n_returns == 0
    assert result.frame["returns_value"].dtype == "float64"
    assert result.frame["returns_value"].sum() == 0.0


def test_roles_as_plain_strings_from_the_app_session() -> None:
    roles = {"customer": "customer_id", "date": "date", "order": "order_id", "amount": "amount"}
    found = detect_transaction_columns(raw_lines(), roles)
    assert (found.customer, found.date, found.order, found.amount) == ("customer", "date", "order", "amount")
