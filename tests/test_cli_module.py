"""``python -m segmentation.cli``: the fallback the tests use when no console script is installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "segmentation.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_module_runs_the_same_command_line() -> None:
    done = _run("--help")
    assert done.returncode == 0, done.stderr
    assert "demo-data" in done.stdout and "inspect" in done.stdout


def test_module_reports_bad_input_in_one_line_with_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "no_such_export.csv"
    done = _run("inspect", str(missing))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert "no_such_export.csv" in done.stderr and "Traceback" not in done.stderr
