"""Tests for segmentation.io.loading: compressed and binary containers, and bad input giving DataLoadError."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation.errors import DataLoadError
from segmentation.io.loading import ReadOptions, load_table
from tests._loading_helpers import SIMPLE_ROWS, cells, write

# ---- containers and binary formats ------------------------------------------------------------------


def test_gzip(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "orders.csv.gz", gzip.compress(SIMPLE_ROWS.encode())))
    assert loaded.detection.compression == "gzip"
    assert cells(loaded)[0] == ["C001", "Berlin", "12.50"]


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return buffer.getvalue()


def test_zip_with_one_table(tmp_path: Path) -> None:
    data = zipped({"export/orders.csv": SIMPLE_ROWS.encode(), "__MACOSX/._orders.csv": b"\x00junk"})
    loaded = load_table(write(tmp_path, "orders.zip", data))
    assert (loaded.detection.compression, loaded.detection.inner_name) == ("zip", "export/orders.csv")
    assert len(loaded.frame) == 3


def test_zip_holding_a_gzipped_csv(tmp_path: Path) -> None:
    data = zipped({"orders.csv.gz": gzip.compress(SIMPLE_ROWS.encode()), "readme.md": b"notes"})
    loaded = load_table(write(tmp_path, "nested.zip", data))
    assert loaded.detection.inner_name == "orders.csv.gz"
    assert cells(loaded)[2] == ["C003", "Lyon", "30.25"]


def test_xlsx_skips_an_empty_first_sheet(tmp_path: Path) -> None:
    path = tmp_path / "cover.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame().to_excel(writer, sheet_name="Cover", index=False)
        pd.DataFrame({"id": ["a", "b"]}).to_excel(writer, sheet_name="Data", index=False)
    loaded = load_table(path)
    assert loaded.detection.sheet == "Data"
    assert loaded.frame["id"].tolist() == ["a", "b"]


@pytest.mark.parametrize(
    ("members", "expected"),
    [({}, "no table"), ({"a.csv": b"x\n1\n", "b.csv": b"y\n2\n"}, "2 table files.*a.csv")],
)
def test_zip_without_exactly_one_table(tmp_path: Path, members: dict[str, bytes], expected: str) -> None:
    with pytest.raises(DataLoadError, match=rf"bundle\.zip holds {expected}"):
        load_table(write(tmp_path, "bundle.zip", zipped(members)))


def test_xlsx_with_title_rows_and_native_types(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    table = pd.DataFrame(
        {
            "customer": ["C1", " C2 ", "C3"],
            "amount": [1.5, 2.0, 3.25],
            "day": pd.to_datetime(["2024-01-02", "2024-02-03", "2024-03-04"]),
        }
    )
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"x": ["Sales report"]}).to_excel(writer, sheet_name="Data", index=False, header=False)
        table.to_excel(writer, sheet_name="Data", index=False, startrow=2)
        table.to_excel(writer, sheet_name="Other", index=False)
    loaded = load_table(path)
    d = loaded.detection
    assert (d.format, d.sheet, d.sheet_names, d.skip_rows, d.header) == (
        "xlsx",
        "Data",
        ("Data", "Other"),
        2,
        True,
    )
    assert list(loaded.frame.columns) == ["customer", "amount", "day"]
    assert loaded.frame["customer"].tolist() == ["C1", "C2", "C3"]
    assert loaded.frame["customer"].dtype == "str"
    assert loaded.frame["amount"].dtype == np.float64
    assert pd.api.types.is_datetime64_any_dtype(loaded.frame["day"])
    other = load_table(path, options=ReadOptions(sheet="Other"))
    assert other.detection.sheet == "Other" and other.detection.skip_rows == 0
    with pytest.raises(DataLoadError, match=r"book\.xlsx has no sheet 'Nope'.*Data, Other"):
        load_table(path, options=ReadOptions(sheet="Nope"))


def test_parquet_keeps_types_and_names_become_strings(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pd.DataFrame(
        {"id": ["a", "b"], "n": [1, 2], "when": pd.to_datetime(["2024-01-01", "2024-01-02"])}
    ).to_parquet(path)
    loaded = load_table(path)
    assert loaded.detection.format == "parquet"
    assert loaded.frame["id"].dtype == "str"
    assert loaded.frame["n"].dtype == np.int64
    assert pd.api.types.is_datetime64_any_dtype(loaded.frame["when"])


def test_bytes_and_binary_io_sources_use_name(tmp_path: Path) -> None:
    data = SIMPLE_ROWS.replace(",", ";").encode("cp1252")
    from_bytes = load_table(data, name="upload.csv")
    from_stream = load_table(io.BytesIO(data), name="upload.csv")
    assert from_bytes.name == from_stream.name == "upload.csv"
    pd.testing.assert_frame_equal(from_bytes.frame, from_stream.frame)
    buffer = io.BytesIO()
    pd.DataFrame({"a": [1]}).to_parquet(buffer)
    assert load_table(buffer.getvalue(), name="x.parquet").frame["a"].tolist() == [1]


def test_xlsx_renamed_to_csv_is_sniffed_by_content(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    pd.DataFrame({"id": ["a", "b"], "n": [1, 2]}).to_excel(buffer, index=False)
    loaded = load_table(buffer.getvalue(), name="really_excel.csv")
    assert loaded.detection.format == "xlsx"
    assert loaded.frame["n"].tolist() == [1, 2]


# ---- bad input: DataLoadError naming the file -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\n\n  \n", "empty"),
        (
            "photo.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            "does not look like a text table",
        ),
        ("header_only.csv", b"id,amount,city\n", "header row but no data rows"),
        ("legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel"),
        ("broken.xlsx", b"this is not a workbook", "not one"),
        ("broken.parquet", b"PAR1 garbage", "Parquet"),
        ("broken.csv.gz", b"\x1f\x8b\x08\x00 truncated", "gzip"),
        ("bad.zip", b"PK\x03\x04 not really", "zip"),
        ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00" * 50, "does not look like a text table"),
    ],
)
def test_bad_input_names_the_file(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    path = write(tmp_path, name, data)
    stem = name.split(".")[0]
    with pytest.raises(DataLoadError, match=expected) as caught:
        load_table(path)
    assert stem in str(caught.value)
    with pytest.raises(DataLoadError, match=expected):
        load_table(data, name=name)


def test_unclosed_quote_is_read_or_reported(tmp_path: Path) -> None:
    # pandas reads to the end of the file inside the quote; either way nothing crashes
    try:
        loaded = load_table(write(tmp_path, "q.csv", 'id,name\n1,"Anna\n2,Bo\n'))
    except DataLoadError as exc:
        assert "q.csv" in str(exc)
    else:
        assert "Anna" in loaded.frame["name"].iloc[0]


def test_file_over_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "big.csv", SIMPLE_ROWS * 10)
    with pytest.raises(DataLoadError, match=r"big\.csv is .* over the 100 bytes limit"):
        load_table(path, max_bytes=100)
    with pytest.raises(DataLoadError, match=r"big\.csv"):
        load_table(io.BytesIO(path.read_bytes()), name="big.csv", max_bytes=100)


def test_gzip_bomb_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "bomb.csv.gz", gzip.compress(b"a,b\n" + b"1,2\n" * 100_000))
    with pytest.raises(DataLoadError, match=r"bomb\.csv\.gz unpacks to more than"):
        load_table(path, max_bytes=50_000)


def test_missing_file() -> None:
    with pytest.raises(DataLoadError, match=r"nowhere\.csv: no such file"):
        load_table(Path("/nonexistent/nowhere.csv"))


def test_bad_options_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", SIMPLE_ROWS)
    with pytest.raises(DataLoadError, match="one character"):
        load_table(path, options=ReadOptions(delimiter=";;"))
    with pytest.raises(DataLoadError, match="decimal"):
        load_table(path, options=ReadOptions(decimal="x"))


def test_zip_member_over_the_limit(tmp_path: Path) -> None:
    data = zipped({"huge.csv": b"a,b\n" + b"1,2\n" * 50_000})
    path = write(tmp_path, "packed.zip", data)
    assert path.stat().st_size < 50_000
    with pytest.raises(DataLoadError, match=r"huge\.csv inside packed\.zip is .* over the"):
        load_table(path, max_bytes=50_000)
