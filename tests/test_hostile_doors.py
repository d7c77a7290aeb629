"""Hostile and real-shaped files (``tests/corpus/tables/hostile_*``, ``tests/corpus/refused/``)
through the user's doors: ``segmentation inspect``/``features``/``segment``/``export`` and the Data page.

Each file either gives the right result or one line naming the file and the problem (exit 2 on
the command line, ``st.error`` in the app). Every test here failed before the fix it names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.registry import page
from segmentation import load_table, parse_dates
from segmentation.cli import main

CORPUS = Path(__file__).resolve().parent / "corpus"
TABLES = CORPUS / "tables"
REFUSED = CORPUS / "refused"
PAGE = str(page("data").file)


def _inspect(path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["inspect", str(path), "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _roles(payload: dict) -> dict[str, str]:
    return {c["name"]: c["role"] for c in payload["columns"]}


def _notes(path: Path) -> str:
    """What the app shows under "How the file was read" (``inspect`` prints roles, not these notes)."""
    return "\n".join(load_table(path).detection.notes)


# ---- files that are not tables: one line naming the file and what it is ----------------------------


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("hostile_html_named.csv", "holds a web page (HTML), not a table"),
        ("hostile_json_named.csv", "holds JSON, not a table"),
        ("hostile_binary_named.csv", "binary data"),
        ("hostile_header_only.csv", "no data rows"),
        ("hostile_unclosed_quote.csv", "a quote opened on line 2 is never closed, so the 1,498 lines"),
        ("hostile_17000_columns.csv", "has 17,000 columns, more than the 16,384"),
    ],
)
def test_files_that_are_not_tables_are_refused_in_one_line(
    name: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(REFUSED / name), "--json"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and name in err and problem in err, err


def test_an_xml_spreadsheet_named_csv_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "excel2003.csv"
    path.write_text('<?xml version="1.0"?>\n<Workbook><Worksheet/></Workbook>\n', encoding="utf-8")
    assert main(["inspect", str(path)]) == 2
    assert "holds XML, not a table" in capsys.readouterr().err


# ---- damaged or oddly laid-out text files are read right, with a note ------------------------------


def test_a_stray_nul_byte_is_removed_with_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    path = TABLES / "hostile_nul_byte.csv"
    payload = _inspect(path, capsys)
    assert payload["rows"] == 80 and _roles(payload)["customer_id"] == "customer_id"
    assert "Removed 1 NUL byte(s)" in _notes(path)


def test_a_report_with_title_lines_blank_separator_rows_and_totals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    payload = _inspect(TABLES / "hostile_report_with_totals.csv", capsys)
    # the header under a line of commas was taken for data and the columns were numbered
    assert list(_roles(payload)) == ["Customer", "Email", "Country", "Orders", "Revenue"]
    assert payload["rows"] == 120 and _roles(payload)["Customer"] == "customer_id"


def test_utf16_without_a_byte_order_mark_is_text_not_binary(capsys: pytest.CaptureFixture[str]) -> None:
    path = TABLES / "hostile_utf16_no_bom.csv"
    payload = _inspect(path, capsys)  # was "does not look like a text table (it holds binary data)"
    assert payload["rows"] == 120 and _roles(payload)["account_id"] == "customer_id"
    assert "UTF-16 little-endian without a byte-order mark" in _notes(path)


def test_thousands_of_blank_lines_above_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    payload = _inspect(TABLES / "hostile_blank_lines_above.csv", capsys)  # was "empty (only blank lines)"
    assert payload["rows"] == 90 and _roles(payload)["member_id"] == "customer_id"


def test_a_header_repeated_mid_file_is_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    path = TABLES / "hostile_concatenated_exports.csv"
    payload = _inspect(path, capsys)
    assert payload["rows"] == 400 and payload["shape"] == "transactions"
    assert _roles(payload)["order_id"] == "order_id"  # consecutive order numbers are still order numbers
    assert "Left out 1 row(s) repeating the header (line(s) 202)" in _notes(path)


def test_repeated_header_does_not_turn_totals_into_text(tmp_path: Path) -> None:
    out = tmp_path / "features.csv"
    assert main(["features", str(TABLES / "hostile_concatenated_exports.csv"), "-o", str(out)]) == 0
    features = pd.read_csv(out)
    orders = pd.read_csv(TABLES / "hostile_concatenated_exports.csv", dtype=str)
    orders = orders[orders["total"] != "total"]
    expected = orders["total"].astype(float).groupby(orders["customer_id"].astype(int)).sum()
    got = features.set_index("customer_id")["monetary"]
    assert got.sort_index().to_numpy() == pytest.approx(expected.sort_index().to_numpy())


def test_german_amounts_with_thousands_dots_and_euro_sign(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = TABLES / "hostile_euro_semicolon.csv"
    assert _roles(_inspect(path, capsys))["Bruttobetrag"] == "amount"  # was "numeric": a German compound
    out = tmp_path / "features.csv"
    assert main(["features", str(path), "-o", str(out)]) == 0
    features = pd.read_csv(out, dtype={"Kundennummer": str}).set_index("Kundennummer")
    raw = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str)
    euros = (
        raw["Bruttobetrag"].str.removesuffix(" €").str.replace(".", "").str.replace(",", ".").astype(float)
    )
    expected = euros.groupby(raw["Kundennummer"]).sum()
    assert features["monetary"].sort_index().to_numpy() == pytest.approx(expected.sort_index().to_numpy())


def test_one_date_column_written_several_ways_and_epoch_milliseconds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = TABLES / "hostile_mixed_dates.csv"
    roles = _roles(_inspect(path, capsys))
    assert roles["signup_date"] == "date" and roles["last_seen_ms"] == "date"  # were text and numeric
    frame = load_table(path).frame
    dates = parse_dates(frame["signup_date"])
    assert dates.n_bad == 0 and not dates.ambiguous
    written = dict(zip(frame["customer_id"], frame["signup_date"], strict=True))
    read = dict(zip(frame["customer_id"], dates.values.dt.strftime("%Y-%m-%d"), strict=True))
    assert (written["5654"], read["5654"]) == ("2022-01-01", "2022-01-01")
    assert (written["8067"], read["8067"]) == ("01.01.2022", "2022-01-01")
    slashed = next(c for c, text in written.items() if "/" in text and int(text[:2]) > 12)
    day, month, year = written[slashed][:10].split("/")
    assert read[slashed] == f"{year}-{month}-{day}"


def test_excel_serial_days_under_a_date_name_are_dates(capsys: pytest.CaptureFixture[str]) -> None:
    path = TABLES / "hostile_mixed_dates.csv"
    assert _roles(_inspect(path, capsys))["first_order_date"] == "date"  # was numeric
    frame = load_table(path).frame
    dates = parse_dates(frame["first_order_date"])
    assert dates.format_name == "Excel serial days" and dates.n_bad == 0
    assert frame["first_order_date"].iloc[0] == "44562"
    assert dates.values.iloc[0] == pd.Timestamp("2022-01-01")  # Excel's day 44562


def test_a_number_column_without_a_date_name_is_never_read_as_excel_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "incomes.csv"
    path.write_text("id,income\n" + "".join(f"{k},{40_000 + 97 * k}\n" for k in range(50)), encoding="utf-8")
    assert _roles(_inspect(path, capsys))["income"] == "numeric"


def test_ids_a_spreadsheet_wrote_in_scientific_notation_are_flagged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    payload = _inspect(TABLES / "hostile_scientific_ids.csv", capsys)
    issues = {(i["column"], i["kind"]): i for i in payload["issues"]}
    flagged = issues[("Member ID", "scientific_notation_id")]
    assert flagged["count"] == 200 and "cut their digits" in flagged["message"]
    assert ("Points", "scientific_notation_id") not in issues


# ---- workbooks ----------------------------------------------------------------------------------------


def test_a_cover_sheet_is_skipped_for_the_sheet_holding_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    path = TABLES / "hostile_cover_sheet.xlsx"
    payload = _inspect(path, capsys)
    assert payload["rows"] == 200 and _roles(payload)["Customer No"] == "customer_id"
    assert "The first sheet 'Cover' holds no table" in _notes(path)


def test_a_merged_two_row_header_names_columns_from_both_rows(capsys: pytest.CaptureFixture[str]) -> None:
    payload = _inspect(TABLES / "hostile_merged_header.xlsx", capsys)
    assert list(_roles(payload)) == [
        "Customer ID",
        "Customer Name",
        "Orders Count",
        "Orders Value",
        "Last order Date",
    ]
    assert payload["rows"] == 150 and _roles(payload)["Customer ID"] == "customer_id"


# ---- contacts: emails as mail programs write them, Mailchimp statuses -------------------------------


def test_emails_with_display_names_and_mailto_are_emails(capsys: pytest.CaptureFixture[str]) -> None:
    assert _roles(_inspect(TABLES / "hostile_mailchimp_statuses.csv", capsys))["Email Address"] == "email"


@pytest.mark.parametrize(
    ("file", "column"),
    [
        ("hostile_mailchimp_statuses.csv", "Email Marketing Status"),  # Pending, Cleaned, Opted out
        ("exp_klaviyo_profiles.csv", "Email Marketing Consent"),  # SUBSCRIBED / NEVER_SUBSCRIBED
    ],
)
def test_email_tool_statuses_are_read_as_consent_that_may_contact_only_the_subscribed(
    file: str, column: str, capsys: pytest.CaptureFixture[str]
) -> None:
    found = {c["name"]: c for c in _inspect(TABLES / file, capsys)["columns"]}[column]
    assert found["role"] == "consent" and found["consent_means"] == "opt-in"  # was categorical


def test_event_times_with_a_spelled_out_utc_zone_are_dates(capsys: pytest.CaptureFixture[str]) -> None:
    assert _roles(_inspect(TABLES / "exp_ecommerce_events.csv", capsys))["event_time"] == "date"  # was text


def test_mailchimp_statuses_keep_only_subscribed_people(tmp_path: Path) -> None:
    segmented, listed = tmp_path / "segmented.csv", tmp_path / "list.csv"
    source = TABLES / "hostile_mailchimp_statuses.csv"
    assert (
        main(["segment", str(source), "--features", "MEMBER_RATING", "--k", "2", "-o", str(segmented)]) == 0
    )
    args = ["export", str(segmented), "--id-col", "Email Address", "--consent-col", "Email Marketing Status"]
    assert main([*args, "--consent-means", "opt-in", "-o", str(listed)]) == 0
    sent = pd.read_csv(listed, dtype=str)["Email Address"]
    people = pd.read_csv(source, dtype=str).set_index("Email Address")["Email Marketing Status"]
    # Unsubscribed, Cleaned, Opted out and Pending (not confirmed) are never on the list
    assert set(people[sent]) == {"Subscribed"}
    assert len(sent) == int((people == "Subscribed").sum())


# ---- the Data page ----------------------------------------------------------------------------------


def _upload(path: Path) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    at.radio(key="data:source").set_value("Upload a file").run()
    at.file_uploader(key="data:upload").set_value((path.name, path.read_bytes(), "text/csv")).run()
    return at


def test_the_data_page_refuses_a_web_page_named_csv_in_one_error() -> None:
    at = _upload(REFUSED / "hostile_html_named.csv")
    assert not at.exception
    errors = [str(e.value) for e in at.error]
    assert len(errors) == 1 and "hostile_html_named.csv holds a web page (HTML)" in errors[0], errors


def test_the_data_page_reads_a_csv_with_a_nul_byte() -> None:
    at = _upload(TABLES / "hostile_nul_byte.csv")
    assert not at.exception and not at.error, [str(e.value) for e in at.error]
    at.button(key="data:use_customers").click().run()
    data = at.session_state["active_data"]
    assert len(data.customers) == 80 and data.customer_id_col == "customer_id"


def test_a_one_column_list_is_not_blamed_on_the_separator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "emails.xlsx"  # a workbook has no separator to choose
    pd.DataFrame({"email": [f"user{k}@example.org" for k in range(30)]}).to_excel(path, index=False)
    issue = next(i for i in _inspect(path, capsys)["issues"] if i["kind"] == "one_column")
    assert "separator" not in issue["message"] and "suppression list" in issue["message"]
