"""Hostile files on the command line: exit code 2 with one line naming the file and the limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_robustness_limits_app import expanding_parquet_bytes

from segmentation.cli import main
from tests._workbook_xml import sheet_xml, write_workbook_parts


def test_inspect_refuses_a_parquet_file_that_unpacks_to_gigabytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "expand.parquet"
    path.write_bytes(expanding_parquet_bytes())
    code = main(["inspect", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "expand.parquet would need about" in lines[0] and "memory limit" in lines[0]


def test_inspect_reads_a_workbook_declaring_a_huge_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{"id" if r == 1 else f"C{r}"}</t></is></c></row>'
        for r in range(1, 30)
    )
    path = write_workbook_parts(tmp_path / "declared.xlsx", sheet_xml(rows, dimension="A1:XFD1048576"))
    assert main(["inspect", str(path)]) == 0
    assert "declared.xlsx: xlsx, 28 rows, 1 columns" in capsys.readouterr().out
