"""Writing campaign lists: CSV, XLSX and ZIP files that are safe to open, and their manifests.

Formula injection: a spreadsheet program runs a cell that starts with ``=``, ``+``, ``-``, ``@``
(and, in some programs, a tab or carriage return) as a formula. :func:`escape_formulas` prefixes
such *text* cells, and header cells, with ``'`` so they are shown as text. Numbers stored as
numbers are left alone (``-5`` as a number is safe); text that looks like a number, such as
``"-5"`` or a phone number ``"+44 20 ..."``, is text and gets escaped, because a program that
reads the CSV cannot tell it from ``-5+cmd|...``. Every export (CSV, XLSX, each CSV in a ZIP,
the XLSX summary) is escaped.

Reproducibility: list files carry no timestamps (ZIP entries are dated 1980-01-01), so the same
inputs and seed give byte-identical CSV files; the manifest beside them records when and from
what they were made.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from datetime import date, datetime
from importlib import metadata
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from segmentation._campaign_rules import CONSENT_NO, CONSENT_YES
from segmentation._errors import ParameterError
from segmentation._xlsx import write_workbook

if TYPE_CHECKING:
    from segmentation._campaign_rules import Audience

__all__ = [
    "FORMULA_TRIGGERS",
    "build_manifest",
    "campaign_file_name",
    "escape_formulas",
    "escape_text",
    "export_csv",
    "export_xlsx",
    "export_zip",
    "manifest_bytes",
    "safe_file_stem",
    "unescape_text",
]

#: First characters that make a spreadsheet treat a text cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGER_PATTERN = r"^[=+\-@\t\r]"
#: Excel's row limit, header included.
XLSX_MAX_ROWS = 1_048_576
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# Control characters the XLSX format cannot store (tab, newline and carriage return are allowed).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def escape_text(value: object) -> object:
    """Return ``value`` with a leading ``'`` when it is text starting with a formula trigger."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unescape_text(values: pd.Series) -> pd.Series:
    """Undo :func:`escape_text` on text read back from an exported file (``'=x`` becomes ``=x``)."""
    text = values.astype("str").where(values.notna(), "")
    escaped = text.str.startswith("'") & text.str[1:2].isin(FORMULA_TRIGGERS)
    return text.where(~escaped, text.str[1:])


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and header cells cannot run as spreadsheet formulas.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)

    Returns
    -------
    DataFrame of shape (n_rows, n_columns)
        Text cells starting with one of :data:`FORMULA_TRIGGERS` get a ``'`` prefix; numbers,
        dates and missing values are unchanged.
    """
    escaped = {}
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if pd.api.types.is_string_dtype(values) and values.dtype != object:
            needs = values.str.contains(_TRIGGER_PATTERN, regex=True, na=False)
            escaped[position] = values.where(~needs, "'" + values) if needs.any() else values
        elif values.dtype == object:
            escaped[position] = values.map(escape_text)
        else:
            escaped[position] = values
    result = pd.DataFrame(escaped)
    result.columns = [escape_text(str(c)) for c in frame.columns]
    result.index = frame.index
    return result


def export_csv(frame: pd.DataFrame, *, excel_friendly: bool = False) -> bytes:
    """The list as UTF-8 CSV bytes, formulas escaped; ``excel_friendly`` adds a byte-order mark.

    Excel only reads a CSV as UTF-8 (names like ``Zoë`` or ``客户``) when it starts with a BOM.
    """
    text = escape_formulas(frame).to_csv(index=False, lineterminator="\n")
    return ("\ufeff" + text if excel_friendly else text).encode("utf-8")


def _xlsx_value(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, str):
        return _XLSX_ILLEGAL.sub("", value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _summary_rows(manifest: dict[str, Any]) -> list[list[object]]:
    consent = manifest["consent"]
    consent_text = (
        "WAIVED by the user: consent was not checked"
        if consent["waived"]
        else f"column {consent['column']!r} must say yes"
    )
    rows: list[list[object]] = [
        ["Campaign", manifest["campaign"]],
        ["Created", manifest["created_at"]],
        ["Source file", manifest["source"]["name"] or ""],
        ["Source SHA-256", manifest["source"]["sha256"]],
        ["Segments", ", ".join(manifest["segments"]) or "all"],
        ["RFM groups", ", ".join(manifest["rfm_groups"]) or "all"],
        ["Filters", "; ".join(f["description"] for f in manifest["filters"]) or "none"],
        ["Consent rule", consent_text],
        ["Suppression entries", manifest["suppression"]["entries"]],
        ["Control share", manifest["control_share"]],
        ["Seed", manifest["seed"]],
        [],
        ["Rule", "Removed", "Remaining"],
        ["customers in the file", "", manifest["totals"]["input"]],
    ]
    rows += [[r["rule"], r["removed"], r["remaining"]] for r in manifest["rules"]]
    rows += [[], ["Segment", "Segment name", "Treatment", "Control", "Total"]]
    rows += [
        [c["segment"], c["segment_name"], c["treatment"], c["control"], c["total"]]
        for c in manifest["counts"]
    ]
    totals = manifest["totals"]
    rows.append(["All", "", totals["treatment"], totals["control"], totals["listed"]])
    return [[escape_text(v) for v in row] for row in rows]


def export_xlsx(frame: pd.DataFrame, *, manifest: dict[str, Any]) -> bytes:
    """The list as an Excel workbook: sheet "Audience" (escaped list) and sheet "Summary".

    openpyxl (already a dependency) writes the workbook; the list sheet itself is streamed by
    :mod:`segmentation._xlsx` because openpyxl's per-cell writing takes minutes for a million rows.
    Raises :class:`ParameterError` when the list has more rows than Excel can hold.
    """
    if len(frame) + 1 > XLSX_MAX_ROWS:
        raise ParameterError(
            f"the list has {len(frame):,} rows, more than the {XLSX_MAX_ROWS - 1:,} Excel can hold; "
            "export it as CSV or ZIP instead."
        )
    escaped = escape_formulas(frame)
    summary = [[_xlsx_value(v) for v in row] for row in _summary_rows(manifest)]
    return write_workbook(escaped, [str(c) for c in escaped.columns], summary)


def safe_file_stem(name: str, *, fallback: str = "campaign", max_length: int = 60) -> str:
    """A file-name-safe version of ``name``: letters of any script, digits, ``-``, ``_`` and ``.``.

    Slashes, colons and other separators become ``-``; leading dots are removed so the file is
    never hidden; an empty result becomes ``fallback``.
    """
    text = unicodedata.normalize("NFKC", str(name)).strip()
    text = re.sub(r"[^\w.\-]+", "-", text, flags=re.UNICODE)
    text = re.sub(r"-{2,}", "-", text).strip("-._")[:max_length].strip("-._")
    return text or fallback


def campaign_file_name(name: str, when: date | datetime, extension: str) -> str:
    """``<campaign>_<YYYY-MM-DD>.<extension>``, e.g. ``Spring-sale_2026-03-01.csv``."""
    day = when.date() if isinstance(when, datetime) else when
    return f"{safe_file_stem(name)}_{day.isoformat()}.{extension.lstrip('.')}"


def _zip_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    # Flag 0x800 tells unzip tools the name is UTF-8 (segment names like 客户).
    info.flag_bits |= 0x800
    return info


def export_zip(frame: pd.DataFrame, *, manifest: dict[str, Any], excel_friendly: bool = False) -> bytes:
    """A ZIP with one escaped CSV per segment plus ``manifest.json``.

    Members are named ``<nn>_<segment name>.csv`` in segment order (``nn`` keeps names unique
    even when two segment names clean up to the same text) and dated 1980-01-01, so the CSV
    members are byte-identical for the same list.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        by_segment = frame.groupby("segment", sort=True) if "segment" in frame.columns else [(0, frame)]
        for number, (_, part) in enumerate(by_segment, start=1):
            label = str(part["segment_name"].iloc[0]) if "segment_name" in part.columns else "audience"
            archive.writestr(
                _zip_entry(f"{number:02d}_{safe_file_stem(label, fallback='segment')}.csv"),
                export_csv(part, excel_friendly=excel_friendly),
            )
        archive.writestr(_zip_entry("manifest.json"), manifest_bytes(manifest))
    return buffer.getvalue()


def _package_version() -> str:
    try:
        return metadata.version("segmentation-studio")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def build_manifest(
    audience: Audience,
    *,
    source_sha256: str,
    created_at: datetime,
    source_name: str | None = None,
    file_name: str | None = None,
    file_format: str | None = None,
    list_sha256: str | None = None,
) -> dict[str, Any]:
    """Everything needed to rebuild and audit the list, as a JSON-ready dict.

    Parameters
    ----------
    audience : Audience
        The built list.
    source_sha256 : str
        SHA-256 of the customer file's bytes (or the app's data token).
    created_at : datetime
        When the export was made (recorded, never written into the list itself).
    source_name, file_name, file_format, list_sha256 : str, optional
        The input's name, the exported file's name, format and SHA-256.
    """
    spec = audience.spec
    suppression_text = "\n".join(sorted(spec.suppression)).encode("utf-8")
    totals = {
        "input": audience.n_input,
        "listed": len(audience.frame),
        "treatment": audience.n_treatment,
        "control": audience.n_control,
    }
    return {
        "campaign": spec.name,
        "created_at": created_at.isoformat(timespec="seconds"),
        "source": {"name": source_name, "sha256": source_sha256},
        "file": {"name": file_name, "format": file_format, "sha256": list_sha256},
        "segments": list(spec.segments),
        "rfm_groups": list(spec.rfm_groups),
        "filters": [{**f.to_dict(), "description": f.describe()} for f in spec.filters],
        "consent": {
            "column": spec.consent_col,
            "waived": spec.consent_waived,
            "yes_values": sorted(CONSENT_YES),
            "no_values": [*sorted(CONSENT_NO - {""}), "(empty)"],
            "unrecognised_values": dict(audience.unrecognised_consent),
        },
        "suppression": {
            "entries": len(spec.suppression),
            "entries_sha256": hashlib.sha256(suppression_text).hexdigest(),
            "removed": next((r.removed for r in audience.rules if r.rule == "on the suppression list"), 0),
        },
        "seed": spec.seed,
        "control_share": spec.control_share,
        "control_rule": "per segment, round(control_share x customers), halves up; seeded permutation",
        "columns": [str(c) for c in audience.frame.columns],
        "top_n_items": spec.top_n_items,
        "hash_emails": spec.hash_emails,
        "contacts": {
            "customer_id": audience.contacts.customer_id,
            "email": audience.contacts.email,
            "name": list(audience.contacts.name),
        },
        "rules": [{"rule": r.rule, "removed": r.removed, "remaining": r.remaining} for r in audience.rules],
        "counts": [
            {k: (int(v) if k != "segment_name" else str(v)) for k, v in row.items()}
            for row in audience.counts.to_dict("records")
        ],
        "totals": totals,
        "notes": list(audience.notes),
        "generator": f"segmentation-studio {_package_version()}",
    }


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as indented UTF-8 JSON."""
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
