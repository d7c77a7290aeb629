"""Suppression lists always match, the column is chosen not guessed, duplicates are found, lists split."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.registry import page
from app_pages.state import ActiveData, SegmentRun
from segmentation.campaigns.audience import (
    default_suppression_column,
    suppression_table,
)
from segmentation.cli import main

N = 30


def _customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [str(1000 + i) for i in range(N)],
            "first_name": [f"Kim{i}" for i in range(N)],
            "email": [f"person{i}@example.com" for i in range(N)],
            "marketing_consent": "yes",
            "segment": [i % 2 for i in range(N)],
            "segment_name": ["Loyal" if i % 2 == 0 else "New" for i in range(N)],
        }
    )


@pytest.fixture
def segmented(tmp_path: Path) -> Path:
    path = tmp_path / "seg.csv"
    _customers().to_csv(path, index=False)
    return path


def _export(segmented: Path, out: Path, *extra: str) -> int:
    args = ["export", str(segmented), "--consent-col", "marketing_consent", "--holdout", "0", "-o", str(out)]
    return main([*args, *extra])


def _listed(out: Path) -> list[str]:
    return pd.read_csv(out, dtype=str, keep_default_na=False)["customer_id"].tolist()


def _manifest(out: Path) -> dict[str, object]:
    return json.loads(Path(f"{out}.manifest.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_excel_float_ids_are_suppressed(segmented: Path, tmp_path: Path) -> None:
    # An Excel column of numbers with one blank cell is read as floats: 1000.0, 1001.0 ...
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["customer_id"])
    for i in range(10):
        sheet.append([1000 + i])
    sheet.append([None])
    sheet.append([1005])
    workbook.save(tmp_path / "supp.xlsx")
    as_text = tmp_path / "supp.csv"
    as_text.write_text(
        "customer_id\n" + "".join(f"{1010 + i}.0\n" for i in range(5)) + "\n", encoding="utf-8"
    )
    out = tmp_path / "list.csv"
    code = _export(segmented, out, "--suppress", str(tmp_path / "supp.xlsx"), "--suppress", str(as_text))
    assert code == 0
    assert sorted(_listed(out)) == [str(1000 + i) for i in range(15, N)]
    suppression = _manifest(out)["suppression"]
    assert suppression["removed"] == 15  # type: ignore[index]
    assert [(x["source"], x["matched"], x["removed"]) for x in suppression["lists"]] == [  # type: ignore[index]
        ("supp.xlsx", 10, 10),
        ("supp.csv", 5, 5),
    ]


@pytest.mark.parametrize(
    "content",
    [
        "Person Zero <PERSON0@example.com>\nmailto:person1@example.com\n person2@EXAMPLE.com \n",
        "person0@example.com;Person One <person1@example.com>;mailto:person2@example.com\n",
        "person0@example.com, person1@example.com, person2@example.com",
        "email\n\u200bperson0@example.com\nＰＥＲＳＯＮ１@example.com\n<person2@example.com>\n",
    ],
    ids=["headerless-named", "one-line-semicolon", "one-line-comma", "zero-width-full-width"],
)
def test_email_lists_in_any_shape_match(segmented: Path, tmp_path: Path, content: str) -> None:
    supp = tmp_path / "supp.csv"
    supp.write_text(content, encoding="utf-8")
    out = tmp_path / "list.csv"
    assert _export(segmented, out, "--suppress", str(supp)) == 0
    assert "1000" not in _listed(out) and "1001" not in _listed(out) and "1002" not in _listed(out)
    assert len(_listed(out)) == N - 3 and _manifest(out)["suppression"]["removed"] == 3  # type: ignore[index]


def test_german_file_needs_the_column_named(
    segmented: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    supp = tmp_path / "sperrliste.csv"
    supp.write_text("Kundennummer;Name\n1003;Anna\n1004;Bernd\n1005,0;Carla\n", encoding="utf-8")
    out = tmp_path / "list.csv"
    assert _export(segmented, out, "--suppress", str(supp)) == 2
    err = capsys.readouterr().err
    assert "'Kundennummer'" in err and "'Name'" in err and "--suppress-col" in err
    assert len(err.strip().splitlines()) == 1 and not out.exists()
    assert _export(segmented, out, "--suppress", str(supp), "--suppress-col", "Kundennummer") == 0
    assert {"1003", "1004"} & set(_listed(out)) == set()
    assert _manifest(out)["suppression"]["lists"][0]["column"] == "Kundennummer"  # type: ignore[index]


def test_a_list_matching_nobody_is_a_warning(
    segmented: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    supp = tmp_path / "supp.csv"
    supp.write_text("email\nsomeone@else.org\n", encoding="utf-8")
    out = tmp_path / "list.csv"
    assert _export(segmented, out, "--suppress", str(supp)) == 0
    assert "warning: the suppression list supp.csv (column 'email') matches nobody" in capsys.readouterr().err
    assert _manifest(out)["warnings"]


def test_duplicates_differing_by_invisible_or_full_width_characters(tmp_path: Path) -> None:
    frame = _customers().head(4)
    twins = pd.DataFrame(
        {
            "customer_id": ["1000\u200b", "１０００", "2000"],
            "first_name": ["Kim", "Kim", "Kim"],
            "email": ["x@example.com", "y@example.com", "PERSON1@example.com\u200b"],
            "marketing_consent": "yes",
            "segment": 0,
            "segment_name": "Loyal",
        }
    )
    path = tmp_path / "seg.csv"
    pd.concat([frame, twins]).to_csv(path, index=False)
    out = tmp_path / "list.csv"
    assert _export(path, out) == 0
    assert sorted(_listed(out)) == ["1000", "1001", "1002", "1003"]
    rules = {r["rule"]: r["removed"] for r in _manifest(out)["rules"]}  # type: ignore[attr-defined]
    assert rules["duplicate customer id"] == 2 and rules["duplicate email"] == 1


def test_split_control_writes_a_send_ready_list_and_lift_reads_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = _customers().assign(customer_id=[str(v) for v in [*range(990, 1005), *range(5, 20)]])
    path = tmp_path / "seg.csv"
    frame.to_csv(path, index=False)
    full, split = tmp_path / "full.csv", tmp_path / "list.csv"
    consent = ["--consent-col", "marketing_consent", "--holdout", "0.2", "--name", "Spring Promo"]
    assert main(["export", str(path), *consent, "-o", str(full)]) == 0
    assert main(["export", str(path), *consent, "--split-control", "-o", str(split)]) == 0
    control_file = tmp_path / "list.control.csv"
    send = pd.read_csv(split, dtype=str)
    control = pd.read_csv(control_file, dtype=str)
    whole = pd.read_csv(full, dtype=str)
    # Without the flag the list is as before: everyone, id first, with a group column.
    assert whole.columns[0] == "customer_id" and len(whole) == N
    assert list(send.columns[:3]) == ["email", "first_name", "customer_id"] and "group" not in send.columns
    assert set(send["customer_id"]) == set(whole["customer_id"][whole["group"] == "treatment"])
    assert set(control["customer_id"]) == set(whole["customer_id"][whole["group"] == "control"])
    ids = send["customer_id"].astype(int).tolist()
    assert ids == sorted(ids)  # numeric ids in numeric order: 5 before 990
    files = _manifest(split)["files"]
    assert files["send"]["rows"] == len(send) and files["control"]["rows"] == len(control)  # type: ignore[index]
    assert files["control"]["name"] == "list.control.csv"  # type: ignore[index]

    results = tmp_path / "results.csv"
    pd.DataFrame({"customer_id": whole["customer_id"], "converted": np.arange(N) % 3 == 0}).astype(
        {"converted": int}
    ).to_csv(results, index=False)
    capsys.readouterr()
    assert main(["lift", str(full), str(results), "--json"]) == 0
    from_full = json.loads(capsys.readouterr().out)
    assert main(["lift", str(split), str(results), "--control", str(control_file), "--json"]) == 0
    from_split = json.loads(capsys.readouterr().out)
    assert from_split["overall"] == from_full["overall"]
    assert from_split["overall"]["control"]["n"] == len(control)

    zipped = tmp_path / "list.zip"
    assert main(["export", str(path), *consent, "--split-control", "-o", str(zipped)]) == 0
    archive = zipfile.ZipFile(zipped)
    assert archive.namelist() == ["spring-promo_send.csv", "spring-promo_control.csv", "manifest.json"]
    inside = json.loads(archive.read("manifest.json"))
    assert inside["files"]["send"]["rows"] == len(send)
    assert pd.read_csv(io.BytesIO(archive.read("spring-promo_send.csv")), dtype=str).equals(send)


@pytest.mark.parametrize(
    "bad",
    [
        ["--holdout", "1.5"],
        ["--seed", "-1"],
        ["--top-n", "0"],
        ["--holdout", "x"],
        ["--consent-means", "maybe"],
    ],
)
def test_bad_export_options_exit_2(
    segmented: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: list[str]
) -> None:
    try:
        code = _export(segmented, tmp_path / "x.csv", *bad)
    except SystemExit as exited:  # argparse's own usage errors
        code = int(exited.code or 0)
    assert code == 2 and not (tmp_path / "x.csv").exists()
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_bad_lift_options_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listed = tmp_path / "list.csv"
    pd.DataFrame({"customer_id": ["1", "2"], "group": ["treatment", "control"]}).to_csv(listed, index=False)
    results = tmp_path / "res.csv"
    pd.DataFrame({"customer_id": ["1"], "converted": [1]}).to_csv(results, index=False)
    assert main(["lift", str(listed), str(results), "--control", str(listed)]) == 2
    assert main(["lift", str(listed), str(results), "--id-col", "nope"]) == 2
    assert main(["lift", str(listed), str(tmp_path / "missing.csv")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 3


def test_suppression_column_is_preselected_only_when_plausible() -> None:
    emails = suppression_table(b"Email Address,First Name\na@x.com,Ann\n", name="a.csv")
    assert default_suppression_column(emails) == "Email Address"
    german = suppression_table(b"Kundennummer;Name\n1;Anna\n", name="b.csv")
    assert default_suppression_column(german) == "Kundennummer"
    unclear = suppression_table(b"Code,Name\n1;Anna\n2,Bo\n", name="c.csv")
    assert default_suppression_column(unclear) is None


def test_page_suppression_picker_and_warning() -> None:
    customers = _customers().drop(columns=["segment", "segment_name"])
    roles = {
        "customer_id": "customer_id",
        "email": "email",
        "first_name": "name",
        "marketing_consent": "consent",
    }
    data = ActiveData(
        source_name="s.csv",
        token="supp-page",
        customers=customers,
        customer_id_col="customer_id",
        roles=roles,
    )
    run = SegmentRun(
        data_token="supp-page", token="r", features=("x",), algorithm="kmeans", k=2, seed=0,
        labels=np.array([i % 2 for i in range(N)]), result=None, default_names={0: "A", 1: "B"},
        default_actions={},
    )  # fmt: skip
    at = AppTest.from_file(str(page("campaigns").file), default_timeout=30)
    at.session_state["active_data"], at.session_state["segment_run"] = data, run
    at.run()
    content = b"Kennung,Bemerkung\n1003.0,x\n1004.0,y\n"
    at.file_uploader(key="campaigns:suppression").set_value(("sperre.csv", content, "text/csv")).run()
    assert not at.exception
    picker = at.selectbox(key="campaigns:suppression_col:sperre.csv")
    assert picker.value is None  # neither column name says id: nothing is guessed
    # A choice not yet made: a neutral next step, not a red error (issue 10).
    assert any("suppression list" in i.value for i in at.info)
    assert not at.error, [e.value for e in at.error]
    picker.set_value("Kennung").run()
    assert not at.exception
    listed = set(at.session_state["campaign"]["frame"]["customer_id"])
    assert {"1003", "1004"} & listed == set() and len(listed) == N - 2
    at.selectbox(key="campaigns:suppression_col:sperre.csv").set_value("Bemerkung").run()
    assert any("matches nobody" in w.value for w in at.warning)
