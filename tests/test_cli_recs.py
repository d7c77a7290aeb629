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


# ---- items bought and returned are never offered back ----------------------------------------
@pytest.fixture(scope="module")
def demo_shop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo shop (returns are lines with a negative quantity), made by the real CLI, with segments."""
    folder = tmp_path_factory.mktemp("demo")
    assert main(["demo-data", str(folder), "--customers", "800"]) == 0
    customers = pd.read_csv(folder / "demo_customers.csv", dtype=str)
    segments = folder / "segmented.csv"
    customers[["customer_id"]].assign(
        segment=np.arange(len(customers)) % 3, segment_name=lambda f: "Group " + f["segment"].astype(str)
    ).to_csv(segments, index=False)
    return {"orders": folder / "demo_orders.csv.gz", "segments": segments, "folder": folder}


def _pairs(frame: pd.DataFrame, customer: str, item: str) -> pd.Series:
    return frame[customer].astype(str) + "|" + frame[item].astype(str)


@pytest.mark.parametrize("model", ["ease", "popularity", "item_knn", "user_knn", "rp3beta"])
def test_demo_orders_never_suggest_an_item_bought_or_returned(
    demo_shop: dict[str, Path], model: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = demo_shop["folder"] / f"recs_{model}.csv"
    code = main(
        ["recommend", str(demo_shop["orders"]), "--segments", str(demo_shop["segments"]),
         "--model", model, "-o", str(out)]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    orders = pd.read_csv(demo_shop["orders"], dtype=str)
    net = (
        orders.assign(quantity=orders["quantity"].astype(float))
        .groupby(["customer_id", "product_id"])["quantity"]
        .sum()
    )
    returned = {f"{c}|{p}" for c, p in net[net <= 0].index}
    recs = pd.read_csv(out, dtype=str)
    suggested = set(_pairs(recs, "customer_id", "product_id"))
    # The shop really has fully returned items, for customers who get lists ...
    assert returned and {r.split("|")[0] for r in returned} <= set(recs["customer_id"])
    # ... and no list offers anything the customer has a line for, returned or not.
    assert suggested.isdisjoint(set(_pairs(orders, "customer_id", "product_id")))
    assert recs.groupby("customer_id").size().eq(10).all()


def test_online_retail_cancellations_are_not_offered_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Online-Retail layout: a cancelled order is a 'C' invoice with a negative quantity."""
    rows = []
    for c in range(30):
        customer = str(12000 + c)
        basket = ["85123A", "71053", "84406B"] if c % 2 else ["22423", "47566", "85099B"]
        for j, code in enumerate(basket):
            rows.append(
                (f"5{c:03d}{j}", code, 6, f"12/0{1 + j}/2010 08:26", 2.55, customer, "United Kingdom")
            )
    # Customer 12001 bought the bestseller 22423 of the other group, then cancelled it.
    rows.append(("540001", "22423", 12, "12/05/2010 09:00", 2.95, "12001", "United Kingdom"))
    rows.append(("C540002", "22423", -12, "12/06/2010 10:00", 2.95, "12001", "United Kingdom"))
    path = tmp_path / "Online Retail.csv"
    pd.DataFrame(
        rows,
        columns=["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"],
    ).to_csv(path, index=False)
    out = tmp_path / "recs.csv"
    for model in ("ease", "popularity", "item_knn"):
        assert main(["recommend", str(path), "--model", model, "-o", str(out)]) == 0, capsys.readouterr().err
        recs = pd.read_csv(out, dtype=str)
        offered = recs.loc[recs["CustomerID"] == "12001", "StockCode"]
        assert len(offered) > 0 and "22423" not in set(offered), model


def test_ratings_with_numeric_movie_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(3)
    rows = [
        (user, (user % 2) * 10 + int(movie) + 1, 4.0, 1_000_000_000 + user * 1_000 + j)
        for user in range(1, 61)
        for j, movie in enumerate(rng.choice(10, size=5, replace=False))
    ]
    ratings = pd.DataFrame(rows, columns=["userId", "movieId", "rating", "timestamp"])
    path = tmp_path / "ratings.csv"
    ratings.to_csv(path, index=False)
    out = tmp_path / "recs.csv"
    code = main(["recommend", str(path), "--item-col", "movieId", "--top-n", "3", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    recs = pd.read_csv(out, dtype=str)
    assert list(recs.columns[:3]) == ["userId", "rank", "movieId"] and len(recs) == 180
    # Ids stay the ids as written (no "17.0"), and nobody is offered a film they rated.
    assert recs["movieId"].str.fullmatch(r"\d+").all()
    assert set(_pairs(recs, "userId", "movieId")).isdisjoint(set(_pairs(ratings, "userId", "movieId")))
    # Users of one taste group are offered that group's films first.
    first = recs[recs["rank"] == "1"]
    group = first["userId"].astype(int) % 2
    assert ((first["movieId"].astype(int) > 10) == (group == 1)).all()


@pytest.mark.parametrize("command", ["recommend", "evaluate-recs"])
def test_order_file_without_item_column_says_so(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "payments.csv"
    pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C1", "C3"],
            "order_date": ["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-07"],
            "amount": [10.5, 11.0, 3.0, 8.25],
        }
    ).to_csv(path, index=False)
    args = [command, str(path)] + (["-o", str(tmp_path / "recs.csv")] if command == "recommend" else [])
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{path} has no item column" in err and "--item-col" in err
    assert "'customer_id', 'order_date', 'amount'" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "recs.csv").exists()


def test_a_refund_with_a_negative_amount_is_a_return_when_there_is_no_quantity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = _orders()
    refund = pd.DataFrame(
        {
            "customer_id": ["K900", "K900", "K901"],
            "order_date": ["2024-03-01", "2024-03-09", "2024-03-02"],
            "product_id": ["SKU00", "SKU00", "SKU01"],
            "amount": [25.0, -25.0, 12.5],
        }
    )
    path = tmp_path / "payments.csv"
    pd.concat([orders.assign(amount=orders.pop("quantity") * 12.5), refund]).to_csv(path, index=False)
    out = tmp_path / "recs.csv"
    assert main(["recommend", str(path), "--top-n", "3", "-o", str(out)]) == 0, capsys.readouterr().err
    recs = pd.read_csv(out, dtype=str)
    k900 = recs[recs["customer_id"] == "K900"]
    # K900 gave back all it bought: no purchase history left, and never offered SKU00 again.
    assert len(k900) == 3 and k900["cold_start"].eq("True").all() and "SKU00" not in set(k900["product_id"])
    assert recs.loc[recs["customer_id"] == "K901", "cold_start"].eq("False").all()
    assert "1 without purchase history" in capsys.readouterr().out
