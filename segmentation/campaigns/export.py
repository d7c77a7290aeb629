"""Writing campaign lists: CSV, XLSX and ZIP files that are safe to open, and their manifests.

Every table goes through :func:`segmentation.campaigns.safe_tables.safe_table_bytes` (formula injection,
quoting for any separator). :func:`send_ready` turns a list into what a marketer uploads: the
people to contact, contact columns first, and the control group in a file of its own.

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
from typing import Any

import numpy as np
import pandas as pd

from segmentation.campaigns.conditions import describe_query
from segmentation.campaigns.list_value import ListSpend
from segmentation.campaigns.rules import Audience
from segmentation.campaigns.safe_tables import (
    FORMULA_TRIGGERS,
    escape_formulas,
    escape_text,
    safe_table_bytes,
    unescape_text,
)
from segmentation.money import CURRENCIES, format_money

__all__ = [
    "FORMULA_TRIGGERS",
    "build_manifest",
    "campaign_file_name",
    "campaign_slug",
    "escape_formulas",
    "escape_text",
    "export_csv",
    "export_send_zip",
    "export_xlsx",
    "export_zip",
    "file_entry",
    "manifest_bytes",
    "safe_file_stem",
    "safe_table_bytes",
    "send_ready",
    "unescape_text",
]

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def export_csv(frame: pd.DataFrame, *, excel_friendly: bool = False) -> bytes:
    """The list as formula-safe UTF-8 CSV bytes (see :func:`safe_table_bytes`)."""
    return safe_table_bytes(frame, excel_friendly=excel_friendly)


def _summary_rows(manifest: dict[str, Any]) -> list[list[object]]:
    consent = manifest["consent"]
    consent_text = (
        "WAIVED by the user: consent was not checked"
        if consent["waived"]
        else str(consent.get("meaning") or f"column {consent['column']!r}")
    )
    rows: list[list[object]] = [
        ["Campaign", manifest["campaign"]],
        ["Created", manifest["created_at"]],
        ["Source file", manifest["source"]["name"] or ""],
        ["Source SHA-256", manifest["source"]["sha256"]],
        ["Segments", ", ".join(manifest["segments"]) or "all"],
        ["RFM groups", ", ".join(manifest["rfm_groups"]) or "all"],
        ["Filters", "; ".join(f["description"] for f in manifest["filters"]) or "none"],
        *([["Audience", manifest["audience"]["description"]]] if "audience" in manifest else []),
        ["Consent rule", consent_text],
        ["Suppression entries", manifest["suppression"]["entries"]],
        ["Control share", manifest["control_share"]],
        ["Currency", _currency_text(manifest.get("currency"))],
        *([["Spend", manifest["spend"]["summary"]]] if "spend" in manifest else []),
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
    return rows


def _currency_text(entry: dict[str, Any] | None) -> str:
    if not entry or not entry.get("code"):
        return "not set (money is written as plain numbers)"
    code, name = str(entry["code"]), str(entry.get("name") or "")
    example = format_money(1234.5, code)
    return (
        f"{code} ({name}), written like {example}"
        if name and name != code
        else f"{code}, written like {example}"
    )


def export_xlsx(frame: pd.DataFrame, *, manifest: dict[str, Any]) -> bytes:
    """The list as an Excel workbook: sheet "Audience" (escaped list) and sheet "Summary".

    openpyxl (already a dependency) writes the workbook; the list sheet itself is streamed by
    :mod:`segmentation.campaigns.xlsx_writer` because openpyxl's per-cell writing takes minutes for a
    million rows.
    Raises :class:`ParameterError` when the list has more rows than Excel can hold.
    """
    return safe_table_bytes(
        frame, file_format="xlsx", sheet_name="Audience", summary_rows=_summary_rows(manifest)
    )


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


def campaign_slug(name: str) -> str:
    """The campaign's name for file names, lower case with ``-``: ``Spring Promo`` → ``spring-promo``."""
    return safe_file_stem(unicodedata.normalize("NFKC", str(name)).casefold().replace(".", "-"))


def _natural_rows(frame: pd.DataFrame, id_col: str, input_rows: np.ndarray | None) -> np.ndarray:
    """Numeric ids in numeric order, other ids in the input's order."""
    ids = pd.to_numeric(unescape_text(frame[id_col]).str.strip(), errors="coerce")
    if len(frame) and ids.notna().all():
        return np.argsort(ids.to_numpy(dtype="float64"), kind="stable")
    if input_rows is not None and len(input_rows) == len(frame):
        return np.argsort(input_rows, kind="stable")
    return np.arange(len(frame))


def send_ready(audience: Audience) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The list as a marketer uploads it: (treatment to contact, control group held back).

    Contact columns come first (email or its hash, then phone and name, then the customer id,
    then the rest); the ``group`` column is left out, since each file is one group. Rows keep
    the ids' natural order: numeric ids numerically, other ids in the input's order.

    Returns
    -------
    send : DataFrame of shape (n_treatment, n_fields - 1)
    control : DataFrame of shape (n_control, n_fields - 1)
    """
    frame = audience.frame
    contacts = audience.contacts
    first = [contacts.email, "email_sha256", contacts.phone, *contacts.name, contacts.customer_id]
    leading = [c for c in dict.fromkeys(first) if c is not None and c in frame.columns]
    columns = [*leading, *[c for c in frame.columns if c not in leading and c != "group"]]
    ordered = frame.iloc[_natural_rows(frame, contacts.customer_id, audience.input_rows)]
    treated = (ordered["group"] == "treatment").to_numpy()
    send = ordered.loc[treated, columns].reset_index(drop=True)
    control = ordered.loc[~treated, columns].reset_index(drop=True)
    return send, control


def file_entry(name: str, payload: bytes, rows: int) -> dict[str, Any]:
    """A manifest entry for one written file: its name, rows and SHA-256."""
    return {"name": name, "rows": rows, "sha256": hashlib.sha256(payload).hexdigest()}


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


def export_send_zip(
    send: pd.DataFrame,
    control: pd.DataFrame,
    *,
    manifest: dict[str, Any],
    stem: str,
    excel_friendly: bool = False,
) -> bytes:
    """A ZIP with ``<stem>_send.csv`` (to contact), ``<stem>_control.csv`` (held back) and ``manifest.json``.

    The manifest inside records both files' names, rows and SHA-256 under ``files``.
    """
    members = {
        "send": (f"{stem}_send.csv", export_csv(send, excel_friendly=excel_friendly), len(send)),
        "control": (f"{stem}_control.csv", export_csv(control, excel_friendly=excel_friendly), len(control)),
    }
    inside = {**manifest, "files": {k: file_entry(n, p, r) for k, (n, p, r) in members.items()}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload, _ in members.values():
            archive.writestr(_zip_entry(name), payload)
        archive.writestr(_zip_entry("manifest.json"), manifest_bytes(inside))
    return buffer.getvalue()


def _package_version() -> str:
    try:
        return metadata.version("segmentation-studio")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _consent_section(audience: Audience) -> dict[str, Any]:
    spec, decision = audience.spec, audience.consent
    section: dict[str, Any] = {"column": spec.consent_col, "waived": spec.consent_waived}
    if decision is None:
        return section
    return {
        **section,
        "polarity": decision.polarity.value,
        "meaning": decision.description,
        "polarity_confirmed": decision.confirmed,
        "polarity_source": "chosen by the user" if decision.confirmed else "read from the column name",
        "may_contact_values": list(decision.contact_words),
        "do_not_contact_values": list(decision.no_contact_words),
        "blank_excluded": decision.n_blank,
        "unrecognised_values": dict(decision.unrecognised),
        "unrecognised_excluded": sum(decision.unrecognised.values()),
    }


def build_manifest(
    audience: Audience,
    *,
    source_sha256: str | None,
    created_at: datetime,
    source_name: str | None = None,
    file_name: str | None = None,
    file_format: str | None = None,
    list_sha256: str | None = None,
    files: dict[str, dict[str, Any]] | None = None,
    currency: str = "",
    spend: ListSpend | None = None,
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
    files : dict, optional
        The files written when the list is split, e.g. ``{"send": file_entry(...), "control": ...}``.
    currency : str
        The money's currency as the marketer set it (ISO code or a word; ``""``: not known),
        recorded as ``currency: {code, name}`` so results measured later are read in it.
    spend : ListSpend, optional
        What the listed customers spent (:func:`segmentation.campaigns.list_value.list_spend`),
        recorded as ``spend`` with a sentence in the currency.
    """
    spec = audience.spec
    all_entries = sorted(
        {e for m in audience.spec.suppression_lists for e in m.entries} | set(spec.suppression)
    )
    suppression_text = "\n".join(all_entries).encode("utf-8")
    totals = {
        "input": audience.n_input,
        "listed": len(audience.frame),
        "treatment": audience.n_treatment,
        "control": audience.n_control,
    }
    manifest: dict[str, Any] = {
        "campaign": spec.name,
        "created_at": created_at.isoformat(timespec="seconds"),
        "source": {"name": source_name, "sha256": source_sha256},
        "file": {"name": file_name, "format": file_format, "sha256": list_sha256},
        "segments": list(spec.segments),
        "rfm_groups": list(spec.rfm_groups),
        "filters": [{**f.to_dict(), "description": f.describe()} for f in spec.filters],
        "consent": _consent_section(audience),
        "suppression": {
            "entries": sum(m.entries for m in audience.suppression_matches),
            "entries_sha256": hashlib.sha256(suppression_text).hexdigest(),
            "removed": next((r.removed for r in audience.rules if r.rule == "on the suppression list"), 0),
            "lists": [
                {
                    "source": m.source,
                    "column": m.column,
                    "entries": m.entries,
                    "matched": m.matched,
                    "removed": m.removed,
                }
                for m in audience.suppression_matches
            ],
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
        "warnings": list(audience.warnings),
        **({"files": files} if files else {}),
        "currency": _currency_entry(currency),
        **({"spend": spend.to_dict(currency)} if spend is not None else {}),
        "generator": f"segmentation-studio {_package_version()}",
    }
    if spec.query is not None:
        manifest["audience"] = {**spec.query.to_dict(), "description": describe_query(spec.query)}
    return manifest


def _currency_entry(currency: str) -> dict[str, str | None]:
    known = CURRENCIES.get(currency)
    return {"code": currency or None, "name": known.name if known is not None else (currency or None)}


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as indented UTF-8 JSON."""
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
