"""Every table the product writes is safe to open in a spreadsheet, whatever separator it splits by.

A hostile customer file puts formulas in names, emails, free text and headers (``=HYPERLINK``,
``Smith;=1+2``, full-width ``＝``, a tab, a line break followed by ``=``). Each CSV, XLSX and ZIP
written by the command line (``segment``, ``assign``, ``features``, ``recommend``, ``export``)
and each download payload of the pages is read back with ``,``, ``;`` and tab as the separator
(and with openpyxl), and no cell may start with a formula trigger unless it is escaped with ``'``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from segmentation.campaigns.audience import (
    CampaignSpec,
    ContactColumns,
    build_audience,
    build_manifest,
    escape_formulas,
    export_csv,
    export_send_zip,
    export_xlsx,
    export_zip,
    safe_table_bytes,
    send_ready,
    unescape_text,
)
from segmentation.cli import main
from segmentation.io.loading import load_table

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "Smith;=1+2",
    "Doe,+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "-2+3",
    "+49 30 1234",
    "\tTabbed",
    "\r=cr",
    "＝ＨＹＰＥＲＬＩＮＫ(1)",
    "＠full",
    'quote";=2+2',
    "line one\n=3+3",
    "tab\t-4+4",
]
BAD_HEADER = '=HYPERLINK("http://evil.example","notes")'


def _dangerous(cell: str) -> bool:
    return cell.startswith(TRIGGERS) and NUMBER.fullmatch(cell) is None


def _unsafe_csv_cells(payload: bytes) -> list[tuple[str, str]]:
    """Cells that would run as a formula when the CSV is split by ``,``, ``;`` or tab."""
    text = payload.decode("utf-8").removeprefix("\ufeff")
    found = []
    for separator in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator):
            found += [(separator, cell) for cell in row if _dangerous(cell)]
    return found


def _unsafe_xlsx_cells(payload: bytes) -> list[str]:
    workbook = openpyxl.load_workbook(io.BytesIO(payload))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append(f"formula {cell.value!r}")
                elif isinstance(cell.value, str) and _dangerous(cell.value):
                    found.append(cell.value)
    return found


def _assert_safe(path_or_bytes: Path | bytes) -> None:
    payload = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    if payload[:2] == b"PK" and b"xl/worksheets" in payload[:4096] + payload[-4096:]:
        assert _unsafe_xlsx_cells(payload) == []
    elif payload[:2] == b"PK":
        archive = zipfile.ZipFile(io.BytesIO(payload))
        members = [n for n in archive.namelist() if n.endswith(".csv")]
        assert members
        for name in members:
            assert _unsafe_csv_cells(archive.read(name)) == [], name
    else:
        assert _unsafe_csv_cells(payload) == []


def _hostile_customers(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    hostile = np.array(HOSTILE, dtype=object)
    return pd.DataFrame(
        {
            "customer_id": [f"{1000 + i}" for i in range(n)],
            "name": hostile[np.arange(n) % len(hostile)],
            "email": [
                f"{h[:3].strip()}{i}@example.com" if i % 3 else f"=c{i}@example.com"
                for i, h in enumerate(hostile[np.arange(n) % len(hostile)])
            ],
            BAD_HEADER: hostile[(np.arange(n) + 3) % len(hostile)],
            "＋notes": hostile[(np.arange(n) + 5) % len(hostile)],
            "age": rng.integers(18, 80, n),
            "balance": np.round(rng.normal(0, 100, n), 2),
            "marketing_consent": np.where(np.arange(n) % 4 == 0, "no", "yes"),
        }
    )


@pytest.fixture
def hostile_csv(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    # CRLF line ends, as spreadsheets write them: the cells holding a bare CR are then quoted.
    _hostile_customers().to_csv(path, index=False, lineterminator="\r\n")
    return path


def test_hostile_cells_survive_the_loader(hostile_csv: Path) -> None:
    # The test is only worth something if the hostile text reaches the writers unchanged.
    frame = load_table(hostile_csv).frame
    assert BAD_HEADER in frame.columns and "Smith;=1+2" in set(frame["name"])
    assert len(frame) == 40 and "line one\n=3+3" in set(frame["name"])


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_segment_assign_and_export_outputs_are_formula_safe(
    hostile_csv: Path, tmp_path: Path, suffix: str
) -> None:
    segmented = tmp_path / f"segmented.{suffix}"
    model = tmp_path / "model.json"
    args = ["segment", str(hostile_csv), "--features", "age,balance", "--k", "2"]
    assert main([*args, "-o", str(segmented), "--model", str(model)]) == 0
    _assert_safe(segmented)
    if suffix == "csv":  # the hostile cells are in the output, escaped
        assert "\"'Smith;'=1+2\"" in segmented.read_text(encoding="utf-8")
    assigned = tmp_path / f"assigned.{suffix}"
    assert main(["assign", str(hostile_csv), "--model", str(model), "-o", str(assigned)]) == 0
    _assert_safe(assigned)
    # The hostile names repeat, so they read as a category: name the column for the list.
    consent = ["--consent-col", "marketing_consent", "--name-cols", "name"]
    for out_format in ("csv", "xlsx", "zip"):
        out = tmp_path / f"list_{suffix}.{out_format}"
        assert main(["export", str(segmented), *consent, "-o", str(out), "--holdout", "0.3"]) == 0
        _assert_safe(out)
        split = tmp_path / f"split_{suffix}.{out_format}"
        assert main(["export", str(segmented), *consent, "-o", str(split), "--split-control"]) == 0
        _assert_safe(split)
        if out_format != "zip":
            _assert_safe(split.with_name(f"{split.stem}.control.{out_format}"))
    # The escaped cells still say what the customer file said.
    listed = pd.read_csv(tmp_path / f"list_{suffix}.csv", dtype=str, keep_default_na=False)
    assert "Smith;=1+2" in set(unescape_text(listed["name"]))


def test_features_and_recommend_outputs_are_formula_safe(tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    rng = np.random.default_rng(0)
    n = 120
    pd.DataFrame(
        {
            "customer_id": [f"K{i % 30:03d}" for i in range(n)],
            "order_date": [f"2024-03-{1 + i % 28:02d}" for i in range(n)],
            "product_id": rng.choice(["=SKU1", "@SKU2", "SKU;-3", "＋SKU4", "SKU5"], n),
            "quantity": rng.integers(1, 4, n),
        }
    ).to_csv(orders, index=False)
    people = tmp_path / "people.csv"
    pd.DataFrame(
        {
            "customer_id": [f"K{i:03d}" for i in range(30)],
            "region": [HOSTILE[i % len(HOSTILE)] for i in range(30)],
        }
    ).to_csv(people, index=False)
    catalog = tmp_path / "catalog.csv"
    pd.DataFrame(
        {"product_id": ["=SKU1", "@SKU2", "SKU;-3", "＋SKU4", "SKU5"], "product_name": HOSTILE[:5]}
    ).to_csv(catalog, index=False)
    for suffix in ("csv", "xlsx"):
        features = tmp_path / f"features.{suffix}"
        args = ["features", str(orders), "--customers", str(people), "--customer-col", "customer_id"]
        code = main([*args, "--date-col", "order_date", "--as-of", "2024-04-01", "-o", str(features)])
        assert code == 0
        _assert_safe(features)
        recs = tmp_path / f"recs.{suffix}"
        assert main(["recommend", str(orders), "--catalog", str(catalog), "-o", str(recs)]) == 0
        _assert_safe(recs)


def test_page_download_payloads_are_formula_safe() -> None:
    """The bytes the Campaigns and Features pages offer, made by the package functions they call."""
    customers = _hostile_customers().assign(
        segment=lambda f: np.arange(len(f)) % 2,
        segment_name=lambda f: np.where(np.arange(len(f)) % 2 == 0, "=Risk", "Loyal;+1"),
    )
    contacts = ContactColumns("customer_id", email="email", name=("name",))
    spec = CampaignSpec(
        name="=spring",
        consent_col="marketing_consent",
        control_share=0.3,
        columns=("email", "name", BAD_HEADER),
    )
    audience = build_audience(customers, spec, contacts=contacts)
    manifest = build_manifest(audience, source_sha256="abc", created_at=datetime(2026, 3, 1, tzinfo=UTC))
    send, control = send_ready(audience)
    assert len(send) and len(control)
    for payload in (
        export_csv(send),
        export_csv(control, excel_friendly=True),
        export_csv(audience.frame),
        export_xlsx(audience.frame, manifest=manifest),
        export_zip(audience.frame, manifest=manifest),
        export_send_zip(send, control, manifest=manifest, stem="spring"),
        safe_table_bytes(customers),  # the Features page's "scored customers" download
        safe_table_bytes(customers, file_format="xlsx"),
    ):
        _assert_safe(payload)


def test_the_checker_catches_an_unescaped_file() -> None:
    # Guard against a checker that passes everything: plain pandas output is caught.
    plain = pd.DataFrame({"name": ["Smith;=1+2"], "n": [1]}).to_csv(index=False).encode()
    assert _unsafe_csv_cells(plain) == [(";", "=1+2,1")]
    assert _unsafe_csv_cells(safe_table_bytes(pd.DataFrame({"name": ["Smith;=1+2"], "n": [1]}))) == []


def test_numbers_stay_numbers_and_text_is_quoted_for_every_separator() -> None:
    frame = pd.DataFrame(
        {
            "amount": [-5.5, 2.0],
            "amount_text": ["-5", "3,5"],
            "note": ["a;b", "c\td"],
            "id": ["007", "-x"],
        }
    )
    text = safe_table_bytes(frame).decode()
    assert text.splitlines() == ["amount,amount_text,note,id", '-5.5,-5,"a;b",007', '2.0,"3,5","c\td",\'-x']
    escaped = escape_formulas(frame)
    assert escaped["amount"].tolist() == [-5.5, 2.0] and escaped["amount_text"].tolist() == ["-5", "3,5"]
    workbook = openpyxl.load_workbook(io.BytesIO(safe_table_bytes(frame, file_format="xlsx")))
    rows = list(workbook.active.iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == -5.5 and rows[1][3] == "'-x"
