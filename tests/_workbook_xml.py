"""Workbooks written part by part, so tests can build what Excel writes and what attackers write."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHARED_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SHARED_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def sheet_xml(rows: str, *, dimension: str | None = None) -> str:
    """A worksheet part around ``rows`` (the ``<row>`` elements)."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = f"{declared}<sheetData>{rows}</sheetData>"
    return f'<?xml version="1.0"?><worksheet xmlns="{SHEET_NS}">{body}</worksheet>'


def write_workbook_parts(
    path: Path, sheet: str | Iterable[bytes], *, shared_strings: Iterable[bytes] | None = None
) -> Path:
    """An XLSX whose first sheet's XML is ``sheet`` and, when given, whose shared strings part is streamed.

    Parts given as iterables of bytes are streamed into the zip, so a gigabyte-sized part costs
    no memory to write.
    """
    skeleton = io.BytesIO()
    Workbook().save(skeleton)
    with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                _stream(archive, info.filename, [sheet.encode()] if isinstance(sheet, str) else sheet)
                continue
            if shared_strings is not None and info.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SHARED_TYPE}"/>'
                data = data.replace(b"</Types>", f"{override}</Types>".encode())
            if shared_strings is not None and info.filename == "xl/_rels/workbook.xml.rels":
                relation = f'<Relationship Id="rIdStrings" Type="{_SHARED_REL}" Target="sharedStrings.xml"/>'
                data = data.replace(b"</Relationships>", f"{relation}</Relationships>".encode())
            archive.writestr(info, data)
        if shared_strings is not None:
            _stream(archive, "xl/sharedStrings.xml", shared_strings)
    return path


def _stream(archive: zipfile.ZipFile, name: str, pieces: Iterable[bytes]) -> None:
    entry = zipfile.ZipInfo(name)
    entry.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(entry, "w", force_zip64=True) as target:
        for piece in pieces:
            target.write(piece)


def shared_strings_xml(strings: Iterable[str]) -> list[bytes]:
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    return [f'<?xml version="1.0"?><sst xmlns="{SHEET_NS}">{items}</sst>'.encode()]
