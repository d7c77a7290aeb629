"""Column roles, number/date parsing, typing and the data-quality report."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from segmentation.profiling.table_profile import (
    ROLE_LABELS,
    Role,
    coerce_table,
    detect_table_shape,
    infer_roles,
    parse_dates,
    parse_numbers,
    profile_table,
)


def text_frame(columns: dict[str, list[object]]) -> pd.DataFrame:
    """A frame as the loader gives it: every column text, empty cells missing."""
    return pd.DataFrame({name: pd.Series(values, dtype="str") for name, values in columns.items()})


# --------------------------------------------------------------------------- roles


def test_role_labels_cover_every_role() -> None:
    assert set(ROLE_LABELS) == set(Role)
    assert all(label.strip() for label in ROLE_LABELS.values())


def test_mall_customers_headers() -> None:
    frame = text_frame(
        {
            "CustomerID": [f"{i:04d}" for i in range(1, 41)],
            "Gender": ["Male", "Female"] * 20,
            "Age": [str(18 + i) for i in range(40)],
            "Annual Income (k$)": [str(15 + 2 * i) for i in range(40)],
            "Spending Score (1-100)": [str((7 * i) % 100 + 1) for i in range(40)],
        }
    )
    assert infer_roles(frame) == {
        "CustomerID": Role.CUSTOMER_ID,
        "Gender": Role.CATEGORICAL,
        "Age": Role.NUMERIC,
        "Annual Income (k$)": Role.NUMERIC,
        "Spending Score (1-100)": Role.NUMERIC,
    }


def test_groceries_headers() -> None:
    frame = text_frame(
        {
            "Member_number": ["1808", "2552", "1808", "2300"] * 5,
            "Date": ["21-07-2015", "05-01-2015", "19-09-2015", "12-12-2015"] * 5,
            "itemDescription": ["tropical fruit", "whole milk", "pip fruit", "other vegetables"] * 5,
        }
    )
    assert infer_roles(frame) == {
        "Member_number": Role.CUSTOMER_ID,
        "Date": Role.DATE,
        "itemDescription": Role.ITEM,
    }


def test_demo_style_customer_file() -> None:
    n = 30
    frame = text_frame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "first_name": ["Ann", "Bob", "Cem"] * 10,
            "email": [f"user{i}@example.com" for i in range(n)],
            "phone": [f"+1-512-555-{i:04d}" for i in range(n)],
            "age": [str(20 + i) for i in range(n)],
            "city": ["Austin", "Boston", "Denver"] * 10,
            "signup_date": [f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)],
            "marketing_consent": ["yes", "no", "Yes"] * 10,
        }
    )
    assert infer_roles(frame) == {
        "customer_id": Role.CUSTOMER_ID,
        "first_name": Role.NAME,
        "email": Role.EMAIL,
        "phone": Role.PHONE,
        "age": Role.NUMERIC,
        "city": Role.CATEGORICAL,
        "signup_date": Role.DATE,
        "marketing_consent": Role.CONSENT,
    }


def test_chinese_headers() -> None:
    frame = text_frame(
        {
            "客户ID": ["K1", "K2", "K1", "K3"],
            "订单号": ["D1", "D2", "D3", "D4"],
            "订单日期": ["2024-01-02", "2024-01-03", "2024-01-05", "2024-02-01"],
            "商品名称": ["茶", "咖啡", "茶", "水"],
            "商品类别": ["饮料", "饮料", "饮料", "饮料"],
            "数量": ["1", "2", "1", "3"],
            "单价": ["12.5", "30", "12.5", "2"],
            "客户姓名": ["王伟", "李娜", "王伟", "张敏"],
        }
    )
    assert infer_roles(frame) == {
        "客户ID": Role.CUSTOMER_ID,
        "订单号": Role.ORDER_ID,
        "订单日期": Role.DATE,
        "商品名称": Role.ITEM,
        "商品类别": Role.CATEGORY,
        "数量": Role.QUANTITY,
        "单价": Role.PRICE,
        "客户姓名": Role.NAME,
    }


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Kundennummer", Role.CUSTOMER_ID),
        ("Betrag", Role.AMOUNT),
        ("Datum", Role.DATE),
        ("montant", Role.AMOUNT),
        ("fecha", Role.DATE),
        ("importe", Role.AMOUNT),
        ("InvoiceNo", Role.ORDER_ID),
        ("UnitPrice", Role.PRICE),
        ("Quantity", Role.QUANTITY),
    ],
)
def test_multilingual_header_hints(header: str, role: Role) -> None:
    values = (
        ["2024-01-0" + str(d) for d in range(1, 9)] if role is Role.DATE else [str(v) for v in range(1, 9)]
    )
    assert infer_roles(text_frame({header: values}))[header] is role


def test_roles_from_values_without_telling_names() -> None:
    frame = text_frame(
        {
            "col_a": [f"x{i}@shop.example.org" for i in range(12)],
            "col_b": ["2024-03-01", "2024-03-02", "2024-03-05"] * 4,
            "col_c": ["1,234.50", "12.00", "7"] * 4,
            "col_d": ["yes", "no"] * 6,
            "newsletter_ok": ["Y", "N"] * 6,
        }
    )
    assert infer_roles(frame) == {
        "col_a": Role.EMAIL,
        "col_b": Role.DATE,
        "col_c": Role.NUMERIC,
        "col_d": Role.CATEGORICAL,  # yes/no without a consent-like name is just a trait
        "newsletter_ok": Role.CONSENT,
    }


def test_native_dtypes_from_excel_or_parquet() -> None:
    frame = pd.DataFrame(
        {
            "customer_id": np.arange(10, dtype=np.int64),
            "order_date": pd.date_range("2024-01-01", periods=10),
            "revenue": np.linspace(1, 10, 10),
            "opt_in": [True, False] * 5,
            "visits": np.arange(10),
        }
    )
    assert infer_roles(frame) == {
        "customer_id": Role.CUSTOMER_ID,
        "order_date": Role.DATE,
        "revenue": Role.AMOUNT,
        "opt_in": Role.CONSENT,
        "visits": Role.NUMERIC,
    }


def test_only_one_customer_id_is_kept() -> None:
    frame = text_frame({"id": ["1", "2", "3"], "customer_no": ["A", "B", "C"]})
    roles = infer_roles(frame)
    assert [c for c, r in roles.items() if r is Role.CUSTOMER_ID] == ["customer_no"]


# --------------------------------------------------------------------------- numbers


def test_parse_numbers_formats() -> None:
    raw = [
        "$1,234.50",
        "1.234,50 €",
        "EUR 12",
        "12%",
        " 7 ",
        "−5",
        "(12.00)",
        "1 234,50",
        "12-",
        "1e3",
        None,
        "  ",
    ]
    parsed = parse_numbers(pd.Series(raw, dtype="str"))
    expected = [1234.5, 1234.5, 12.0, 12.0, 7.0, -5.0, -12.0, 1234.5, -12.0, 1000.0, np.nan, np.nan]
    np.testing.assert_allclose(parsed.values.to_numpy(), expected)
    assert parsed.n_bad == 0
    assert parsed.values.dtype == "float64"


def test_parse_numbers_decimal_comma() -> None:
    raw = pd.Series(["1.234", "1,5", "1.234.567,89", "3"], dtype="str")
    comma = parse_numbers(raw, decimal=",")
    np.testing.assert_allclose(comma.values.to_numpy(), [1234.0, 1.5, 1234567.89, 3.0])
    dot = parse_numbers(pd.Series(["1,234", "12,5"], dtype="str"), decimal=".")
    np.testing.assert_allclose(dot.values.to_numpy(), [1234.0, 12.5])


def test_parse_numbers_bad_values_counted_with_examples() -> None:
    raw = pd.Series(["10", "N/A", "12,5k", "N/A", None, "3"], dtype="str")
    parsed = parse_numbers(raw)
    assert parsed.n_bad == 3
    assert parsed.examples == ("N/A", "12,5k")  # most frequent first
    assert parsed.bad.tolist() == [False, True, True, True, False, False]
    assert parsed.values.isna().tolist() == [False, True, True, True, True, False]


def test_parse_numbers_passes_native_numbers() -> None:
    parsed = parse_numbers(pd.Series([1, 2, 3], dtype="int64"))
    assert parsed.values.tolist() == [1.0, 2.0, 3.0]
    assert parsed.n_bad == 0


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "format_name", "ambiguous", "expected"),
    [
        (["2015-07-21", "2015-01-05T10:30:00"], "ISO", False, ["2015-07-21", "2015-01-05 10:30"]),
        (["21-07-2015", "05-01-2015"], "day-first", False, ["2015-07-21", "2015-01-05"]),
        (["07/21/2015", "01/05/2015"], "month-first", False, ["2015-07-21", "2015-01-05"]),
        (["01/02/2015", "03/04/2015"], "day-first", True, ["2015-02-01", "2015-04-03"]),
        (["20150721", "20150105"], "YYYYMMDD", False, ["2015-07-21", "2015-01-05"]),
        (["1437436800", "1420416000"], "epoch seconds", False, ["2015-07-21", "2015-01-05"]),
        (["1437436800000"], "epoch milliseconds", False, ["2015-07-21"]),
        (["21.07.15 14:05", "5.1.15"], "day-first", False, ["2015-07-21 14:05", "2015-01-05"]),
    ],
)
def test_parse_dates_formats(raw: list[str], format_name: str, ambiguous: bool, expected: list[str]) -> None:
    parsed = parse_dates(pd.Series(raw, dtype="str"))
    assert parsed.format_name == format_name
    assert parsed.ambiguous is ambiguous
    assert parsed.n_bad == 0
    assert parsed.values.tolist() == [pd.Timestamp(e) for e in expected]


def test_parse_dates_numeric_columns() -> None:
    compact = parse_dates(pd.Series([20150721, 20150105]))
    assert compact.format_name == "YYYYMMDD"
    assert compact.values.tolist() == [pd.Timestamp("2015-07-21"), pd.Timestamp("2015-01-05")]
    epoch = parse_dates(pd.Series([1437436800.0, np.nan]))
    assert epoch.format_name == "epoch seconds"
    assert epoch.values.iloc[0] == pd.Timestamp("2015-07-21")
    assert pd.isna(epoch.values.iloc[1]) and epoch.n_bad == 0


def test_parse_dates_bad_values() -> None:
    parsed = parse_dates(pd.Series(["2024-01-31", "2024-02-30", "soon", None, "soon"], dtype="str"))
    assert parsed.n_bad == 3
    assert parsed.examples == ("soon", "2024-02-30")
    assert parsed.values.iloc[0] == pd.Timestamp("2024-01-31")


# --------------------------------------------------------------------------- typing


def test_coerce_table_types_and_keeps_ids_and_input() -> None:
    frame = text_frame(
        {
            "customer_id": ["007", "008 ", "009"],
            "amount": ["1,000.50", "N/A", "3"],
            "day": ["2024-01-01", "2024-01-02", None],
            "consent": ["yes", "no", None],
        }
    )
    before = frame.copy()
    roles = {
        "customer_id": Role.CUSTOMER_ID,
        "amount": Role.AMOUNT,
        "day": Role.DATE,
        "consent": Role.CONSENT,
    }
    typed = coerce_table(frame, roles)
    pd.testing.assert_frame_equal(frame, before)
    assert typed["customer_id"].tolist() == ["007", "008", "009"]
    assert typed["amount"].dtype == "float64"
    assert typed["amount"].iloc[0] == 1000.5 and pd.isna(typed["amount"].iloc[1])
    assert pd.api.types.is_datetime64_any_dtype(typed["day"])
    assert typed["consent"].dtype == "boolean"
    assert typed["consent"].tolist()[:2] == [True, False] and pd.isna(typed["consent"].iloc[2])


def test_coerce_table_whole_number_float_ids_lose_decimal() -> None:
    typed = coerce_table(pd.DataFrame({"id": [1808.0, 2552.0, np.nan]}), {"id": Role.CUSTOMER_ID})
    assert typed["id"].iloc[:2].tolist() == ["1808", "2552"]
    assert pd.isna(typed["id"].iloc[2])


# --------------------------------------------------------------------------- shape and quality


def test_detect_table_shape() -> None:
    transactions = text_frame({"cid": ["a", "a", "b", "b"], "date": ["2024-01-01"] * 4})
    roles = {"cid": Role.CUSTOMER_ID, "date": Role.DATE}
    assert detect_table_shape(transactions, roles).shape == "transactions"
    customers = text_frame({"cid": ["a", "b", "c", "d"], "date": ["2024-01-01"] * 4})
    guess = detect_table_shape(customers, roles)
    assert guess.shape == "customers" and "'cid'" in guess.reason


def issues_by_kind(
    frame: pd.DataFrame, roles: dict[str, Role] | None = None
) -> dict[tuple[str | None, str], object]:
    profile = profile_table(frame, roles=roles)
    return {(i.column, i.kind): i for i in profile.issues}


def test_profile_reports_bad_numbers_with_examples() -> None:
    income = [str(30 + i) for i in range(40)] + ["N/A"] * 20 + ["12,5k"] * 4
    frame = text_frame({"customer_id": [f"C{i}" for i in range(64)], "income": income})
    issue = issues_by_kind(frame)[("income", "not_a_number")]
    assert issue.count == 24  # type: ignore[attr-defined]
    assert issue.message.startswith("'income' has 24 values that are not numbers, like 'N/A', '12,5k'")  # type: ignore[attr-defined]


def test_profile_duplicate_ids_constant_and_missing() -> None:
    n = 30
    frame = text_frame(
        {
            "customer_id": [f"C{i}" for i in range(n - 2)] + ["C1", "C2"],
            "country": ["DE"] * n,
            "notes": [None] * n,
            "phone2": [None] * 20 + ["1"] * 10,
        }
    )
    found = issues_by_kind(frame)
    assert found[("customer_id", "duplicate_id")].count == 4  # type: ignore[attr-defined]
    assert "'C1'" in found[("customer_id", "duplicate_id")].message  # type: ignore[attr-defined]
    assert ("country", "constant") in found
    assert ("notes", "all_missing") in found
    assert found[("phone2", "mostly_missing")].count == 20  # type: ignore[attr-defined]


def test_profile_amount_checks_and_outliers() -> None:
    values = [str(10 + (i % 7)) for i in range(50)] + ["-5", "-6", "0", "5000"]
    frame = text_frame({"customer_id": [f"C{i % 20}" for i in range(54)], "amount": values, "visits": values})
    roles = {"customer_id": Role.CUSTOMER_ID, "amount": Role.AMOUNT, "visits": Role.NUMERIC}
    found = issues_by_kind(frame, roles=roles)
    assert found[("amount", "negative_amount")].count == 2  # type: ignore[attr-defined]
    assert found[("amount", "zero_amount")].count == 1  # type: ignore[attr-defined]
    # Money is checked on a log scale over positive values only: just 5000 stands out.
    money = found[("amount", "outliers")]
    assert money.count == 1 and "log scale" in money.message and "'5000'" in money.message  # type: ignore[attr-defined]
    # A plain number uses the linear rule: median 13, MAD 2 → 13 ± 5 × 1.4826 × 2 ≈ [-1.8, 27.8],
    # so -5, -6 and 5000 are outside and 0 is not.
    plain = found[("visits", "outliers")]
    assert plain.count == 3 and "from the median 13" in plain.message  # type: ignore[attr-defined]
    assert ("visits", "negative_amount") not in found


def test_profile_table_level_issues_and_json_keys() -> None:
    frame = text_frame({"a;b;c": ["1;2;3", "4;5;6"]})
    profile = profile_table(frame)
    kinds = {i.kind for i in profile.issues}
    assert {"one_column", "few_rows"} <= kinds
    payload = profile.to_dict(file_format="csv")
    assert list(payload) == ["format", "rows", "shape", "columns", "issues"]
    assert set(payload["columns"][0]) == {
        "name",
        "role",
        "dtype",
        "missing",
        "distinct",
        "confidence",
        "runner_up",
        "evidence",
    }
    assert set(payload["issues"][0]) == {"column", "kind", "count", "message"}
    pickle.loads(pickle.dumps(profile))


def test_profile_near_unique_text() -> None:
    frame = text_frame({"comment": [f"great shop number {i} indeed" for i in range(40)]})
    found = issues_by_kind(frame, roles={"comment": Role.TEXT})
    assert found[("comment", "near_unique_text")].count == 40  # type: ignore[attr-defined]


def test_profile_columns_summary() -> None:
    frame = text_frame({"customer_id": ["1", "2", "3", None], "spend": ["1", "2", "2", "x"]})
    profile = profile_table(frame, roles={"customer_id": Role.CUSTOMER_ID, "spend": Role.AMOUNT})
    spend = profile.columns[1]
    assert (spend.dtype, spend.missing, spend.distinct) == ("number", 0, 3)
    assert profile.columns[0].missing == 1 and profile.columns[0].missing_share == 0.25


def test_profile_flags_ambiguous_and_bad_dates() -> None:
    frame = text_frame({"visit": ["01/02/2024", "03/04/2024", "05/06/2024", "never", None]})
    found = issues_by_kind(frame, roles={"visit": Role.DATE})
    assert found[("visit", "ambiguous_date")].count == 3  # type: ignore[attr-defined]
    bad = found[("visit", "not_a_date")]
    assert bad.count == 1 and "read as day-first" in bad.message and "'never'" in bad.message  # type: ignore[attr-defined]


def test_exact_repeated_rows_are_reported() -> None:
    frame = pd.DataFrame(
        {"member": ["1", "1", "2", "1"], "day": ["2025-01-01"] * 4, "item": ["milk", "milk", "tea", "milk"]}
    ).astype("str")
    profile = profile_table(frame)
    repeats = [issue for issue in profile.issues if issue.kind == "duplicate_rows"]
    assert len(repeats) == 1
    assert repeats[0].count == 2
    assert repeats[0].message.startswith("2 rows repeat an earlier row exactly (50.0%)")


@pytest.mark.parametrize("values", [[], ["", None, "  "]])
def test_a_blank_date_column_reads_as_no_dates(values: list[object]) -> None:
    """No text at all (an empty part of a table, a blank column): no dates, no error."""
    parsed = parse_dates(pd.Series(values, dtype="object"))
    assert parsed.values.isna().all() and len(parsed.values) == len(values) and parsed.n_bad == 0


def test_a_date_condition_on_a_blank_column_matches_nobody() -> None:
    """The audience builder's date conditions on a column with no dates select nobody (no error)."""
    from segmentation import AudienceQuery, Condition, ConditionGroup, query_mask

    frame = pd.DataFrame({"last_order": ["", None, " "]}, dtype="object")
    query = AudienceQuery(
        groups=(ConditionGroup(conditions=(Condition("last_order", "after", "2024-01-01"),)),)
    )
    assert query_mask(frame, query).tolist() == [False, False, False]
    assert query_mask(frame.iloc[:0], query).tolist() == []
