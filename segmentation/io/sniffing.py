"""Working out how a delimited text table was written, from a sample of its bytes.

Private helper of :mod:`segmentation.io.loading`: encoding, delimiter, preamble lines, header,
decimal comma and lines wrapped whole in quotes. Only a sample (first 64 KB, at most 200
records; a record is a line, or several when a quoted cell holds line breaks) is examined,
except that the chosen encoding must decode the whole file.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import charset_normalizer

from segmentation.errors import DataLoadError
from segmentation.io.source import Content

__all__ = [
    "DELIMITER_NAMES",
    "Dialect",
    "detect_dialect",
    "detect_encoding",
    "line_count",
    "looks_binary",
    "sample_lines",
    "sample_records",
    "unwrap_line",
]

SAMPLE_BYTES = 64 * 1024
SAMPLE_LINES = 200
_PREAMBLE_SEARCH_LINES = 50
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", " ": "runs of spaces"}
# On equal consistency prefer the delimiter least likely to appear inside values.
_TIE_PRIORITY = {"\t": 5, ";": 4, "|": 3, ",": 2, " ": 1}
_LEGACY_ENCODINGS = ["cp1252", "gb18030", "cp932"]
_ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with a byte-order mark",
    "utf-16": "UTF-16 (with a byte-order mark)",
    "utf-16-le": "UTF-16 little-endian without a byte-order mark",
    "utf-16-be": "UTF-16 big-endian without a byte-order mark",
    "cp1252": "Windows-1252 (Western European)",
    "gb18030": "GB18030/GBK (Chinese)",
    "shift_jis": "Shift-JIS (Japanese)",
    "cp932": "Shift-JIS, Windows variant cp932 (Japanese)",
    "latin-1": "Latin-1",
}
_ALLOWED_CONTROL = b"\t\n\r\x0b\x0c\x1a"
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _ALLOWED_CONTROL)
_NUMBER = re.compile(r"^[-+(]?[$€£¥]?\s?(\d[\d,.' ]*|[.,]\d+)([eE][-+]?\d+)?\)?\s?%?$")
_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?")
_COMMA_DECIMAL = re.compile(r"^-?(\d{1,3}(\.\d{3})*|\d+),\d+$")
_POINT_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def encoding_label(encoding: str) -> str:
    """Plain name of a codec for messages, e.g. ``"GB18030/GBK (Chinese)"``."""
    return _ENCODING_LABELS.get(encoding, encoding)


def bomless_utf16(sample: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` for UTF-16 text without a byte-order mark, else ``None``.

    Only text of mostly Latin letters is recognised: there every other byte is NUL.
    """
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    even, odd = sample[0 : 2 * pairs : 2], sample[1 : 2 * pairs : 2]
    for zeros, letters, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * pairs and letters.count(0) <= 0.01 * pairs:
            return codec
    return None


def looks_binary(sample: bytes) -> bool:
    """True when the bytes hold NUL or many control characters, as images, PDFs and programs do."""
    if not sample:
        return False
    # a stray NUL or two in a text export is damage, not a binary file; images and programs hold many
    if sample.count(b"\x00") > max(2, len(sample) // 1000):
        return True
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    return controls > max(2, len(sample) // 100)


_MARKUP_START = re.compile(
    r"(?i)^\s*(?:<!doctype\s+html|<html[\s>]|<\?xml\s|<table[\s>]|<head[\s>]|<body[\s>])"
)
_JSON_START = re.compile(r'^\s*(?:\{\s*"|\[\s*(?:\{|\[|"|$))')


def document_kind(lines: Sequence[str]) -> str | None:
    """What a text file is when it is a document rather than a delimited table, from its first lines.

    ``"a web page (HTML)"``, ``"XML"`` or ``"JSON"``; ``None`` for anything that may be a table.
    """
    first = next((line for line in lines if line.strip()), "")
    if _MARKUP_START.match(first):
        return "XML" if first.lstrip().lower().startswith("<?xml") else "a web page (HTML)"
    if _JSON_START.match(first):
        return "JSON"
    return None


def _normalised_codec(encoding: str, *, name: str) -> str:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError as exc:
        raise DataLoadError(
            f"{name}: {encoding!r} is not a text encoding Python knows; pick one from the list "
            "(for example utf-8, cp1252, gb18030 or shift_jis)."
        ) from exc
    return {"iso8859-1": "latin-1", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}.get(codec, codec)


def _line_aligned(window: bytes) -> bytes:
    start = window.find(b"\n") + 1
    end = window.rfind(b"\n")
    return window[start:end] if end > start else window


def _utf8_damage(content: Content) -> tuple[int, int]:
    """``(invalid, valid_non_ascii)``: counts of undecodable bytes and of good non-ASCII UTF-8 letters."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    invalid = valid = 0
    for piece in content.chunks():
        text = decoder.decode(piece)
        replaced = text.count("\ufffd")
        invalid += replaced
        valid += len(text) - len(text.encode("ascii", "ignore")) - replaced
    return invalid, valid


def _line_of(content: Content, offset: int) -> int:
    return content.read_at(0, offset).count(b"\n") + 1


def detect_encoding(content: Content, *, override: str | None) -> tuple[str, str, bool]:
    """Return ``(codec, note, replace_invalid)`` for the text in ``content``.

    UTF-8 (with or without byte-order mark) is tried strictly on the whole file first. A file
    that is UTF-8 but for a few damaged bytes (at least 20 good non-ASCII letters per bad byte)
    stays UTF-8 with the bad bytes replaced by U+FFFD and said so (``replace_invalid``), rather
    than every accented letter being misread. Otherwise charset-normalizer ranks
    Windows-1252, GB18030 and Shift-JIS on a sample that includes the first non-UTF-8 bytes,
    and the first candidate that decodes the whole file wins. Latin-1, which decodes anything,
    is the last resort.
    """
    if override is not None:
        codec = _normalised_codec(override, name=content.name)
        bad_offset = content.first_undecodable_offset(codec)
        if bad_offset is not None:
            raise DataLoadError(
                f"{content.name} does not decode as {encoding_label(codec)} (the first problem is on line "
                f"{_line_of(content, bad_offset)}); choose another text encoding or 'Detect automatically'."
            )
        return codec, f"Read the text as {encoding_label(codec)}, as chosen.", False
    head = content.head(SAMPLE_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "The text is UTF-8 with a byte-order mark (as Excel saves 'CSV UTF-8').", False
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: same first bytes
        return "utf-32", "The text is UTF-32 (with a byte-order mark).", False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "The text is UTF-16 (as Excel saves 'Unicode Text').", False
    bomless = bomless_utf16(head)
    if bomless is not None:
        return bomless, f"The text is {encoding_label(bomless)}.", False
    bad_offset = content.first_undecodable_offset("utf-8")
    if bad_offset is None:
        return "utf-8", "The text is UTF-8.", False
    invalid, valid = _utf8_damage(content)
    if valid >= 20 * invalid:
        return (
            "utf-8",
            f"The text is UTF-8, but {invalid} byte(s) are damaged (the first on line "
            f"{_line_of(content, bad_offset)}); they show as \ufffd. "
            "Choose another encoding if more looks wrong.",
            True,
        )
    sample = head
    if bad_offset >= len(head):  # include the first non-UTF-8 bytes, cut at line breaks
        sample += b"\n" + _line_aligned(content.read_at(max(0, bad_offset - 4096), 16384))
    matches = charset_normalizer.from_bytes(sample, cp_isolation=_LEGACY_ENCODINGS)
    ranked = [match.encoding for match in matches]
    tried: list[str] = []
    for candidate in [*ranked, *_LEGACY_ENCODINGS]:
        codec = _normalised_codec(candidate, name=content.name)
        if codec in tried or codec not in _LEGACY_ENCODINGS:
            continue
        tried.append(codec)
        if content.first_undecodable_offset(codec) is None:
            if codec == "cp932" and content.first_undecodable_offset("shift_jis") is None:
                codec = "shift_jis"
            note = (
                f"The text is not UTF-8; it reads as {encoding_label(codec)}. "
                "If letters look wrong, choose another encoding."
            )
            return codec, note, False
    return (
        "latin-1",
        (
            "The text is not UTF-8 and matches no common encoding; it was read as Latin-1, so some "
            "letters may look wrong. Choose the right encoding if you know it."
        ),
        False,
    )


def sample_lines(sample_text: str, *, truncated: bool, limit: int = SAMPLE_LINES) -> list[str]:
    """Split decoded sample text into lines (``\\n``, ``\\r\\n`` or ``\\r``), dropping a cut-off last line."""
    lines = re.split(r"\r\n|\r|\n", sample_text)
    if (truncated and len(lines) > 1) or (lines and lines[-1] == ""):
        lines = lines[:-1]
    return lines[:limit]


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_QUOTE_OR_BREAK = re.compile(r'"|\r\n|\r|\n')
# a double quote opens a quoted cell only at the start of a line or right after a possible separator
_FIELD_START = frozenset(",;\t| ")
# a quoted cell still open after this many line breaks is taken to be a stray quote, not a cell
MAX_RECORD_LINES = 100


def line_count(record: str) -> int:
    """Physical lines a record spans (1 + the line breaks inside its quoted cells)."""
    return len(_LINE_BREAK.findall(record)) + 1


def sample_records(sample_text: str, *, truncated: bool, limit: int = SAMPLE_LINES) -> list[str]:
    """Split decoded sample text into records: lines, except that quoted cells may hold line breaks.

    A double quote at the start of a line or after one of the possible separators (``,;|``, tab,
    space) opens a quoted cell; ``""`` inside it is a literal quote, and line breaks inside it
    belong to the record (kept as written). Quotes elsewhere in a cell are plain characters. A
    quoted cell still open after ``MAX_RECORD_LINES`` line breaks, or at the end of the whole
    file, is taken to be a stray quote: its record ends at its first line break. A record cut
    off by the end of a truncated sample is dropped. Only the quotes and line breaks are visited,
    so a 64 KB sample takes about a millisecond.
    """
    if '"' not in sample_text:
        return sample_lines(sample_text, truncated=truncated, limit=limit)
    records: list[str] = []
    start = pos = 0  # start of the current record; where to search next
    in_quote = False
    breaks_in_quote = 0
    first_break: tuple[int, int] | None = None  # (start, end) of the current record's first line break
    while len(records) < limit:
        match = _QUOTE_OR_BREAK.search(sample_text, pos)
        if match is None:
            break
        at, pos = match.start(), match.end()
        if match.group() == '"':
            if in_quote:
                if sample_text.startswith('"', pos):
                    pos += 1  # a doubled quote inside a quoted cell
                else:
                    in_quote = False
            elif at == start or sample_text[at - 1] in _FIELD_START:
                in_quote = True
            continue
        if in_quote:
            breaks_in_quote += 1
            if first_break is None:
                first_break = (at, pos)
            if breaks_in_quote < MAX_RECORD_LINES:
                continue
            at, pos = first_break  # a stray quote: the record is its first line only
        records.append(sample_text[start:at])
        start = pos
        in_quote, breaks_in_quote, first_break = False, 0, None
    else:
        return records
    rest = sample_text[start:]
    if in_quote and not truncated:
        # the end of the file came inside a quoted cell: the quote was a stray one after all
        records += sample_lines(rest, truncated=False, limit=limit - len(records))
    elif rest and not truncated:
        records.append(rest)
    return records[:limit]


def unwrap_line(line: str) -> str:
    """Remove the quotes wrapped around a whole line and undo doubled inner quotes."""
    stripped = line.strip()
    if len(stripped) >= 2 and stripped[0] == '"' and stripped[-1] == '"':
        return stripped[1:-1].replace('""', '"')
    return line


def _split(line: str, delimiter: str) -> list[str]:
    if not line.strip():
        return []
    if delimiter == " ":
        line = line.strip().replace("\t", " ")
    try:
        fields = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True, strict=False))
    except (csv.Error, StopIteration):
        fields = line.split(delimiter)
    # a line of separators only (",,,,," under a spreadsheet's title rows) is a blank line
    return fields if any(field.strip() for field in fields) else []


def _is_value_like(cell: str) -> bool:
    cell = cell.strip()
    return not cell or bool(_NUMBER.match(cell) or _DATE.match(cell))


_EXCEL_SEPARATOR_HINT = re.compile(r'^"?sep=(.)"?$')


def _is_comment(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("#") or _EXCEL_SEPARATOR_HINT.match(stripped) is not None


@dataclass(frozen=True)
class _Layout:
    """How one candidate delimiter splits the sample."""

    delimiter: str
    records: tuple[tuple[str, ...], ...]
    width: int  # the most common number of fields
    start: int  # index of the first table line (after preamble)
    consistency: float  # share of table lines with ``width`` fields

    @property
    def score(self) -> tuple[bool, float, int]:
        usable = self.width >= 2 and self.consistency >= 0.5
        return usable, self.consistency, _TIE_PRIORITY.get(self.delimiter, 0)


def _is_preamble(records: Sequence[Sequence[str]], lines: Sequence[str], index: int, width: int) -> bool:
    fields = records[index]
    if not fields or _is_comment(lines[index]):
        return True
    following = next((records[j] for j in range(index + 1, len(records)) if records[j]), None)
    table_ahead = any(sum(1 for f in records[j] if f.strip()) >= 2 for j in range(index + 1, len(records)))
    if len(fields) != width:
        # a header one field short of data lines that end with a delimiter is still the header
        trailing = following is not None and len(following) == width and not following[-1].strip()
        return not (len(fields) == width - 1 and trailing)
    filled = [f for f in fields if f.strip()]
    # spreadsheet title rows: "Sales report,,,,"
    return (
        width >= 3
        and len(filled) == 1
        and bool(fields[0].strip())
        and not _is_value_like(fields[0])
        and table_ahead
    )


def _layout(lines: Sequence[str], delimiter: str, skip_rows: int | None) -> _Layout:
    records = tuple(tuple(_split(line, delimiter)) for line in lines)
    counts = [len(r) for r in records]
    first = skip_rows or 0
    while first < len(lines) and (not records[first] or (skip_rows is None and _is_comment(lines[first]))):
        first += 1
    table_counts = [c for c in counts[first:] if c]
    width = Counter(table_counts).most_common(1)[0][0] if table_counts else 0
    if skip_rows is not None:
        start = skip_rows
    else:
        start = first
        limit = min(len(records) - 1, first + _PREAMBLE_SEARCH_LINES)
        while start < limit and _is_preamble(records, lines, start, width):
            start += 1
    # measured over every line after comments, so skipping lines as "preamble" cannot buy a better score
    body = [c for c in counts[min(first, start) :] if c]
    consistency = sum(1 for c in body if c == width) / len(body) if body else 0.0
    return _Layout(delimiter, records, width, start, consistency)


def _best_layout(lines: Sequence[str], delimiter: str | None, skip_rows: int | None) -> _Layout:
    candidates = [delimiter] if delimiter is not None else list(DELIMITER_NAMES)
    return max((_layout(lines, d, skip_rows) for d in candidates), key=lambda layout: layout.score)


def _has_header(rows: Sequence[Sequence[str]]) -> bool:
    """Vote per column: text above numbers or dates means a header; a number on top means data."""
    first, data = rows[0], rows[1:]
    if not data:
        return not any(_is_value_like(c) for c in first if c.strip())
    votes = 0
    for j, cell in enumerate(first):
        column = [row[j].strip() for row in data if j < len(row) and row[j].strip()]
        cell = cell.strip()
        if not cell or not column:
            continue
        if _is_value_like(cell):
            votes -= 1
        elif sum(_is_value_like(v) for v in column) >= 0.8 * len(column):
            votes += 1
        elif cell in column:
            votes -= 1
    if votes != 0:
        return votes > 0
    names = [c.strip() for c in first]
    return all(names) and len(set(names)) == len(names) and not any(_is_value_like(c) for c in names)


def _decimal_mark(rows: Sequence[Sequence[str]], delimiter: str) -> str:
    if delimiter == ",":
        return "."
    cells = [c.strip() for row in rows for c in row]
    comma = sum(1 for c in cells if _COMMA_DECIMAL.match(c))
    point = sum(1 for c in cells if _POINT_DECIMAL.match(c))
    return "," if comma > point else "."


@dataclass(frozen=True)
class Dialect:
    """The detected (or chosen) way a text table is written."""

    delimiter: str
    header: bool
    skip_rows: int
    decimal: str
    quoted_lines: bool
    width: int  # most common number of fields per line
    header_fields: tuple[str, ...]
    data_line: int  # physical lines before the first data row (preamble, blank lines, header)
    data_record: int  # records before the first data row (quoted cells may span several lines)
    delimiter_found: bool
    spaces_before_quotes: bool  # ', "a, b"': needs a parser that skips spaces before a quote
    notes: tuple[str, ...]


def _wrapped_share(lines: Sequence[str]) -> float:
    body = [line.strip() for line in lines if line.strip() and not _is_comment(line)]
    if not body:
        return 0.0
    return sum(1 for line in body if len(line) >= 2 and line[0] == '"' and line[-1] == '"') / len(body)


def detect_dialect(
    lines: Sequence[str],
    *,
    delimiter: str | None = None,
    header: bool | None = None,
    skip_rows: int | None = None,
    decimal: str | None = None,
    quoted_lines: bool | None = None,
) -> Dialect:
    """Detect the dialect of sample ``lines``; any argument given wins over detection.

    ``lines`` are records (see :func:`sample_records`): a quoted cell may hold line breaks, so
    ``skip_rows`` counts records while :attr:`Dialect.data_line` counts physical lines.
    """
    notes: list[str] = []
    hint = _EXCEL_SEPARATOR_HINT.match(lines[0].strip()) if lines else None
    if hint is not None and delimiter is None:
        delimiter = hint.group(1)
        notes.append(f"The first line ({lines[0].strip()}) names the column separator; it was followed.")
    raw = _best_layout(lines, delimiter, skip_rows)
    if quoted_lines is None:
        quoted_lines = False
        if _wrapped_share(lines[raw.start :]) >= 0.9:
            unwrapped = _best_layout([unwrap_line(line) for line in lines], delimiter, skip_rows)
            quoted_lines = unwrapped.score[0] and raw.score < unwrapped.score and raw.width < unwrapped.width
            if quoted_lines:
                notes.append('Every line was wrapped in quotes ("a,b,c"); the quotes were removed.')
    if quoted_lines:
        lines = [unwrap_line(line) for line in lines]
    layout = _best_layout(lines, delimiter, skip_rows) if quoted_lines else raw
    delimiter_found = delimiter is not None or layout.score[0]
    chosen = layout.delimiter
    if not delimiter_found:
        text = "\n".join(lines)
        unused = next((d for d in (",", ";", "\t", "|") if d not in text), None)
        if unused is not None:
            chosen = unused
            notes.append("No column separator was found, so the file was read as a single column.")
        else:  # every separator occurs somewhere: keep the best guess rather than claim one column
            chosen = raw.delimiter if raw.width >= 2 else ","
            notes.append(
                f"The column separator is uncertain (rows split unevenly); the file was read as "
                f"{DELIMITER_NAMES.get(chosen, repr(chosen))}-separated. If the columns look wrong, "
                "choose the separator in 'How the file was read'."
            )
        layout = _layout(lines, chosen, skip_rows)
    elif delimiter is None:
        notes.append(f"Columns are separated by {DELIMITER_NAMES.get(chosen, repr(chosen))}.")
    start = layout.start if skip_rows is not None else min(layout.start, max(len(layout.records) - 1, 0))
    if skip_rows is None and start > 0:
        notes.append(f"Skipped {start} line(s) before the table (comments, titles or blank lines).")
    table_lines = [i for i in range(start, len(layout.records)) if layout.records[i]]
    table = [layout.records[i] for i in table_lines]
    if header is None:
        header = _has_header(table[:_PREAMBLE_SEARCH_LINES]) if table else True
        notes.append(
            "The first row holds column names."
            if header
            else "There is no header row; columns were numbered."
        )
    data_rows = table[1 if header else 0 : SAMPLE_LINES]
    if decimal is None:
        decimal = _decimal_mark(data_rows, chosen)
        if decimal == ",":
            notes.append("Numbers use a decimal comma (12,5 means twelve and a half).")
    sample_text = "\n".join(lines)
    data_record = table_lines[0] + 1 if header and table else start
    data_line = sum(line_count(line) for line in lines[:data_record]) + max(0, data_record - len(lines))
    spaces_before_quotes = chosen != " " and re.search(re.escape(chosen) + r' +"', sample_text) is not None
    return Dialect(
        delimiter=chosen,
        header=header,
        skip_rows=start,
        decimal=decimal,
        quoted_lines=quoted_lines,
        width=max(layout.width, 1),
        header_fields=table[0] if header and table else (),
        data_line=data_line,
        data_record=data_record,
        delimiter_found=delimiter_found,
        spaces_before_quotes=spaces_before_quotes,
        notes=tuple(notes),
    )
