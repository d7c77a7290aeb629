"""Reading the tables marketers upload: CSV/TSV/TXT (also gzip or zip), XLSX and Parquet.

Everything about how a text file was written is detected from a sample and reported in plain
sentences (:attr:`Detection.notes`); every detection can be overridden with
:class:`ReadOptions`. Text cells are kept exactly as written (decoded, outer quotes removed,
surrounding whitespace stripped, empty cells missing); converting numbers and dates is the job of
:mod:`segmentation.profiling.table_profile`, which gets :attr:`Detection.decimal`.

Bad input raises :class:`~segmentation.errors.DataLoadError` with a message naming the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from segmentation.errors import DataLoadError
from segmentation.io.limits import DEFAULT_MAX_CELLS, DEFAULT_MAX_MEMORY, MATERIALISE_GATE
from segmentation.io.parquet_reader import read_parquet_frame
from segmentation.io.repeated_headers import repeated_header_rows
from segmentation.io.sniffing import (
    DELIMITER_NAMES,
    SAMPLE_BYTES,
    SAMPLE_LINES,
    bomless_utf16,
    detect_dialect,
    detect_encoding,
    document_kind,
    encoding_label,
    looks_binary,
    sample_records,
)
from segmentation.io.source import Content, format_size, open_source
from segmentation.io.summary_rows import find_summary_rows
from segmentation.io.text_reader import read_text_table, tidy_text
from segmentation.io.xlsx_header import header_row, two_row_header
from segmentation.io.xlsx_reader import cell_table, read_workbook, sorted_unique

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CELLS",
    "DEFAULT_MAX_MEMORY",
    "DELIMITER_NAMES",
    "SUPPORTED_ENCODINGS",
    "Detection",
    "LoadedTable",
    "ReadOptions",
    "describe_size",
    "encoding_label",
    "load_table",
]

DEFAULT_MAX_BYTES = 2 * 1024**3
SUPPORTED_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "gb18030", "shift_jis", "cp932")
_PREVIEW_LINES = 15
_MAX_SAMPLE_BYTES = 64 * 1024**2
_SHOWN_NAMES = 5
_HEADER_SEARCH_ROWS = 50
MAX_COLUMNS = 16_384  # Excel's widest sheet; wider "tables" are a wrong separator or a damaged file
_TEXT_MEMORY_FACTOR = 4  # a parsed text table takes a few times its size in bytes
_XLSX_MEMORY_FACTOR = 16  # workbooks compress their XML about tenfold


@dataclass(frozen=True)
class _Limits:
    max_bytes: int
    max_cells: int
    max_memory: int


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file; every field left ``None`` is detected.

    ``delimiter`` is ``","``, ``";"``, ``"\\t"``, ``"|"``, ``" "`` (runs of spaces or tabs) or any
    single character. ``skip_rows`` counts the lines before the header (or first data row).
    ``sheet`` picks an XLSX sheet by name or 0-based position.
    """

    encoding: str | None = None
    delimiter: str | None = None
    header: bool | None = None
    skip_rows: int | None = None
    decimal: str | None = None
    quoted_lines: bool | None = None
    sheet: str | int | None = None


@dataclass(frozen=True)
class Detection:
    """How a file was read, with plain-language ``notes`` explaining what was detected or changed.

    For XLSX and Parquet the text-only fields hold neutral values (``encoding="binary"``,
    ``delimiter=""``); ``sheet``/``sheet_names`` describe the workbook.
    """

    format: str
    compression: str | None
    inner_name: str | None
    encoding: str
    delimiter: str
    header: bool
    skip_rows: int
    decimal: str
    quoted_lines: bool
    notes: tuple[str, ...]
    preview_lines: tuple[str, ...]
    sheet: str | None = None
    sheet_names: tuple[str, ...] = ()
    ragged_lines: tuple[int, ...] = ()  # first few 1-based line numbers of rows longer than the header
    renamed_columns: tuple[tuple[str, str], ...] = ()  # (as written, as named in the frame)

    def as_options(self) -> ReadOptions:
        """The detected settings as explicit :class:`ReadOptions` (a starting point for overrides)."""
        return ReadOptions(
            encoding=self.encoding if self.format == "csv" else None,
            delimiter=self.delimiter if self.format == "csv" else None,
            header=self.header,
            skip_rows=self.skip_rows,
            decimal=self.decimal,
            quoted_lines=self.quoted_lines if self.format == "csv" else None,
            sheet=self.sheet,
        )


@dataclass(frozen=True)
class LoadedTable:
    """A loaded table: ``frame`` of shape (n_rows, n_columns), its display ``name`` and how it was read."""

    frame: pd.DataFrame
    name: str
    detection: Detection
    n_bytes: int


def _blank(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def _column_names(
    written: list[object], *, header: bool, prefix: str = "column"
) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """Unique string names: blanks become ``column_<i>``, repeats ``name (2)``.

    Returns ``(names, renamed, notes)``.
    """
    names: list[str] = []
    renamed: list[tuple[str, str]] = []
    seen: set[str] = set()
    taken = {str(w).strip() for w in written if header and not _blank(w)}
    duplicates: list[str] = []
    for position, value in enumerate(written, start=1):
        text = "" if not header or _blank(value) else str(value).strip()
        name = text or f"{prefix}_{position}"
        if name in seen:
            duplicates.append(name)
            copy = 2
            while f"{name} ({copy})" in seen or f"{name} ({copy})" in taken:
                copy += 1
            name = f"{name} ({copy})"
        if header and text != name:
            renamed.append((text, name))
        seen.add(name)
        names.append(name)
    notes = []
    if duplicates:
        shown = ", ".join(repr(d) for d in dict.fromkeys(duplicates))
        notes.append(
            f"Some column names appear more than once ({shown}); all are kept, later ones as 'name (2)'."
        )
    return names, renamed, notes


def _without_empty_unnamed(
    frame: pd.DataFrame, renamed: list[tuple[str, str]]
) -> tuple[pd.DataFrame, list[tuple[str, str]], list[str]]:
    """Drop columns with neither a name nor a value (trailing separators); name the other blank ones."""
    unnamed = [new for old, new in renamed if not old]
    empty = [name for name in unnamed if frame[name].isna().all()]
    notes = []
    if empty:
        notes.append(
            f"Left out {len(empty)} column(s) with no name and no values (lines ending in a separator)."
        )
    kept = [name for name in unnamed if name not in empty]
    if kept:
        notes.append(f"Columns without a name were called {', '.join(kept[:_SHOWN_NAMES])}.")
    still_renamed = [(old, new) for old, new in renamed if new not in empty]
    return (frame.drop(columns=empty) if empty else frame), still_renamed, notes


def _text_sample(content: Content, encoding: str, *, skip_rows: int) -> list[str]:
    """Decoded first records: about 200, or enough to see past ``skip_rows`` chosen ones.

    A record is one line, or several when a quoted cell holds line breaks (CRM notes).
    """
    size = SAMPLE_BYTES
    while True:
        head = content.head(size + 1)
        truncated = len(head) > size
        text = head[:size].decode(encoding, errors="replace")
        # blank lines above the table (thousands, in some exports) do not use up the sample
        blank = text[: len(text) - len(text.lstrip())].count("\n")
        lines = sample_records(text, truncated=truncated, limit=blank + skip_rows + SAMPLE_LINES)
        if not truncated or len(lines) >= blank + skip_rows + 20 or size >= _MAX_SAMPLE_BYTES:
            return lines
        size *= 4


def _load_text(content: Content, options: ReadOptions, limits: _Limits) -> tuple[pd.DataFrame, Detection]:
    display = f"{content.inner_name} in {content.name}" if content.inner_name else content.name
    head = content.head(SAMPLE_BYTES)
    if not head.strip():
        raise DataLoadError(f"{display} is empty (only blank lines); export the table again.")
    # UTF-16/32 text is full of NUL bytes, so the binary check only applies to byte-oriented encodings
    wide_text = head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
    wide_text = wide_text or "16" in (options.encoding or "")
    wide_text = wide_text or "32" in (options.encoding or "")
    wide_text = wide_text or bomless_utf16(head) is not None
    if not wide_text and looks_binary(head):
        raise DataLoadError(
            f"{display} does not look like a text table (it holds binary data); upload a CSV, TXT, "
            "XLSX or Parquet file, or the original export."
        )
    repair_notes: list[str] = []
    if not wide_text and b"\x00" in head:
        data = content.all_bytes()
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        n_nul = data.count(b"\x00")
        repair_notes.append(
            f"Removed {n_nul} NUL byte(s) (invisible characters a damaged export leaves), "
            f"the first on line {line}."
        )
        content = replace(content, data=data.replace(b"\x00", b""), path=None)
    encoding, encoding_note, replace_invalid = detect_encoding(content, override=options.encoding)
    if replace_invalid:
        repaired = content.all_bytes().decode(encoding, errors="replace").encode(encoding)
        content = replace(content, data=repaired, path=None)
    lines = _text_sample(content, encoding, skip_rows=options.skip_rows or 0)
    if not any(line.strip() for line in lines):
        raise DataLoadError(f"{display} is empty (only blank lines); export the table again.")
    document = document_kind(lines)
    if document is not None:
        raise DataLoadError(
            f"{display} holds {document}, not a table of rows and columns; save the table itself as "
            "CSV or XLSX (in a browser or spreadsheet: File → Save as / Download as CSV)."
        )
    dialect = detect_dialect(
        lines,
        delimiter=options.delimiter,
        header=options.header,
        skip_rows=options.skip_rows,
        decimal=options.decimal,
        quoted_lines=options.quoted_lines,
    )
    n_columns = max(len(dialect.header_fields), dialect.width)
    if n_columns > MAX_COLUMNS:
        raise DataLoadError(
            f"{display} has {n_columns:,} columns, more than the {MAX_COLUMNS:,} a table can have here "
            "(Excel's limit); check the column separator in 'How the file was read', or split the file."
        )
    text_bytes = len(content.data) if content.data is not None else content.n_bytes
    with MATERIALISE_GATE.reserve(min(limits.max_memory, _TEXT_MEMORY_FACTOR * text_bytes), name=display):
        parsed = read_text_table(content, encoding=encoding, dialect=dialect)
    notes = [*content.notes, *repair_notes, encoding_note, *dialect.notes]
    header_fields: list[object] = list(dialect.header_fields[: parsed.width])
    header_fields += [None] * (parsed.width - len(header_fields))
    names, renamed, name_notes = _column_names(header_fields, header=dialect.header)
    n_extra = parsed.frame.shape[1] - parsed.width
    names += [f"extra_{i}" for i in range(1, n_extra + 1)]
    notes += name_notes
    if parsed.n_ragged:
        shown = ", ".join(str(n) for n in parsed.ragged_lines)
        notes.append(
            f"{parsed.n_ragged} row(s) have more cells than the header (first at line(s) {shown}); "
            f"the extra cells are kept in {', '.join(names[parsed.width :][:_SHOWN_NAMES])}."
        )
    if parsed.n_short:
        notes.append(
            f"{parsed.n_short} row(s) have fewer cells than the header; the missing cells are empty."
        )
    if parsed.n_empty_rows:
        notes.append(f"Left out {parsed.n_empty_rows} empty line(s) or row(s) with every cell empty.")
    frame, renamed, column_notes = _without_empty_unnamed(parsed.frame.set_axis(names, axis=1), renamed)
    notes += column_notes
    positions = parsed.row_positions if parsed.row_positions is not None else np.arange(len(frame))
    if dialect.header:
        frame, positions, repeat_notes = _without_repeated_headers(
            frame, positions, header=header_fields, first_line=dialect.data_line + 1
        )
        notes += repeat_notes
    frame, summary_notes = _without_summary_rows(
        frame, line_numbers=positions + dialect.data_line + 1, row_word="Line", decimal=dialect.decimal
    )
    notes += summary_notes
    if frame.empty:
        if options.skip_rows:
            problem = f"has no data rows after skipping {options.skip_rows} line(s); skip fewer lines."
        elif dialect.header:
            problem = "has a header row but no data rows; check that the export included the data."
        else:
            problem = "has no data rows."
        raise DataLoadError(f"{display} {problem}")
    detection = Detection(
        format="csv",
        compression=content.compression,
        inner_name=content.inner_name,
        encoding=encoding,
        delimiter=dialect.delimiter,
        header=dialect.header,
        skip_rows=dialect.skip_rows,
        decimal=dialect.decimal,
        quoted_lines=dialect.quoted_lines,
        notes=tuple(notes),
        preview_lines=tuple(lines[:_PREVIEW_LINES]),
        ragged_lines=parsed.ragged_lines,
        renamed_columns=tuple(renamed),
    )
    return frame, detection


def _without_repeated_headers(
    frame: pd.DataFrame, positions: np.ndarray, *, header: list[object], first_line: int
) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Leave out rows repeating the header (exports pasted one below the other), noting where."""
    repeated = repeated_header_rows(frame, header)
    if not len(repeated):
        return frame, positions, []
    keep = np.ones(len(frame), dtype=bool)
    keep[repeated] = False
    shown = ", ".join(str(int(positions[p]) + first_line) for p in repeated[:_SHOWN_NAMES])
    note = (
        f"Left out {len(repeated)} row(s) repeating the header (line(s) {shown}): the file looks like "
        "several exports pasted one below the other."
    )
    return frame.loc[keep].reset_index(drop=True), positions[keep], [note]


def _without_summary_rows(
    frame: pd.DataFrame, *, line_numbers: np.ndarray, row_word: str, decimal: str
) -> tuple[pd.DataFrame, list[str]]:
    """Leave out total and subtotal rows (see :mod:`segmentation.io.summary_rows`), noting which."""
    summary = find_summary_rows(frame, line_numbers=line_numbers, row_word=row_word, decimal=decimal)
    if not summary.positions:
        return frame, []
    keep = np.ones(len(frame), dtype=bool)
    keep[list(summary.positions)] = False
    return frame.loc[keep].reset_index(drop=True), list(summary.notes)


def _tidy_binary_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text-like columns (object, category, string) become tidy ``str``; numbers and dates stay native."""
    columns = {}
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        is_text = column.dtype == object or isinstance(column.dtype, pd.CategoricalDtype | pd.StringDtype)
        columns[position] = tidy_text(column) if is_text else column
    return pd.DataFrame(columns, index=frame.index)


def _load_xlsx(content: Content, options: ReadOptions, limits: _Limits) -> tuple[pd.DataFrame, Detection]:
    display = f"{content.inner_name} in {content.name}" if content.inner_name else content.name
    workbook_bytes = len(content.data) if content.data is not None else content.n_bytes
    with MATERIALISE_GATE.reserve(min(limits.max_memory, _XLSX_MEMORY_FACTOR * workbook_bytes), name=display):
        read = read_workbook(
            content,
            sheet=options.sheet,
            display=display,
            max_bytes=limits.max_bytes,
            max_cells=limits.max_cells,
            max_memory=limits.max_memory,
        )
        frame, detection = _xlsx_frame(read, content=content, options=options, display=display)
    return frame, detection


def _xlsx_frame(
    read: Any, *, content: Content, options: ReadOptions, display: str
) -> tuple[pd.DataFrame, Detection]:
    """The table of a sheet's filled cells: header found below any title rows, totals left out."""
    cells, sheet = read.cells, read.sheet
    notes = [*content.notes, *read.notes]
    if not len(cells):
        raise DataLoadError(f"{display}: the sheet {sheet!r} is empty; choose the sheet holding the table.")
    columns = sorted_unique(cells.columns)
    filled_rows = sorted_unique(cells.rows)
    top, top_rows = cell_table(cells, columns=columns, last_row=int(filled_rows[:_HEADER_SEARCH_ROWS][-1]))
    if options.skip_rows is None:
        skip_rows = int(top_rows[header_row(top)]) - 1
        if skip_rows:
            notes.append(f"Skipped {skip_rows} row(s) above the table (titles or notes).")
    else:
        skip_rows = options.skip_rows
    first_table, _ = cell_table(cells, columns=columns, first_row=skip_rows + 1, last_row=skip_rows + 1)
    first = first_table.iloc[0] if len(first_table) else pd.Series([None] * len(columns), dtype=object)
    header = options.header
    if header is None:
        header = all(isinstance(v, str) for v in first.dropna()) and len(first.dropna()) > 0
    written = list(first) if header else [None] * len(columns)
    header_rows = 1 if header else 0
    if header and options.header is None:
        joined = two_row_header(cells, columns=columns, top=written, row=skip_rows + 2)
        if joined is not None:
            written, header_rows = joined, 2
            notes.append(
                "The header spans two rows (merged cells above the column names); each name joins both, "
                f"e.g. {written[0]!r}."
            )
    body, body_rows = cell_table(cells, columns=columns, first_row=skip_rows + 1 + header_rows)
    body, summary_notes = _without_summary_rows(body, line_numbers=body_rows, row_word="Row", decimal=".")
    body = body.infer_objects()
    notes += summary_notes
    names, renamed, name_notes = _column_names(written, header=header)
    notes += name_notes
    if body.empty:
        problem = f"after skipping {skip_rows} row(s)" if options.skip_rows else "below the header row"
        raise DataLoadError(f"{display} has no data rows {problem} in the sheet {sheet!r}.")
    tidy = _tidy_binary_frame(body).set_axis(names, axis=1)
    frame, renamed, column_notes = _without_empty_unnamed(tidy, renamed)
    notes += column_notes
    detection = Detection(
        format="xlsx",
        compression=content.compression,
        inner_name=content.inner_name,
        encoding="binary",
        delimiter="",
        header=header,
        skip_rows=skip_rows,
        decimal=options.decimal or ".",
        quoted_lines=False,
        notes=tuple(notes),
        preview_lines=(),
        sheet=sheet,
        sheet_names=read.sheet_names,
        renamed_columns=tuple(renamed),
    )
    return frame, detection


def _load_parquet(content: Content, options: ReadOptions, limits: _Limits) -> tuple[pd.DataFrame, Detection]:
    display = f"{content.inner_name} in {content.name}" if content.inner_name else content.name
    try:
        raw = read_parquet_frame(
            content, display=display, max_cells=limits.max_cells, max_memory=limits.max_memory
        )
    except DataLoadError:
        raise
    except Exception as exc:  # pyarrow raises several error types on damaged files
        raise DataLoadError(f"{display} could not be read as a Parquet file ({exc}).") from exc
    if raw.empty:
        raise DataLoadError(f"{display} holds no rows.")
    # a named index (df.set_index("customer_id").to_parquet()) is data, often the ids themselves
    named_index = any(level is not None for level in raw.index.names)
    raw = raw.reset_index(drop=not named_index, allow_duplicates=True)
    names, renamed, name_notes = _column_names(list(raw.columns), header=True)
    frame = _tidy_binary_frame(raw).set_axis(names, axis=1)
    detection = Detection(
        format="parquet",
        compression=content.compression,
        inner_name=content.inner_name,
        encoding="binary",
        delimiter="",
        header=True,
        skip_rows=0,
        decimal=options.decimal or ".",
        quoted_lines=False,
        notes=(*content.notes, *name_notes),
        preview_lines=(),
        renamed_columns=tuple(renamed),
    )
    return frame, detection


def load_table(
    source: str | os.PathLike[str] | bytes | BinaryIO,
    *,
    name: str | None = None,
    options: ReadOptions | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_cells: int = DEFAULT_MAX_CELLS,
    max_memory: int = DEFAULT_MAX_MEMORY,
) -> LoadedTable:
    """Load a table file, detecting its format and how it was written.

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary file object (what the Streamlit uploader gives).
    name
        The file's name, used to recognise its format by extension and in messages; defaults to
        the path's file name.
    options
        Overrides of the detected settings; each field left ``None`` is detected.
    max_bytes
        Files (or unpacked contents, including a workbook's XML parts) larger than this are refused.
    max_cells
        Sheets with more filled cells, and Parquet files with more rows × columns, are refused;
        checked while reading (XLSX) or from the footer (Parquet), before the table is built.
    max_memory
        Files whose table would need more memory than this are refused, from an estimate made
        before the table is built and a running count while reading. Big loads also wait for their
        share of a process-wide budget, so parallel uploads cannot exhaust the server together
        (see :mod:`segmentation.io.limits`).

    Returns
    -------
    LoadedTable
        ``frame`` of shape (n_rows, n_columns). Text formats give ``str`` columns holding the
        cells as written (stripped, empty cells NaN); XLSX and Parquet keep numeric and date
        columns native. ``detection`` says how the file was read, with notes for the user.

    Raises
    ------
    DataLoadError
        The file is missing, empty, binary, too large (bytes, cells or memory), a zip without
        exactly one table, an unreadable workbook or Parquet file, or has a header but no data rows.
    """
    options = options or ReadOptions()
    if options.delimiter is not None and len(options.delimiter) != 1:
        raise DataLoadError(f"The column separator must be one character, not {options.delimiter!r}.")
    if options.decimal not in (None, ".", ","):
        raise DataLoadError(f"The decimal mark must be '.' or ',', not {options.decimal!r}.")
    if options.skip_rows is not None and options.skip_rows < 0:
        raise DataLoadError(f"Lines to skip must be 0 or more, not {options.skip_rows}.")
    for label, limit in (("max_bytes", max_bytes), ("max_cells", max_cells), ("max_memory", max_memory)):
        if limit <= 0:
            raise DataLoadError(f"The limit {label} must be a positive number, not {limit}.")
    limits = _Limits(max_bytes=max_bytes, max_cells=max_cells, max_memory=max_memory)
    content = open_source(source, name=name, max_bytes=max_bytes)
    readers = {"text": _load_text, "xlsx": _load_xlsx, "parquet": _load_parquet}
    frame, detection = readers[content.kind](content, options, limits)
    return LoadedTable(frame=frame, name=content.name, detection=detection, n_bytes=content.n_bytes)


def describe_size(n_bytes: int) -> str:
    """Human-readable file size, e.g. ``"12.5 MB"``."""
    return format_size(n_bytes)
