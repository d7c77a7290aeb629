"""Campaign lists on Spark: the same list, row for row, as the pandas engine, on a file full of traps.

The Spark session reads the file in several parts and hands the package's functions small
batches, so every rule that depends on the whole column (decimal marks, date formats, known
segments, duplicates across parts, someone who said no on another row) is exercised.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from segmentation import (
    AudienceQuery,
    Condition,
    ConditionGroup,
    PandasEngine,
    SparkEngine,
)
from segmentation.cli import main
from segmentation.errors import ColumnError, ParameterError
from segmentation.keys import match_key
from tests._audience_fixtures import CONTACTS, campaign_specs, messy_customers, write_customers

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def spark(spark_session: Any) -> Iterator[Any]:
    """The shared session, made to read the test file in several parts and small batches."""
    settings = {
        "spark.sql.execution.arrow.maxRecordsPerBatch": "64",
        "spark.sql.files.maxPartitionBytes": "20000",
    }
    saved = {key: spark_session.conf.get(key) for key in settings}
    for key, value in settings.items():
        spark_session.conf.set(key, value)
    yield spark_session
    for key, value in saved.items():
        spark_session.conf.set(key, value)


@pytest.fixture(scope="module")
def customers_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(write_customers(tmp_path_factory.mktemp("segmented"), messy_customers()))


@pytest.mark.parametrize("name", list(campaign_specs()))
def test_spark_makes_the_pandas_list_row_for_row(name: str, customers_file: str, spark: Any) -> None:
    spec = campaign_specs()[name]
    expected = PandasEngine().campaign_list(customers_file, spec, contacts=CONTACTS)
    found = SparkEngine(spark).campaign_list(customers_file, spec, contacts=CONTACTS)
    assert spark.read.csv(customers_file, header=True).rdd.getNumPartitions() > 1  # read in parts
    pd.testing.assert_frame_equal(found.frame, expected.frame)
    pd.testing.assert_frame_equal(found.counts, expected.counts)
    assert found.rules == expected.rules
    assert (found.consent, found.unrecognised_consent) == (expected.consent, expected.unrecognised_consent)
    assert found.suppression_matches == expected.suppression_matches
    assert (found.notes, found.warnings, found.n_input) == (
        expected.notes,
        expected.warnings,
        expected.n_input,
    )
    # The send list's order (ids' natural order) follows from input_rows the same way on both.
    assert np.array_equal(np.argsort(found.input_rows), np.argsort(expected.input_rows))


def test_nobody_who_said_no_is_listed(customers_file: str, spark: Any) -> None:
    """Beyond equality: 'unsubscribed = yes' (or 'ja', '1') means do not contact, on any of their rows."""
    frame = messy_customers()
    audience = SparkEngine(spark).campaign_list(
        customers_file, campaign_specs()["everyone"], contacts=CONTACTS
    )
    said_no = frame["unsubscribed"].str.strip().str.casefold().isin({"yes", "ja", "1"})
    blocked = set(match_key(frame["customer_id"][said_no])) | set(match_key(frame["email"][said_no]))
    listed = set(match_key(audience.frame["customer_id"])) | set(match_key(audience.frame["email"]))
    assert len(audience.frame) > 100
    assert not (blocked - {""}) & listed
    assert "77777" not in set(
        audience.frame["customer_id"]
    )  # said yes, but no on another row with this email
    assert audience.consent is not None and audience.consent.unrecognised == {
        "maybe": int((frame["unsubscribed"] == "maybe").sum())
    }


def test_a_date_column_written_two_ways_is_refused(tmp_path: Path, spark: Any) -> None:
    frame = messy_customers()
    frame.loc[len(frame) - 200 :, "last_order"] = "03/14/2026"  # month-first in the file's last part
    path = write_customers(tmp_path, frame)
    query = AudienceQuery(
        groups=(ConditionGroup(conditions=(Condition("last_order", "after", "2026-03-01"),)),)
    )
    spec = replace(campaign_specs()["everyone"], query=query)
    with pytest.raises(ColumnError, match="'last_order' is written in more than one way"):
        SparkEngine(spark).campaign_list(str(path), spec, contacts=CONTACTS)


def test_bad_segments_fail_as_on_pandas(tmp_path: Path, spark: Any) -> None:
    frame = messy_customers()
    frame.loc[400, "segment"] = "2.5"
    path = str(write_customers(tmp_path, frame))
    spec = campaign_specs()["everyone"]
    for engine in (PandasEngine(), SparkEngine(spark)):
        with pytest.raises(ColumnError, match=r"column 'segment' holds '2\.5'"):
            engine.campaign_list(path, spec, contacts=CONTACTS)
    unknown = replace(spec, segments=("Whales",))
    messages = set()
    for engine in (PandasEngine(), SparkEngine(spark)):
        with pytest.raises(ParameterError) as caught:
            engine.campaign_list(
                str(write_customers(tmp_path, messy_customers(), "ok.csv")), unknown, contacts=CONTACTS
            )
        messages.add(str(caught.value))
    assert len(messages) == 1 and "no segment called 'Whales'" in messages.pop()


# ---------------------------------------------------------------------------------------------- CLI


def _export(customers_file: str, out: Path, *extra: str, engine: str) -> int:
    return main(
        [
            "export",
            customers_file,
            "-o",
            str(out),
            "--consent-col",
            "unsubscribed",
            "--filter",
            "monetary>=20",
            "--holdout",
            "0.2",
            "--seed",
            "5",
            "--engine",
            engine,
            *extra,
        ]
    )


def _manifest(path: Path) -> dict[str, Any]:
    manifest = json.loads(Path(f"{path}.manifest.json").read_text(encoding="utf-8"))
    for key in ("created_at", "engine", "generator"):
        manifest.pop(key, None)
    return manifest


def test_cli_export_on_spark_writes_the_same_files(
    customers_file: str, tmp_path: Path, spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    suppress = tmp_path / "suppress.csv"
    suppress.write_text("email\nperson12@example.org\nPERSON13@example.org\n", encoding="utf-8")
    recs = tmp_path / "recs.csv"
    recs.write_text(
        "customer_id,rank,item,item_name\n1003,1,P1,Tea\n1003,2,P2,=Mug\n1004.0,1,P3,Pot\n",
        encoding="utf-8",
    )
    extra = (
        "--suppress", str(suppress), "--split-control", "--segments", "Loyal regulars,Big spenders",
        "--recs", str(recs), "--top-n", "2",
    )  # fmt: skip
    assert _export(customers_file, tmp_path / "pandas.csv", *extra, engine="pandas") == 0
    assert _export(customers_file, tmp_path / "spark.csv", *extra, engine="spark") == 0
    for name in ("{}.csv", "{}.control.csv"):
        assert (tmp_path / name.format("spark")).read_bytes() == (
            tmp_path / name.format("pandas")
        ).read_bytes()
    listed = pd.concat([pd.read_csv(tmp_path / f, dtype=str) for f in ("spark.csv", "spark.control.csv")])
    assert listed.set_index("customer_id").loc[["1003", "1004"], "item_1"].tolist() == ["P1", "P3"]
    expected, found = _manifest(tmp_path / "pandas.csv"), _manifest(tmp_path / "spark.csv")
    for manifest in (expected, found):
        manifest["file"]["name"] = None
        for entry in manifest["files"].values():
            entry["name"] = None
    assert found == expected
    assert json.loads((tmp_path / "spark.csv.manifest.json").read_text())["engine"] == "spark"
    assert [m["matched"] for m in found["suppression"]["lists"]] == [2]
    assert "Wrote " in capsys.readouterr().err


def test_cli_export_on_spark_writes_parquet_with_its_manifest(
    customers_file: str, tmp_path: Path, spark: Any
) -> None:
    assert _export(customers_file, tmp_path / "list.csv", engine="pandas") == 0
    out = tmp_path / "list.parquet"
    assert _export(customers_file, out, engine="spark") == 0
    written = pd.read_parquet(out)
    expected = pd.read_csv(tmp_path / "list.csv", dtype=str, keep_default_na=False)
    shown = written.astype(object).where(written.notna(), "").astype(str)
    assert list(shown.columns) == list(expected.columns)
    # Parquet is not opened by spreadsheets, so cells are not formula-escaped there.
    expected = expected.apply(lambda c: c.str.removeprefix("'"))
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), expected, check_dtype=False)
    manifest = json.loads(Path(f"{out}.manifest.json").read_text(encoding="utf-8"))
    assert manifest["file"]["format"] == "parquet"
    assert (
        manifest["totals"]["listed"] == len(written) == _manifest(tmp_path / "list.csv")["totals"]["listed"]
    )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (("--split-control",), "--split-control needs the list on this machine"),
        (("--save", "x"), "--save needs the list on this machine"),
    ],
)
def test_cli_refuses_what_a_parquet_list_cannot_do(
    customers_file: str,
    tmp_path: Path,
    extra: tuple[str, ...],
    expected: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _export(customers_file, tmp_path / "list.parquet", *extra, engine="spark") == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_export_on_spark_names_a_missing_table(
    tmp_path: Path, spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(str(tmp_path / "nowhere.csv"), tmp_path / "list.csv", engine="spark") == 2
    err = capsys.readouterr().err
    assert "nowhere.csv" in err and "Traceback" not in err
