"""Column understanding on files shaped like real exports, through the loader and the CLI.

Each file in ``tests/_real_exports.py`` copies the headers, separators and value formats of a
well-known export (Kaggle marketing campaign, MovieLens ratings, Shopify, HubSpot, Salesforce,
UCI Online Retail, grocery baskets). The tests read them the way users do: ``segmentation
inspect FILE --json``, ``segmentation sweep`` and ``segmentation features``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation.cli import main
from segmentation.io.loading import load_table
from segmentation.profiling.table_profile import (
    Role,
    infer_columns,
    infer_roles,
    parse_dates,
    parse_numbers,
    profile_table,
)
from tests._real_exports import (
    BUILDERS,
    RealExport,
    decimals_customers,
    groceries,
    marketing_campaign,
    online_retail,
    ratings,
)


def _inspect(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    assert main(["inspect", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    return {"_shape": {"shape": payload["shape"]}, **{c["name"]: c for c in payload["columns"]}}


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_inspect_reads_shape_roles_and_consent_polarity(
    build: Callable[[Path], RealExport], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = build(tmp_path)
    columns = _inspect(export.path, capsys)
    assert columns.pop("_shape")["shape"] == export.shape
    wrong = {
        name: columns[name]["role"]
        for name, want in export.roles.items()
        if columns[name]["role"] not in (want if isinstance(want, tuple) else (want,))
    }
    assert not wrong, wrong
    for name, column in columns.items():
        assert 0.0 <= float(column["confidence"]) <= 1.0  # type: ignore[arg-type]
        if column["role"] == "consent":
            assert name in export.consent, f"{name!r} taken for consent"
            assert column["consent_means"] == export.consent[name]
            assert column["consent_certain"] is True
        else:
            assert "consent_means" not in column
        assert column["role"] not in ("amount", "price") or column["distinct"] != 1


def test_marketing_campaign_is_a_customer_table_with_traits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    columns = _inspect(marketing_campaign(tmp_path).path, capsys)
    assert columns["_shape"]["shape"] == "customers"
    assert columns["ID"]["role"] == "customer_id"
    assert columns["Dt_Customer"]["role"] == "date"  # a date is never the customer id
    assert {columns[c]["role"] for c in ("MntMeatProducts", "MntFishProducts", "MntSweetProducts")} == {
        "numeric"
    }
    assert {columns[f"AcceptedCmp{i}"]["role"] for i in range(1, 6)} == {"categorical"}
    assert columns["Z_Revenue"]["role"] == columns["Z_CostContact"]["role"] == "ignore"
    assert "same value" in str(columns["Z_Revenue"]["evidence"])


def test_features_on_a_customer_table_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = marketing_campaign(tmp_path).path
    main(["features", str(path), "--date-col", "Dt_Customer", "-o", str(tmp_path / "out.csv")])
    assert "looks like a customer table" in capsys.readouterr().err


def test_sweep_on_full_precision_decimals_works_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = decimals_customers(tmp_path).path
    columns = _inspect(path, capsys)
    assert {columns[c]["role"] for c in ("longitude", "latitude", "churn_probability")} == {"numeric"}
    features = "longitude,latitude,visits_per_month,churn_probability,segment_score"
    assert main(["sweep", str(path), "--features", features, "--k-max", "4", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    # The decimals are read as numbers, not one-hot phone "categories": the clusters separate.
    assert payload["recommended_k"] in (2, 3, 4)
    assert max(s for s in payload["silhouette"] if s is not None) > 0.1


@pytest.mark.parametrize(
    ("build", "customer"), [(online_retail, "CustomerID"), (groceries, "Member_number"), (ratings, "userId")]
)
def test_features_on_transaction_exports_need_no_column_flags(
    build: Callable[[Path], RealExport], customer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = build(tmp_path)
    out = tmp_path / "customers.csv"
    assert main(["features", str(export.path), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "customer table" not in captured.err
    lines = load_table(export.path).frame
    built = pd.read_csv(out)
    assert len(built) == lines[customer].dropna().nunique()


# --------------------------------------------------------------------------- types before meanings


def _loaded(tmp_path: Path, text: str, name: str = "t.csv") -> pd.DataFrame:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_table(path).frame


@pytest.mark.parametrize(
    "values",
    [
        ["04-09-2012", "21-12-2013", "08-03-2014"],  # dd-mm-yyyy
        ["09/04/2012", "12/21/2013", "03/08/2014"],  # mm/dd/yyyy
        ["2012.09.04", "2013.12.21", "2014.03.08"],
        ["04.09.2012", "21.12.2013", "08.03.2014"],
        ["20120904", "20131221", "20140308"],
        ["2012-09-04T10:15:00Z", "2013-12-21T08:00:00Z", "2014-03-08T23:59:59Z"],
        ["4 Sep 2012", "21 Dec 2013", "8 Mar 2014"],
    ],
)
def test_dates_in_every_common_order_are_dates(values: list[str], tmp_path: Path) -> None:
    rows = "\n".join(f"C{i},{values[i % 3]},{i}" for i in range(30))
    frame = _loaded(tmp_path, f"client_code,joined,visits\n{rows}\n")
    assert infer_roles(frame)["joined"] is Role.DATE


def test_epoch_seconds_named_timestamp_are_dates_but_big_numbers_are_not(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    stamps = rng.integers(964_982_703, 1_537_799_250, 30)
    rows = "\n".join(f"{s},{s},{i % 5}" for i, s in enumerate(stamps))
    roles = infer_roles(_loaded(tmp_path, f"timestamp,population,user\n{rows}\n"))
    assert roles["timestamp"] is Role.DATE
    assert roles["population"] is Role.NUMERIC


@pytest.mark.parametrize(
    ("values", "role"),
    [
        (["-5.585988", "8.499794737879839", "12.5e-3", "-0.000123"], Role.NUMERIC),
        (["1,234,567.50", "2,000,100.25", "987,654.00", "1,000,000.01"], Role.NUMERIC),
        (["1 234 567,50", "2 000 100,25", "987 654,00", "1 000 000,01"], Role.NUMERIC),
        (["$1,234.50", "€ 99.90", "£12", "$0.99"], Role.NUMERIC),
        (["12%", "55.5%", "100%", "0%"], Role.NUMERIC),
        (["4479460958", "4479460959", "4479460960", "4479460961"], Role.NUMERIC),  # digits, no phone name
        (["+44 20 7946 0958", "+44 20 7946 0959", "+1 512 555 0100", "+49 30 1234567"], Role.PHONE),
        (["(555) 123-4567", "(555) 123-4568", "(555) 987-6543", "(555) 222-3333"], Role.PHONE),
        (["555-123-4567", "555-123-4568", "555-987-6543", "555-222-3333"], Role.PHONE),
    ],
)
def test_numbers_are_never_phones_without_phone_punctuation(
    values: list[str], role: Role, tmp_path: Path
) -> None:
    rows = "\n".join(f'"{values[i % 4]}",{i}' for i in range(24))
    assert infer_roles(_loaded(tmp_path, f"reading,visits\n{rows}\n"))["reading"] is role


def test_plain_digits_named_phone_are_phones(tmp_path: Path) -> None:
    rows = "\n".join(f"C{i},447946{i:04d}" for i in range(20))
    assert infer_roles(_loaded(tmp_path, f"client_code,mobile\n{rows}\n"))["mobile"] is Role.PHONE


# --------------------------------------------------------------------------- shape by the id


def test_transactions_only_when_the_chosen_id_repeats(tmp_path: Path) -> None:
    unique = "\n".join(f"{1000 + i},2024-01-{1 + i % 28:02d},{10 + i}" for i in range(40))
    repeated = "\n".join(f"{1000 + i % 8},2024-01-{1 + i % 28:02d},{10 + i}" for i in range(40))
    header = "user_id,order_date,amount\n"
    assert profile_table(_loaded(tmp_path, header + unique + "\n", "a.csv")).shape == "customers"
    assert profile_table(_loaded(tmp_path, header + repeated + "\n", "b.csv")).shape == "transactions"


def test_person_id_wins_over_a_bare_id_and_the_reason_lists_candidates(tmp_path: Path) -> None:
    rows = "\n".join(f"{i},U{i % 7},2024-02-{1 + i % 28:02d},SKU{i % 5}" for i in range(40))
    frame = _loaded(tmp_path, f"id,user,created,sku\n{rows}\n")
    inference = infer_columns(frame)
    assert inference.customer_id == "user"
    assert inference.roles["id"] is Role.TEXT and inference.roles["sku"] is Role.ITEM
    profile = profile_table(frame)
    assert profile.shape == "transactions" and "'id'" in profile.shape_reason


def test_an_item_id_is_never_the_customer_id(tmp_path: Path) -> None:
    rows = "\n".join(f"{i % 6},{100 + i % 9},4.5" for i in range(50))
    roles = infer_roles(_loaded(tmp_path, f"userId,movieId,rating\n{rows}\n"))
    assert roles["userId"] is Role.CUSTOMER_ID and roles["movieId"] is not Role.CUSTOMER_ID


# --------------------------------------------------------------------------- evidence and confidence


def test_uncertain_consent_name_is_flagged_with_its_polarity(tmp_path: Path) -> None:
    rows = "\n".join(f"C{i},{'yes' if i % 3 else 'no'},{'Y' if i % 2 else 'N'}" for i in range(30))
    profile = profile_table(_loaded(tmp_path, f"customer_id,gdpr,AcceptedCmp1\n{rows}\n"))
    by_name = {c.name: c for c in profile.columns}
    gdpr = by_name["gdpr"]
    assert gdpr.role is Role.CONSENT and gdpr.uncertain and gdpr.runner_up is Role.CATEGORICAL
    assert gdpr.consent is not None and not gdpr.consent.certain
    assert by_name["AcceptedCmp1"].role is Role.CATEGORICAL  # a campaign response, not consent
    assert by_name["customer_id"].confidence >= 0.9 and not by_name["customer_id"].uncertain


def test_a_role_set_by_the_user_keeps_the_guess_as_runner_up(tmp_path: Path) -> None:
    rows = "\n".join(f"C{i},{i % 2}" for i in range(30))
    frame = _loaded(tmp_path, f"customer_id,flag\n{rows}\n")
    profile = profile_table(frame, roles={"customer_id": Role.CUSTOMER_ID, "flag": Role.CONSENT})
    flag = profile.columns[1]
    assert flag.confidence == 1.0 and flag.runner_up is Role.CATEGORICAL and "set by you" in flag.evidence
    # The name says nothing about polarity: opt-in is assumed and marked unsure.
    assert flag.consent is not None and flag.consent.polarity == "opt-in" and not flag.consent.certain


def test_constant_money_column_is_ignored_not_money(tmp_path: Path) -> None:
    rows = "\n".join(f"C{i},11,{i * 3}" for i in range(30))
    roles = infer_roles(_loaded(tmp_path, f"customer_id,revenue,total_spent\n{rows}\n"))
    assert roles["revenue"] is Role.IGNORE and roles["total_spent"] is Role.AMOUNT


def test_inspect_text_output_shows_certainty_and_consent_meaning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "\n".join(f"C{i},{'yes' if i % 3 else 'no'},{'ja' if i % 2 else 'nein'}" for i in range(30))
    path = tmp_path / "crm.csv"
    path.write_text(f"customer_id,unsubscribed,newsletter\n{rows}\n", encoding="utf-8")
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "'unsubscribed': yes means do not contact" in out
    assert "Check these guesses:" in out and "'newsletter'" in out


# --------------------------------------------------------------------------- more evidence rules


def test_orders_are_transactions_even_when_each_has_its_own_customer_key(tmp_path: Path) -> None:
    rows = "\n".join(
        f"{i:032x},{(i * 7919) % 10**9:032x},delivered,2017-01-{1 + i % 28:02d} 10:00:00" for i in range(30)
    )
    frame = _loaded(tmp_path, f"order_id,customer_id,order_status,order_purchase_timestamp\n{rows}\n")
    profile = profile_table(frame)
    assert profile.shape == "transactions" and "'order_id'" in profile.shape_reason
    assert profile.roles["order_id"] is Role.ORDER_ID and profile.roles["customer_id"] is Role.CUSTOMER_ID


def test_order_lines_without_a_customer_column(tmp_path: Path) -> None:
    rows = "\n".join(f"o{i // 3},{1 + i % 3},p{i % 7},{10 + i}.5" for i in range(45))
    frame = _loaded(tmp_path, f"order_id,order_item_id,product_id,price\n{rows}\n")
    roles = infer_roles(frame)
    assert profile_table(frame).shape == "transactions"
    assert roles["order_item_id"] is Role.NUMERIC  # a line position, not an item
    assert roles["product_id"] is Role.ITEM and roles["price"] is Role.PRICE


def test_a_product_table_is_not_purchases(tmp_path: Path) -> None:
    rows = "\n".join(f"p{i:04d},toys,{i % 4},{100 + i}" for i in range(30))
    frame = _loaded(
        tmp_path, f"product_id,product_category_name,product_photos_qty,product_weight_g\n{rows}\n"
    )
    inference = infer_columns(frame)
    assert profile_table(frame).shape == "customers"
    assert inference.roles["product_photos_qty"] is Role.NUMERIC
    assert inference.roles["product_weight_g"] is Role.NUMERIC


@pytest.mark.parametrize(
    ("header", "values", "expected"),
    [
        ("Total", [f"{10 + 3.17 * i:.2f}" for i in range(30)], Role.AMOUNT),
        ("total", [str(1000 + 37 * i) for i in range(30)], Role.NUMERIC),  # votes in a district table
        ("total_phenols", [f"{1 + 0.11 * i:.2f}" for i in range(30)], Role.NUMERIC),
        ("net_generation", [f"{100 + 3.5 * i:.1f}" for i in range(30)], Role.NUMERIC),
        ("monetary_scaled", [f"{-1.5 + 0.1 * i:.4f}" for i in range(30)], Role.NUMERIC),
        ("dollar_value", [f"{5 + 1.25 * i:.2f}" for i in range(30)], Role.AMOUNT),
        ("payment_installments", [str(1 + i % 10) for i in range(30)], Role.NUMERIC),
        ("Billing Zip", [str(10115 + i) for i in range(30)], (Role.CATEGORICAL, Role.TEXT)),
        ("PLZ", [str(10115 + i % 5) for i in range(30)], Role.CATEGORICAL),
        ("Default Address Address1", [f"{i} High Street" for i in range(30)], Role.TEXT),
    ],
)
def test_money_and_labels_need_evidence(
    header: str, values: list[str], expected: Role | tuple[Role, ...], tmp_path: Path
) -> None:
    rows = "\n".join(f'D{i},"{v}"' for i, v in enumerate(values))
    role = infer_roles(_loaded(tmp_path, f"district_id,{header}\n{rows}\n"))[header]
    assert role in (expected if isinstance(expected, tuple) else (expected,))


@pytest.mark.parametrize(
    ("header", "values", "expected"),
    [
        ("First Name", ["Anna", "Ben", "Chloé"], Role.NAME),
        ("Name", ["Anna Smith", "Ben Müller", "Chloé Dubois"], Role.NAME),
        ("Name", ["chevrolet chevelle malibu", "buick skylark 320", "plymouth satellite"], Role.TEXT),
        ("Company Name", ["ACME Ltd", "Globex", "Initech"], Role.CATEGORICAL),
        ("Name", ["#1001", "#1002", "#1003"], Role.ORDER_ID),
    ],
)
def test_names_are_people_only(header: str, values: list[str], expected: Role, tmp_path: Path) -> None:
    rows = "\n".join(
        f"{values[i % 3] if expected is not Role.TEXT else f'{values[i % 3]} {i}'},{i}" for i in range(30)
    )
    roles = infer_roles(_loaded(tmp_path, f"{header},visits\n{rows}\n"))
    assert roles[header] in ({expected, Role.TEXT} if expected is Role.CATEGORICAL else {expected})


def test_ip_addresses_are_not_numbers() -> None:
    parsed = parse_numbers(pd.Series(["192.168.1.1", "1.234.567", "1,234,567", "12,5"]))
    assert parsed.values.isna().tolist() == [True, False, False, False]
    assert parsed.values.iloc[1] == 1_234_567 and parsed.examples == ("192.168.1.1",)


def test_google_forms_timestamps_are_dates_in_utc(tmp_path: Path) -> None:
    stamps = ["2024/02/01 12:26:44 AM GMT+1", "2024/02/01 2:12:18 PM GMT+1", "2024/02/03 7:51:58 AM GMT+1"]
    rows = "\n".join(f"{stamps[i % 3]},{'Yes' if i % 2 else 'No'},{1000 + i}" for i in range(30))
    frame = _loaded(tmp_path, f"Timestamp,I agree to receive marketing emails,Respondent ID\n{rows}\n")
    profile = profile_table(frame)
    assert profile.roles["Timestamp"] is Role.DATE
    dates = parse_dates(frame["Timestamp"]).values
    assert dates.iloc[0] == pd.Timestamp("2024-01-31 23:26:44")  # midnight-ish in GMT+1 is the day before
    assert dates.iloc[1] == pd.Timestamp("2024-02-01 13:12:18")
    consent = {c.name: c for c in profile.columns}["I agree to receive marketing emails"]
    assert consent.role is Role.CONSENT and consent.consent is not None
    assert consent.consent.polarity == "opt-in" and consent.consent.certain


def test_declining_wording_is_opt_out(tmp_path: Path) -> None:
    rows = "\n".join(f"C{i},{'x' if i % 2 else ''}" for i in range(30))
    header = "customer_id,I do not wish to receive marketing emails"
    column = profile_table(_loaded(tmp_path, f"{header}\n{rows}\n")).columns[1]
    assert column.role is Role.CONSENT and column.consent is not None and column.consent.polarity == "opt-out"


def test_shopify_order_lines_need_no_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Extra line items leave the order fields blank; buyers are known by email only."""
    header = "Name,Email,Paid at,Accepts Marketing,Subtotal,Shipping,Total,Refunded Amount,Created at,"
    header += "Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku"
    rows = []
    for order in range(24):
        email, day = f"buyer{order % 9}@example.org", f"2023-01-{1 + order:02d} 12:48:53 +0100"
        paid = f"{50 + order}.00,4.90,{54.90 + order:.2f},{order % 2 * 5}.0"
        rows.append(
            f"#{1001 + order},{email},{day},yes,{paid},{day},2,Hiking Boots,{25 + order / 2:.2f},SKU-1"
        )
        rows.append(f"#{1001 + order},{email},,,,,,,{day},1,Merino Beanie,19.00,SKU-2")
    path = tmp_path / "orders_export.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    columns = _inspect(path, capsys)
    assert columns["_shape"]["shape"] == "transactions"
    assert columns["Name"]["role"] == "order_id" and columns["Lineitem sku"]["role"] == "item"
    assert columns["Accepts Marketing"]["consent_means"] == "opt-in"
    out = tmp_path / "customers.csv"
    assert main(["features", str(path), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "email in 'Email'" in err and "the amount paid is 'Total'" in err
    built = pd.read_csv(out)
    assert len(built) == 9 and built["monetary"].sum() == pytest.approx(sum(54.90 + o for o in range(24)))
