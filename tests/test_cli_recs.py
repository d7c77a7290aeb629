"""``segmentation recommend`` and ``segmentation evaluate-recs`` through the real entry point."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation.cli import main


def _orders(n_customers: int = 40, seed: int = 0) -> pd.DataFrame:
    """Order lines where customers buy within one of two product groups."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n_customers):
        group = c % 2
        for day, p in enumerate(rng.choice(8, size=5, replace=False)):
            rows.append((f"K{c:03d}", f"2024-03-{day + 1:02d}", f"SKU{group * 8 + p:02d}", 1 + (day % 2)))
    return pd.DataFrame(rows, columns=["customer_id", "order_date", "product_id", "quantity"])


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    orders = tmp_path / "orders.csv"
    _orders().to_csv(orders, index=False)
    catalog = tmp_path / "products.csv"
    pd.DataFrame(
        {"product_id": [f"SKU{i:02d}" for i in range(15)], "product_name": [f"Thing {i}" for i in range(15)]}
    ).to_csv(catalog, index=False)
    segments = tmp_path / "segmented.csv"
    ids = [f"K{c:03d}" for c in range(40)] + ["K999"]
    pd.DataFrame(
        {
            "customer_id": ids,
            "age": [30] * 41,
            "segment": [int(i[-1]) % 2 if i != "K999" else 1 for i in ids],
            "segment_name": ["Evens" if int(i[-1]) % 2 == 0 and i != "K999" else "Odds" for i in ids],
        }
    ).to_csv(segments, index=False)
    return {"orders": orders, "catalog": catalog, "segments": segments, "out": tmp_path / "recs.csv"}


def test_recommend_writes_lists_with_names_reasons_and_segments(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "recommend", str(files["orders"]), "--catalog", str(files["catalog"]),
            "--segments", str(files["segments"]),
            "--top-n", "3", "-o", str(files["out"]),
        ]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    recs = pd.read_csv(files["out"], dtype={"customer_id": str})
    assert list(recs.columns) == [
        "customer_id", "rank", "product_id", "item_name", "score", "reason", "cold_start", "segment",
    ]  # fmt: skip
    assert recs["customer_id"].nunique() == 41 and recs.groupby("customer_id").size().max() == 3
    warm = recs[recs["customer_id"] == "K002"]
    # Even customers only ever bought SKU00-07; their suggestions stay in that group.
    assert warm["product_id"].str[3:].astype(int).lt(8).all()
    assert warm["reason"].str.startswith("Because they bought Thing ").all()
    new = recs[recs["customer_id"] == "K999"]
    assert new["cold_start"].all() and set(new["reason"]) == {"Popular in Odds"}
    assert new["product_id"].str[3:].astype(int).ge(8).all()
    assert "SKU15" in set(recs["product_id"])  # SKU15 is not in the catalog ...
    missing = recs[recs["product_id"] == "SKU15"]
    assert (missing["item_name"] == "SKU15").all()  # ... so it keeps its id as its name
    assert "wrote" in capsys.readouterr().out


def test_evaluate_recs_json_with_epoch_seconds(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ratings = _orders().assign(timestamp=lambda f: pd.to_datetime(f["order_date"]).astype("int64") // 10**9)[
        ["customer_id", "product_id", "timestamp"]
    ]
    path = tmp_path / "ratings.csv"
    ratings.to_csv(path, index=False)
    code = main(
        [
            "evaluate-recs",
            str(path),
            "--item-col",
            "product_id",
            "--time-col",
            "timestamp",
            "--models",
            "item_knn",
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    payload = json.loads(captured.out)
    assert {"protocol", "default_model", "results"} <= set(payload)
    models = {r["model"]: r for r in payload["results"]}
    assert {"popularity", "item_knn", payload["default_model"]} == set(models)
    # Two disjoint taste groups: similar items beat bestsellers.
    assert models["item_knn"]["ndcg_at_k"] > models["popularity"]["ndcg_at_k"]
    assert set(models["item_knn"]) == {
        "model",
        "precision_at_k",
        "recall_at_k",
        "ndcg_at_k",
        "coverage",
        "seconds",
    }


def test_table_output_and_errors(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate-recs", str(files["orders"]), "--k", "5"]) == 0
    out = capsys.readouterr().out
    assert "popularity" in out and "(default)" in out and "latest 20%" in out
    assert main(["recommend", str(files["orders"]), "--model", "magic", "-o", str(files["out"])]) == 2
    assert "magic" in capsys.readouterr().err
    assert main(["evaluate-recs", str(files["orders"]), "--item-col", "nope"]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["evaluate-recs", str(files["orders"]), "--models", "item_knn,bogus"]) == 2
    assert "bogus" in capsys.readouterr().err
    assert main(["evaluate-recs", str(files["segments"])]) == 2
    err = capsys.readouterr().err
    assert "item" in err and "Traceback" not in err


def test_console_script(files: dict[str, Path], segmentation_cli: list[str]) -> None:
    done = subprocess.run(
        [*segmentation_cli, "recommend", str(files["orders"]), "--top-n", "2", "-o", str(files["out"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    recs = pd.read_csv(files["out"])
    assert "item_name" not in recs.columns and len(recs) == 80
