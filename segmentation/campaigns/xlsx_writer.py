"""A fast XLSX writer for big lists: openpyxl builds the workbook, the list sheet is streamed in.

openpyxl writes one Python object per cell (about 30 µs each), so a million-row list would take
minutes. Here openpyxl still writes the workbook's parts (content types, styles, relationships,
the Summary sheet) around an empty "Audience" sheet, and that sheet's XML is then replaced by
rows built column-wise with vectorised string operations and streamed into the ZIP in chunks,
so memory stays bounded. Text is written as inline strings (``t="inlineStr"``), which Excel,
LibreOffice, openpyxl and pandas all read as plain text, never as formulas.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from typing import IO, Any, cast

import numpy as np
import pandas as pd

__all__ = ["write_workbook"]

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CHUNK_ROWS = 50_000
# Control characters the XLSX format cannot store (tab, newline and carriage return are allowed).
_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def _column_letters(n_columns: int) -> list[str]:
    letters = []
    for index in range(1, n_columns + 1):
        name = ""
        while index:
            index, remainder = divmod(index - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def _xml_text(values: pd.Series) -> pd.Series:
    text = values.astype("str")
    # Scanning first is cheaper than replacing: most lists have no control characters or markup.
    if text.str.contains(_ILLEGAL, regex=True).any():
        text = text.str.replace(_ILLEGAL, "", regex=True)
    if text.str.contains(r"[&<>]", regex=True).any():
        for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
            text = text.str.replace(char, entity, regex=False)
    return text


def _cells(values: pd.Series, refs: pd.Series) -> pd.Series:
    """One ``<c>`` element per value (empty text for missing values); assumes escaped values."""
    missing = values.isna().to_numpy()
    if pd.api.types.is_bool_dtype(values):
        body = '" t="b"><v>' + values.fillna(False).astype("int64").astype("str") + "</v></c>"
    elif pd.api.types.is_numeric_dtype(values):
        finite = np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))
        missing = missing | ~finite
        body = '"><v>' + values.astype("str") + "</v></c>"
    else:
        body = '" t="inlineStr"><is><t xml:space="preserve">' + _xml_text(values) + "</t></is></c>"
    cells = '<c r="' + refs + body
    return cells.where(~missing, "")


def _row_chunks(frame: pd.DataFrame, first_row: int) -> Iterator[str]:
    letters = _column_letters(frame.shape[1])
    for start in range(0, len(frame), _CHUNK_ROWS):
        part = frame.iloc[start : start + _CHUNK_ROWS]
        rows = pd.Series(
            np.arange(first_row + start, first_row + start + len(part)).astype(str), index=part.index
        )
        cells = [_cells(part.iloc[:, i], letters[i] + rows) for i in range(part.shape[1])]
        lines = ('<row r="' + rows + '">').str.cat(cast("list[Any]", cells), sep="") + "</row>"
        yield "".join(lines.tolist())


def _write_sheet(target: IO[bytes], header: Sequence[str], frame: pd.DataFrame) -> None:
    prolog = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    target.write(f'{prolog}<worksheet xmlns="{_SHEET_NS}"><sheetData>'.encode())
    header_frame = pd.DataFrame([list(header)], columns=range(len(header)), dtype="str")
    for chunk in _row_chunks(header_frame, 1):
        target.write(chunk.encode("utf-8"))
    for chunk in _row_chunks(frame, 2):
        target.write(chunk.encode("utf-8"))
    target.write(b"</sheetData></worksheet>")


def _summary_cell(sheet: Any, value: object) -> object:
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def write_workbook(
    frame: pd.DataFrame,
    header: Sequence[str],
    summary_rows: list[list[object]] | None = None,
    *,
    sheet_name: str = "Audience",
) -> bytes:
    """An XLSX with sheet ``sheet_name`` (``header`` + ``frame``) and, when ``summary_rows`` is
    given, sheet "Summary".

    Assumes the cells are already escaped against formulas; every cell is written as a value
    (inline text, number or boolean), never as a formula.
    """
    from openpyxl import Workbook  # imported here: only XLSX exports pay for it

    workbook = Workbook(write_only=True)
    workbook.create_sheet(sheet_name[:31] or "Sheet1")
    if summary_rows is not None:
        summary = workbook.create_sheet("Summary")
        for row in summary_rows:
            # Summary values are short; a string cell is stored as text even when it starts with "=".
            summary.append([_summary_cell(summary, v) for v in row])
    skeleton = io.BytesIO()
    workbook.save(skeleton)
    output = io.BytesIO()
    with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                entry.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(entry, "w", force_zip64=True) as sheet:
                    _write_sheet(sheet, header, frame)
            else:
                archive.writestr(info, source.read(info.filename))
    return output.getvalue()
