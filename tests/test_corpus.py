"""Column understanding measured on the labelled corpus of real tables (``tests/corpus/``).

Every table goes through the user's door, ``segmentation inspect FILE --json``, and is compared
with labels written by hand (``tests/corpus/labels.json``, conventions in
``tests/corpus/README.md``). The targets: the table shape right on every table, at least 97% of
column roles right, and no column wrongly called consent or money — those two wrong guesses hurt
people (mail to someone who opted out; "spend" computed from a score).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from segmentation.profiling.table_profile import Role
from tests.corpus.report import CORPUS, CorpusScore, load_labels, measure, render_markdown, render_mistakes

ROLE_TARGET = 0.97
SHAPES = {"customers", "transactions"}
POLARITIES = {"opt-in", "opt-out"}


@pytest.fixture(scope="module")
def score() -> CorpusScore:
    return measure()


def _breakdown(score: CorpusScore) -> str:
    return "\n" + render_markdown(score) + "\n\n" + render_mistakes(score)


def test_corpus_is_big_varied_and_small_on_disk() -> None:
    labels = load_labels()
    assert len(labels) >= 45
    kinds = {t["kind"].split(":")[0] for t in labels}
    assert kinds == {"package", "export"}
    suffixes = {"".join(Path(t["file"]).suffixes[-2:]) for t in labels}
    assert {".csv", ".tsv", ".xlsx", ".csv.gz"} <= suffixes
    size = sum(path.stat().st_size for path in (CORPUS / "tables").iterdir())
    assert size < 5_000_000, f"the corpus takes {size:,} bytes; keep it under 5 MB"
    listed = {t["path"].name for t in labels}
    on_disk = {path.name for path in (CORPUS / "tables").iterdir()}
    assert on_disk == listed, f"unlabelled files: {on_disk - listed}; missing files: {listed - on_disk}"


def test_labels_follow_the_conventions() -> None:
    roles = {str(role) for role in Role}
    for table in load_labels():
        where = table["file"]
        assert table["shape"] in SHAPES, where
        assert table["kind"].startswith(("package:", "export:")) and table["origin"], where
        customer_ids = 0
        for column, accepted in table["roles"].items():
            accepted = [accepted] if isinstance(accepted, str) else accepted
            assert accepted and set(accepted) <= roles, f"{where}: {column!r} has roles {accepted}"
            customer_ids += accepted == ["customer_id"]
        assert customer_ids <= 1, f"{where}: more than one column must be the customer id"
        consent_columns = {c for c, r in table["roles"].items() if r == "consent"}
        polarities = table.get("consent", {})
        assert set(polarities) == consent_columns, f"{where}: every consent column needs its polarity"
        assert set(polarities.values()) <= POLARITIES, where


def test_labels_name_exactly_the_columns_the_loader_reads(score: CorpusScore) -> None:
    problems = [
        f"{t.file}: not reported {[c.column for c in t.columns if c.predicted is None]}, "
        f"not labelled {list(t.unlabelled)}, error {t.error}"
        for t in score.tables
        if t.error or t.unlabelled or any(c.predicted is None for c in t.columns)
    ]
    assert not problems, "\n".join(problems)
    too_long = [f"{t.file}: {t.rows} rows" for t in score.tables if t.rows is None or t.rows > 2_000]
    assert not too_long, f"tables are cut to 2,000 rows: {too_long}"


def test_table_shape_is_right_on_every_table(score: CorpusScore) -> None:
    assert score.shape_accuracy == 1.0, _breakdown(score)


def test_column_roles_are_right(score: CorpusScore) -> None:
    assert score.role_accuracy >= ROLE_TARGET, _breakdown(score)


def test_no_column_is_wrongly_called_consent(score: CorpusScore) -> None:
    wrong = [f"{file}: {c.column!r} ({c.expected})" for file, c in score.consent_false_positives]
    assert not wrong, "\n".join(wrong) + _breakdown(score)


def test_no_column_is_wrongly_called_money(score: CorpusScore) -> None:
    wrong = [
        f"{file}: {c.column!r} ({c.expected}) called {c.predicted}" for file, c in score.money_false_positives
    ]
    assert not wrong, "\n".join(wrong) + _breakdown(score)


def test_consent_polarity_is_right_whenever_it_is_reported(score: CorpusScore) -> None:
    wrong = [
        f"{file}: {c.column!r} is {c.polarity}, reported {c.consent_means}"
        for file, c in score.polarity_wrong
    ]
    assert not wrong, "\n".join(wrong)


def test_report_renders_the_readme_table(score: CorpusScore) -> None:
    table = render_markdown(score).splitlines()
    assert table[0].startswith("| source | tables | columns | shape right | roles right")
    overall = table[2].split("|")
    assert overall[2].strip() == str(len(score.tables))
    assert overall[3].strip() == str(len(score.columns))
    assert any(line.startswith("| package:statsmodels |") for line in table)
    assert any(line.startswith("| export:shopify |") for line in table)
