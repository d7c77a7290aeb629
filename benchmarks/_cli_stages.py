"""Benchmarks from the user's entry point: the ``segmentation`` command on files, and its start-up.

Rows beside the in-memory stages of ``_stages.py`` (``run.py`` reports both):

* ``cli sweep``: the whole ``segmentation sweep FILE --features ...`` call on a seeded CSV of
  8 numeric columns (loading, role inference, conversion, preprocessing, sweep 2..10, stability
  and output, in a process of its own) against ``plain_sweep.py`` (pandas + ``KMeans(n_init=10)``
  + ``silhouette_score(sample_size=10000)`` per k) on the same file, in the same run;
* ``cli start-up``: wall seconds of ``segmentation --help`` and of each subcommand's ``--help``
  (median of 5 runs each).

Both commands are started by a measured child (:func:`_harness.measure`), so *seconds* is the
wall time of the whole command, interpreter start-up and imports included, and *peak MB* the
command's own peak (``RUSAGE_CHILDREN``).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _harness import BenchmarkError, measure
from _stages import TIMEOUT, Check, Row, Stage, Work, count_label, row, scaled

HERE = Path(__file__).resolve()
PLAIN = HERE.parent / "plain_sweep.py"
FEATURES = ",".join(f"feature_{i}" for i in range(8))
STARTUP_RUNS = 5
STARTUP_TARGET = 0.5
# The plain approach at 1M rows takes many minutes; the whole-call comparison is made at small and
# medium (the 100k target).
_PLAIN_SIZES = ("small", "medium")


def _command() -> list[str]:
    """The installed ``segmentation`` script next to this interpreter, else ``python -m segmentation``."""
    script = Path(sys.executable).with_name("segmentation")
    return [str(script)] if script.exists() else [sys.executable, "-m", "segmentation"]


# -- setup functions: run in the measured child ------------------------------------------------


def cli_generate(path: str, n: int) -> Work:
    """Write ``bench_sweep``'s blobs (8 features, 6 centres) as a CSV, at full precision."""
    import bench_sweep

    def work() -> dict[str, Any]:
        bench_sweep._blobs(n, 0).to_csv(path, index=False)
        return {"csv_mb": Path(path).stat().st_size / 2**20}

    return work


def cli_run(argv: list[str]) -> Work:
    """Run one command to completion; its peak memory is read from ``RUSAGE_CHILDREN``."""
    import resource

    def work() -> dict[str, Any]:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no error output"])[-1]
            raise BenchmarkError(f"{' '.join(argv[:3])} ... failed (exit {done.returncode}): {last}")
        lines = done.stdout.strip().splitlines()
        return {
            "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "last_line": lines[-1] if lines else "",
            "output": done.stdout[-4000:],
        }

    return work


# -- collectors: run in the parent ---------------------------------------------------------------


def _recommended(output: str) -> str:
    for line in output.splitlines():
        if line.startswith("Recommended k:"):
            return "k=" + line.split(".")[0].removeprefix("Recommended k: ")
        if line.startswith("best silhouette:"):
            return line.removeprefix("best silhouette: ")
    return "?"


def collect_cli_sweep(size: str) -> list[Row]:
    """``segmentation sweep`` on a 100k × 8 CSV at medium (1M at large) against the plain script."""
    n = scaled(1_000_000, size)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "customers.csv")
        generated = measure(HERE, "cli_generate", path=path, n=n, timeout=TIMEOUT)
        ours_argv = [*_command(), "sweep", path, "--features", FEATURES]
        plain_argv = [sys.executable, str(PLAIN), path, "--features", FEATURES]
        ours = measure(HERE, "cli_run", argv=ours_argv, timeout=TIMEOUT)
        plain = measure(HERE, "cli_run", argv=plain_argv, timeout=TIMEOUT) if size in _PLAIN_SIZES else None
    detail = f"CSV {generated.details['csv_mb']:.1f} MB; recommended {_recommended(ours.details['output'])}"
    ratio, checks = "—", []
    if plain is not None:
        speedup = plain.seconds / ours.seconds
        ratio = f"{speedup:.1f}× (plain {plain.seconds:.0f} s)"
        detail += f", plain's best silhouette: {_recommended(plain.details['output'])}"
        if size == "medium":
            checks.append(Check("≥ 5× plain", speedup >= 5))
    return [
        row(
            "cli sweep FILE (whole call)",
            f"{size} · {count_label(n)} × 8 CSV",
            ours.seconds,
            ours.details["peak_mb"],
            checks=checks,
            detail=detail,
            ratio=ratio,
        )
    ]


def _subcommands() -> list[str]:
    """Subcommand names, asked of the command itself (this process stays free of the package)."""
    code = (
        "import json; from segmentation.cli import build_parser\n"
        "action = next(a for a in build_parser()._actions if a.dest == 'command')\n"
        "print(json.dumps(sorted(action.choices)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return list(json.loads(done.stdout))


def _median_seconds(argv: list[str]) -> float:
    times = []
    for _ in range(STARTUP_RUNS):
        started = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise BenchmarkError(f"{' '.join(argv)} exited {done.returncode}.")
    return statistics.median(times)


def collect_cli_startup() -> list[Row]:
    """Median wall seconds of ``segmentation --help`` and of every subcommand's ``--help``."""
    command = _command()
    top = _median_seconds([*command, "--help"])
    subcommands = {name: _median_seconds([*command, name, "--help"]) for name in _subcommands()}
    slowest = max(subcommands, key=lambda name: subcommands[name])
    target = f"< {STARTUP_TARGET} s"
    listed = ", ".join(f"{name} {seconds:.2f}" for name, seconds in subcommands.items())
    return [
        row(
            "cli start-up: segmentation --help",
            f"median of {STARTUP_RUNS}",
            top,
            None,
            checks=[Check(target, top < STARTUP_TARGET)],
            detail="no pandas, scikit-learn or SciPy imported (tests/test_cli_startup.py)",
        ),
        row(
            "cli start-up: slowest COMMAND --help",
            f"{len(subcommands)} subcommands, median of {STARTUP_RUNS}",
            subcommands[slowest],
            None,
            checks=[Check(f"every one {target}", subcommands[slowest] < STARTUP_TARGET)],
            detail=f"slowest {slowest}; seconds: {listed}",
        ),
    ]


CLI_STAGES: dict[str, Stage] = {"cli": Stage(collect_cli_sweep, once=collect_cli_startup)}
