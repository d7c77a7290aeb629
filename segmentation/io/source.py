"""Getting at the bytes of an uploaded or local file: size limits, gzip and zip unpacking, format sniffing.

Private helper of :mod:`segmentation.io.loading`. A plain file on disk stays on disk (the parsers
stream it); everything else (uploads, unpacked archives) is held in memory once.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO, Protocol

from segmentation.errors import DataLoadError

__all__ = ["Content", "format_size", "open_source"]

TEXT_EXTENSIONS = frozenset({".csv", ".tsv", ".txt", ".tab", ".dat", ".psv", ".ssv", ".text", ".data"})
EXCEL_EXTENSIONS = frozenset({".xlsx", ".xlsm"})
PARQUET_EXTENSIONS = frozenset({".parquet", ".pq"})
TABLE_EXTENSIONS = TEXT_EXTENSIONS | EXCEL_EXTENSIONS | PARQUET_EXTENSIONS

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_PARQUET_MAGIC = b"PAR1"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
_CHUNK = 4 * 1024 * 1024


def format_size(n_bytes: int) -> str:
    """Human-readable size such as ``"2.0 GB"`` or ``"830 bytes"``."""
    size = float(n_bytes)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Content:
    """The (unpacked) bytes of one table file: either held in ``data`` or left on disk at ``path``.

    ``kind`` is ``"text"``, ``"xlsx"`` or ``"parquet"``; ``n_bytes`` is the size of the file as
    given (before unpacking).
    """

    name: str
    kind: str
    n_bytes: int
    compression: str | None = None
    inner_name: str | None = None
    data: bytes | None = None
    path: Path | None = None
    notes: tuple[str, ...] = ()

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes."""
        return self.read_at(0, size)

    def read_at(self, offset: int, size: int) -> bytes:
        """``size`` bytes starting at ``offset`` (fewer at the end)."""
        if self.data is not None:
            return self.data[offset : offset + size]
        assert self.path is not None
        with self.path.open("rb") as handle:
            handle.seek(offset)
            return handle.read(size)

    def chunks(self) -> Iterator[bytes]:
        """The whole content in pieces of a few megabytes (no full copy for files on disk)."""
        if self.data is not None:
            view = memoryview(self.data)
            for start in range(0, len(view), _CHUNK):
                yield bytes(view[start : start + _CHUNK])
            return
        assert self.path is not None
        with self.path.open("rb") as handle:
            while piece := handle.read(_CHUNK):
                yield piece

    def readable(self) -> str | Path | BinaryIO:
        """Something pandas and pyarrow readers accept."""
        return self.path if self.path is not None else io.BytesIO(self.data or b"")

    def all_bytes(self) -> bytes:
        """The whole content in memory."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()

    def first_undecodable_offset(self, encoding: str) -> int | None:
        """Byte offset of the first byte that ``encoding`` cannot decode, or ``None`` when all decode."""
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        consumed = 0
        try:
            for piece in self.chunks():
                decoder.decode(piece, final=False)
                consumed += len(piece)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return max(0, consumed + exc.start)
        except UnicodeError:  # e.g. UTF-16 without a byte-order mark: unreadable from the start
            return 0
        return None


def _too_large(name: str, n_bytes: int, max_bytes: int, what: str = "is") -> DataLoadError:
    return DataLoadError(
        f"{name} {what} {format_size(n_bytes)}, over the {format_size(max_bytes)} limit; "
        "filter or split it (for example by date range) and load the parts you need."
    )


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _read_limited(stream: _Readable, *, name: str, max_bytes: int, what: str) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(name, len(data), max_bytes, what=f"{what} more than")
    return data


def _gunzip(data: bytes, *, name: str, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            return _read_limited(handle, name=name, max_bytes=max_bytes, what="unpacks to")
    except (OSError, EOFError, zlib.error) as exc:
        raise DataLoadError(f"{name} looks like a gzip file but cannot be unpacked ({exc}).") from exc


def _unzip(data: bytes, *, name: str, max_bytes: int) -> tuple[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and not info.filename.startswith("__MACOSX/")
                and not PurePosixPath(info.filename).name.startswith(".")
            ]
            tables = [m for m in members if _extension(m.filename) in TABLE_EXTENSIONS | {".gz"}]
            chosen = members if len(members) == 1 else tables
            if len(chosen) != 1:
                listed = ", ".join(m.filename for m in members[:20]) or "nothing"
                problem = "no table file" if not chosen else f"{len(chosen)} table files"
                raise DataLoadError(
                    f"{name} holds {problem} (it contains: {listed}); "
                    "upload a zip with exactly one CSV, TXT, XLSX or Parquet file, or the file itself."
                )
            info = chosen[0]
            if info.file_size > max_bytes:
                raise _too_large(f"{info.filename} inside {name}", info.file_size, max_bytes)
            with archive.open(info) as handle:
                inner_label = f"{info.filename} inside {name}"
                inner = _read_limited(handle, name=inner_label, max_bytes=max_bytes, what="is")
            return info.filename, inner
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, OSError) as exc:
        raise DataLoadError(f"{name} looks like a zip file but cannot be unpacked ({exc}).") from exc


def _extension(file_name: str) -> str:
    return PurePosixPath(file_name.replace("\\", "/")).suffix.lower()


def _kind(head: bytes, *, name: str, extension: str) -> str:
    """Decide the table format from the first bytes, then the extension."""
    if head.startswith(_ZIP_MAGICS):
        return "xlsx"  # a zip at this point was already opened as an archive unless it is a workbook
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    if head.startswith(_OLE2_MAGIC) or extension == ".xls":
        raise DataLoadError(
            f"{name} is in the old Excel 97–2003 format (.xls); open it in Excel or LibreOffice and "
            "save it as .xlsx or CSV, then load that file."
        )
    if extension in EXCEL_EXTENSIONS:
        raise DataLoadError(f"{name} is named like an Excel workbook but is not one (it may be damaged).")
    if extension in PARQUET_EXTENSIONS:
        raise DataLoadError(f"{name} is named like a Parquet file but does not start like one.")
    return "text"


def _is_workbook(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(n.startswith("xl/") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def _source_bytes(source: bytes | bytearray | memoryview | IO[bytes], *, name: str, max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise _too_large(name, len(data), max_bytes)
        return data
    try:
        if source.seekable():
            position = source.tell()
            total = source.seek(0, io.SEEK_END) - position
            source.seek(position)
            if total > max_bytes:
                raise _too_large(name, total, max_bytes)
        return _read_limited(source, name=name, max_bytes=max_bytes, what="is")
    except (OSError, ValueError) as exc:
        raise DataLoadError(f"{name} could not be read ({exc}).") from exc


def open_source(
    source: str | os.PathLike[str] | bytes | BinaryIO, *, name: str | None, max_bytes: int
) -> Content:
    """Resolve ``source`` to :class:`Content`, unpacking one level of gzip or zip.

    Raises :class:`DataLoadError` for missing, empty or too large files and for archives that
    do not hold exactly one table.
    """
    path: Path | None = None
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        name = name or path.name
        if not path.is_file():
            raise DataLoadError(f"{name}: no such file ({path}).")
        n_bytes = path.stat().st_size
        if n_bytes > max_bytes:
            raise _too_large(name, n_bytes, max_bytes)
        with path.open("rb") as handle:
            head = handle.read(8)
        data = b""
    else:
        name = name or getattr(source, "name", None) or "the uploaded file"
        name = Path(str(name)).name or "the uploaded file"
        data = _source_bytes(source, name=name, max_bytes=max_bytes)
        n_bytes = len(data)
        head = data[:8]
    if n_bytes == 0:
        raise DataLoadError(f"{name} is empty (0 bytes); export the table again and upload the new file.")

    compression: str | None = None
    inner_name: str | None = None
    extension = _extension(name)
    notes: list[str] = []
    if head.startswith(_GZIP_MAGIC) or head.startswith(_ZIP_MAGICS):
        packed = path.read_bytes() if path is not None else data
        if head.startswith(_GZIP_MAGIC):
            compression = "gzip"
            data = _gunzip(packed, name=name, max_bytes=max_bytes)
            inner_extension = _extension(name[:-3]) if extension == ".gz" else ""
            inner_name = None
            extension = inner_extension
            notes.append(f"Unpacked {name} (gzip).")
        elif _is_workbook(packed):
            data = packed
        else:
            compression = "zip"
            inner_name, data = _unzip(packed, name=name, max_bytes=max_bytes)
            extension = _extension(inner_name)
            notes.append(f"Read {inner_name} from inside the zip file {name}.")
            if data.startswith(_GZIP_MAGIC):
                data = _gunzip(data, name=f"{inner_name} inside {name}", max_bytes=max_bytes)
                extension = _extension(inner_name[:-3])
        path = None
        head = data[:8]
        if not data:
            raise DataLoadError(f"{name} unpacks to an empty file; export the table again.")
    display = f"{inner_name} in {name}" if inner_name else name
    kind = _kind(head, name=display, extension=extension)
    if kind != "text" and extension not in (EXCEL_EXTENSIONS | PARQUET_EXTENSIONS):
        notes.append(f"{display} is named like a text file but holds a {kind.upper()} table; read as {kind}.")
    return Content(
        name=name,
        kind=kind,
        n_bytes=n_bytes,
        compression=compression,
        inner_name=inner_name,
        data=None if path is not None else data,
        path=path,
        notes=tuple(notes),
    )
