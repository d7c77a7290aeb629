"""The audience builder's conditions (segmentation/campaigns/conditions.py): known counts on a small table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation import (
    AudienceQuery,
    CampaignSpec,
    ColumnError,
    Condition,
    ConditionGroup,
    ContactColumns,
    ParameterError,
    build_audience,
    build_manifest,
    column_kind,
    count_after_each,
    describe_query,
    export_csv,
    query_mask,
    with_segments,
)


@pytest.fixture
def customers() -> pd.DataFrame:
    # Read as text on purpose: conditions must read numbers, dates and yes/no from a file's text.
    return pd.DataFrame(
        {
            "id": ["1", "2", "3", "4", "5", "6"],
            "country": ["DE", " de ", "FR", "US", "", "FR"],
            "monetary": ["120", "600.5", "80", "1000", "abc", ""],
            "last_order": ["2024-03-20", "2024-01-05", "2024-03-30", "", "2023-12-31", "2024-03-01"],
            "vip": ["yes", "no", "ja", "nein", "", "yes"],
            "segment_name": ["Loyal", "Loyal", "New", "New", "Lapsed", "Loyal"],
        }
    )


def _one(column: str, operator: str, value: object = None) -> AudienceQuery:
    return AudienceQuery((ConditionGroup((Condition(column, operator, value),)),))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("column", "operator", "value", "expected"),
    [
        ("monetary", "gt", 100, [1, 2, 4]),
        ("monetary", "ge", 600.5, [2, 4]),
        ("monetary", "lt", 100, [3]),
        ("monetary", "le", 120, [1, 3]),
        ("monetary", "eq", 600.5, [2]),
        ("monetary", "between", (80, 600.5), [1, 2, 3]),
        ("country", "is", "de", [1, 2]),
        ("country", "is_not", "DE", [3, 4, 5, 6]),  # empty cells are "not DE", as the simple filters say
        ("country", "contains", "F", [3, 6]),
        ("country", "one_of", ("DE", "US"), [1, 2, 4]),
        ("last_order", "before", "2024-03-01", [2, 5]),
        ("last_order", "after", "2024-03-01", [1, 3]),
        ("last_order", "within_days", 10, [3]),  # as_of 2024-03-31: from 2024-03-21 on (id 1 is 03-20)
        ("vip", "is_yes", None, [1, 3, 6]),
        ("vip", "is_no", None, [2, 4]),
        ("vip", "missing", None, [5]),
        ("monetary", "missing", None, [6]),
        ("country", "not_missing", None, [1, 2, 3, 4, 6]),
    ],
)
def test_each_operator_has_its_known_answer(
    customers: pd.DataFrame, column: str, operator: str, value: object, expected: list[int]
) -> None:
    query = AudienceQuery(_one(column, operator, value).groups, as_of="2024-03-31")
    matched = customers["id"][query_mask(customers, query)].astype(int).tolist()
    assert matched == expected


def test_groups_combine_with_and_or(customers: pd.DataFrame) -> None:
    loyal = ConditionGroup((Condition("segment_name", "is", "Loyal"),))
    recent_or_big = ConditionGroup(
        (Condition("last_order", "within_days", 30), Condition("monetary", "gt", 500)), match="any"
    )
    query = AudienceQuery((loyal, recent_or_big), combine="all", as_of="2024-03-31")
    # Loyal: 1, 2, 6. Recent (since 03-01): 1, 3, 6; big: 2, 4. Both: 1, 2, 6.
    assert customers["id"][query_mask(customers, query)].tolist() == ["1", "2", "6"]
    either = AudienceQuery((loyal, recent_or_big), combine="any", as_of="2024-03-31")
    assert customers["id"][query_mask(customers, either)].tolist() == ["1", "2", "3", "4", "6"]
    counts = count_after_each(customers, query)
    assert counts.after_condition == ((3,), (3, 5))
    assert counts.group == (3, 5)
    assert counts.after_group == (3, 3)
    assert counts.total == 3
    assert counts.n_customers == 6
    assert (
        describe_query(query, labels={"segment_name": "Segment", "monetary": "spent"})
        == "Customers in Loyal AND "
        "(last_order is within the last 30 days OR spent is more than 500)"
    )


def test_an_empty_query_or_group_keeps_everyone(customers: pd.DataFrame) -> None:
    assert query_mask(customers, AudienceQuery()).all()
    query = AudienceQuery(
        (ConditionGroup(), ConditionGroup((Condition("country", "is", "FR"),))), combine="any"
    )
    assert query_mask(customers, query).sum() == 2  # the empty group does not let everyone in under OR
    assert count_after_each(customers, query).after_group == (6, 2)
    assert describe_query(AudienceQuery()) == "All customers"


def test_json_round_trip_keeps_the_query() -> None:
    query = AudienceQuery(
        (
            ConditionGroup((Condition("segment_name", "one_of", ("A", "B")),)),
            ConditionGroup(
                (Condition("monetary", "between", (10.0, 50.0)), Condition("vip", "is_yes")), "any"
            ),
        ),
        combine="all",
        as_of="2024-03-31",
    )
    assert AudienceQuery.from_json(query.to_json()) == query


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            '{"groups": [{"conditions": [{"column": "monetary", "operator": "gt", "value": "lots"}]}]}',
            "'lots'",
        ),
        (
            '{"groups": [{"conditions": [{"column": "monetary", "operator": "bigger", "value": 1}]}]}',
            "bigger",
        ),
        ('{"groups": [{"conditions": [{"column": "x", "operator": "between", "value": [5, 1]}]}]}', "swap"),
        ('{"groups": [{"conditions": [{"column": "d", "operator": "before", "value": "31/12"}]}]}', "31/12"),
        ('{"combine": "both", "groups": []}', "'both'"),
        ("not json", "not valid JSON"),
    ],
)
def test_bad_queries_say_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(ParameterError, match=words):
        AudienceQuery.from_json(text)


def test_an_unknown_column_is_named(customers: pd.DataFrame) -> None:
    with pytest.raises(ColumnError, match="'spend'"):
        query_mask(customers, _one("spend", "gt", 1))


def test_column_kinds_are_read_from_text(customers: pd.DataFrame) -> None:
    kinds = {c: column_kind(customers[c]) for c in ("monetary", "vip", "segment_name", "id")}
    # "abc" makes one of five values unreadable: under 90% numbers, so the column is offered as a category.
    assert kinds == {"monetary": "category", "vip": "yes/no", "segment_name": "category", "id": "number"}
    assert column_kind(customers["monetary"].replace("abc", "")) == "number"
    dates = pd.Series([f"2024-01-{d:02d}" for d in range(1, 29)] * 3, dtype="object")
    dates = pd.concat([dates, pd.Series([f"2023-{m:02d}-01" for m in range(1, 13)])], ignore_index=True)
    assert column_kind(dates) == "date"
    assert column_kind(pd.Series([f"note {i}" for i in range(200)])) == "text"


def test_the_query_narrows_the_campaign_list_and_consent_still_applies(customers: pd.DataFrame) -> None:
    frame = with_segments(
        customers.assign(consent=["yes", "yes", "yes", "no", "yes", "yes"]), [0] * 6, {0: "All"}
    )
    query = AudienceQuery(
        (ConditionGroup((Condition("country", "one_of", ("DE", "US")),)),), as_of="2024-03-31"
    )
    spec = CampaignSpec(
        name="q", consent_col="consent", consent_polarity="opt-in", control_share=0.0, query=query
    )
    audience = build_audience(frame, spec, contacts=ContactColumns(customer_id="id"))
    # DE/US: 1, 2, 4; id 4 said no to marketing.
    assert audience.frame["id"].tolist() == ["1", "2"]
    rules = {r.rule: r.removed for r in audience.rules}
    assert rules["audience: Customers where country is one of DE or US"] == 3
    assert rules["no marketing consent"] == 1
    manifest = build_manifest(
        audience, source_sha256="0" * 64, created_at=pd.Timestamp("2024-04-01").to_pydatetime(),
        source_name="t.csv", file_name="t.csv", file_format="csv",
    )  # fmt: skip
    assert AudienceQuery.from_dict(manifest["audience"]) == query
    assert manifest["audience"]["description"] == "Customers where country is one of DE or US"


def test_formula_like_values_stay_safe_in_the_export() -> None:
    hostile = '=HYPERLINK("http://x","y")'
    frame = with_segments(
        pd.DataFrame({"id": ["1", "2"], "note": [hostile, "fine"], "consent": ["yes", "yes"]}),
        [0, 0],
        {0: "All"},
    )
    query = AudienceQuery((ConditionGroup((Condition("note", "is", hostile),)),))
    spec = CampaignSpec(name="q", consent_col="consent", consent_polarity="opt-in", control_share=0.0,
                        columns=("note",), query=query)  # fmt: skip
    audience = build_audience(frame, spec, contacts=ContactColumns(customer_id="id"))
    assert audience.frame["id"].tolist() == ["1"]
    text = export_csv(audience.frame).decode("utf-8")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_a_million_rows_evaluate_in_one_pass() -> None:
    # Vectorised: one read per column, whatever the number of conditions on it (no timing asserted here).
    rng = np.random.default_rng(0)
    n = 200_000
    frame = pd.DataFrame({"spend": rng.gamma(2.0, 100.0, n), "country": rng.choice(["DE", "FR", "US"], n)})
    query = AudienceQuery(
        (
            ConditionGroup((Condition("spend", "gt", 100), Condition("spend", "lt", 300))),
            ConditionGroup((Condition("country", "is", "DE"), Condition("country", "is", "FR")), "any"),
        )
    )
    expected = (frame["spend"] > 100) & (frame["spend"] < 300) & frame["country"].isin(["DE", "FR"])
    assert (query_mask(frame, query) == expected.to_numpy()).all()


def test_boolean_columns_answer_yes_no_and_missing() -> None:
    frame = pd.DataFrame({"vip": pd.array([True, False, None, True], dtype="boolean")})
    assert query_mask(frame, _one("vip", "is_yes")).tolist() == [True, False, False, True]
    assert query_mask(frame, _one("vip", "is_no")).tolist() == [False, True, False, False]
    assert query_mask(frame, _one("vip", "missing")).tolist() == [False, False, True, False]
    assert column_kind(frame["vip"]) == "yes/no"
