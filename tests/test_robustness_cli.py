"""Robustness of the command line: messy files give exit 0 or 2, never 1 or a traceback."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_robustness_strategies import messy_csv_files, random_byte_files, transaction_like_files

from segmentation.cli import main

CLI_SETTINGS = settings(
    max_examples=7,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ANY_FILE = st.one_of(messy_csv_files(), random_byte_files(), transaction_like_files())


def _write(folder: Path, name: str, data: bytes) -> Path:
    # the generated name may be empty or have no extension; keep it recognisable in messages
    path = folder / (name or "upload")
    path.write_bytes(data)
    return path


def _assert_clean_exit(code: int, err: str) -> None:
    assert code in (0, 2), err
    assert "Traceback" not in err
    assert "internal error" not in err
    if code == 2:
        lines = [line for line in err.splitlines() if not line.startswith("warning: ")]
        assert len(lines) == 1, err


@CLI_SETTINGS
@given(file=ANY_FILE)
def test_inspect_json_exits_0_or_2(
    file: tuple[str, bytes], tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path_factory.mktemp("inspect"), *file)
    capsys.readouterr()
    code = main(["inspect", str(path), "--json"])
    out, err = capsys.readouterr()
    event(f"exit {code}")
    _assert_clean_exit(code, err)
    if code == 0:
        payload = json.loads(out)
        assert payload["rows"] >= 1 and payload["columns"]
    else:
        assert path.name in err


@CLI_SETTINGS
@given(file=st.one_of(transaction_like_files(), messy_csv_files()))
def test_features_exits_0_or_2(
    file: tuple[str, bytes], tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path_factory.mktemp("features")
    path = _write(folder, *file)
    out_path = folder / "out.csv"
    capsys.readouterr()
    code = main(["features", str(path), "-o", str(out_path)])
    _, err = capsys.readouterr()
    event(f"exit {code}")
    _assert_clean_exit(code, err)
    assert out_path.exists() == (code == 0)


# Two nasty files through the real console script: exit code and stderr as a user sees them.
@pytest.mark.parametrize(
    ("name", "data", "command"),
    [
        ("photo.csv", bytes(range(256)) * 8, "inspect"),
        ("header_only.csv", "客户,日期,金额\n".encode("gb18030"), "features"),
    ],
)
def test_console_script_bad_file_exits_2_with_one_line(
    tmp_path: Path, name: str, data: bytes, command: str, segmentation_cli: list[str]
) -> None:
    path = _write(tmp_path, name, data)
    extra = ["-o", str(tmp_path / "out.csv")] if command == "features" else ["--json"]
    done = subprocess.run(
        [*segmentation_cli, command, str(path), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert name in done.stderr and "Traceback" not in done.stderr
