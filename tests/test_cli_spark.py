"""The command line with ``--engine spark``: the pandas engine's answers, through the user's door."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from segmentation import PandasEngine
from segmentation.cli import main
from tests._engine_fixtures import COLUMNS, RFM_COLUMNS, TRANSACTION_FLAGS, shop_lines, write_lines


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("cli_spark")
    orders = write_lines(folder, shop_lines(n_customers=150, seed=4))
    customers = folder / "customers.csv"
    PandasEngine().customer_features(orders, columns=COLUMNS).to_csv(customers, index=False)
    return {"orders": orders, "customers": str(customers), "folder": str(folder)}


def test_features_on_spark_equal_the_pandas_file(
    files: dict[str, str], spark_session: object, capsys: pytest.CaptureFixture[str]
) -> None:
    out = Path(files["folder"]) / "features.parquet"
    assert main(["features", files["orders"], *TRANSACTION_FLAGS, "-o", str(out), "--engine", "spark"]) == 0
    assert "wrote" in capsys.readouterr().out
    on_spark = pd.read_parquet(out).sort_values("customer_id").reset_index(drop=True)
    reference = pd.read_csv(files["customers"], dtype={"customer_id": str, "rfm_score": str})
    assert list(on_spark.columns) == list(RFM_COLUMNS)
    pd.testing.assert_frame_equal(
        on_spark[list(RFM_COLUMNS)],
        reference[list(RFM_COLUMNS)],
        check_dtype=False,
        check_exact=False,
        rtol=1e-9,
    )


def test_segment_on_spark_then_assign_on_pandas(
    files: dict[str, str], spark_session: object, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = Path(files["folder"])
    common = [files["customers"], "--features", "recency_days,frequency,monetary"]
    sweeps = []
    for engine in ("pandas", "spark"):
        assert main(["sweep", *common, "--k-max", "4", "--json", "--engine", engine]) == 0
        sweeps.append(json.loads(capsys.readouterr().out))
    assert sweeps[0]["recommended_k"] == sweeps[1]["recommended_k"]
    model = folder / "model.json"
    spark_out = folder / "segmented.parquet"
    args = ["segment", *common, "--k", "3", "-o", str(spark_out), "--model", str(model), "--engine", "spark"]
    assert main(args) == 0
    assert "in 3 segments" in capsys.readouterr().out
    pandas_out = folder / "assigned.csv"
    assert main(["assign", files["customers"], "--model", str(model), "-o", str(pandas_out)]) == 0
    on_spark = pd.read_parquet(spark_out).sort_values("customer_id")["segment"].to_numpy()
    on_pandas = (
        pd.read_csv(pandas_out, dtype={"customer_id": str}).sort_values("customer_id")["segment"].to_numpy()
    )
    assert (on_spark == on_pandas).all()


def test_the_environment_variable_chooses_spark(
    files: dict[str, str],
    spark_session: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SEGMENTATION_ENGINE", "spark")
    missing = str(Path(files["folder"]) / "missing.csv")
    assert main(["sweep", missing, "--features", "a"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"Spark could not read {missing}" in err
    assert "full trace in" in err


def test_spark_without_pyspark_exits_2_with_the_install_line(
    files: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "pyspark", None)
    code = main(["sweep", files["customers"], "--features", "frequency", "--engine", "spark"])
    assert code == 2
    assert "pip install -e '.[spark]'" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["features", "sweep", "segment", "assign", "evaluate-recs", "recommend"])
def test_the_heavy_commands_take_an_engine(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "--engine {pandas,spark}" in capsys.readouterr().out


def test_an_unknown_engine_in_the_environment_is_one_line(
    files: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SEGMENTATION_ENGINE", "dask")
    assert main(["sweep", files["customers"], "--features", "frequency"]) == 2
    assert "SEGMENTATION_ENGINE='dask' is not an engine" in capsys.readouterr().err


def test_recommend_on_spark_writes_top_n_lists(
    files: dict[str, str], spark_session: object, capsys: pytest.CaptureFixture[str]
) -> None:
    out = Path(files["folder"]) / "lists.csv"
    flags = ["--customer-col", "customer_id", "--item-col", "product_id", "--top-n", "3"]
    assert main(["recommend", files["orders"], *flags, "-o", str(out), "--engine", "spark"]) == 0
    assert "top-3 new items for" in capsys.readouterr().out
    lists = pd.concat(pd.read_csv(part, dtype=str) for part in sorted(out.glob("part-*.csv")))
    assert set(lists.columns) == {"customer_id", "rank", "product_id", "score"}
    assert lists.groupby("customer_id").size().max() == 3
    # --segments and --catalog on Spark: tests/test_spark_recs_more.py
