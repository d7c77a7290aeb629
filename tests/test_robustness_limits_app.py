"""Hostile uploads on the Data page: trimmed or refused with an ``st.error``, never a crash."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from app_pages.registry import page

PAGE = str(page("data").file)


def _upload(name: str, content: bytes) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    at.radio(key="data:source").set_value("Upload a file").run()
    at.file_uploader(key="data:upload").set_value((name, content, "application/octet-stream")).run()
    return at


def test_a_workbook_with_one_far_away_cell_loads_its_table() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["customer_id", "city", "amount"])
    for i in range(20):
        sheet.append([f"C{i:03d}", "Berlin", float(i)])
    sheet["XFD1048576"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    at = _upload("far.xlsx", buffer.getvalue())
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    page = " ".join(str(m.value) for m in (*at.markdown, *at.caption, *at.info))
    assert "XFD1048576" in page


def expanding_parquet_bytes(n_rows: int = 12_000_000, width: int = 400) -> bytes:
    """A Parquet file of about a megabyte holding ``n_rows`` copies of one long text (gigabytes unpacked)."""
    values = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n_rows, dtype=np.int8)), pa.array(["y" * width])
    )
    buffer = io.BytesIO()
    pq.write_table(pa.table({"note": values}), buffer)
    return buffer.getvalue()


def test_a_parquet_file_that_unpacks_to_gigabytes_is_refused_with_an_error() -> None:
    at = _upload("expand.parquet", expanding_parquet_bytes())
    assert not at.exception, [e.value for e in at.exception]
    errors = [str(e.value) for e in at.error]
    assert any("expand.parquet" in e and "memory limit" in e for e in errors), errors
