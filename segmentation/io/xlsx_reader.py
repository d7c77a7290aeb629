"""Reading one sheet of an XLSX workbook with bounded memory and time.

Private helper of :mod:`segmentation.io.loading`. A workbook is a zip of XML parts; a hostile one
can declare a 17-billion-cell sheet (one cell at ``XFD1048576``) or unpack a few kilobytes into
gigabytes of shared strings. So, in order:

1. the zip directory is checked: the sheet's XML and the parts openpyxl reads up front (shared
   strings, styles, workbook) must unpack to less than the byte limits, before anything is parsed;
2. openpyxl (``read_only=True``) reads only the workbook's small parts: sheet names, shared
   strings and which styles are dates;
3. the sheet's XML is streamed in chunks and only *filled* cells are kept
   (:mod:`segmentation.io.xlsx_cells`): memory follows the cells that hold something, never the
   declared dimension, and reading stops as soon as the cell or memory limit is passed;
4. a few cells far away from the table (a stray value at ``XFD1048576``) are left out with a note,
   and empty rows and columns are never materialised.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.errors import DataLoadError
from segmentation.io.limits import format_count
from segmentation.io.source import Content, format_size
from segmentation.io.xlsx_cells import (
    BOOL,
    DATE,
    NUMBER,
    CellCounter,
    SheetCells,
    fast_cells,
    openpyxl_cells,
)

__all__ = ["SheetCells", "WorkbookRead", "cell_table", "read_workbook", "sorted_unique"]

_FAR_ROWS = 1000  # empty rows between the table and a stray cell that make it "far away"
_FAR_COLUMNS = 100
_MAX_FAR_CELLS = 10
_SHOWN = 5
_UPFRONT_PARTS = ("xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml")


@dataclass(frozen=True)
class WorkbookRead:
    sheet: str
    sheet_names: tuple[str, ...]
    cells: SheetCells
    notes: tuple[str, ...]


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` by hashing first: much faster when there are far fewer distinct values than cells."""
    return np.sort(pd.unique(values))


def column_letters(number: int) -> str:
    """``1 → "A"``, ``16384 → "XFD"``."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _over(size: int, limit: int) -> str:
    """``"1.5 GB, over the 1.0 GB"``; in bytes when both round to the same text."""
    if format_size(size) == format_size(limit):
        return f"{size:,} bytes, over the {limit:,} byte"
    return f"{format_size(size)}, over the {format_size(limit)}"


def _check_parts(archive: zipfile.ZipFile, *, display: str, max_bytes: int, max_memory: int) -> None:
    """Refuse parts that unpack past the limits, from the zip directory alone (nothing is unpacked)."""
    upfront_limit = min(max_bytes, max_memory // 4)  # parsed whole by openpyxl: about 4 times their size
    upfront = 0
    for info in archive.infolist():
        if info.file_size > max_bytes:
            raise DataLoadError(
                f"{display}: its part {info.filename} unpacks to {_over(info.file_size, max_bytes)} "
                "limit; save the workbook again from Excel, or export the "
                "sheet as CSV."
            )
        if info.filename in _UPFRONT_PARTS:
            upfront += info.file_size
    if upfront > upfront_limit:
        raise DataLoadError(
            f"{display}: its shared strings and styles unpack to {_over(upfront, upfront_limit)} "
            "limit for reading them in memory; export the sheet as CSV "
            "instead."
        )


def _far_cells(cells: SheetCells, *, display: str, sheet: str) -> tuple[SheetCells, list[str]]:
    """Leave out a few cells lying far below or to the right of the table (e.g. one at XFD1048576)."""
    notes: list[str] = []
    for gap_limit, what in ((_FAR_ROWS, "rows"), (_FAR_COLUMNS, "columns")):
        axis = cells.rows if what == "rows" else cells.columns
        positions = sorted_unique(axis)
        gaps = np.diff(positions)
        big = np.nonzero(gaps > gap_limit)[0]
        if not big.size:
            continue
        edge = positions[big[0]]
        beyond = axis > edge
        n_beyond = int(beyond.sum())
        if n_beyond > _MAX_FAR_CELLS or 2 * n_beyond >= len(cells):
            continue
        refs = [
            f"{column_letters(int(c))}{int(r)}"
            for r, c in zip(cells.rows[beyond][:_SHOWN], cells.columns[beyond][:_SHOWN], strict=True)
        ]
        notes.append(
            f"Left out {n_beyond} cell(s) far outside the table in the sheet {sheet!r} "
            f"({', '.join(refs)}; more than {gap_limit:,} empty {what} away from it)."
        )
        cells = cells.subset(~beyond)
    return cells, notes


def _zip_source(content: Content) -> Any:
    return content.path if content.path is not None else io.BytesIO(content.data or b"")


@dataclass
class _Book:
    """What openpyxl reads up front: sheets and their XML parts, shared strings, date styles."""

    archive: zipfile.ZipFile
    workbook: Any
    sheets: dict[str, str]  # sheet name -> path of its XML part
    shared_list: list[Any]


def _open_book(content: Content, *, display: str, max_bytes: int, max_memory: int) -> _Book:
    """The workbook's small parts, read by openpyxl's reader step by step.

    ``load_workbook(read_only=True)`` would also scan every sheet without a ``<dimension>``
    element from start to end just to size it; the steps below stop before the worksheets.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(_zip_source(content), read_only=True, data_only=True)
    _check_parts(reader.archive, display=display, max_bytes=max_bytes, max_memory=max_memory)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl style/extension warnings mean nothing to a marketer
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
    sheets = {
        str(sheet.name): rel.target
        for sheet, rel in reader.parser.find_sheets()
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type
    }
    return _Book(reader.archive, reader.wb, sheets, reader.shared_strings)


def _read_cells(book: _Book, sheet: str, *, display: str, max_cells: int, max_memory: int) -> SheetCells:
    shared = np.empty(len(book.shared_list), dtype=object)
    shared[:] = [str(value) for value in book.shared_list]
    strings = sum(len(value) for value in shared) + 64 * len(shared)
    limits = CellCounter(
        display=display, sheet=sheet, max_cells=max_cells, max_memory=max_memory, strings=strings
    )
    workbook = book.workbook
    date_styles = frozenset(
        int(style) for style in workbook._date_formats if int(style) not in workbook._timedelta_formats
    )
    path = book.sheets[sheet]
    parts = fast_cells(book.archive, path, shared=shared, date_styles=date_styles, limits=limits)
    if parts is None:
        limits.n_cells = 0
        parts = openpyxl_cells(
            book.archive, path, workbook=workbook, shared_list=book.shared_list, limits=limits
        )
    origin = np.datetime64("1904-01-01") if workbook.epoch.year == 1904 else np.datetime64("1899-12-30")
    return parts.cells(origin)


def read_workbook(
    content: Content,
    *,
    sheet: str | int | None,
    display: str,
    max_bytes: int,
    max_cells: int,
    max_memory: int,
) -> WorkbookRead:
    """The filled cells of the chosen sheet (or the first sheet holding any, when none is chosen).

    Raises :class:`DataLoadError` for damaged workbooks, unknown sheets and files over the limits.
    """
    try:
        book = _open_book(content, display=display, max_bytes=max_bytes, max_memory=max_memory)
        try:
            sheet_names = tuple(book.sheets)
            chosen = _choose_sheet(sheet, sheet_names, display=display)
            cells = _read_cells(book, chosen, display=display, max_cells=max_cells, max_memory=max_memory)
            first = chosen
            if sheet is None and _no_table(cells):
                # an empty first sheet, or a cover page of notes in one column: the table is further on
                for other in sheet_names[1:]:
                    candidate = _read_cells(
                        book, other, display=display, max_cells=max_cells, max_memory=max_memory
                    )
                    if not _no_table(candidate) or (not len(cells) and len(candidate)):
                        chosen, cells = other, candidate
                        break
        finally:
            book.archive.close()
    except DataLoadError:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many kinds of errors on damaged files
        raise DataLoadError(f"{display} could not be read as an Excel workbook ({exc}).") from exc
    notes = []
    if len(sheet_names) > 1:
        listed = ", ".join(sheet_names)
        notes.append(f"Read the sheet {chosen!r} (the workbook has {len(sheet_names)}: {listed}).")
    if chosen != first:
        notes.append(f"The first sheet {first!r} holds no table (a cover page or notes), so it was skipped.")
    cells, far_notes = _far_cells(cells, display=display, sheet=chosen)
    notes += far_notes
    n_rows, n_columns = len(pd.unique(cells.rows)), len(pd.unique(cells.columns))
    if n_rows * n_columns > max_cells:
        raise DataLoadError(
            f"{display}: the filled cells of the sheet {chosen!r} span {n_rows:,} rows × "
            f"{n_columns:,} columns, "
            f"over the {format_count(max_cells)} cell limit; filter or split it and load the parts you need."
        )
    return WorkbookRead(chosen, sheet_names, cells, tuple(notes))


def _no_table(cells: SheetCells) -> bool:
    """True when a sheet holds no table: no cells, or filled cells in one column only (a cover page)."""
    return len(pd.unique(cells.columns)) < 2


def _choose_sheet(chosen: str | int | None, sheet_names: tuple[str, ...], *, display: str) -> str:
    if not sheet_names:
        raise DataLoadError(f"{display} has no sheets.")
    if chosen is None:
        return sheet_names[0]
    if isinstance(chosen, int) and 0 <= chosen < len(sheet_names):
        return sheet_names[chosen]
    if str(chosen) in sheet_names:
        return str(chosen)
    raise DataLoadError(f"{display} has no sheet {chosen!r}; its sheets are: {', '.join(sheet_names)}.")


def _dates(serials: np.ndarray, origin: np.datetime64) -> np.ndarray:
    """Excel serial days as ``datetime64[us]`` (what openpyxl and pandas give); out of range: NaT."""
    valid = np.isfinite(serials) & (serials >= 0) & (serials < 2_958_466)  # up to the year 9999
    days = np.where(valid, serials, 0.0)
    if origin == np.datetime64("1899-12-30"):
        days = np.where((days > 0) & (days < 60), days + 1, days)  # Excel's 29 Feb 1900 that never was
    # rounded to the millisecond as openpyxl does: serials hold binary fractions of a day
    micros = np.round(days * 86_400_000).astype(np.int64) * 1000
    result = origin.astype("datetime64[us]") + micros.astype("timedelta64[us]")
    return np.where(valid, result, np.datetime64("NaT", "us"))


def _column_values(cells: SheetCells, positions: np.ndarray, n_rows: int) -> pd.Series:
    """One column of ``n_rows`` from its cells at ``positions``: typed when all cells share a kind."""
    kinds = cells.kinds
    full = len(positions) == n_rows
    if len(kinds) and (kinds == NUMBER).all():
        values = np.full(n_rows, np.nan)
        values[positions] = cells.numbers
        integral = full and bool(np.all(np.mod(cells.numbers, 1) == 0)) and np.abs(values).max() < 2**53
        return pd.Series(values.astype(np.int64) if integral else values)
    if len(kinds) and (kinds == DATE).all():
        dates = np.full(n_rows, np.datetime64("NaT", "us"))
        dates[positions] = _dates(cells.numbers, cells.date_origin)
        if (cells.numbers < 1).all():  # times of day without a date ("10:30"), as openpyxl reads them
            return pd.Series(dates).dt.time.astype(object)
        return pd.Series(dates)
    if len(kinds) and full and (kinds == BOOL).all():
        return pd.Series(cells.numbers.astype(bool))
    values = np.full(n_rows, None, dtype=object)
    cell_values = cells.objects.copy()
    numeric = kinds == NUMBER
    if numeric.any():
        numbers = cells.numbers[numeric]
        integral = (np.mod(numbers, 1) == 0) & (np.abs(numbers) < 2**53)
        as_objects = numbers.astype(object)
        as_objects[integral] = numbers[integral].astype(np.int64).astype(object)
        cell_values[numeric] = as_objects
    if (kinds == BOOL).any():
        cell_values[kinds == BOOL] = cells.numbers[kinds == BOOL].astype(bool).astype(object)
    if (kinds == DATE).any():
        cell_values[kinds == DATE] = list(
            pd.to_datetime(_dates(cells.numbers[kinds == DATE], cells.date_origin))
        )
    values[positions] = cell_values
    return pd.Series(values, dtype=object)


def cell_table(
    cells: SheetCells, *, columns: np.ndarray, first_row: int = 1, last_row: int | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """The filled rows between ``first_row`` and ``last_row`` as a frame over ``columns`` (0..n-1 labels).

    Returns the frame and the sheet row number of each of its rows. Empty rows are not included.
    """
    in_range = cells.rows >= first_row
    if last_row is not None:
        in_range &= cells.rows <= last_row
    # one reordered copy of the cells in range (the body is most of the sheet: no second copy)
    order = np.nonzero(in_range)[0]
    order = order[np.lexsort((cells.rows[order], cells.columns[order]))]
    part = cells.subset(order)
    row_numbers = sorted_unique(part.rows)
    starts = np.searchsorted(part.columns, columns, side="left")
    ends = np.searchsorted(part.columns, columns, side="right")
    frame = {}
    for position, (start, end) in enumerate(zip(starts, ends, strict=True)):
        column = part.subset(slice(start, end))  # type: ignore[arg-type]  # numpy accepts slices
        rows = np.searchsorted(row_numbers, column.rows)
        frame[position] = _column_values(column, rows, len(row_numbers))
    return pd.DataFrame(frame, index=pd.RangeIndex(len(row_numbers))), row_numbers
