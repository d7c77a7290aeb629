"""``segmentation clv`` through the real command line, on the CDNOW sample and on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from segmentation.cli import main

CDNOW = Path(__file__).parent / "data" / "cdnow_sample.csv"


def test_clv_json_and_csv_on_cdnow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "clv.csv"
    code = main(
        [
            "clv",
            str(CDNOW),
            "--customer-col",
            "customer_id",
            "--amount-col",
            "spend",
            "--calibration-end",
            "1997-09-30",
            "--horizon-days",
            "365",
            "--discount-rate",
            "0.1",
            "-o",
            str(out),
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    payload = json.loads(captured.out)
    assert list(payload)[:4] == ["model", "parameters", "holdout", "customers"]
    assert payload["model"] == "BG/NBD"  # Pareto/NBD only with --compare-pareto-nbd
    assert payload["customers"] == 2357
    holdout = payload["holdout"]
    assert holdout["actual_total"] == 1882
    assert holdout["predicted_total"] == pytest.approx(1653, rel=0.01)
    assert holdout["correlation"] == pytest.approx(0.63, abs=0.01)
    checks = {check["model"]: check for check in payload["checks"]}
    assert list(checks) == ["BG/NBD"]
    assert checks["BG/NBD"]["log_likelihood"] == pytest.approx(-9582.4, abs=0.1)
    assert 0.2 < payload["parameters"]["r"] < 0.3  # refitted on all 78 weeks: close to the 39-week 0.243
    frame = pd.read_csv(out, dtype={"customer_id": str})
    assert list(frame.columns) == [
        "customer_id",
        "probability_active",
        "expected_purchases",
        "expected_value",
    ]
    assert len(frame) == 2357 and frame["customer_id"].iloc[0] == "0001"
    assert frame["probability_active"].between(0, 1).all()


def _write(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False)
    return path


def _one_line_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1, error
    assert "Traceback" not in error
    return error


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(CDNOW, dtype=str)


def test_too_few_repeat_buyers(
    tmp_path: Path, cdnow: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    few = _write(tmp_path, cdnow[cdnow["customer_id"].astype(int) <= 300])
    error = _one_line_error(["clv", str(few), "--amount-col", "spend", "-o", str(tmp_path / "o.csv")], capsys)
    assert "need at least 200 repeat buyers" in error


@pytest.mark.parametrize("end", ["1998-06-30", "2001-01-01", "1996-01-01"])
def test_dates_that_leave_no_holdout(end: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "clv",
        str(CDNOW),
        "--amount-col",
        "spend",
        "--calibration-end",
        end,
        "-o",
        str(tmp_path / "o.csv"),
    ]
    assert "leaves no holdout" in _one_line_error(argv, capsys)


def test_no_amount_column(tmp_path: Path, cdnow: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, cdnow.drop(columns=["spend", "cds"]))
    error = _one_line_error(["clv", str(path), "-o", str(tmp_path / "o.csv")], capsys)
    assert "needs the money paid" in error


def test_no_date_column(tmp_path: Path, cdnow: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, cdnow.drop(columns=["date"]))
    error = _one_line_error(["clv", str(path), "-o", str(tmp_path / "o.csv")], capsys)
    assert "date" in error


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--calibration-end", "30/09/1997", "not a date written as YYYY-MM-DD"),
        ("--discount-rate", "10%", "invalid rate"),
        ("--discount-rate", "1.5", "not a yearly rate"),
        ("--horizon-days", "0", "too small"),
    ],
)
def test_bad_options(flag: str, value: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    error = _one_line_error(["clv", str(CDNOW), flag, value, "-o", "o.csv"], capsys)
    assert message in error
