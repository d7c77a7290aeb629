"""Total and subtotal rows of report exports are left out, with a note; look-alike customers stay."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from segmentation.io.loading import load_table
from tests._loading_helpers import write

ROWS = "customer_id,email,orders,revenue\n" + "".join(
    f"C{i:03d},c{i}@example.com,{i},{i * 10}.50\n" for i in range(1, 6)
)


def test_a_csv_total_row_that_adds_up_is_left_out(tmp_path: Path) -> None:
    loaded = load_table(write(tmp_path, "report.csv", ROWS + "Total,,15,152.50\n"))
    assert loaded.frame["customer_id"].tolist() == ["C001", "C002", "C003", "C004", "C005"]
    notes = [n for n in loaded.detection.notes if "total" in n]
    assert notes == [
        "Line 7 ('Total') looks like a total of the rows above (orders, revenue add up) and was left out."
    ]


@pytest.mark.parametrize(
    "label", ["Grand Total:", "SUMME", "Gesamt", "Total général", "合计", "總計", "小计"]
)
def test_total_words_in_many_languages(tmp_path: Path, label: str) -> None:
    loaded = load_table(write(tmp_path, "report.csv", ROWS + f"{label},,15,152.50\n"))
    assert len(loaded.frame) == 5
    assert any(f"({label!r})" in note for note in loaded.detection.notes)


def test_decimal_comma_totals_with_thousands_separators(tmp_path: Path) -> None:
    text = "kunde;umsatz\nK1;1.200,50\nK2;800,25\nK3;99,25\nSumme:;2.100,00\n"
    loaded = load_table(write(tmp_path, "umsatz.csv", text))
    assert loaded.frame["kunde"].tolist() == ["K1", "K2", "K3"]


def test_a_customer_called_total_is_kept(tmp_path: Path) -> None:
    # last row, label in the first column, but the row has an e-mail and a city and its numbers do not add up
    text = "name,email,city,orders\nAnna,a@x.com,Berlin,2\nBen,b@x.com,Paris,3\nTotal,t@x.com,Lyon,4\n"
    loaded = load_table(write(tmp_path, "people.csv", text))
    assert loaded.frame["name"].tolist() == ["Anna", "Ben", "Total"]
    assert not any("total of the rows above" in note for note in loaded.detection.notes)


def test_a_total_label_in_the_middle_that_does_not_add_up_is_kept(tmp_path: Path) -> None:
    text = "plan,orders\nBasic,3\nTotal,7\nPremium,4\nGold,1\n"
    loaded = load_table(write(tmp_path, "plans.csv", text))
    assert loaded.frame["plan"].tolist() == ["Basic", "Total", "Premium", "Gold"]


def test_a_labelled_last_row_without_numbers_closing_a_block_is_left_out(tmp_path: Path) -> None:
    text = "customer_id,segment\nC1,a\nC2,b\n\nTotal,\n"
    loaded = load_table(write(tmp_path, "list.csv", text))
    assert loaded.frame["customer_id"].tolist() == ["C1", "C2"]
    assert any(
        "Line 5 ('Total')" in note and "last row of its block" in note for note in loaded.detection.notes
    )


def test_subtotals_and_grand_total_in_a_workbook(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Sales by region"])
    sheet.append([])
    sheet.append(["customer_id", "region", "revenue"])
    for customer, region, revenue in [(1001, "North", 10.0), (1002, "North", 20.5)]:
        sheet.append([customer, region, revenue])
    sheet.append(["Subtotal", None, 30.5])
    for customer, region, revenue in [(1003, "South", 7.25), (1004, "South", 2.75)]:
        sheet.append([customer, region, revenue])
    sheet.append(["Subtotal", None, 10.0])
    sheet.append([])
    sheet.append(["Grand Total", None, 40.5])
    path = tmp_path / "regions.xlsx"
    workbook.save(path)
    loaded = load_table(path)
    assert loaded.frame["customer_id"].tolist() == [1001, 1002, 1003, 1004]
    assert loaded.frame["customer_id"].dtype == np.int64  # numbers again once the labels are gone
    assert loaded.frame["revenue"].tolist() == pytest.approx([10.0, 20.5, 7.25, 2.75])
    totals = [n for n in loaded.detection.notes if "total of the rows above" in n]
    assert [n.split(" (")[0] for n in totals] == ["Row 6", "Row 9", "Row 11"]


def test_a_workbook_without_totals_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsx"
    frame = pd.DataFrame({"customer": ["Total", "Sum"], "note": ["vip", "new"], "spend": [1.0, 2.0]})
    frame.to_excel(path, index=False)
    loaded = load_table(path)
    assert loaded.frame["customer"].tolist() == ["Total", "Sum"]
