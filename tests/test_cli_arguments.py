"""Every bad command-line value stops at the edge: exit code 2 and one line on stderr, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from segmentation.cli import main

CUSTOMERS = "id,name,age,income\n1,Ann,30,40.5\n2,Bob,40,50.25\n3,Cy,50,60\n4,Di,22,33\n5,Ed,61,70\n"


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, str]:
    customers = tmp_path / "customers.csv"
    customers.write_text(CUSTOMERS, encoding="utf-8")
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02\x03 not a table")
    return {
        "FILE": str(customers),
        "PDF": str(binary),
        "OUT": str(tmp_path / "out.csv"),
        "DIR": str(tmp_path / "demo"),
    }


# (subcommand and its required arguments, with FILE/OUT/DIR placeholders)
_COMMANDS = {
    "sweep": ["sweep", "FILE", "--features", "age,income"],
    "segment": ["segment", "FILE", "--features", "age,income", "--k", "2", "-o", "OUT"],
    "export": ["export", "FILE", "-o", "OUT", "--no-consent-check"],
    "recommend": ["recommend", "FILE", "-o", "OUT"],
    "evaluate-recs": ["evaluate-recs", "FILE"],
    "demo-data": ["demo-data", "DIR"],
}
_SEEDED = ("sweep", "segment", "export", "demo-data")
_BAD_SEEDS = ("-1", "99999999999", "4294967296", "1.5", "abc", "")

_CASES = [
    *[
        pytest.param(command, ["--seed", bad], id=f"{command}--seed={bad}")
        for command in _SEEDED
        for bad in _BAD_SEEDS
    ],
    *[
        pytest.param(command, [flag, bad], id=f"{command}{flag}={bad}")
        for command, flag in (("segment", "--k"), ("sweep", "--k-min"), ("sweep", "--k-max"))
        for bad in ("0", "1", "31", "-3", "two", "2.5")
    ],
    pytest.param("sweep", ["--k-min", "5", "--k-max", "3"], id="sweep-k-min-above-k-max"),
    *[
        pytest.param(command, [flag, bad], id=f"{command}{flag}={bad}")
        for command, flag in (("export", "--top-n"), ("recommend", "--top-n"), ("evaluate-recs", "--k"))
        for bad in ("0", "-2", "ten")
    ],
    *[
        pytest.param("export", ["--holdout", bad], id=f"export--holdout={bad}")
        for bad in ("1.5", "-0.1", "nan", "inf", "a")
    ],
    pytest.param("demo-data", ["--customers", "0"], id="demo-data--customers=0"),
    pytest.param("segment", ["--algorithm", "magic"], id="segment--algorithm=magic"),
]


def _argv(command: str, extra: list[str], files: dict[str, str]) -> list[str]:
    return [files.get(part, part) for part in _COMMANDS[command]] + extra


def _assert_one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err


@pytest.mark.parametrize(("command", "extra"), _CASES)
def test_bad_value_exits_2_with_one_line(
    command: str, extra: list[str], files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_argv(command, extra, files)) == 2
    err = _assert_one_line_error(capsys)
    assert err.startswith(f"segmentation {command}: error:")
    assert extra[0] in err  # the message names the flag, so the value (not the file) was refused


@pytest.mark.parametrize("command", ["sweep", "segment", "export", "recommend", "evaluate-recs"])
def test_unsupported_file_exits_2(
    command: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = _argv(command, [], files)
    argv[1] = files["PDF"]
    assert main(argv) == 2
    assert "scan.pdf" in _assert_one_line_error(capsys)


@pytest.mark.parametrize("command", ["sweep", "segment", "export", "recommend", "evaluate-recs", "inspect"])
def test_missing_file_exits_2(
    command: str, files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = _argv(command, [], files) if command != "inspect" else ["inspect", "FILE"]
    argv[1] = str(tmp_path / "nowhere.csv")
    assert main(argv) == 2
    assert "nowhere.csv" in _assert_one_line_error(capsys)


def test_seed_messages_name_the_range(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_argv("sweep", ["--seed", "99999999999"], files)) == 2
    err = capsys.readouterr().err
    assert "99999999999" in err and "4294967295" in err


@pytest.mark.parametrize("seed", ["0", "4294967295"])
def test_seeds_at_the_ends_of_the_range_are_accepted(
    seed: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_argv("segment", ["--seed", seed], files)) == 0
    assert "Wrote" in capsys.readouterr().out


def test_holdout_zero_is_a_share(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 0 (no control group) is a share; argument checking must not refuse it.
    segmented = tmp_path / "segmented.csv"
    segmented.write_text(
        "id,email,segment,segment_name\n1,a@x.com,0,Loyal\n2,b@x.com,1,New\n3,c@x.com,0,Loyal\n",
        encoding="utf-8",
    )
    out = tmp_path / "list.csv"
    argv = ["export", str(segmented), "-o", str(out), "--no-consent-check", "--holdout", "0"]
    assert main(argv) == 0, capsys.readouterr().err
    assert out.read_text(encoding="utf-8").count("@x.com") == 3
