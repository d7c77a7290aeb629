"""``segmentation inspect`` and ``segmentation features`` through the real command line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from segmentation.cli import main

TRANSACTIONS = """\
client,created,shipped,order_no,sku,amount
A,2024-01-01,2024-01-03,O1,apple,10
A,2024-01-05,2024-01-06,O2,bread,30
A,2024-01-10,2024-01-12,O3,apple,40
B,2024-01-02,2024-01-04,O4,bread,100
C,2024-01-03,2024-01-05,O5,milk,5
C,2024-01-09,2024-01-10,O6,milk,-5
"""


@pytest.fixture
def transactions_csv(tmp_path: Path) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(TRANSACTIONS, encoding="utf-8")
    return path


def test_inspect_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "people.csv"
    rows = ["customer_id;income;gender"] + [f"{i:03d};{30 + i};{'FM'[i % 2]}" for i in range(30)]
    rows += ["030;N/A;F", "031;12,5k;M", "031;40;M"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["inspect", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert list(payload) == ["format", "rows", "shape", "columns", "issues", "currency"]
    assert payload["currency"]["code"] is None  # no symbol, code or money word: never guessed
    assert payload["format"] == "csv" and payload["rows"] == 33 and payload["shape"] == "customers"
    first = payload["columns"][0]
    assert {k: first[k] for k in ("name", "role", "dtype", "missing", "distinct")} == {
        "name": "customer_id",
        "role": "customer_id",
        "dtype": "text",
        "missing": 0,
        "distinct": 32,
    }
    # Every column says how sure its role is and why (added with the role confidence).
    assert first["confidence"] >= 0.7 and "id" in first["evidence"]
    assert all(0 <= c["confidence"] <= 1 for c in payload["columns"])
    kinds = {(i["column"], i["kind"]): i for i in payload["issues"]}
    assert kinds[("income", "not_a_number")]["count"] == 2
    assert "like 'N/A', '12,5k'" in kinds[("income", "not_a_number")]["message"]
    assert kinds[("customer_id", "duplicate_id")]["count"] == 2


def test_inspect_readable_summary(transactions_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(transactions_csv)]) == 0
    out = capsys.readouterr().out
    assert "6 rows, 6 columns" in out and "Shape: transactions" in out
    assert "Money amount" in out and "[negative_amount]" in out


def test_features_needs_date_choice_then_writes_csv(
    transactions_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "features.csv"
    assert main(["features", str(transactions_csv), "-o", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "Which column is the purchase date? Candidates: 'created', 'shipped'. Pass --date-col." in error
    code = main(
        ["features", str(transactions_csv), "--date-col", "created", "--as-of", "2024-01-11", "-o", str(out)]
    )
    assert code == 0
    assert "3 customers from 6 lines" in capsys.readouterr().out
    frame = pd.read_csv(out, dtype={"client": str})
    assert frame.columns[:4].tolist() == ["client", "recency_days", "frequency", "monetary"]
    row = frame.set_index("client").loc["C"]
    assert (row["recency_days"], row["frequency"], row["monetary"], row["returns_value"]) == (8, 1, 5, 5)
    assert {"r_score", "f_score", "m_score", "rfm_score", "rfm_segment", "distinct_items"} <= set(
        frame.columns
    )


def test_features_with_customer_file_and_quantity_price(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = tmp_path / "lines.csv"
    lines.write_text(
        "member,day,qty,unit price\n007,2024-03-01,2,2.50\n007,2024-03-04,1,10\n008,2024-03-02,1,4\n",
        encoding="utf-8",
    )
    people = tmp_path / "people.csv"
    people.write_text("member,region\n007,North\n008,South\n009,East\n", encoding="utf-8")
    out = tmp_path / "f.csv"
    args = [
        "features",
        str(lines),
        "--customers",
        str(people),
        "--customer-col",
        "member",
        "--date-col",
        "day",
        "--quantity-col",
        "qty",
        "--price-col",
        "Unit Price",
        "-o",
        str(out),
    ]
    assert main(args) == 0
    assert "Left out 1 customer of the customer file with no purchases" in capsys.readouterr().out
    frame = pd.read_csv(out, dtype={"member": str}).set_index("member")
    assert frame.loc["007", "monetary"] == 15.0 and frame.loc["008", "region"] == "South"
    assert frame.index.tolist() == ["007", "008"]


def test_features_bad_as_of_is_one_line_error(
    transactions_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["features", str(transactions_csv), "--date-col", "created", "--as-of", "11/01/2024", "-o", "x.csv"]
    )
    assert code == 2
    assert "--as-of '11/01/2024' is not a date written as YYYY-MM-DD" in capsys.readouterr().err


def test_console_script(transactions_csv: Path, segmentation_cli: list[str]) -> None:
    result = subprocess.run(
        [*segmentation_cli, "inspect", str(transactions_csv), "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["shape"] == "transactions"
    assert {c["name"]: c["role"] for c in payload["columns"]}["amount"] == "amount"


def test_features_without_money_never_prices_the_returns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baskets = tmp_path / "baskets.csv"
    baskets.write_text(
        "Member_number;Date;itemDescription\n1;01-02-2015;milk\n1;03-02-2015;bread\n2;01-02-2015;milk\n"
        "2;05-02-2015;eggs\n3;02-02-2015;milk\n",
        encoding="utf-8",
    )
    assert main(["features", str(baskets), "-o", str(tmp_path / "features.csv")]) == 0
    out = capsys.readouterr().out
    assert "0 return lines)" in out and "worth" not in out
