"""``segmentation export`` and ``segmentation lift`` through the command-line entry point."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy import stats

from segmentation.cli import main

SEGMENT_NAMES = np.array(["Loyal", "客户/new", "=Risk"])


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A segmented customer file (120 customers), recommendations, a suppression list, personas."""
    rng = np.random.default_rng(0)
    n = 120
    segment = rng.integers(0, 3, n)
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(n)],
            "first_name": rng.choice(["Ann", "Zoë", "Bo"], n),
            "email": [f"c{i}@example.com" for i in range(n)],
            "country": rng.choice(["DE", "FR"], n),
            "marketing_consent": np.where(np.arange(n) % 5 == 0, "no", "yes"),
            "segment": segment,
            "segment_name": SEGMENT_NAMES[segment],
        }
    )
    paths = {name: tmp_path / name for name in ("seg.csv", "recs.csv", "supp.csv", "personas.json")}
    customers.to_csv(paths["seg.csv"], index=False)
    pd.DataFrame(
        {
            "customer_id": np.repeat(customers["customer_id"], 2),
            "rank": np.tile([1, 2], n),
            "product_id": np.tile(["P1", "P2"], n),
            "item_name": np.tile(["Green tea", "-Mug"], n),
            "score": 0.5,
        }
    ).to_csv(paths["recs.csv"], index=False)
    pd.DataFrame({"email": [" C1@Example.com", "c2@example.com"]}).to_csv(paths["supp.csv"], index=False)
    personas = {
        "segments": [{"segment": s, "name": n, "action": f"Action {s}"} for s, n in enumerate(SEGMENT_NAMES)]
    }
    paths["personas.json"].write_text(json.dumps(personas), encoding="utf-8")
    return paths


def _export(files: dict[str, Path], out: Path, *extra: str) -> int:
    consent = [] if "--no-consent-check" in extra else ["--consent-col", "marketing_consent"]
    return main(["export", str(files["seg.csv"]), "-o", str(out), *consent, *extra])


def test_export_writes_the_list_and_manifest(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "list.csv"
    code = _export(
        files, out, "--recs", str(files["recs.csv"]), "--personas", str(files["personas.json"]),
        "--suppress", str(files["supp.csv"]), "--holdout", "0.2", "--seed", "5", "--name", "Spring",
        "--top-n", "2",
    )  # fmt: skip
    assert code == 0
    err = capsys.readouterr().err
    assert "Consent: 'marketing_consent': yes means may contact" in err
    listed = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(listed.columns) == [
        "customer_id", "email", "first_name", "segment", "segment_name", "suggested_action", "group",
        "item_1", "item_1_name", "item_2", "item_2_name",
    ]  # fmt: skip
    assert len(listed) == 120 - 24 - 2  # every 5th said no; c1 and c2 are suppressed
    assert set(listed["item_2_name"]) == {"'-Mug"} and "'=Risk" in set(listed["segment_name"])
    manifest = json.loads(Path(f"{out}.manifest.json").read_text(encoding="utf-8"))
    assert manifest["campaign"] == "Spring" and manifest["seed"] == 5 and manifest["control_share"] == 0.2
    assert manifest["consent"]["column"] == "marketing_consent" and not manifest["consent"]["waived"]
    assert manifest["suppression"] == {**manifest["suppression"], "entries": 2, "removed": 2}
    for row in manifest["counts"]:
        assert abs(row["control"] - 0.2 * row["total"]) <= 1
        in_file = listed[(listed["segment"] == str(row["segment"])) & (listed["group"] == "control")]
        assert len(in_file) == row["control"]


def test_same_inputs_and_seed_give_identical_files(files: dict[str, Path], tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert _export(files, first, "--seed", "3") == 0
    assert _export(files, second, "--seed", "3") == 0
    assert first.read_bytes() == second.read_bytes()
    assert _export(files, second, "--seed", "4") == 0
    assert first.read_bytes() != second.read_bytes()


def test_consent_is_required_or_explicitly_waived(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_consent = tmp_path / "plain.csv"
    pd.read_csv(files["seg.csv"]).drop(columns="marketing_consent").to_csv(no_consent, index=False)
    code = main(["export", str(no_consent), "-o", str(tmp_path / "x.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "--consent-col" in err and "--no-consent-check" in err and "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()
    assert main(["export", str(no_consent), "--no-consent-check", "-o", str(tmp_path / "x.csv")]) == 0
    manifest = json.loads((tmp_path / "x.csv.manifest.json").read_text(encoding="utf-8"))
    assert manifest["consent"]["waived"] is True and manifest["totals"]["listed"] == 120
    assert (
        main(["export", str(files["seg.csv"]), "--consent-col", "nope", "-o", str(tmp_path / "y.csv")]) == 2
    )
    assert "no such column" in capsys.readouterr().err


def test_xlsx_and_zip_formats(files: dict[str, Path], tmp_path: Path) -> None:
    assert _export(files, tmp_path / "list.xlsx", "--segments", "Loyal,=Risk", "--filter", "country=DE") == 0
    workbook = openpyxl.load_workbook(tmp_path / "list.xlsx")
    assert workbook.sheetnames == ["Audience", "Summary"]
    names = {row[4] for row in workbook["Audience"].iter_rows(min_row=2, values_only=True)}
    assert names == {"Loyal", "'=Risk"}
    assert _export(files, tmp_path / "list.zip", "--hash-emails") == 0
    archive = zipfile.ZipFile(tmp_path / "list.zip")
    assert archive.namelist() == ["01_Loyal.csv", "02_客户-new.csv", "03_Risk.csv", "manifest.json"]
    member = pd.read_csv(io.BytesIO(archive.read("01_Loyal.csv")), dtype=str)
    assert "email_sha256" in member.columns and "email" not in member.columns
    assert Path(f"{tmp_path / 'list.zip'}.manifest.json").exists()


def test_lift_json_against_hand_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = pd.DataFrame(
        {
            "customer_id": [f"K{i}" for i in range(300)],
            "segment_name": ["A"] * 150 + ["B"] * 150,
            "group": (["treatment"] * 100 + ["control"] * 50) * 2,
        }
    )
    converted = np.zeros(300, dtype=int)
    converted[[*range(0, 30), *range(100, 108), *range(150, 170), *range(250, 260)]] = 1
    export.to_csv(tmp_path / "list.csv", index=False)
    pd.DataFrame({"cust": export["customer_id"], "bought": converted}).to_csv(
        tmp_path / "res.csv", index=False
    )
    args = ["lift", str(tmp_path / "list.csv"), str(tmp_path / "res.csv"), "--customer-col", "cust"]
    assert main([*args, "--converted-col", "bought", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    overall = payload["overall"]
    assert overall["treatment"] == {"n": 200, "conversions": 50, "rate": 0.25}
    assert overall["control"] == {"n": 100, "conversions": 18, "rate": 0.18}
    assert overall["absolute_lift"] == pytest.approx(0.07)
    assert overall["relative_lift"] == pytest.approx(0.07 / 0.18)
    chi2 = stats.chi2_contingency([[50, 150], [18, 82]], correction=False)
    assert overall["p_value"] == pytest.approx(chi2.pvalue)
    assert [s["segment"] for s in payload["segments"]] == ["A", "B"]
    assert payload["segments"][1]["control"]["conversions"] == 10
    assert main([*args, "--converted-col", "bought"]) == 0
    assert "Customers who got the campaign converted 25.0% vs 18.0%" in capsys.readouterr().out
    assert main([*args, "--converted-col", "nope"]) == 2
    assert "no such column" in capsys.readouterr().err


def test_console_script_runs(files: dict[str, Path], tmp_path: Path, segmentation_cli: list[str]) -> None:
    out = tmp_path / "list.csv"
    done = subprocess.run(
        [
            *segmentation_cli,
            "export",
            str(files["seg.csv"]),
            "--consent-col",
            "marketing_consent",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Wrote" in done.stderr and out.exists()
