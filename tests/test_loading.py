"""Tests for segmentation.io.loading: every quirk of real exports, every bad input giving DataLoadError."""

from __future__ import annotations

import csv
import io
import pickle
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segmentation.errors import DataLoadError
from segmentation.io import text_reader
from segmentation.io.loading import Detection, ReadOptions, load_table
from tests._loading_helpers import SIMPLE_ROWS, assert_all_text, cells, write

# ---- the plain case and the frame contract ----------------------------------------------------------


def test_plain_csv_keeps_cells_as_written(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "orders.csv", "id,code,amount,note\n007,0012,12.50,N/A\n8,  x  ,,\n"))
    assert loaded.name == "orders.csv"
    assert list(loaded.frame.columns) == ["id", "code", "amount", "note"]
    assert_all_text(loaded.frame)
    # leading zeros kept, whitespace stripped, 'N/A' kept as text, empty cells missing
    assert cells(loaded) == [["007", "0012", "12.50", "N/A"], ["8", "x", None, None]]
    detection = loaded.detection
    assert (detection.format, detection.encoding, detection.delimiter) == ("csv", "utf-8", ",")
    assert detection.header and detection.skip_rows == 0 and detection.decimal == "."
    assert detection.preview_lines[0] == "id,code,amount,note"
    assert loaded.n_bytes == (tmp_path / "orders.csv").stat().st_size


def test_result_pickles(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "a.csv", SIMPLE_ROWS))
    again = pickle.loads(pickle.dumps(loaded))
    assert isinstance(again.detection, Detection)
    pd.testing.assert_frame_equal(again.frame, loaded.frame)


def test_quoted_fields_with_delimiters_quotes_and_line_breaks(tmp_path: Path) -> None:
    text = 'name,comment\n"Smith, Anna","said ""hi"""\n"Lee","two\nlines"\n'
    loaded = load_table(write(tmp_path, "q.csv", text))
    assert cells(loaded) == [["Smith, Anna", 'said "hi"'], ["Lee", "two\nlines"]]


def test_spaces_before_quoted_field(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "s.csv", 'name, city\n"Smith, Anna", "New York, NY"\nBo, Rome\n'))
    assert list(loaded.frame.columns) == ["name", "city"]
    assert cells(loaded) == [["Smith, Anna", "New York, NY"], ["Bo", "Rome"]]


# ---- delimiters -------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_delimiters(tmp_path: Path, delimiter: str) -> None:
    loaded = load_table(write(tmp_path, "d.txt", SIMPLE_ROWS.replace(",", delimiter)))
    assert loaded.detection.delimiter == delimiter
    assert list(loaded.frame.columns) == ["customer_id", "city", "amount"]
    assert cells(loaded)[2] == ["C003", "Lyon", "30.25"]


def test_runs_of_spaces(tmp_path: Path) -> None:
    text = "id    city      amount\n1     Berlin    12.5\n22    Paris     7\n333   Lyon      30\n"
    loaded = load_table(write(tmp_path, "fixed.txt", text))
    assert loaded.detection.delimiter == " "
    assert list(loaded.frame.columns) == ["id", "city", "amount"]
    assert cells(loaded) == [["1", "Berlin", "12.5"], ["22", "Paris", "7"], ["333", "Lyon", "30"]]


def test_crlf_line_endings(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "w.csv", SIMPLE_ROWS.replace("\n", "\r\n")))
    assert cells(loaded)[0] == ["C001", "Berlin", "12.50"]
    assert loaded.detection.preview_lines[1] == "C001,Berlin,12.50"


def test_one_column_file(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "emails.csv", "email\na@example.com\nb@example.org\nc@example.net\n"))
    assert list(loaded.frame.columns) == ["email"]
    assert loaded.frame.shape == (3, 1)
    assert any("single column" in note for note in loaded.detection.notes)


# ---- encodings --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "text", "expected"),
    [
        (
            "gb18030",
            "客户编号,消费金额,城市\n1001,12.5,北京\n1002,30,上海\n",
            ["客户编号", "消费金额", "城市"],
        ),
        ("gbk", "客户编号,消费金额\n1001,12.5\n1002,30\n", ["客户编号", "消费金额"]),
        ("shift_jis", "顧客ID,購入金額,都市\n1,100,東京\n2,250,大阪\n", ["顧客ID", "購入金額", "都市"]),
        ("cp1252", "Name;Ort;Preis\nMüller;Café;€\nSchön;Köln;5\n", ["Name", "Ort", "Preis"]),
        ("utf-8", "名前,金额\nÅsa,1\n", ["名前", "金额"]),
    ],
)
def test_encodings(tmp_path: Path, encoding: str, text: str, expected: list[str]) -> None:
    loaded = load_table(write(tmp_path, "enc.csv", text, encoding))
    assert list(loaded.frame.columns) == expected
    body_rows = [line.split(loaded.detection.delimiter) for line in text.strip().split("\n")[1:]]
    assert cells(loaded) == body_rows
    assert text.encode(encoding).decode(loaded.detection.encoding) == text


def test_utf8_with_bom(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "bom.csv", "\ufeff" + SIMPLE_ROWS))
    assert loaded.detection.encoding == "utf-8-sig"
    assert loaded.frame.columns[0] == "customer_id"


def test_utf16_excel_unicode_text(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "u.txt", SIMPLE_ROWS.replace(",", "\t"), "utf-16"))
    assert loaded.detection.encoding == "utf-16"
    assert cells(loaded)[1] == ["C002", "Paris", "7.00"]


def test_non_utf8_bytes_late_in_file_are_found(tmp_path: Path) -> None:
    text = "name;city\n" + "Anna;Berlin\n" * 8000 + "Jürgen;Köln\n"
    loaded = load_table(write(tmp_path, "late.csv", text, "cp1252"))
    assert loaded.detection.encoding == "cp1252"
    assert cells(loaded)[-1] == ["Jürgen", "Köln"]


# ---- preamble, header, decimal, quoted lines ---------------------------------------------------------


def test_comment_preamble_and_blank_line(tmp_path: Path) -> None:
    text = "# exported from the shop, 2024\n# second, comment line\n\nid,age,income\n1,19,15\n2,21,16\n"
    loaded = load_table(write(tmp_path, "mall.csv", text))
    assert loaded.detection.skip_rows == 3
    assert list(loaded.frame.columns) == ["id", "age", "income"]
    assert cells(loaded) == [["1", "19", "15"], ["2", "21", "16"]]


def test_spreadsheet_title_rows(tmp_path: Path) -> None:
    text = "Sales report,,\nRegion North,,\nid,amount,city\n1,5,Rome\n2,6,Oslo\n"
    loaded = load_table(write(tmp_path, "report.csv", text))
    assert loaded.detection.skip_rows == 2
    assert list(loaded.frame.columns) == ["id", "amount", "city"]


def test_headerless_numbers(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "nohead.csv", "1,19,15.5\n2,21,16.0\n3,40,70.25\n"))
    assert not loaded.detection.header
    assert list(loaded.frame.columns) == ["column_1", "column_2", "column_3"]
    assert len(loaded.frame) == 3


def test_decimal_comma_with_semicolons(tmp_path: Path) -> None:
    text = "Kunde;Umsatz;Menge\nK1;1.234,50;2\nK2;12,75;1\nK3;-3,5;4\n"
    loaded = load_table(write(tmp_path, "de.csv", text))
    assert (loaded.detection.delimiter, loaded.detection.decimal) == (";", ",")
    assert cells(loaded)[0] == ["K1", "1.234,50", "2"]


def test_point_decimal_with_semicolons(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "p.csv", "a;b\n1.5;2.25\n3.0;4.75\n"))
    assert loaded.detection.decimal == "."


def test_lines_wrapped_whole_in_quotes(tmp_path: Path) -> None:
    text = '"id\tname\tamount"\r\n"1\tAnna ""Ann"" Lee\t12,5"\r\n"2\tBo\t7"\r\n'
    loaded = load_table(write(tmp_path, "wrapped.txt", text))
    assert loaded.detection.quoted_lines
    assert loaded.detection.delimiter == "\t"
    assert list(loaded.frame.columns) == ["id", "name", "amount"]
    assert cells(loaded) == [["1", 'Anna "Ann" Lee', "12,5"], ["2", "Bo", "7"]]


def test_fully_quoted_normal_csv_is_not_unwrapped(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "allq.csv", '"a","b"\n"1","x"\n"2","y"\n'))
    assert not loaded.detection.quoted_lines
    assert cells(loaded) == [["1", "x"], ["2", "y"]]


# ---- overrides always win ---------------------------------------------------------------------------


def test_overrides_win_over_detection(tmp_path: Path) -> None:
    path = write(tmp_path, "o.csv", "# note\n1;2,5\n3;4,0\n")
    detected = load_table(path)
    assert (detected.detection.header, detected.detection.decimal, detected.detection.skip_rows) == (
        False,
        ",",
        1,
    )
    forced = load_table(
        path, options=ReadOptions(delimiter=",", header=True, skip_rows=0, decimal=".", encoding="latin-1")
    )
    d = forced.detection
    assert (d.delimiter, d.header, d.skip_rows, d.decimal, d.encoding) == (",", True, 0, ".", "latin-1")
    # the one-field header "# note" now names the first column; the second field of each row is kept
    assert list(forced.frame.columns) == ["# note", "extra_1"]
    assert cells(forced) == [["1;2", "5"], ["3;4", "0"]]


def test_override_quoted_lines_off_keeps_quotes_as_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "w.txt", '"a\tb"\n"1\t2"\n"3\t4"\n')
    loaded = load_table(path, options=ReadOptions(quoted_lines=False, delimiter="\t", header=False))
    assert cells(loaded) == [["a\tb"], ["1\t2"], ["3\t4"]]


def test_wrong_encoding_override_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "cn.csv", "客户编号,消费金额\n1,2\n", "gb18030")
    with pytest.raises(DataLoadError, match=r"cn\.csv.*UTF-8"):
        load_table(path, options=ReadOptions(encoding="utf-8"))


def test_unknown_encoding_override(tmp_path: Path) -> None:
    with pytest.raises(DataLoadError, match="klingon"):
        load_table(write(tmp_path, "a.csv", SIMPLE_ROWS), options=ReadOptions(encoding="klingon"))


# ---- ragged rows and names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "repair_limit"),
    [
        ("id,city\n1,Rome\n2,Oslo,extra!,more\n\n3,Lima\n4\n", 100_000),  # pyarrow, odd rows put back
        ("id,city\n1,Rome\n2,Oslo,extra!,more\n\n3,Lima\n4\n", 0),  # pandas' C parser instead
        ("id  city\n1   Rome\n2   Oslo extra! more\n\n3 Lima\n4\n", 100_000),  # runs of spaces: C parser
    ],
)
def test_long_rows_keep_their_extra_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, repair_limit: int
) -> None:
    monkeypatch.setattr(text_reader, "_MAX_REPAIRED_ROWS", repair_limit)
    loaded = load_table(write(tmp_path, "ragged.csv", text))
    assert list(loaded.frame.columns) == ["id", "city", "extra_1", "extra_2"]
    assert cells(loaded) == [
        ["1", "Rome", None, None],
        ["2", "Oslo", "extra!", "more"],
        ["3", "Lima", None, None],
        ["4", None, None, None],
    ]
    assert loaded.detection.ragged_lines == (3,)
    assert any("line(s) 3" in note and "extra_1" in note for note in loaded.detection.notes)


def test_short_rows_are_padded(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "short.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n"))
    assert cells(loaded)[1] == ["4", "5", None]
    assert any("fewer cells" in note for note in loaded.detection.notes)


def test_duplicate_and_blank_column_names(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "dup.csv", "id,amount,amount,,amount\n1,2,3,4,5\n"))
    assert list(loaded.frame.columns) == ["id", "amount", "amount (2)", "column_4", "amount (3)"]
    assert cells(loaded) == [["1", "2", "3", "4", "5"]]
    assert any("more than once" in note for note in loaded.detection.notes)


def test_all_missing_column_is_kept(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "m.csv", "id,empty,city\n1,,Rome\n2,,Oslo\n"))
    assert list(loaded.frame.columns) == ["id", "empty", "city"]
    assert loaded.frame["empty"].isna().all()


# ---- more overrides and odd corners ------------------------------------------------------------------


def test_header_override_off_keeps_the_names_as_a_data_row(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "a.csv", SIMPLE_ROWS), options=ReadOptions(header=False))
    assert list(loaded.frame.columns) == ["column_1", "column_2", "column_3"]
    assert cells(loaded)[0] == ["customer_id", "city", "amount"]
    assert len(loaded.frame) == 4


def test_skipping_more_lines_than_the_file_has(tmp_path: Path) -> None:
    with pytest.raises(DataLoadError, match=r"a\.csv has no data rows after skipping 9 line"):
        load_table(write(tmp_path, "a.csv", SIMPLE_ROWS), options=ReadOptions(skip_rows=9))


def test_skip_rows_beyond_the_sniffing_sample(tmp_path: Path) -> None:
    text = "".join(f"log line {i}\n" for i in range(5000)) + "x;y\n1;2\n"
    loaded = load_table(write(tmp_path, "long.csv", text), options=ReadOptions(skip_rows=5000))
    assert cells(loaded) == [["1", "2"]] and list(loaded.frame.columns) == ["x", "y"]


def test_detection_as_options_reproduces_the_table(tmp_path: Path) -> None:
    path = write(tmp_path, "de.csv", "# export\nKunde;Umsatz\nK1;1,5\nK2;2,5\n", "cp1252")
    first = load_table(path)
    again = load_table(path, options=first.detection.as_options())
    pd.testing.assert_frame_equal(first.frame, again.frame)
    assert again.detection.as_options() == first.detection.as_options()


def test_quoted_lines_holding_every_spare_control_character(tmp_path: Path) -> None:
    # the unwrapping normally borrows a control character as separator; here none is free
    controls = "\x1f\x1e\x1d\x1c\x01\x02"
    text = (
        f"# {controls}\n" + '"a\tb"\n' + "".join(f'"{i}\tvalue ""{i}"" and more text"\n' for i in range(60))
    )
    loaded = load_table(write(tmp_path, "ctl.txt", text))
    assert loaded.detection.quoted_lines and loaded.detection.skip_rows == 1
    assert cells(loaded)[3] == ["3", 'value "3" and more text']


def test_xlsx_sheet_by_position_and_headerless_numbers(tmp_path: Path) -> None:
    path = tmp_path / "nums.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="first", index=False)
        pd.DataFrame([[1, 2.5], [3, 4.5]]).to_excel(writer, sheet_name="second", index=False, header=False)
    loaded = load_table(path, options=ReadOptions(sheet=1))
    assert loaded.detection.sheet == "second" and not loaded.detection.header
    assert list(loaded.frame.columns) == ["column_1", "column_2"]
    assert loaded.frame["column_2"].tolist() == [2.5, 4.5]


def test_xlsx_header_only(tmp_path: Path) -> None:
    path = tmp_path / "empty_table.xlsx"
    pd.DataFrame(columns=["id", "amount"]).to_excel(path, index=False)
    with pytest.raises(DataLoadError, match=r"empty_table\.xlsx has no data rows below the header row"):
        load_table(path)


def test_xlsx_duplicate_and_numeric_names(tmp_path: Path) -> None:
    path = tmp_path / "dup.xlsx"
    pd.DataFrame([["id", "amount", "amount"], ["a", 1, 2]]).to_excel(path, index=False, header=False)
    loaded = load_table(path)
    assert list(loaded.frame.columns) == ["id", "amount", "amount (2)"]
    assert loaded.frame["amount (2)"].tolist() == [2]


def test_semicolons_inside_comma_separated_values(tmp_path: Path) -> None:
    # ';' splits every data row the same way too, but only by treating the header as a preamble line
    loaded = load_table(write(tmp_path, "c.csv", "id,note,amount\n1,a;b,5\n2,c;d,6\n3,e;f,7\n"))
    assert (loaded.detection.delimiter, loaded.detection.skip_rows) == (",", 0)
    assert cells(loaded)[0] == ["1", "a;b", "5"]


def test_excel_separator_hint_line(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "hint.csv", "sep=;\nid;amount\n1;2,5\n2;3\n"))
    d = loaded.detection
    assert (d.delimiter, d.skip_rows, d.header, d.decimal) == (";", 1, True, ",")
    assert cells(loaded) == [["1", "2,5"], ["2", "3"]]


def test_trailing_separators_add_no_empty_columns(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "t.csv", "id,amount,\n1,5,\n2,6,\n"))
    assert list(loaded.frame.columns) == ["id", "amount"]
    assert any("no name and no values" in note for note in loaded.detection.notes)
    data_only = load_table(write(tmp_path, "t2.csv", "id,amount\n1,5,\n2,6,\n"))
    assert list(data_only.frame.columns) == ["id", "amount"]
    assert cells(data_only) == [["1", "5"], ["2", "6"]]


# ---- property: whatever text the cells hold, it comes back as written ---------------------------------

_CELL_TEXT = st.text(alphabet=st.sampled_from(list("ab Zé客户\"',;|\t.-1")), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(_CELL_TEXT, min_size=2, max_size=6),
    amounts=st.lists(st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.2f}"), min_size=2, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_cells_round_trip_through_detection(
    tmp_path: Path, names: list[str], amounts: list[str], delimiter: str
) -> None:
    rows = list(zip(range(1, len(names) + 1), names, amounts, strict=False))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["id", "name", "amount"])
    writer.writerows(rows)
    loaded = load_table(buffer.getvalue().encode(), name="p.csv")
    assert loaded.detection.delimiter == delimiter
    assert list(loaded.frame.columns) == ["id", "name", "amount"]
    expected = [[str(i), name.strip() or None, amount] for i, name, amount in rows]
    assert cells(loaded) == expected


def test_utf8_file_with_one_damaged_byte_stays_utf8(tmp_path: Path) -> None:
    good = "name;city\n" + "Jürgen;München\n" * 30
    data = good.encode("utf-8") + b"Bad\xff;K\xf6ln\n"
    loaded = load_table(write(tmp_path, "mixed.csv", data))
    assert loaded.detection.encoding == "utf-8"
    assert cells(loaded)[0] == ["Jürgen", "München"]
    assert cells(loaded)[-1] == ["Bad\ufffd", "K\ufffdln"]
    assert any("2 byte(s) are damaged (the first on line 32)" in note for note in loaded.detection.notes)


def test_binary_stays_refused_with_a_chosen_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    with pytest.raises(DataLoadError, match=r"image\.csv does not look like a text table"):
        load_table(path, options=ReadOptions(encoding="latin-1"))


def test_quoted_lines_after_a_comment_with_a_stray_quote(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "stray.txt", '# say "hi\n"a\tb"\n"1\t2"\n"3\t4"\n'))
    assert loaded.detection.quoted_lines and loaded.detection.skip_rows == 1
    assert cells(loaded) == [["1", "2"], ["3", "4"]]


def test_undecodable_everywhere_falls_back_to_latin1(tmp_path: Path) -> None:
    # 0x81 is undefined in Windows-1252, a lone 0xFF is invalid in GB18030 and Shift-JIS
    loaded = load_table(write(tmp_path, "odd.csv", b"name,code\nA\x81,\xff1\nB,2\n"))
    assert loaded.detection.encoding == "latin-1"
    assert cells(loaded)[0] == ["A\x81", "\xff1"]
    assert any("Latin-1" in note for note in loaded.detection.notes)
