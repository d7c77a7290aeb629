"""Quoted cells holding line breaks (CRM "notes" exports) through the loader and ``segmentation inspect``.

The sniffer used to look at physical lines, so a note split over two lines looked like a ragged
row or a title line: the header was lost, columns were numbered and cells spilled into extras.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pytest

from segmentation.cli import main
from segmentation.io import text_reader
from segmentation.io.loading import ReadOptions, load_table
from tests._loading_helpers import cells, write

NOTES = ["line one\nline two", "plain", "a\r\nb", "first\n\nthird line", 'said "hi"\nthen left', "x"]
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


def _csv_text(rows: list[list[str]], *, delimiter: str, lineterminator: str) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator, quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def _rows(notes: list[str] = NOTES) -> list[list[str]]:
    return [["id", "note", "age"]] + [[f"C{i:03d}", note, str(30 + i)] for i, note in enumerate(notes)]


@pytest.mark.parametrize("lineterminator", ["\n", "\r\n"])
@pytest.mark.parametrize("delimiter", list(SEPARATORS))
def test_quoted_line_breaks_keep_header_rows_and_text(
    tmp_path: Path, delimiter: str, lineterminator: str
) -> None:
    rows = _rows()
    path = write(tmp_path, "crm.csv", _csv_text(rows, delimiter=delimiter, lineterminator=lineterminator))
    loaded = load_table(path)
    notes = loaded.detection.notes
    assert list(loaded.frame.columns) == ["id", "note", "age"]
    assert loaded.frame.shape == (len(NOTES), 3)
    # the breaks inside cells are kept exactly as written; only surrounding whitespace is trimmed
    assert cells(loaded) == [[r[0], r[1].strip(), r[2]] for r in rows[1:]]
    assert loaded.detection.delimiter == delimiter and loaded.detection.header
    assert f"Columns are separated by {SEPARATORS[delimiter]}." in notes
    assert "The first row holds column names." in notes
    assert not any("more cells than the header" in n or "Skipped" in n for n in notes), notes


def test_the_reproduction_from_the_bug_report(tmp_path: Path) -> None:
    path = write(tmp_path, "nl.csv", 'id,note,age\n1,"line one\nline two",30\n2,plain,40\n3,"a\r\nb",50\n')
    loaded = load_table(path)
    assert list(loaded.frame.columns) == ["id", "note", "age"]
    assert cells(loaded) == [["1", "line one\nline two", "30"], ["2", "plain", "40"], ["3", "a\r\nb", "50"]]
    assert loaded.detection.skip_rows == 0


@pytest.mark.parametrize("arrow", [True, False], ids=["pyarrow", "pandas-c-parser"])
def test_header_name_with_a_line_break(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arrow: bool) -> None:
    if not arrow:  # the C parser skips records, pyarrow physical lines: both must land on the first row

        def no_arrow(*args: object, **kwargs: object) -> None:
            raise pa.ArrowInvalid("forced onto the C parser")

        monkeypatch.setattr(text_reader, "_read_arrow", no_arrow)
    text = '"customer\nid";"last\r\norder";spend\n1;"2024-01-02\nlate";10,5\n2;2024-02-03;7\n3;2024-03-04;8\n'
    loaded = load_table(write(tmp_path, "head.csv", text))
    assert list(loaded.frame.columns) == ["customer\nid", "last\r\norder", "spend"]
    assert cells(loaded) == [
        ["1", "2024-01-02\nlate", "10,5"],
        ["2", "2024-02-03", "7"],
        ["3", "2024-03-04", "8"],
    ]
    assert loaded.detection.header and loaded.detection.delimiter == ";"


def test_utf8_byte_order_mark_with_line_breaks(tmp_path: Path) -> None:
    text = _csv_text(_rows(), delimiter=",", lineterminator="\r\n")
    loaded = load_table(write(tmp_path, "excel.csv", "\ufeff" + text))
    assert loaded.detection.encoding == "utf-8-sig"
    assert list(loaded.frame.columns) == ["id", "note", "age"]
    assert loaded.frame["note"].tolist() == [n.strip() for n in NOTES]


def test_title_line_and_ragged_row_after_multi_line_cells(tmp_path: Path) -> None:
    # a title above the table is still skipped, and a row with an extra cell below notes spanning
    # lines is put back in its own place (pyarrow numbers rows by record after its skipped lines)
    text = (
        "Customer notes export\n"
        'id,note,age\n1,"a\nb\nc",30\n2,"d\ne",40\n3,f,50,EXTRA\n4,"g\r\nh",60\n'
        + "".join(f'{i},"n{i}\nmore",{i}\n' for i in range(5, 12))
    )
    loaded = load_table(write(tmp_path, "titled.csv", text))
    assert loaded.detection.skip_rows == 1
    assert list(loaded.frame.columns) == ["id", "note", "age", "extra_1"]
    assert loaded.frame["id"].tolist() == [str(i) for i in range(1, 12)]
    assert loaded.frame["note"].tolist()[:4] == ["a\nb\nc", "d\ne", "f", "g\r\nh"]
    assert loaded.frame["extra_1"].notna().tolist() == [i == 3 for i in range(1, 12)]
    assert loaded.frame.loc[2, "extra_1"] == "EXTRA"
    # the note names the physical line of the long row: title, header, 3 + 2 lines of notes, then it
    assert loaded.detection.ragged_lines == (8,)
    assert any("first at line(s) 8)" in note for note in loaded.detection.notes), loaded.detection.notes


def test_stray_quotes_do_not_swallow_the_following_lines(tmp_path: Path) -> None:
    # quotes inside a cell (not at its start) are plain characters; real quoted cells still span lines
    text = 'id,height,note,age\n1,5\'10" tall,"two\nlines",30\n2,6\'1",plain,40\n3,5\'2",x,50\n'
    loaded = load_table(write(tmp_path, "stray.csv", text))
    assert list(loaded.frame.columns) == ["id", "height", "note", "age"]
    assert cells(loaded) == [
        ["1", "5'10\" tall", "two\nlines", "30"],
        ["2", "6'1\"", "plain", "40"],
        ["3", "5'2\"", "x", "50"],
    ]


def test_many_rows_with_notes_past_the_sniffing_sample(tmp_path: Path) -> None:
    notes = [f"call {i}\nback on {'Monday' if i % 2 else 'Friday'}" if i % 3 else "ok" for i in range(2500)]
    text = _csv_text(_rows(notes), delimiter=";", lineterminator="\r\n")
    loaded = load_table(write(tmp_path, "big.csv", text))
    assert list(loaded.frame.columns) == ["id", "note", "age"]
    assert loaded.frame.shape == (2500, 3)
    assert loaded.frame["note"].tolist() == notes
    assert loaded.detection.as_options() == ReadOptions(
        encoding="utf-8", delimiter=";", header=True, skip_rows=0, decimal=".", quoted_lines=False
    )


def _hostile_file(tmp_path: Path) -> Path:
    hostile = [
        '=HYPERLINK("http://evil.example","click")',
        "Smith;=1+2",
        "Doe,+cmd|' /C calc'!A0",
        "@SUM(A1:A9)",
        "\r=cr",
        'quote";=2+2',
        "line one\n=3+3",
        "tab\t-4+4",
    ]
    n = len(hostile)
    header = ["customer_id", "name", "email", "note", "a", "b", "c", "d"]
    rows = [header] + [
        [
            str(i),
            hostile[i],
            hostile[-1 - i],
            hostile[(i + 3) % n],
            str(i),
            str(2 * i),
            hostile[i],
            str(3 * i),
        ]
        for i in range(n)
    ]
    return write(tmp_path, "hostile.csv", _csv_text(rows, delimiter=",", lineterminator="\r\n"))


def test_separators_and_formulas_inside_quotes_are_not_called_a_single_column(tmp_path: Path) -> None:
    loaded = load_table(_hostile_file(tmp_path))
    assert loaded.frame.shape == (8, 8)
    assert loaded.frame.columns[:2].tolist() == ["customer_id", "name"]
    assert loaded.frame.loc[6, "name"] == "line one\n=3+3"
    assert "Columns are separated by comma." in loaded.detection.notes
    assert not any("single column" in note for note in loaded.detection.notes)


def test_the_single_column_note_is_only_given_for_a_single_column(tmp_path: Path) -> None:
    # no separator splits the lines evenly, yet each occurs somewhere, so the file cannot be read
    # as one column: the notes must say which separator was used instead of claiming one column
    text = "note\nhello,world\nfoo;bar\nbaz|qux\ntab\there\nplain\nmore\n"
    loaded = load_table(write(tmp_path, "odd.csv", text))
    notes = loaded.detection.notes
    assert loaded.frame.shape[1] > 1
    assert not any("single column" in note for note in notes), notes
    assert any("separator is uncertain" in n and "comma-separated" in n for n in notes), notes
    one = load_table(write(tmp_path, "emails.csv", "email\na@x.org\nb@y.org\n"))
    assert one.frame.shape[1] == 1
    assert any("single column" in note for note in one.detection.notes)


@pytest.mark.parametrize("delimiter", list(SEPARATORS))
def test_cli_inspect_reads_multi_line_cells(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], delimiter: str
) -> None:
    notes = [f"note {i}\nsecond line" if i % 2 else f"note {i}\r\nwindows line" for i in range(40)]
    path = write(tmp_path, "crm.csv", _csv_text(_rows(notes), delimiter=delimiter, lineterminator="\n"))
    assert main(["inspect", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["format"] == "csv" and payload["rows"] == 40
    assert [column["name"] for column in payload["columns"]] == ["id", "note", "age"]
    assert payload["columns"][0]["distinct"] == 40 and payload["columns"][0]["missing"] == 0


def test_cli_inspect_header_with_line_break(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["customer id", "notes\n(free text)", "age"]] + [
        [str(i), f"n{i}\nx", str(20 + i)] for i in range(30)
    ]
    path = write(tmp_path, "h.csv", "\ufeff" + _csv_text(rows, delimiter="\t", lineterminator="\r\n"))
    assert main(["inspect", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["rows"] == 30
    assert [column["name"] for column in payload["columns"]] == ["customer id", "notes\n(free text)", "age"]
