"""``segmentation export --audience FILE.json``: the audience builder's query through the entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from segmentation import AudienceQuery, Condition, ConditionGroup
from segmentation.cli import main


@pytest.fixture
def segmented(tmp_path: Path) -> Path:
    n = 40
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in range(n)],
            "email": [f"c{i}@example.com" for i in range(n)],
            "Country": ["DE" if i % 2 else "FR" for i in range(n)],
            "monetary": [str(10 * i) for i in range(n)],
            "consent": ["no" if i % 10 == 0 else "yes" for i in range(n)],
            "segment": [i % 4 for i in range(n)],
            "segment_name": [["Loyal", "New", "Lapsed", "=Risk"][i % 4] for i in range(n)],
        }
    )
    path = tmp_path / "seg.csv"
    customers.to_csv(path, index=False)
    return path


def _write(path: Path, query: AudienceQuery) -> Path:
    path.write_text(query.to_json(), encoding="utf-8")
    return path


def test_export_applies_the_audience_file_then_consent(segmented: Path, tmp_path: Path) -> None:
    query = AudienceQuery(
        (
            ConditionGroup((Condition("segment_name", "one_of", ("Loyal", "New")),)),
            # "country" in any case: column names are resolved like --filter's.
            ConditionGroup((Condition("country", "is", "DE"), Condition("monetary", "ge", 300)), "any"),
        )
    )
    out = tmp_path / "list.csv"
    args = ["export", str(segmented), "-o", str(out), "--consent-col", "consent", "--holdout", "0"]
    assert main([*args, "--audience", str(_write(tmp_path / "q.json", query))]) == 0
    listed = pd.read_csv(out, dtype=str)
    # Loyal/New: i % 4 in (0, 1); DE: odd i, or monetary >= 300: i >= 30; consent "no" at i % 10 == 0.
    expected = [i for i in range(40) if i % 4 in (0, 1) and (i % 2 == 1 or i >= 30) and i % 10 != 0]
    assert sorted(listed["customer_id"]) == [f"C{i:03d}" for i in expected]
    manifest = json.loads(Path(f"{out}.manifest.json").read_text(encoding="utf-8"))
    assert manifest["audience"]["groups"][1]["conditions"][0]["column"] == "Country"
    assert manifest["audience"]["description"] == (
        "Customers in Loyal or New AND (Country is DE OR monetary is at least 300)"
    )


def test_where_json_is_the_same_flag(segmented: Path, tmp_path: Path) -> None:
    query = AudienceQuery((ConditionGroup((Condition("segment_name", "is", "=Risk"),)),))
    out = tmp_path / "list.csv"
    code = main(
        ["export", str(segmented), "-o", str(out), "--no-consent-check", "--holdout", "0", "--columns",
         "segment_name", "--where-json", str(_write(tmp_path / "q.json", query))]
    )  # fmt: skip
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("'=Risk") == 10  # the formula-like segment name stays a text cell
    assert "\n=Risk" not in text and ",=Risk" not in text


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"groups": [{"conditions": [{"column": "spend", "operator": "gt", "value": 1}]}]}', "'spend'"),
        ('{"groups": [{"conditions": [{"column": "monetary", "operator": "gt", "value": "x"}]}]}', "'x'"),
        ("{oops", "not valid JSON"),
    ],
)
def test_bad_audience_files_are_one_line_errors(
    segmented: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, words: str
) -> None:
    query_file = tmp_path / "q.json"
    query_file.write_text(content, encoding="utf-8")
    out = tmp_path / "list.csv"
    code = main(
        ["export", str(segmented), "-o", str(out), "--no-consent-check", "--audience", str(query_file)]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not out.exists()


def test_a_missing_audience_file_is_named(
    segmented: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.json"
    args = ["export", str(segmented), "-o", str(tmp_path / "l.csv"), "--no-consent-check"]
    assert main([*args, "--audience", str(missing)]) == 2
    assert "nope.json" in capsys.readouterr().err
