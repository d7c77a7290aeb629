"""Hostile and huge files: the loader refuses or trims them before they can exhaust memory or time."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from segmentation.errors import DataLoadError
from segmentation.io.limits import MemoryGate
from segmentation.io.loading import DEFAULT_MAX_CELLS, DEFAULT_MAX_MEMORY, load_table
from tests._workbook_xml import SHEET_NS, shared_strings_xml, sheet_xml, write_workbook_parts

REPO = Path(__file__).resolve().parents[1]
PEAK_MB = 500


def peak_rss_mb(path: Path, **limits: int) -> tuple[str, float]:
    """Load ``path`` in a fresh interpreter (address space capped at 3 GB); its outcome and peak RSS in MB."""
    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc (Linux)")
    script = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
        from segmentation.io.loading import load_table
        try:
            loaded = load_table({str(path)!r}, **{limits!r})
            outcome = f"loaded {{loaded.frame.shape}}"
        except Exception as exc:
            outcome = f"{{type(exc).__name__}}: {{exc}}"
        print(outcome)
        # VmHWM starts afresh at exec; ru_maxrss would carry the parent's (pytest's) peak over
        status = open("/proc/self/status").read().split("VmHWM:")[1]
        print(int(status.split()[0]) / 1024)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300, check=True
    )
    outcome, peak = result.stdout.strip().splitlines()[-2:]
    return outcome, float(peak)


def far_cell_workbook(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(["customer_id", "city", "amount"])
    for i in range(20):
        sheet.append([f"C{i:03d}", "Berlin", float(i)])
    sheet["XFD1048576"] = "x"
    workbook.save(path)
    return path


def test_limits_are_exposed_with_sensible_defaults() -> None:
    assert DEFAULT_MAX_CELLS == 50_000_000
    assert 512 * 1024**2 <= DEFAULT_MAX_MEMORY <= 4 * 1024**3


def test_one_far_away_cell_is_left_out_not_materialised(tmp_path: Path) -> None:
    path = far_cell_workbook(tmp_path / "far.xlsx")
    assert path.stat().st_size < 10_000  # a few kilobytes that declare A1:XFD1048576
    loaded = load_table(path)
    assert loaded.frame.shape == (20, 3)
    assert list(loaded.frame.columns) == ["customer_id", "city", "amount"]
    assert any("XFD1048576" in note and "far outside" in note for note in loaded.detection.notes)
    outcome, peak = peak_rss_mb(path)
    assert outcome == "loaded (20, 3)"
    assert peak < PEAK_MB


def test_a_huge_declared_dimension_is_not_trusted(tmp_path: Path) -> None:
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>C{r}</t></is></c><c r="B{r}"><v>{r}</v></c></row>'
        for r in range(2, 102)
    )
    header = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>n</t></is></c></row>'
    )
    path = write_workbook_parts(
        tmp_path / "declared.xlsx", sheet_xml(header + rows, dimension="A1:XFD1048576")
    )
    loaded = load_table(path)
    assert loaded.frame.shape == (100, 2)
    assert loaded.frame["n"].tolist() == list(range(2, 102))
    with pytest.raises(
        DataLoadError, match=r"declared\.xlsx.*more than 150 filled cells.*declares 17\.2 billion"
    ):
        load_table(path, max_cells=150)


def test_reading_stops_at_the_cell_limit(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    pd.DataFrame(np.arange(3000).reshape(300, 10), columns=[f"c{i}" for i in range(10)]).to_excel(
        path, index=False
    )
    assert load_table(path, max_cells=5000).frame.shape == (300, 10)
    with pytest.raises(DataLoadError, match=r"wide\.xlsx: the sheet 'Sheet1' holds more than 2,000 filled"):
        load_table(path, max_cells=2000)
    with pytest.raises(DataLoadError, match=r"wide\.xlsx: the sheet 'Sheet1' holds about 3,0\d\d filled"):
        load_table(path, max_cells=1000)


def test_sparse_cells_spanning_too_many_rows_and_columns_are_refused(tmp_path: Path) -> None:
    # a diagonal: few filled cells, but a table of n × n cells once laid out
    rows = "".join(f'<row r="{i}"><c r="{_letters(i)}{i}"><v>{i}</v></c></row>' for i in range(1, 201))
    path = write_workbook_parts(tmp_path / "diagonal.xlsx", sheet_xml(rows))
    with pytest.raises(DataLoadError, match=r"span 200 rows × 200 columns, over the 10,000 cell limit"):
        load_table(path, max_cells=10_000)


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _bomb(size: int) -> Iterator[bytes]:
    yield b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    piece = b"a" * 2**24
    for _ in range(size // len(piece)):
        yield piece
    yield b"</t></si></sst>"


def test_shared_strings_that_unpack_to_gigabytes_are_refused_before_parsing(tmp_path: Path) -> None:
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>'
    path = write_workbook_parts(tmp_path / "bomb.xlsx", sheet_xml(rows), shared_strings=_bomb(3 * 2**29))
    assert path.stat().st_size < 3 * 2**20
    with pytest.raises(DataLoadError, match=r"bomb\.xlsx: its shared strings and styles unpack to 1\.5 GB"):
        load_table(path)
    outcome, peak = peak_rss_mb(path)
    assert outcome.startswith("DataLoadError: bomb.xlsx")
    assert peak < PEAK_MB


def test_a_sheet_part_over_the_byte_limit_is_refused(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 2001))
    path = write_workbook_parts(tmp_path / "long.xlsx", sheet_xml(rows))
    with pytest.raises(DataLoadError, match=r"long\.xlsx: its part xl/worksheets/sheet1\.xml unpacks to"):
        load_table(path, max_bytes=40_000)


def test_shared_strings_booleans_errors_and_rich_text_are_read(tmp_path: Path) -> None:
    strings = shared_strings_xml(["id", "plan", "paid", "Anna &amp; Co", "gold"])
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c>'
        '<c r="C2" t="b"><v>1</v></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><r><t>Bo</t></r><r><rPr><b/></rPr><t>b</t></r></is></c>'
        '<c r="B3" t="str"><f>LOWER("SILVER")</f><v>silver</v></c><c r="C3" t="b"><v>0</v></c></row>'
        '<row r="4"><c r="A4" t="inlineStr"><is><t>Cy</t></is></c><c r="B4" t="e"><v>#N/A</v></c>'
        '<c r="C4" s="0"/></row>'
    )
    path = write_workbook_parts(tmp_path / "types.xlsx", sheet_xml(rows), shared_strings=strings)
    frame = load_table(path).frame
    assert frame["id"].tolist() == ["Anna & Co", "Bob", "Cy"]
    assert frame["plan"].iloc[:2].tolist() == ["gold", "silver"] and pd.isna(frame["plan"].iloc[2])
    # booleans with a gap become text, as every mixed column of a workbook does
    assert frame["paid"].iloc[:2].tolist() == ["True", "False"] and pd.isna(frame["paid"].iloc[2])


def test_cells_without_positions_are_read_by_the_slower_parser(tmp_path: Path) -> None:
    # the "r" attribute is optional in the format; some generators leave it out
    rows = (
        '<row r="1"><c t="inlineStr"><is><t>id</t></is></c><c t="inlineStr"><is><t>n</t></is></c></row>'
        '<row r="2"><c t="inlineStr"><is><t>a</t></is></c><c><v>5</v></c></row>'
    )
    path = write_workbook_parts(tmp_path / "implicit.xlsx", sheet_xml(rows))
    frame = load_table(path).frame
    assert frame.to_dict("list") == {"id": ["a"], "n": [5]}


def _expanding_parquet(path: Path, n_rows: int, width: int, *, store_schema: bool = True) -> Path:
    # one long string repeated: dictionary-encoded it takes a byte or so a row on disk
    values = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n_rows, dtype=np.int8)), pa.array(["y" * width])
    )
    table = pa.table({"note": values, "n": pa.array(np.zeros(n_rows, dtype=np.int8))})
    # without the stored Arrow schema the text reads back as plain strings, as from most writers
    pq.write_table(table, path, store_schema=store_schema)
    return path


@pytest.mark.parametrize("store_schema", [True, False], ids=["categorical", "plain-text"])
def test_parquet_that_unpacks_to_gigabytes_is_refused_from_its_first_batch(
    tmp_path: Path, store_schema: bool
) -> None:
    path = _expanding_parquet(tmp_path / "expand.parquet", 12_000_000, 400, store_schema=store_schema)
    assert path.stat().st_size < 5 * 2**20
    with pytest.raises(DataLoadError, match=r"expand\.parquet would need about \d+\.\d GB of memory"):
        load_table(path)
    outcome, peak = peak_rss_mb(path)
    assert outcome.startswith("DataLoadError: expand.parquet would need")
    assert peak < PEAK_MB


def test_parquet_limits_are_checked_from_the_footer_and_while_reading(tmp_path: Path) -> None:
    path = _expanding_parquet(tmp_path / "small.parquet", 200_000, 100)
    loaded = load_table(path)
    assert loaded.frame.shape == (200_000, 2)
    assert loaded.frame["note"].iloc[-1] == "y" * 100 and loaded.frame["note"].dtype == "str"
    with pytest.raises(DataLoadError, match=r"small\.parquet declares 400,000 cells .*over the 100,000 cell"):
        load_table(path, max_cells=100_000)
    with pytest.raises(DataLoadError, match=r"small\.parquet would need about .* over the 5\.0 MB memory"):
        load_table(path, max_memory=5 * 2**20)


def test_limits_must_be_positive(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id\n1\n")
    with pytest.raises(DataLoadError, match="max_cells must be a positive number, not 0"):
        load_table(path, max_cells=0)


def test_the_gate_lets_small_loads_pass_and_queues_big_ones() -> None:
    gate = MemoryGate(budget=2**30)
    with gate.reserve(100, name="tiny.csv"):
        assert gate.reserved == 0  # small loads never wait and hold nothing
    released = threading.Event()
    entered = threading.Event()

    def hold() -> None:
        with gate.reserve(800 * 2**20, name="first.xlsx"):
            entered.set()
            released.wait(10)

    worker = threading.Thread(target=hold)
    worker.start()
    entered.wait(10)
    assert gate.reserved == 800 * 2**20
    refused = pytest.raises(
        DataLoadError, match=r"second\.xlsx is large and other large files are being read"
    )
    with refused, gate.reserve(800 * 2**20, name="second.xlsx", timeout=0.2):
        pass
    released.set()
    worker.join(10)
    with gate.reserve(800 * 2**20, name="second.xlsx", timeout=5):
        assert gate.reserved == 800 * 2**20
    assert gate.reserved == 0


def test_the_streaming_reader_reads_what_openpyxl_reads(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    n = 500
    frame = pd.DataFrame(
        {
            "name": rng.choice(["Anna & Co", "<b>Bo</b>", "Zoë", "東京", '"quoted"', "a\nb"], n),
            "count": rng.integers(-5, 1000, n),
            "spend": rng.normal(100, 50, n).round(3),
            "joined": pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 2000, n), unit="h"),
            "vip": rng.random(n) < 0.3,
            "score": np.where(rng.random(n) < 0.2, np.nan, rng.random(n)),
        }
    )
    path = tmp_path / "mixed.xlsx"
    frame.to_excel(path, index=False)
    loaded = load_table(path).frame
    expected = pd.read_excel(path, engine="openpyxl")
    assert list(loaded.columns) == list(expected.columns)
    assert loaded["name"].tolist() == expected["name"].tolist()
    assert loaded["count"].tolist() == expected["count"].tolist()
    np.testing.assert_allclose(loaded["spend"], expected["spend"])
    assert (loaded["joined"] == expected["joined"]).all()
    assert loaded["vip"].tolist() == expected["vip"].tolist()
    np.testing.assert_allclose(loaded["score"], expected["score"])


def test_a_sheet_far_over_the_cell_limit_is_refused_from_its_first_rows(tmp_path: Path) -> None:
    row = "".join(f'<c r="{_letters(c)}{{r}}"><v>{c}</v></c>' for c in range(1, 21))
    n_rows = 30_000  # 600,000 cells in about 15 MB of XML: more than one chunk
    pieces = (
        "".join(f'<row r="{r}">{row.format(r=r)}</row>' for r in range(start, start + 1000)).encode()
        for start in range(1, n_rows + 1, 1000)
    )
    prolog = f'<?xml version="1.0"?><worksheet xmlns="{SHEET_NS}"><sheetData>'.encode()
    sheet = [prolog, *pieces, b"</sheetData></worksheet>"]
    path = write_workbook_parts(tmp_path / "huge.xlsx", sheet)
    with pytest.raises(
        DataLoadError, match=r"huge\.xlsx: the sheet 'Sheet' holds about [4-7]\d\d,\d{3} filled"
    ):
        load_table(path, max_cells=200_000)
    # within twice the limit, it is read up to the limit itself
    with pytest.raises(DataLoadError, match=r"holds more than 500,000 filled cells"):
        load_table(path, max_cells=500_000)
