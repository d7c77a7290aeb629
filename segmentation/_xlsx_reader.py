"""Reading one sheet of an XLSX workbook with bounded memory and time.

Private helper of :mod:`segmentation.loading`. A workbook is a zip of XML parts; a hostile one
can declare a 17-billion-cell sheet (one cell at ``XFD1048576``) or unpack a few kilobytes into
gigabytes of shared strings. So, in order:

1. the zip directory is checked: the sheet's XML and the parts openpyxl reads up front (shared
   strings, styles, workbook) must unpack to less than the byte limits, before anything is parsed;
2. openpyxl (``read_only=True``) reads only the workbook's small parts: sheet names, shared
   strings and which styles are dates;
3. the sheet's XML is streamed in chunks and only *filled* cells are kept, in long format (row,
   column, kind, number, text): memory follows the cells that hold something, never the declared
   dimension, and reading stops as soon as the cell or memory limit is passed. Cells are found by
   a regular expression and converted column-wise (about 1 µs a cell, 15 times faster than
   openpyxl's per-cell parser, which remains the fallback for XML written in unusual ways);
4. a few cells far away from the table (a stray value at ``XFD1048576``) are left out with a note,
   and empty rows and columns are never materialised.
"""

from __future__ import annotations

import codecs
import html
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from segmentation._errors import DataLoadError
from segmentation._limits import format_count
from segmentation._source import Content, format_size

__all__ = ["SheetCells", "WorkbookRead", "cell_table", "read_workbook", "sorted_unique"]

NUMBER, TEXT, BOOL, DATE, OTHER = 1, 2, 3, 4, 5
# peak memory per filled cell while reading and building the frame (measured: about 150 bytes for
# a sheet of numbers and distinct short texts, of which 33 are the long-format arrays)
_BYTES_PER_CELL = 120
_CHUNK = 8 * 1024 * 1024
_FAR_ROWS = 1000  # empty rows between the table and a stray cell that make it "far away"
_FAR_COLUMNS = 100
_MAX_FAR_CELLS = 10
_SHOWN = 5
_CELL = re.compile(
    r'<c r="([A-Z]{1,3})([0-9]{1,7})"((?: [A-Za-z:]+="[^"]*")*) ?(?:/>|>'
    r"(?:<f(?: [^>]*)?(?:/>|>[^<]*</f>))?"
    r"(?:<v>([^<]*)</v>)?"
    r'(?:<is><t(?: xml:space="preserve")?>([^<]*)</t></is>|<is>(.*?)</is>)?'
    r"</c>)",
    re.S,
)
_TYPE = re.compile(r'\bt="(\w+)"')
_STYLE = re.compile(r'\bs="(\d+)"')
_DIMENSION = re.compile(r'<(?:\w+:)?dimension ref="([A-Z]*)(\d*):?([A-Z]*)(\d*)"')
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>|<phoneticPr\b[^>]*/>", re.S)
_TAG = re.compile(r"<[^>]*>")
_UPFRONT_PARTS = ("xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml")


@dataclass(frozen=True)
class SheetCells:
    """The filled cells of one sheet in long format: arrays of shape (n_cells,).

    ``rows`` and ``columns`` are 1-based sheet positions; ``kinds`` says which of ``numbers``
    (numbers, booleans as 0/1, dates as Excel serial days) or ``objects`` (text, other values)
    holds the value.
    """

    rows: np.ndarray
    columns: np.ndarray
    kinds: np.ndarray
    numbers: np.ndarray
    objects: np.ndarray
    date_origin: np.datetime64 = field(default_factory=lambda: np.datetime64("1899-12-30"))

    def __len__(self) -> int:
        return len(self.rows)

    def subset(self, keep: np.ndarray) -> SheetCells:
        return SheetCells(
            self.rows[keep],
            self.columns[keep],
            self.kinds[keep],
            self.numbers[keep],
            self.objects[keep],
            self.date_origin,
        )


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


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


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


def _declared(head: str) -> tuple[str, int] | None:
    """The sheet's ``<dimension ref>`` and the number of cells it declares."""
    found = _DIMENSION.search(head)
    if found is None or not found.group(1) or not found.group(2):
        return None
    first_col, first_row, last_col, last_row = found.groups()
    last_col, last_row = last_col or first_col, last_row or first_row
    n_cells = (_column_number(last_col) - _column_number(first_col) + 1) * (
        int(last_row) - int(first_row) + 1
    )
    ref = f"{first_col}{first_row}:{last_col}{last_row}"
    return ref, max(n_cells, 0)


class _Limits:
    """Counts cells as they are read and stops at the first limit passed."""

    def __init__(self, *, display: str, sheet: str, max_cells: int, max_memory: int, strings: int) -> None:
        self.display, self.sheet = display, sheet
        self.max_cells, self.max_memory = max_cells, max_memory
        self.strings = strings
        self.n_cells = 0
        self.declared: tuple[str, int] | None = None

    def expect(self, n_cells: float) -> None:
        """Refuse when the whole sheet, extrapolated from its start, holds over twice the cell limit."""
        if n_cells > 2 * self.max_cells:
            raise DataLoadError(
                f"{self.display}: the sheet {self.sheet!r} holds about {format_count(int(n_cells))} filled "
                f"cells (judging by its first rows), over the {format_count(self.max_cells)} cell limit; "
                "filter or split it (for example by date range) and load the parts you need."
            )

    def add(self, n_cells: int) -> None:
        self.n_cells += n_cells
        if self.n_cells > self.max_cells:
            declared = ""
            if self.declared is not None and self.declared[1] > self.max_cells:
                declared = f" (it declares {format_count(self.declared[1])} cells, {self.declared[0]})"
            raise DataLoadError(
                f"{self.display}: the sheet {self.sheet!r} holds more than {format_count(self.max_cells)} "
                f"filled cells{declared}, over the {format_count(self.max_cells)} cell limit; "
                "filter or split it (for example by date range) and load the parts you need."
            )
        estimate = self.n_cells * _BYTES_PER_CELL + self.strings
        if estimate > self.max_memory:
            raise DataLoadError(
                f"{self.display}: the sheet {self.sheet!r} needs more than {format_size(self.max_memory)} "
                "of memory to load, over the memory limit; filter or split it and load the parts you need."
            )


def _sheet_text(archive: zipfile.ZipFile, path: str) -> Iterator[str]:
    """The sheet's XML as text in pieces that end after a ``</row>`` (the last piece: the rest)."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    carry = ""
    with archive.open(path) as stream:
        while piece := stream.read(_CHUNK):
            carry += decoder.decode(piece)
            end = carry.rfind("</row>")
            if end >= 0:
                yield carry[: end + 6]
                carry = carry[end + 6 :]
    carry += decoder.decode(b"", final=True)
    if carry:
        yield carry


@dataclass
class _Parts:
    rows: list[np.ndarray] = field(default_factory=list)
    columns: list[np.ndarray] = field(default_factory=list)
    kinds: list[np.ndarray] = field(default_factory=list)
    numbers: list[np.ndarray] = field(default_factory=list)
    objects: list[np.ndarray] = field(default_factory=list)

    def add(self, rows: Any, columns: Any, kinds: Any, numbers: Any, objects: Any) -> None:
        self.rows.append(np.asarray(rows, dtype=np.int64))
        self.columns.append(np.asarray(columns, dtype=np.int64))
        self.kinds.append(np.asarray(kinds, dtype=np.int8))
        self.numbers.append(np.asarray(numbers, dtype=np.float64))
        self.objects.append(np.asarray(objects, dtype=object))

    def cells(self, date_origin: np.datetime64) -> SheetCells:
        if not self.rows:
            empty = np.array([], dtype=np.int64)
            return SheetCells(
                empty, empty, empty.astype(np.int8), empty.astype(float), empty.astype(object), date_origin
            )
        return SheetCells(
            np.concatenate(self.rows),
            np.concatenate(self.columns),
            np.concatenate(self.kinds),
            np.concatenate(self.numbers),
            np.concatenate(self.objects),
            date_origin,
        )


def _unescape(text: np.ndarray) -> np.ndarray:
    """XML entities decoded, only in the few cells that hold any."""
    has_entity = np.fromiter(("&" in value for value in text), dtype=bool, count=len(text))
    if has_entity.any():
        text = text.copy()
        text[has_entity] = [html.unescape(value) for value in text[has_entity]]
    return text


# what a cell's ``t`` attribute says about where its value is
_NUMERIC, _SHARED, _WRITTEN, _INLINE, _BOOLEAN, _ERROR = range(6)
_TYPE_CODES = {
    "n": _NUMERIC,
    "s": _SHARED,
    "str": _WRITTEN,
    "d": _WRITTEN,
    "inlineStr": _INLINE,
    "b": _BOOLEAN,
}


def _attribute_kinds(attributes: list[str], *, date_styles: frozenset[int]) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: its kind and its type code (see ``_TYPE_CODES``), from its attributes."""
    codes, uniques = pd.factorize(np.asarray(attributes, dtype=object))
    kinds, types = [], []
    for attribute in uniques:
        type_match, style_match = _TYPE.search(attribute), _STYLE.search(attribute)
        type_code = _TYPE_CODES.get(type_match.group(1) if type_match else "n", _ERROR)
        style = int(style_match.group(1)) if style_match else 0
        kind = {_NUMERIC: NUMBER, _BOOLEAN: BOOL, _ERROR: 0}.get(type_code, TEXT)
        if kind == NUMBER and style in date_styles:
            kind = DATE
        kinds.append(kind)
        types.append(type_code)
    return np.asarray(kinds, dtype=np.int8)[codes], np.asarray(types, dtype=np.int8)[codes]


def _floats(values: np.ndarray) -> np.ndarray:
    """Numbers as written in ``<v>`` (NaN where not a number); Excel writes plain numbers."""
    try:
        return np.fromiter(map(float, values), dtype=np.float64, count=len(values))
    except ValueError:
        return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=np.float64)


def _cell_count(text: str) -> int:
    """How many ``<c>`` elements ``text`` holds (``<col>`` and ``<cfRule>`` only occur outside cells)."""
    rough = text.count("<c")
    if rough == text.count("<c "):
        return rough
    return text.count("<c ") + text.count("<c>") + text.count("<c/>")


def _parse_chunk(
    text: str, *, shared: np.ndarray, date_styles: frozenset[int], parts: _Parts, letters: dict[str, int]
) -> int | None:
    """Add the chunk's filled cells to ``parts``; returns how many, or ``None`` when the XML is unusual."""
    matches = _CELL.findall(text)
    if len(matches) != _cell_count(text):
        return None
    if not matches:
        return 0
    # one list per group: about three times faster than zip(*matches)
    column_text, row_text, attributes, written, plain_inline, rich_inline = (
        [match[group] for match in matches] for group in range(6)
    )
    del matches
    kinds, types = _attribute_kinds(attributes, date_styles=date_styles)
    values = np.asarray(written, dtype=object)
    is_inline = types == _INLINE
    kinds[(values == "") & ~is_inline] = 0  # styled empty cells, and errors
    numbers = np.full(len(values), np.nan)
    objects = np.full(len(values), None, dtype=object)
    numeric = (kinds == NUMBER) | (kinds == BOOL) | (kinds == DATE)
    if numeric.any():
        numbers[numeric] = _floats(values[numeric])
        kinds[numeric & np.isnan(numbers)] = 0
    is_shared = (types == _SHARED) & (kinds == TEXT)
    if is_shared.any():
        index = values[is_shared].astype(np.int64)
        if index.min() < 0 or index.max() >= len(shared):
            return None
        objects[is_shared] = shared[index]
    is_written = (types == _WRITTEN) & (kinds == TEXT)
    objects[is_written] = values[is_written]
    if is_inline.any():
        inline = np.asarray(plain_inline, dtype=object)
        rich = np.asarray(rich_inline, dtype=object)
        is_rich = is_inline & (rich != "")
        if is_rich.any():
            runs = pd.Series(rich[is_rich], dtype=object).str.replace(_PHONETIC, "", regex=True)
            inline[is_rich] = runs.str.replace(_TAG, "", regex=True).to_numpy(dtype=object)
        objects[is_inline] = inline[is_inline]
    text_cells = kinds == TEXT
    if "&" in text:
        is_escaped = (types == _WRITTEN) | is_inline
        objects[is_escaped & text_cells] = _unescape(objects[is_escaped & text_cells])
    kinds[text_cells & (objects == "")] = 0
    filled = kinds != 0
    column_codes, column_uniques = pd.factorize(np.asarray(column_text, dtype=object)[filled])
    for letter in column_uniques:
        letters.setdefault(letter, _column_number(letter))
    column_numbers = np.asarray([letters[letter] for letter in column_uniques], dtype=np.int64)[column_codes]
    rows = np.fromiter(map(int, row_text), dtype=np.int64, count=len(row_text))
    parts.add(rows[filled], column_numbers, kinds[filled], numbers[filled], objects[filled])
    return int(filled.sum())


def _fast_cells(
    archive: zipfile.ZipFile, path: str, *, shared: np.ndarray, date_styles: frozenset[int], limits: _Limits
) -> _Parts | None:
    parts = _Parts()
    letters: dict[str, int] = {}
    first = True
    sheet_bytes = archive.getinfo(path).file_size
    for text in _sheet_text(archive, path):
        if first:
            limits.declared = _declared(text[:4096])
            if "<sheetData" not in text and ":sheetData" in text:
                return None  # prefixed namespaces: let openpyxl read it
        n_cells = _parse_chunk(text, shared=shared, date_styles=date_styles, parts=parts, letters=letters)
        if n_cells is None:
            return None
        if first:
            # a sheet far over the limit is refused after its first chunk, not after minutes of reading
            limits.expect(n_cells * sheet_bytes / max(len(text.encode("utf-8")), 1))
            first = False
        limits.add(n_cells)
    return parts


def _openpyxl_cells(book: _Book, path: str, *, limits: _Limits) -> _Parts:
    """openpyxl's own sheet parser: slower, but reads every valid workbook."""
    from openpyxl.worksheet._reader import WorkSheetParser

    parts = _Parts()
    batch: list[tuple[int, int, int, float, object]] = []
    workbook = book.workbook
    with book.archive.open(path) as source:
        parser = WorkSheetParser(
            source,
            book.shared_list,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for _, row in parser.parse():
            for cell in row:
                value = cell["value"]
                if value is None or cell["data_type"] == "e" or value == "":
                    continue
                if isinstance(value, bool):
                    batch.append((cell["row"], cell["column"], BOOL, float(value), None))
                elif isinstance(value, int | float):
                    batch.append((cell["row"], cell["column"], NUMBER, float(value), None))
                else:
                    kind = TEXT if isinstance(value, str) else OTHER
                    batch.append((cell["row"], cell["column"], kind, np.nan, value))
            if len(batch) >= 100_000:
                limits.add(len(batch))
                parts.add(*zip(*batch, strict=True))
                batch = []
    if batch:
        limits.add(len(batch))
        parts.add(*zip(*batch, strict=True))
    return parts


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
    limits = _Limits(
        display=display, sheet=sheet, max_cells=max_cells, max_memory=max_memory, strings=strings
    )
    workbook = book.workbook
    date_styles = frozenset(
        int(style) for style in workbook._date_formats if int(style) not in workbook._timedelta_formats
    )
    path = book.sheets[sheet]
    parts = _fast_cells(book.archive, path, shared=shared, date_styles=date_styles, limits=limits)
    if parts is None:
        limits.n_cells = 0
        parts = _openpyxl_cells(book, path, limits=limits)
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
            if sheet is None and not len(cells):
                for other in sheet_names[1:]:
                    candidate = _read_cells(
                        book, other, display=display, max_cells=max_cells, max_memory=max_memory
                    )
                    if len(candidate):
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
    part = cells.subset(in_range)
    row_numbers = sorted_unique(part.rows)
    order = np.lexsort((part.rows, part.columns))
    part = part.subset(order)
    starts = np.searchsorted(part.columns, columns, side="left")
    ends = np.searchsorted(part.columns, columns, side="right")
    frame = {}
    for position, (start, end) in enumerate(zip(starts, ends, strict=True)):
        column = part.subset(slice(start, end))  # type: ignore[arg-type]  # numpy accepts slices
        rows = np.searchsorted(row_numbers, column.rows)
        frame[position] = _column_values(column, rows, len(row_numbers))
    return pd.DataFrame(frame, index=pd.RangeIndex(len(row_numbers))), row_numbers
