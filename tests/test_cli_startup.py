"""The command line starts fast: building the parser and every ``--help`` import no heavy library.

Not timed (the machine is shared): what is checked is the cause of a slow start, the modules
imported, in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import segmentation._choices as choices
from segmentation.cli import build_parser

HEAVY = ("pandas", "numpy", "sklearn", "scipy", "plotly", "pyarrow", "kneed", "openpyxl", "streamlit")


def _subcommands() -> list[str]:
    action = next(a for a in build_parser()._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[arg-type]


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )


def _heavy_in(modules: list[str]) -> list[str]:
    return sorted({m for m in modules if m.split(".")[0] in HEAVY})


def test_help_and_every_subcommand_help_import_no_heavy_library() -> None:
    code = """
        import contextlib, io, json, sys
        from segmentation.cli import main
        seen = {}
        for argv in [["--help"]] + [[c, "--help"] for c in sys.argv[1:]]:
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    main(argv)
                except SystemExit as exc:
                    assert exc.code == 0, argv
            seen[" ".join(argv)] = sorted(sys.modules)
        print(json.dumps(seen))
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *_subcommands()],
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(done.stdout)
    assert len(seen) == len(_subcommands()) + 1
    for argv, modules in seen.items():
        assert _heavy_in(modules) == [], f"'segmentation {argv}' imported {_heavy_in(modules)}"


def test_importtime_of_segmentation_help_lists_no_heavy_library() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "segmentation", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "sweep" in done.stdout
    imported = [line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    assert "segmentation.cli" in imported  # the report is real
    assert _heavy_in(imported) == []


def test_a_subcommand_gets_its_deferred_imports_when_it_runs() -> None:
    code = """
        import sys
        from segmentation.cli import build_parser
        from segmentation.cli._lazy import import_deferred
        build_parser()
        module = sys.modules["segmentation.cli._cmd_segments"]
        print(hasattr(module, "sweep_k"), "pandas" in sys.modules)
        import_deferred("segmentation.cli._cmd_segments")
        import_deferred("segmentation.cli._cmd_segments")  # the second call is free
        print(module.sweep_k.__module__, "pandas" in sys.modules)
    """
    assert _run(code).stdout.split() == ["False", "False", "segmentation.segments.choosing_k", "True"]


def test_a_deferred_block_holds_only_imports(tmp_path: Path) -> None:
    code = """
        import sys
        from pathlib import Path
        folder = Path(sys.argv[1])
        (folder / "deferring.py").write_text(
            "from segmentation.cli._lazy import DEFERRED\\n"
            "if DEFERRED:\\n"
            "    import json\\n"
            "    VALUE = 1\\n"
        )
        sys.path.insert(0, str(folder))
        import deferring
        from segmentation.cli._lazy import import_deferred
        try:
            import_deferred("deferring")
        except ImportError as exc:
            print("refused:", exc)
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "refused:" in done.stdout and "only import statements" in done.stdout


def test_choices_listed_in_help_are_the_implemented_ones() -> None:
    from segmentation.demo import shop as demo
    from segmentation.recommendations import DEFAULT_MODEL, MODELS
    from segmentation.segments import clustering

    assert clustering.ALGORITHMS == choices.ALGORITHMS and clustering.MAX_K == choices.MAX_K
    assert tuple(MODELS) == choices.RECOMMENDERS
    assert DEFAULT_MODEL == choices.DEFAULT_RECOMMENDER
    assert (demo.DEFAULT_DEMO_SEED, demo.DEFAULT_DEMO_CUSTOMERS) == (
        choices.DEFAULT_DEMO_SEED,
        choices.DEFAULT_DEMO_CUSTOMERS,
    )


def test_a_reader_that_stops_early_is_not_an_error() -> None:
    """`segmentation … | head` ends quietly (exit 141, as shells report), not with "internal error"."""
    data = Path(__file__).resolve().parents[1] / "data" / "demo_customers.csv"
    child = subprocess.Popen(
        [sys.executable, "-m", "segmentation", "inspect", str(data), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader goes away before the command writes anything
    errors = child.stderr.read().decode()
    child.stderr.close()
    assert child.wait(timeout=120) == 141
    assert errors == ""
