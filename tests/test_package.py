"""The package face: no UI imports, a sorted public list, and a CLI that answers --help."""

from __future__ import annotations

import subprocess
import sys

import pytest

import segmentation
from segmentation.cli import build_parser, main


def test_importing_the_package_leaves_streamlit_out() -> None:
    code = (
        "import sys, segmentation, segmentation.cli\n"
        "from segmentation.cli import build_parser\n"
        "build_parser()\n"
        "import pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(segmentation.__path__, 'segmentation.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _isort_key(name: str) -> tuple[bool, bool, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions, each alphabetical.
    return (not name.isupper(), not name[0].isupper(), name)


def test_public_names_are_sorted_and_exist() -> None:
    assert list(segmentation.__all__) == sorted(segmentation.__all__, key=_isort_key)
    assert len(set(segmentation.__all__)) == len(segmentation.__all__)
    for name in segmentation.__all__:
        assert hasattr(segmentation, name), name


def test_every_error_is_a_value_error() -> None:
    for name in segmentation.__all__:
        obj = getattr(segmentation, name)
        if isinstance(obj, type) and issubclass(obj, Exception) and not issubclass(obj, Warning):
            assert issubclass(obj, segmentation.SegmentationError) and issubclass(obj, ValueError)


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", _subcommands())
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert command in capsys.readouterr().out


def test_unknown_subcommand_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    # Usage errors return 2 from main() like every other bad input (argparse would raise SystemExit).
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "invalid choice" in err


def test_console_script_is_installed() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "segmentation", "--help"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0
    assert "demo-data" in out.stdout
