"""Currency detection (corpus files through ``inspect --json``) and money written with its currency."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation import describe_segments, detect_currency, format_money, measure_lift, summarise_incremental
from segmentation.cli import main
from segmentation.money import currency_in_name, in_thousands
from segmentation.parsing import parse_numbers

CORPUS = Path(__file__).parent / "corpus" / "tables"


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (1234.5, "EUR", "€1,234"),
        (12.5, "USD", "$12.50"),
        (85.0, "USD", "$85"),
        (12.5, "JPY", "¥12"),
        (-1234.0, "CHF", "-CHF 1,234"),
        (1234.0, "GBP", "£1,234"),
        (3.0, "CNY", "CN¥3"),
        (1234.0, "points", "1,234 points"),
        (1234.0, "", "1,234"),
        (float("nan"), "EUR", "n/a"),
    ],
)
def test_format_money(value: float, currency: str, expected: str) -> None:
    assert format_money(value, currency) == expected


def test_format_money_compact() -> None:
    assert format_money(25_000, "USD", compact=True) == "$25k"
    assert format_money(1_234_567, "EUR", compact=True) == "€1.2M"
    assert format_money(12_345, "", compact=True) == "12.3k"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("amount_EUR", "EUR"),
        ("price (USD)", "USD"),
        ("Annual Income (k$)", "USD"),
        ("Umsatz gesamt (EUR)", "EUR"),
        ("金额 (元)", "CNY"),
        ("価格 (円)", "JPY"),
        ("total in euros", "EUR"),
        ("revenue_usd", "USD"),
    ],
)
def test_currency_in_name(name: str, code: str) -> None:
    named = currency_in_name(name)
    assert named is not None and named[0] == code


@pytest.mark.parametrize("name", ["amount", "Europe region", "measure", "Spending Score (1-100)", "cheurx"])
def test_no_currency_in_plain_names(name: str) -> None:
    assert currency_in_name(name) is None


def test_thousands_names() -> None:
    assert in_thousands("Annual Income (k$)")
    assert in_thousands("sales ('000)")
    assert not in_thousands("Spending Score (1-100)")


def test_symbols_in_values_decide_and_still_parse() -> None:
    frame = pd.DataFrame({"customer": ["a", "b", "c", "d"], "total": ["12,50 €", "1.234,00 €", "€ 3", "7 €"]})
    guess = detect_currency(frame, roles={"customer": "customer_id", "total": "amount"})
    assert (guess.code, guess.sure) == ("EUR", True)
    assert "'total'" in guess.evidence and "€" in guess.evidence
    # the parser strips the same symbols (one table of currencies for both)
    assert parse_numbers(frame["total"], decimal=",").values.tolist() == [12.5, 1234.0, 3.0, 7.0]


def test_dollar_values_are_a_guess_with_a_runner_up() -> None:
    guess = detect_currency(pd.DataFrame({"spend": ["$12.50", "$3", "$1,200.00"]}))
    assert (guess.code, guess.sure, guess.runner_up) == ("USD", False, "CAD")


def test_a_currency_column_wins() -> None:
    frame = pd.DataFrame({"Total": ["12.0", "3.5"], "Currency": ["gbp", "GBP"]})
    assert detect_currency(frame).code == "GBP"


def test_no_evidence_is_unknown() -> None:
    guess = detect_currency(pd.DataFrame({"spend": [1.0, 2.0], "age": [30, 40]}))
    assert not guess.known
    assert guess.to_dict()["code"] is None
    assert "no currency" in guess.summary


# Corpus files, read through the real command line: what a careful person would say.
CORPUS_CURRENCIES = {
    "exp_mall_customers.csv": ("USD", False, ["Annual Income (k$)"]),
    "exp_german_customers.csv": ("EUR", True, []),
    "exp_shopify_orders.csv": ("EUR", True, []),
    "exp_stripe_payments.csv": ("EUR", True, []),
    "exp_amazon_orders.txt": ("EUR", True, []),
    "exp_chinese_orders.csv": ("CNY", False, []),
    "exp_japanese_customers.csv": ("JPY", False, []),
    "exp_french_customers.csv": ("EUR", False, []),
    "pkg_lifetimes_cdnow_master.csv": ("USD", True, []),
    "exp_marketing_campaign.csv": (None, False, []),
    "exp_online_retail_ii.csv": (None, False, []),
    "pkg_sklearn_wine.csv": (None, False, []),
}


@pytest.mark.parametrize("file", sorted(CORPUS_CURRENCIES))
def test_inspect_json_reports_the_currency(file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(CORPUS / file), "--json"]) == 0
    currency = json.loads(capsys.readouterr().out)["currency"]
    code, sure, thousands = CORPUS_CURRENCIES[file]
    assert (currency["code"], currency["sure"], currency["thousands_columns"]) == (code, sure, thousands)
    assert currency["evidence"]


def test_inspect_text_asks_when_unsure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(CORPUS / "exp_japanese_customers.csv")]) == 0
    out = capsys.readouterr().out
    assert "Currency: JPY (Japanese yen), a guess, please check" in out
    assert "--currency CODE" in out


def test_segment_personas_carry_the_currency(tmp_path: Path) -> None:
    personas = tmp_path / "personas.json"
    args = ["segment", str(CORPUS / "exp_mall_customers.csv"), "--features", "Age,Annual Income (k$)"]
    assert main([*args, "--k", "3", "-o", str(tmp_path / "out.csv"), "--personas", str(personas)]) == 0
    described = json.loads(personas.read_text(encoding="utf-8"))
    assert described["currency"] == "USD"
    income = [t for s in described["segments"] for t in s["traits"] if "income" in t]
    assert income and all("$" in t and "k" in t for t in income)  # "$100.3k": dollars, in thousands
    # --currency wins over detection
    assert (
        main(
            [
                *args,
                "--k",
                "3",
                "-o",
                str(tmp_path / "o.csv"),
                "--personas",
                str(personas),
                "--currency",
                "eur",
            ]
        )
        == 0
    )
    described = json.loads(personas.read_text(encoding="utf-8"))
    assert described["currency"] == "EUR"


def test_money_traits_use_the_table_currency() -> None:
    values = np.asarray([35.0] * 5 + [85.0] * 5)
    labels = np.asarray([0] * 5 + [1] * 5)
    frame = pd.DataFrame({"monetary": values})
    persona = describe_segments(frame, labels, features=["monetary"], money_col="monetary", currency="EUR")[1]
    assert persona.traits[0].sentence == "Spends 1.4× the average: average €85 vs €60"
    points = describe_segments(frame, labels, features=["monetary"], money_col="monetary", currency="points")[
        1
    ]
    assert points.traits[0].sentence == "Spends 1.4× the average: average 85 points vs 60 points"


def test_incremental_revenue_with_a_currency() -> None:
    export = pd.DataFrame(
        {"id": [str(i) for i in range(400)], "group": ["treatment"] * 200 + ["control"] * 200}
    )
    results = pd.DataFrame({"id": export["id"], "revenue": [10.0] * 200 + [5.0] * 200})
    report = measure_lift(
        export, results, customer_col="id", results_customer_col="id", revenue_col="revenue"
    )
    sentence = summarise_incremental(report.overall, currency="GBP")
    assert "+£1,000 in revenue" in sentence
    assert "+1,000.00 revenue" in summarise_incremental(report.overall)  # no currency: as before


def _lift_files(tmp_path: Path) -> tuple[Path, Path]:
    ids = [f"K{i}" for i in range(400)]
    export = pd.DataFrame({"customer_id": ids, "group": ["treatment"] * 200 + ["control"] * 200})
    results = pd.DataFrame({"customer_id": ids, "revenue": [10.0] * 200 + [5.0] * 200})
    export_path, results_path = tmp_path / "list.csv", tmp_path / "results.csv"
    export.to_csv(export_path, index=False)
    results.to_csv(results_path, index=False)
    return export_path, results_path


def test_lift_writes_revenue_in_the_given_currency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export, results = _lift_files(tmp_path)
    assert main(["lift", str(export), str(results), "--currency", "eur"]) == 0
    assert "+€1,000 in revenue" in capsys.readouterr().out


def test_lift_reads_the_currency_from_the_lists_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export, results = _lift_files(tmp_path)
    manifest = {
        "contacts": {"customer_id": "customer_id"},
        "currency": {"code": "GBP", "name": "pound sterling"},
    }
    Path(f"{export}.manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["lift", str(export), str(results)]) == 0
    assert "+£1,000 in revenue" in capsys.readouterr().out


def test_features_prints_returns_in_the_detected_or_given_currency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = tmp_path / "tx.csv"
    lines.write_text(
        "customer,date,amount_EUR\nA,2024-01-01,10\nA,2024-01-05,-4\nB,2024-01-02,100\n", encoding="utf-8"
    )
    assert main(["features", str(lines), "-o", str(tmp_path / "f.csv")]) == 0
    assert "1 return lines worth €4)" in capsys.readouterr().out  # the name says EUR
    assert main(["features", str(lines), "-o", str(tmp_path / "f.csv"), "--currency", "chf"]) == 0
    assert "worth CHF 4)" in capsys.readouterr().out


def test_a_blank_currency_is_refused_at_the_edge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lift", "a.csv", "b.csv", "--currency", " "]) == 2
    assert "currency code such as EUR" in capsys.readouterr().err
