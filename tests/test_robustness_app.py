"""Robustness of the Data page: nasty uploads never raise; unusable ones get an ``st.error`` naming it."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest
from test_robustness_strategies import messy_csv_files, random_byte_files, transaction_like_files

from app_pages.registry import page
from app_pages.upload import UPLOAD_TYPES

PAGE = str(page("data").file)
_GENERIC_FAILURE = "could not be read ("  # read_upload's catch-all for exceptions that are not ours


def _upload(name: str, content: bytes) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    at.radio(key="data:source").set_value("Upload a file").run()
    at.file_uploader(key="data:upload").set_value((name, content, "text/csv")).run()
    return at


def _errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


def _page_text(at: AppTest) -> str:
    parts = [str(m.value) for m in (*at.markdown, *at.caption, *at.info, *at.error)]
    parts += [" ".join(map(str, df.value.to_numpy().ravel().tolist())) for df in at.dataframe]
    return "\n".join(parts)


def _assert_no_crash(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not any(_GENERIC_FAILURE in e for e in _errors(at)), _errors(at)


# ---- files the page must refuse, with an error naming the file and the problem -------------------


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.csv", b"", "empty"),
        ("blank_lines.csv", b"\n\r\n  \n", "empty"),
        ("photo.csv", bytes(range(256)) * 4, "binary"),
        ("header_only.csv", "客户,日期,金额\r\n".encode("gb18030"), "no data rows"),
        ("fake.xlsx", b"id,v\n1,2\n", "Excel"),
        ("broken.csv.gz", b"\x1f\x8b\x08\x00garbage", "gzip"),
    ],
)
def test_unusable_file_shows_an_error_naming_it(name: str, content: bytes, problem: str) -> None:
    at = _upload(name, content)
    _assert_no_crash(at)
    errors = _errors(at)
    assert errors, "expected an st.error"
    assert name in errors[0] and problem in errors[0], errors[0]
    assert "active_data" not in at.session_state or at.session_state["active_data"] is None


# ---- odd but readable files: the page explains what it did, and the table can be used -------------


@pytest.mark.parametrize(
    ("name", "content", "shown", "n_columns"),
    [
        ("one_column.csv", b"email\na@example.com\nb@example.com\n", "email", 1),
        ("ragged.csv", b"id,v\n1,2\n2,3,extra\n3\n", "more cells than the header", 3),
        ("dupes.csv", b"id,v,v,\n1,2,3,\n2,3,4,\n", "more than once", 3),
        ("all_missing.csv", b"id,age,note\n1,30,\n2,41,\n3,52,\n", "'note' is empty in every row", 3),
        ("quoted.csv", b'"id,name,city"\n"1,Ann,Lyon"\n"2,Bo,Rome"\n', "wrapped in quotes", 3),
        ("kunden.csv", "客户编号,城市,金额\nA1,北京,12.5\nA2,上海,7\n".encode("gb18030"), "GB18030", 3),
        ("preamble.csv", b"# export\nTitle,,\n\nid,x,y\n1,2,3\n2,3,4\n", "Skipped", 3),
        ("zipped.csv.gz", gzip.compress(b"id;betrag\n1;12,5\n2;7,0\n", mtime=0), "decimal comma", 2),
    ],
)
def test_odd_file_is_read_explained_and_usable(name: str, content: bytes, shown: str, n_columns: int) -> None:
    at = _upload(name, content)
    _assert_no_crash(at)
    assert not at.error, _errors(at)
    assert shown in _page_text(at)
    at.button(key="data:use_customers").click().run()
    _assert_no_crash(at)
    data = at.session_state["active_data"]
    assert data is not None and data.source_name == name
    assert len(data.customers) >= 2


def test_transactions_without_usable_id_or_date_show_an_error_on_build() -> None:
    # no id and no date: the user insists it is a purchase table and presses build anyway
    content = b"colour,size\nred,S\nblue,M\nred,L\n"
    at = _upload("no_keys.csv", content)
    _assert_no_crash(at)
    at.radio(key="data:shape").set_value("One row per purchase (transactions)").run()
    _assert_no_crash(at)
    at.button(key="data:build").click().run()
    _assert_no_crash(at)
    errors = _errors(at)
    assert errors, "expected an st.error after building from a table without id or date"
    # nothing could be detected, so the pickers wait for a choice and the error asks for it
    assert "customer id" in errors[0] and "purchase date" in errors[0]
    assert "active_data" not in at.session_state or at.session_state["active_data"] is None


# ---- generated files ------------------------------------------------------------------------------


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(file=st.one_of(messy_csv_files(), random_byte_files()))
def test_generated_uploads_never_crash_the_page(file: tuple[str, bytes]) -> None:
    name, content = file
    if not name.endswith(tuple(f".{extension}" for extension in UPLOAD_TYPES)):
        name += ".csv"  # the uploader itself refuses other extensions
    at = _upload(name, content)
    _assert_no_crash(at)
    errors = _errors(at)
    if errors:
        assert name in errors[0]
    else:
        assert at.radio(key="data:shape").value  # got as far as asking what kind of table it is


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(file=transaction_like_files())
def test_generated_purchase_files_build_or_show_an_error(file: tuple[str, bytes]) -> None:
    name, content = file
    at = _upload(name, content)
    _assert_no_crash(at)
    if at.error:
        return
    at.radio(key="data:shape").set_value("One row per purchase (transactions)").run()
    at.button(key="data:build").click().run()
    _assert_no_crash(at)
    data = at.session_state.get("active_data", None)
    built = data is not None and data.transactions is not None
    event("built" if built else "error shown")
    assert built or at.error, "pressing build neither built a customer table nor said why"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("data:encoding", "utf-16"),
        ("data:encoding", "shift_jis"),
        ("data:delimiter", "Pipe |"),
        ("data:delimiter", "Spaces"),
        ("data:header", "No header"),
        ("data:skip", 50),
        ("data:quoted", "Yes"),
        ("data:decimal", "Comma 12,5"),
    ],
)
def test_odd_read_settings_never_crash_the_page(key: str, value: str | int) -> None:
    content = "Kunde;Datum;Betrag\nK1;01.02.2025;12,50\nK2;03.02.2025;7,00\nK1;04.02.2025;1.234,00\n"
    at = _upload("bestellungen.csv", content.encode("utf-8"))
    assert not at.error, _errors(at)
    if isinstance(value, int):
        at.number_input(key=key).set_value(value).run()
    else:
        at.selectbox(key=key).set_value(value).run()
    _assert_no_crash(at)
    errors = _errors(at)
    if errors:  # a setting that cannot work says so, naming the file
        assert "bestellungen.csv" in errors[0]
    else:
        assert at.radio(key="data:shape").value
