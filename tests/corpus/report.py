"""Measure how well ``segmentation inspect`` understands the columns of the labelled corpus.

Every table in ``labels.json`` goes through the real command line
(``segmentation inspect FILE --json``), and the printed roles and table shape are compared with
the labels. Run it from the repository root::

    python -m tests.corpus.report            # Markdown summary + mistakes grouped by kind
    python tests/corpus/report.py --summary  # only the Markdown table (for the README)

``tests/test_corpus.py`` asserts the targets on the same measurement.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from segmentation.cli import main as cli_main

CORPUS = Path(__file__).resolve().parent
LABELS = CORPUS / "labels.json"
MONEY_ROLES = frozenset({"amount", "price"})
CONSENT = "consent"


@dataclass(frozen=True)
class ColumnResult:
    """One labelled column: what it should be and what ``inspect`` said."""

    column: str
    accepted: tuple[str, ...]
    predicted: str | None  # None: the CLI did not report this column (or the table failed)
    polarity: str | None = None  # labelled consent polarity ("opt-in" / "opt-out")
    consent_means: str | None = None  # the CLI's polarity, when it reports one

    @property
    def right(self) -> bool:
        return self.predicted in self.accepted

    @property
    def consent_false_positive(self) -> bool:
        return self.predicted == CONSENT and CONSENT not in self.accepted

    @property
    def money_false_positive(self) -> bool:
        return self.predicted in MONEY_ROLES and not MONEY_ROLES & set(self.accepted)

    @property
    def polarity_checked(self) -> bool:
        return self.polarity is not None and self.predicted == CONSENT and self.consent_means is not None

    @property
    def polarity_right(self) -> bool:
        return self.polarity_checked and _polarity(self.consent_means) == self.polarity

    @property
    def expected(self) -> str:
        return "|".join(self.accepted)


@dataclass(frozen=True)
class TableResult:
    """One labelled table: its shape, its columns, and any column the labels and CLI disagree on."""

    file: str
    kind: str
    shape: str
    predicted_shape: str | None
    columns: tuple[ColumnResult, ...]
    rows: int | None = None  # as the CLI counted them
    unlabelled: tuple[str, ...] = ()  # columns the CLI reported that the labels do not mention
    error: str | None = None  # what the CLI wrote on stderr when it did not succeed

    @property
    def shape_right(self) -> bool:
        return self.predicted_shape == self.shape

    @property
    def mistakes(self) -> tuple[ColumnResult, ...]:
        return tuple(c for c in self.columns if not c.right)


@dataclass(frozen=True)
class CorpusScore:
    """The measurement over the whole corpus (or one kind of source)."""

    tables: tuple[TableResult, ...]

    @property
    def columns(self) -> tuple[ColumnResult, ...]:
        return tuple(c for t in self.tables for c in t.columns)

    @property
    def shape_accuracy(self) -> float:
        return _share(t.shape_right for t in self.tables)

    @property
    def role_accuracy(self) -> float:
        return _share(c.right for c in self.columns)

    @property
    def consent_false_positives(self) -> tuple[tuple[str, ColumnResult], ...]:
        return tuple((t.file, c) for t in self.tables for c in t.columns if c.consent_false_positive)

    @property
    def money_false_positives(self) -> tuple[tuple[str, ColumnResult], ...]:
        return tuple((t.file, c) for t in self.tables for c in t.columns if c.money_false_positive)

    @property
    def polarity_checked(self) -> tuple[ColumnResult, ...]:
        return tuple(c for c in self.columns if c.polarity_checked)

    @property
    def polarity_wrong(self) -> tuple[tuple[str, ColumnResult], ...]:
        return tuple(
            (t.file, c) for t in self.tables for c in t.columns if c.polarity_checked and not c.polarity_right
        )

    def by_kind(self) -> dict[str, CorpusScore]:
        """Scores per source kind (``package:statsmodels`` ...) and per family (``package:*``)."""
        groups: dict[str, list[TableResult]] = defaultdict(list)
        for table in self.tables:
            groups[table.kind].append(table)
            groups[table.kind.split(":")[0] + ":*"].append(table)
        return {kind: CorpusScore(tuple(groups[kind])) for kind in sorted(groups)}


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 1.0


def _polarity(value: object) -> str:
    """Read the CLI's ``consent_means`` as "opt-in" or "opt-out" (it may be the polarity's value,
    its wording such as "yes = do not contact", or a mapping with a ``polarity`` key)."""
    if isinstance(value, dict):
        value = value.get("polarity", value)
    text = str(value).strip().casefold().replace("_", "-").replace(" ", "-")
    if "opt-out" in text or "not-contact" in text or "do-not" in text:
        return "opt-out"
    if "opt-in" in text or "may-contact" in text:
        return "opt-in"
    return text


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    """The labelled tables, file paths made absolute."""
    tables: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["tables"]
    return [{**t, "path": path.parent / t["file"]} for t in tables]


def inspect_json(path: Path) -> tuple[dict[str, Any] | None, str]:
    """Run ``segmentation inspect PATH --json``; return the parsed payload (None on failure) and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
        # Warnings the loader raises are the CLI's business (it prints them); they must not
        # turn into errors under pytest's filterwarnings=error and hide the measurement.
        warnings.simplefilter("ignore")
        try:
            code = cli_main(["inspect", str(path), "--json"])
        except SystemExit as exc:  # argparse errors
            code = int(exc.code or 0)
    if code != 0:
        return None, err.getvalue().strip() or f"exit code {code}"
    return json.loads(out.getvalue()), err.getvalue().strip()


def measure_table(label: dict[str, Any]) -> TableResult:
    """Compare one table's labels with what the CLI says about it."""
    payload, error = inspect_json(label["path"])
    reported: dict[str, dict[str, Any]] = {}
    if payload is not None:
        reported = {str(c["name"]): c for c in payload["columns"]}
    polarities: dict[str, str] = label.get("consent", {})
    columns = []
    for name, roles in label["roles"].items():
        accepted = (roles,) if isinstance(roles, str) else tuple(roles)
        found = reported.get(name, {})
        columns.append(
            ColumnResult(
                column=name,
                accepted=accepted,
                predicted=found.get("role"),
                polarity=polarities.get(name),
                consent_means=found.get("consent_means"),
            )
        )
    return TableResult(
        file=label["file"],
        kind=label["kind"],
        shape=label["shape"],
        predicted_shape=None if payload is None else payload["shape"],
        columns=tuple(columns),
        rows=None if payload is None else int(payload["rows"]),
        unlabelled=tuple(n for n in reported if n not in label["roles"]),
        error=error if payload is None else None,
    )


def measure(labels: Sequence[dict[str, Any]] | None = None) -> CorpusScore:
    """Measure every labelled table through the CLI."""
    return CorpusScore(tuple(measure_table(t) for t in (labels if labels is not None else load_labels())))


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _row(kind: str, score: CorpusScore) -> str:
    checked = score.polarity_checked
    polarity = f"{sum(c.polarity_right for c in checked)}/{len(checked)}" if checked else "n/a"
    return (
        f"| {kind} | {len(score.tables)} | {len(score.columns)} | {_percent(score.shape_accuracy)} | "
        f"{_percent(score.role_accuracy)} | {len(score.consent_false_positives)} | "
        f"{len(score.money_false_positives)} | {polarity} |"
    )


def render_markdown(score: CorpusScore) -> str:
    """The README table: overall numbers, then one row per source family and kind."""
    lines = [
        "| source | tables | columns | shape right | roles right | consent false positives "
        "| money false positives | consent polarity right |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        _row("**all**", score),
    ]
    lines += [_row(kind, part) for kind, part in score.by_kind().items()]
    return "\n".join(lines)


def render_mistakes(score: CorpusScore) -> str:
    """Every mistake, per table, then grouped by kind (expected → predicted) with counts."""
    lines: list[str] = []
    for table in score.tables:
        problems: list[str] = []
        if table.error:
            problems.append(f"  CLI failed: {table.error}")
        if not table.shape_right:
            problems.append(f"  shape: expected {table.shape}, got {table.predicted_shape}")
        for column in table.mistakes:
            got = "(not reported)" if column.predicted is None else column.predicted
            problems.append(f"  {column.column!r}: expected {column.expected}, got {got}")
        for file, column in score.polarity_wrong:
            if file == table.file:
                problems.append(
                    f"  {column.column!r}: consent polarity expected {column.polarity}, "
                    f"got {column.consent_means}"
                )
        if table.unlabelled:
            problems.append(f"  columns reported but not labelled: {', '.join(map(repr, table.unlabelled))}")
        if problems:
            lines.append(f"{table.file} ({table.kind}):")
            lines.extend(problems)
    groups: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    for table in score.tables:
        for column in table.mistakes:
            key = (column.expected, str(column.predicted))
            groups[key] += 1
            examples[key].append(f"{Path(table.file).name}:{column.column}")
    if groups:
        wrong_roles: Counter[str] = Counter()
        for (_, predicted), count in groups.items():
            wrong_roles[predicted] += count
        shown_roles = ", ".join(f"{role} {count}" for role, count in wrong_roles.most_common())
        lines += ["", f"Wrong role given, by the role given: {shown_roles}"]
        shapes = [f"{Path(t.file).name} ({t.shape})" for t in score.tables if not t.shape_right]
        if shapes:
            lines.append(f"Wrong shape (expected in brackets): {', '.join(shapes)}")
        lines += ["", "Mistakes grouped by kind (expected -> predicted: count, examples):"]
        for (expected, predicted), count in groups.most_common():
            shown = ", ".join(examples[(expected, predicted)][:4])
            lines.append(f"  {expected} -> {predicted}: {count}  ({shown})")
    return "\n".join(lines) if lines else "No mistakes."


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", action="store_true", help="print only the Markdown table")
    args = parser.parse_args(argv)
    score = measure()
    print(render_markdown(score))
    if not args.summary:
        print()
        print(render_mistakes(score))
    return 0


if __name__ == "__main__":
    sys.exit(main())
