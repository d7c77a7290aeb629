"""The Data page through Streamlit's AppTest: uploads, detection, roles, and bad files."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.registry import page

PAGE = str(page("data").file)


def _mall_like_csv(n: int = 60) -> bytes:
    rng = np.random.default_rng(0)
    lines = [
        "#A custom file with customers of a mall. It has comments before the header,",
        "#like many real exports.",
        "",
        "CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)",
    ]
    for i in range(1, n + 1):
        gender = "Male" if rng.random() < 0.5 else "Female"
        lines.append(f"{i},{gender},{rng.integers(18, 70)},{rng.integers(15, 140)},{rng.integers(1, 100)}")
    return ("\n".join(lines) + "\n").encode()


def _orders_csv() -> bytes:
    rows = ["Kunde;Datum;Artikel;Betrag"]
    rng = np.random.default_rng(1)
    for _ in range(300):
        customer = f"K{rng.integers(1, 40):03d}"
        day = 1 + int(rng.integers(0, 28))
        month = 1 + int(rng.integers(0, 12))
        amount = f"{rng.integers(1, 300)},{rng.integers(0, 99):02d}"
        rows.append(f"{customer};{day:02d}.{month:02d}.2025;item{rng.integers(1, 20)};{amount}")
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


def _upload(name: str, content: bytes) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    at.radio(key="data:source").set_value("Upload a file").run()
    at.file_uploader(key="data:upload").set_value((name, content, "text/csv")).run()
    return at


def test_customer_table_upload_is_understood_and_used() -> None:
    at = _upload("mall.csv", _mall_like_csv())
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    summary = " ".join(m.value for m in at.markdown)
    assert "mall.csv" in summary and "commas" in summary
    assert at.radio(key="data:shape").value == "One row per customer"
    at.button(key="data:use_customers").click().run()
    data = at.session_state["active_data"]
    assert len(data.customers) == 60
    assert data.customer_id_col == "CustomerID"
    assert data.customers["Annual Income (k$)"].dtype.kind == "f"


def test_transaction_upload_builds_one_row_per_customer() -> None:
    at = _upload("bestellungen.csv", _orders_csv())
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.radio(key="data:shape").value.startswith("One row per purchase")
    at.button(key="data:build").click().run()
    assert not at.exception
    data = at.session_state["active_data"]
    assert data.transactions is not None and len(data.transactions) == 300
    assert set(data.customers.columns) >= {"recency_days", "frequency", "monetary", "rfm_segment"}
    assert len(data.customers) == data.transactions["Kunde"].nunique()


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("empty.csv", b"", "empty.csv"),
        ("binary.csv", bytes(range(256)) * 20, "binary.csv"),
        ("header_only.csv", b"id,age,income\n", "header_only.csv"),
    ],
)
def test_bad_files_show_an_error_not_a_traceback(name: str, content: bytes, fragment: str) -> None:
    at = _upload(name, content)
    assert not at.exception
    assert at.error, "expected an st.error"
    assert fragment in at.error[0].value


def test_roles_show_certainty_and_consent_meaning() -> None:
    rows = ["customer_id,unsubscribed,gdpr,age"]
    rows += [f"C{i:03d},{'yes' if i % 3 else 'no'},{'Y' if i % 2 else 'N'},{20 + i}" for i in range(40)]
    at = _upload("crm.csv", ("\n".join(rows) + "\n").encode())
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    warnings = " ".join(w.value for w in at.warning)
    # 'gdpr' is consent, but which way round is unclear: the page asks instead of guessing silently.
    assert "check" in warnings and "'gdpr'" in warnings
    captions = " ".join(c.value for c in at.caption)
    assert "'unsubscribed': yes means do not contact" in captions
