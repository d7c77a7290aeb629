"""Honest personas and nothing filled silently, through the command line on real files.

Files without money (a grocery basket file, a ratings file) go through ``features`` then
``segment --personas``; a marketing-campaign-like customer table with blank cells and one
all-blank row goes through ``segment`` and ``assign``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation.cli import main

MONEY_WORDS = re.compile(r"spend|spender|revenue|value|\$", re.IGNORECASE)


def _grocery_file(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    n = 3000
    members = rng.integers(1000, 1300, n)
    # a third of the members stop early: lapsed buyers exist
    last_day = np.where(members % 3 == 0, 300, 700)
    dates = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, last_day), unit="D")
    items = rng.choice(["whole milk", "rolls/buns", "soda", "yogurt", "other vegetables"], n)
    path = tmp_path / "Groceries_dataset.csv"
    frame = pd.DataFrame(
        {"Member_number": members, "Date": dates.strftime("%d-%m-%Y"), "itemDescription": items}
    )
    frame.to_csv(path, sep=";", index=False)
    return path


def _ratings_file(tmp_path: Path) -> Path:
    rng = np.random.default_rng(2)
    n = 3000
    users = rng.integers(1, 250, n)
    path = tmp_path / "ratings.csv"
    pd.DataFrame(
        {
            "userId": users,
            "movieId": rng.integers(1, 400, n),
            "rating": rng.choice([0.5, 1.0, 2.0, 3.0, 3.5, 4.0, 4.5, 5.0], n),
            "timestamp": rng.integers(1_100_000_000, 1_500_000_000, n) - (users % 4 == 0) * 200_000_000,
        }
    ).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("make_file", [_grocery_file, _ratings_file], ids=["groceries", "ratings"])
def test_files_without_money_never_speak_of_spend(
    make_file: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    transactions = make_file(tmp_path)  # type: ignore[operator]
    features_path, out, personas_path = tmp_path / "features.csv", tmp_path / "out.csv", tmp_path / "p.json"
    assert main(["features", str(transactions), "-o", str(features_path)]) == 0
    assert "items_bought" in capsys.readouterr().out  # the note says what the column counts
    header = pd.read_csv(features_path, nrows=0).columns
    assert "items_bought" in header and "monetary" not in header and "avg_order_value" not in header
    features = "recency_days,frequency,items_bought,tenure_days"
    args = ["segment", str(features_path), "--features", features, "--k", "4", "-o", str(out)]
    assert main([*args, "--personas", str(personas_path)]) == 0
    personas = json.loads(personas_path.read_text(encoding="utf-8"))["segments"]
    assert len(personas) == 4
    for persona in personas:
        said = [persona["name"], persona["action"], persona["action_reason"], *persona["traits"]]
        assert [text for text in said if MONEY_WORDS.search(text)] == []
        assert persona["revenue_share"] is None
    segmented = pd.read_csv(out)
    assert set(segmented["segment_name"]) == {p["name"] for p in personas}


def _marketing_file(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """Customers like the 'marketing campaign' data: ID, Income, Mnt*/Num* columns, some blanks."""
    rng = np.random.default_rng(3)
    n = 300
    group = np.arange(n) % 3
    frame = pd.DataFrame(
        {
            "ID": np.arange(5000, 5000 + n),
            "Income": np.round(np.choose(group, [80000, 40000, 25000]) * rng.uniform(0.8, 1.2, n)),
            "Recency": np.where(group == 2, 80, 20) + rng.integers(0, 15, n),
            "MntWines": np.round(np.where(group == 0, 800, 60) * rng.uniform(0.5, 1.5, n)),
            "MntFruits": np.round(np.where(group == 1, 90, 10) * rng.uniform(0.5, 1.5, n)),
            "NumWebPurchases": np.where(group == 0, 8, 3) + rng.integers(0, 3, n),
        }
    ).astype("object")
    frame.loc[rng.choice(np.arange(10, n), 24, replace=False), "Income"] = np.nan
    frame.loc[5, frame.columns[1:]] = np.nan  # a customer with no value at all
    path = tmp_path / "marketing_campaign.csv"
    frame.to_csv(path, sep="\t", index=False)
    return path, frame


MARKETING_FEATURES = "Income,Recency,MntWines,MntFruits,NumWebPurchases"


def test_segment_says_what_it_filled_and_leaves_empty_rows_unsegmented(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, frame = _marketing_file(tmp_path)
    out, model, personas_path = tmp_path / "out.csv", tmp_path / "model.json", tmp_path / "p.json"
    args = ["segment", str(path), "--features", MARKETING_FEATURES, "--k", "3", "-o", str(out)]
    assert main([*args, "--model", str(model), "--personas", str(personas_path)]) == 0
    err = capsys.readouterr().err
    median = pd.to_numeric(frame["Income"]).median()
    assert f"Income: 24 missing values filled with the median {median:,.0f}" in err
    assert "Not segmented (no data): 1 customer" in err

    segmented = pd.read_csv(out, sep=None, engine="python")
    empty = segmented.loc[segmented["ID"] == 5005]
    assert empty["segment"].tolist() == [-2] and empty["segment_name"].tolist() == ["Not segmented (no data)"]
    assert (segmented["segment"] == -1).sum() == 0  # -1 stays the density method's "Unassigned"
    assert segmented.loc[segmented["ID"] != 5005, "segment"].between(0, 2).all()

    described = json.loads(personas_path.read_text(encoding="utf-8"))
    assert [p["segment"] for p in described["segments"]] == [0, 1, 2]  # no persona for no data
    assert sum(p["size"] for p in described["segments"]) == len(frame) - 1
    assert described["not_segmented"] == {"no_data": 1, "missing_values": 0}
    assert described["missing_values_filled"] == [
        {"feature": "Income", "n_filled": 24, "strategy": "median", "value": pytest.approx(median)}
    ]
    spoken = " ".join(p["name"] + " " + " ".join(p["traits"]) for p in described["segments"])
    assert "mnt wines" not in spoken.lower() and "Wines (Mnt)" in spoken
    saved = json.loads(model.read_text(encoding="utf-8"))
    filled = {f["name"]: f["missing_values_filled_when_fitted"] for f in saved["features"]}
    assert filled == {"Income": 24, "Recency": 0, "MntWines": 0, "MntFruits": 0, "NumWebPurchases": 0}

    assert main(["assign", str(path), "--model", str(model), "-o", str(tmp_path / "assigned.csv")]) == 0
    err = capsys.readouterr().err
    assert f"Income: 24 missing values filled with the model's median {median:,.0f}" in err
    assert "1 customer with no value in any of the model's features" in err
    assigned = pd.read_csv(tmp_path / "assigned.csv", sep=None, engine="python")
    assert assigned["segment"].tolist() == segmented["segment"].tolist()
    assert assigned["segment_name"].tolist() == segmented["segment_name"].tolist()


def test_sweep_says_what_it_fills(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = _marketing_file(tmp_path)
    assert main(["sweep", str(path), "--features", MARKETING_FEATURES, "--k-max", "4"]) == 0
    err = capsys.readouterr().err
    assert "note: Income: 24 missing values filled with the median" in err
