"""``segment --engine spark --personas``: the pandas engine's personas, through the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from segmentation import PandasEngine, load_model
from segmentation.cli import main
from segmentation.engines.spark_sample import stratum_sizes
from tests._engine_fixtures import COLUMNS, shop_lines, write_lines

FEATURES = ["--features", "recency_days,frequency,monetary"]
LIMIT_VARIABLE = "SEGMENTATION_SPARK_DESCRIBE_LIMIT"
GROUP_SIZES = (450, 120, 30)


def three_groups(seed: int = 0) -> pd.DataFrame:
    """Customers in three well-separated groups of 450, 120 and 30 (segments 0, 1, 2), rows shuffled."""
    rng = np.random.default_rng(seed)
    centres = ((300.0, 1, 40.0), (60.0, 6, 400.0), (10.0, 25, 3000.0))
    parts = []
    for group, (size, (recency, frequency, money)) in enumerate(zip(GROUP_SIZES, centres, strict=True)):
        parts.append(
            pd.DataFrame(
                {
                    "group": group,
                    "recency_days": rng.normal(recency, recency * 0.05, size).clip(0).round(),
                    "frequency": rng.integers(frequency, frequency + 3, size),
                    "monetary": rng.normal(money, money * 0.1, size).round(2),
                }
            )
        )
    table = pd.concat(parts).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    table.insert(0, "customer_id", [f"C{i:05d}" for i in range(len(table))])
    return table


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli_spark_personas")


@pytest.fixture(scope="module")
def shop(folder: Path) -> dict[str, str]:
    orders = write_lines(folder, shop_lines(n_customers=150, seed=4))
    customers = folder / "customers.csv"
    PandasEngine().customer_features(orders, columns=COLUMNS).to_csv(customers, index=False)
    return {"orders": orders, "customers": str(customers)}


@pytest.fixture(scope="module")
def groups(folder: Path) -> pd.DataFrame:
    table = three_groups()
    table.drop(columns=["group"]).to_csv(folder / "groups.csv", index=False)
    return table


def _segment(file: str, out: Path, *, engine: str, seed: int = 0) -> dict[str, Any]:
    stem = out.name.split(".")[0]
    personas, model = out.parent / f"{stem}_personas.json", out.parent / f"{stem}_model.json"
    args = [*FEATURES, "--k", "3", "--seed", str(seed), "-o", str(out), "--model", str(model)]
    assert main(["segment", file, *args, "--personas", str(personas), "--engine", engine]) == 0
    return {"personas": json.loads(personas.read_text(encoding="utf-8")), "model": model}


def _read(out: Path) -> pd.DataFrame:
    frame = pd.read_csv(out, dtype={"customer_id": str}) if out.suffix == ".csv" else pd.read_parquet(out)
    return frame.sort_values("customer_id").reset_index(drop=True)


def _close(left: Any, right: Any, where: str = "") -> None:
    """Equal JSON values, floats up to 1e-9 relative."""
    if isinstance(left, dict):
        assert isinstance(right, dict) and left.keys() == right.keys(), where
        for key in left:
            _close(left[key], right[key], f"{where}.{key}")
    elif isinstance(left, list):
        assert isinstance(right, list) and len(left) == len(right), where
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            _close(a, b, f"{where}[{i}]")
    elif isinstance(left, float) and isinstance(right, float):
        assert right == pytest.approx(left, rel=1e-9, abs=1e-12), where
    else:
        assert left == right, where


@pytest.fixture(scope="module")
def gaps(groups: pd.DataFrame, folder: Path) -> str:
    """The three groups plus two customers with no data and one without money (filled)."""
    extra = pd.DataFrame(
        {"customer_id": ["X1", "X2", "X3"], "recency_days": [None, None, 300.0], "frequency": [None, None, 1]}
    )
    path = folder / "gaps.csv"
    pd.concat([groups.drop(columns=["group"]), extra], ignore_index=True).to_csv(path, index=False)
    return str(path)


@pytest.mark.parametrize("file", ["shop", "gaps"])
def test_every_customer_gives_the_pandas_personas_and_names(
    file: str,
    request: pytest.FixtureRequest,
    folder: Path,
    spark_session: object,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = request.getfixturevalue("shop")["customers"] if file == "shop" else request.getfixturevalue(file)
    on_pandas = _segment(path, folder / f"{file}_pandas.csv", engine="pandas")
    on_spark = _segment(path, folder / f"{file}_spark.parquet", engine="spark")
    assert "sample" not in capsys.readouterr().err
    pandas_rows, spark_rows = _read(folder / f"{file}_pandas.csv"), _read(folder / f"{file}_spark.parquet")
    assert (pandas_rows["segment"].to_numpy() == spark_rows["segment"].to_numpy()).all()
    _close(on_pandas["personas"], on_spark["personas"])  # same keys, no "described_from"
    names = {p["segment"]: p["name"] for p in on_spark["personas"]["segments"]}
    assert len(set(names.values())) == 3 and not any(n.startswith("Segment ") for n in names.values())
    segmented = spark_rows["segment"] >= 0
    assert (spark_rows["segment_name"][segmented] == spark_rows["segment"][segmented].map(names)).all()
    if file == "gaps":
        assert on_spark["personas"]["not_segmented"] == {"no_data": 2, "missing_values": 0}
        assert [f["n_filled"] for f in on_spark["personas"]["missing_values_filled"]] == [1]
    assert (
        load_model(on_spark["model"]).segment_names == names == load_model(on_pandas["model"]).segment_names
    )


def test_above_the_limit_a_stratified_sample_is_described_with_exact_counts(
    groups: pd.DataFrame,
    folder: Path,
    spark_session: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(LIMIT_VARIABLE, "100")
    file = str(folder / "groups.csv")
    first = _segment(file, folder / "sampled.parquet", engine="spark")
    err = capsys.readouterr().err
    again = _segment(file, folder / "again.parquet", engine="spark")
    drawn = sum(stratum_sizes(dict(enumerate(GROUP_SIZES)), limit=100).values())
    assert drawn == 75 + 20 + 16  # shares of 100, the 30-customer segment raised to the floor 100 // 6
    assert f"note: the personas describe a sample of {drawn} of 600 customers" in err
    assert first["personas"] == again["personas"]  # same seed, same sample, same names and traits
    described = first["personas"]["described_from"]
    assert described == {
        "customers": drawn,
        "of_customers": 600,
        "sampled": True,
        "stratified_by": "segment",
        "seed": 0,
        "exact": ["size", "share", "revenue_share"],
    }
    segments = first["personas"]["segments"]
    money = groups.groupby("group")["monetary"].sum()
    assert [p["size"] for p in segments] == list(GROUP_SIZES)
    assert [p["share"] for p in segments] == pytest.approx([n / 600 for n in GROUP_SIZES])
    assert [p["revenue_share"] for p in segments] == pytest.approx((money / money.sum()).tolist())
    rows = _read(folder / "sampled.parquet").merge(groups[["customer_id", "group"]], on="customer_id")
    assert (rows["segment"] == rows["group"]).all()
    names = {p["segment"]: p["name"] for p in segments}
    assert (rows["segment_name"] == rows["segment"].map(names)).all()


def test_personas_of_parquet_folders_written_by_spark(
    shop: dict[str, str], folder: Path, spark_session: object
) -> None:
    flags = ["--customer-col", "customer_id", "--date-col", "order_date", "--quantity-col", "quantity"]
    flags += ["--price-col", "unit_price", "--order-col", "order_id", "--item-col", "product_id"]
    customers = folder / "customers.parquet"
    assert main(["features", shop["orders"], *flags, "-o", str(customers), "--engine", "spark"]) == 0
    first = _segment(str(customers), folder / "from_features.parquet", engine="spark")
    rows = _read(folder / "from_features.parquet")
    names = {p["segment"]: p["name"] for p in first["personas"]["segments"]}
    assert (rows["segment_name"] == rows["segment"].map(names)).all()
    # the folder `segment --engine spark` wrote, segmented again: its own segment columns are data
    second = _segment(str(folder / "from_features.parquet"), folder / "again.parquet", engine="spark")
    again = _read(folder / "again.parquet")
    assert sorted(p["size"] for p in second["personas"]["segments"]) == sorted(
        rows["segment"].value_counts().tolist()
    )
    assert "segment_name" in again.columns and len(again) == len(rows)


@pytest.mark.parametrize("engine", ["pandas", "spark"])
def test_personas_into_a_missing_folder_is_one_line(
    engine: str, shop: dict[str, str], folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = folder / "no_such_folder" / "personas.json"
    args = [*FEATURES, "--k", "3", "-o", str(folder / "x.parquet"), "--personas", str(target)]
    assert main(["segment", shop["customers"], *args, "--engine", engine]) == 2
    err = capsys.readouterr().err
    assert (
        err
        == f"segmentation segment: error: cannot write {target}: the folder {target.parent} does not exist.\n"
    )


def test_a_bad_describe_limit_is_one_line(
    shop: dict[str, str],
    folder: Path,
    spark_session: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(LIMIT_VARIABLE, "many")
    args = [*FEATURES, "--k", "3", "-o", str(folder / "x.parquet"), "--personas", str(folder / "p.json")]
    assert main(["segment", shop["customers"], *args, "--engine", "spark"]) == 2
    assert f"{LIMIT_VARIABLE}='many' is not a number of customers" in capsys.readouterr().err
