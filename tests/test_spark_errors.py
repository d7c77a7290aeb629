"""Bad input on the Spark engine: one line naming the problem, the JVM's trace only in the log file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from segmentation import ColumnError, EngineError, FeatureSpec, SparkEngine
from tests._engine_fixtures import COLUMNS, shop_lines, write_lines


def test_a_path_spark_cannot_read(spark_session: object, tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere" / "orders.csv")
    with pytest.raises(EngineError) as caught:
        SparkEngine(spark_session).customer_features(missing, columns=COLUMNS)
    message = str(caught.value)
    assert f"could not read {missing}" in message
    assert "\n" not in message
    assert "at org.apache" not in message
    log = message.rsplit("full trace in ", 1)[1].rstrip(").")
    assert "org.apache.spark" in Path(log).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("unit_price", "12,50", "price column 'unit_price'"),
        ("order_date", "31/12/2024", "date column 'order_date'"),
    ],
)
def test_a_column_spark_reads_differently(
    spark_session: object, tmp_path: Path, column: str, value: str, words: str
) -> None:
    lines = shop_lines(n_customers=6)
    lines.loc[3, column] = value
    with pytest.raises(ColumnError, match=f"Spark reads the {words} differently.*{value!r}"):
        SparkEngine(spark_session).customer_features(write_lines(tmp_path, lines), columns=COLUMNS)


def test_no_java_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    path = tmp_path / "customers.csv"
    pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 3.0, 1.0, 2.0]}).to_csv(path, index=False)
    env = {
        **os.environ,
        "JAVA_HOME": str(tmp_path / "no-java"),
        "PATH": str(Path(sys.executable).parent),
        "SEGMENTATION_SPARK_LOG": str(tmp_path / "spark.log"),
    }
    command = [sys.executable, "-m", "segmentation", "sweep", str(path), "--features", "a,b", "--k-max", "3"]
    done = subprocess.run(
        [*command, "--engine", "spark"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Spark cannot start" in done.stderr
    assert "no-java has no bin/java" in done.stderr


def test_a_feature_spark_reads_differently(spark_session: object, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    table = pd.DataFrame({"age": ["31", "45,5", "28", "50"], "spend": ["1.5", "2", "3", "4"]})
    table.to_csv(path, index=False)
    specs = [FeatureSpec("age"), FeatureSpec("spend")]
    with pytest.raises(ColumnError, match=r"Spark reads the feature column 'age' differently.*'45,5'"):
        SparkEngine(spark_session).sweep(str(path), specs, k_values=[2])


def test_spark_reads_a_local_file_with_the_loaders_separator_and_encoding(
    spark_session: object, tmp_path: Path
) -> None:
    """A ';' file saved by Excel in Windows-1252 reads on Spark as the pandas engine reads it."""
    from segmentation import load_table

    path = tmp_path / "kunden.csv"
    rows = "".join(f"{i};Jürgen {i} €;{i},50;ja\n" for i in range(300))
    path.write_bytes(("kunde;name;umsatz;newsletter\n" + rows).encode("cp1252"))
    on_spark = SparkEngine(spark_session).first_rows(str(path), 1_000)
    expected = load_table(path).frame
    assert list(on_spark.columns) == list(expected.columns) == ["kunde", "name", "umsatz", "newsletter"]
    assert on_spark.astype(str).equals(expected.astype(str))
    assert on_spark.loc[7, "name"] == "Jürgen 7 €"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            b"Sales report\nMarch 2026\n\nkunde,umsatz\n1,2\n2,3\n3,4\n",
            "3 line(s) come before the column names",
        ),
        ("kunde\tumsatz\n1\t2\n".encode("utf-16"), "written in utf-16; save it as UTF-8"),
    ],
)
def test_a_file_layout_spark_cannot_read_alike_is_one_line(
    spark_session: object, tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    with pytest.raises(ColumnError) as caught:
        SparkEngine(spark_session).first_rows(str(path))
    assert words in str(caught.value) and "--engine pandas" in str(caught.value)
