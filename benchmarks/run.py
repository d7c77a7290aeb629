"""One benchmark report: every stage at small/medium/large sizes, as a markdown table.

Usage::

    python benchmarks/run.py                                  # everything (large takes ~15 min)
    python benchmarks/run.py --sizes small                    # smoke check, well under a minute
    python benchmarks/run.py --sizes medium,large --stages sweep,recs --out /tmp/results.md

Each measurement runs in a fresh Python process (``benchmarks/_harness.py``) so its peak memory
is the stage's own. Sizes: large = the targets' sizes, medium = large ÷ 10, small = large ÷ 100.
The table goes to ``--out`` (default ``benchmarks/RESULTS.md``, included by the README) and stdout.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import bench_spark
from _cli_stages import CLI_STAGES
from _harness import BenchmarkError
from _stages import SIZES, SWEEP_EXACT, SWEEP_REFERENCE, Row, Stage
from _stages import STAGES as IN_MEMORY_STAGES
from bench_clv import collect as collect_clv
from bench_propensity import collect_propensity
from bench_workspace import WORKSPACE_STAGES

DEFAULT_OUT = Path(__file__).resolve().parent / "RESULTS.md"
# In-memory stages first, then the command line on files (and its start-up), then the workspace.
STAGES = {
    **IN_MEMORY_STAGES,
    "clv": Stage(collect_clv),
    "propensity": Stage(collect_propensity),
    **CLI_STAGES,
    **WORKSPACE_STAGES,
    "spark": Stage(bench_spark.collect),
}
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _choices(text: str, allowed: Sequence[str], what: str) -> list[str]:
    """Comma-separated names, each one of ``allowed``, in the order of ``allowed``."""
    wanted = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in allowed]
    if unknown or not wanted:
        raise argparse.ArgumentTypeError(
            f"unknown {what} {', '.join(unknown) or '(none given)'}; choose from {','.join(allowed)}."
        )
    return [name for name in allowed if name in wanted]


def _versions() -> str:
    """Python and the numeric libraries' versions, without importing them."""
    parts = [f"Python {sys.version.split()[0]}"]
    for package in ("numpy", "pandas", "scikit-learn", "scipy"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package} (not installed)")
    return ", ".join(parts)


def _threads() -> str:
    """How many threads the numeric libraries were allowed."""
    chosen = sorted({os.environ[v] for v in _THREAD_VARIABLES if os.environ.get(v)})
    return f"OpenMP/BLAS threads: {', '.join(chosen)}" if chosen else "library-default threads"


def _cell(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def render(rows: list[Row], *, command: str, started: datetime, load_start: float, load_end: float) -> str:
    """The markdown report: machine line, table, and notes on what was measured."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [
        "## Benchmark results",
        "",
        f"`{command}` on {started:%Y-%m-%d %H:%M} UTC — {cores} cores, load average {load_start:.1f} at "
        f"start and {load_end:.1f} at the end; {_threads()}. The machine is shared with other jobs, so "
        f"the seconds are noisy (runs differ by 30% or more); {_versions()}.",
        "",
        "| stage | size | seconds | peak MB | ratio vs plain | target | result |",
        "|---|---|---:|---:|---|---|---|",
    ]
    lines += [
        f"| {r.stage} | {r.size} | {_cell(r.seconds, 2)} | {_cell(r.peak_mb, 0)} | {r.ratio} | {r.target} "
        f"| {r.result} |"
        for r in rows
    ]
    lines += [
        "",
        "**Notes**",
        "",
        "- Sizes: large = the targets' sizes, medium = large ÷ 10, small = large ÷ 100. Targets are "
        "checked at the size they are set for (the sweep also at its 100k target); other rows show the "
        "numbers only.",
        "- Every measurement runs in a fresh Python process (`benchmarks/_harness.py`). *seconds* is the "
        "wall time of the stage's work without generating its input; *peak MB* is the process's peak "
        "resident memory (VmHWM) during the work, so it includes the interpreter, the libraries and the "
        'input held in memory. "Added memory ≤ 3× data" compares the memory the work added above what '
        "was resident before it with the input's in-memory size (`memory_usage(deep=True)`).",
        "- *ratio vs plain* = plain seconds ÷ our seconds (above 1 = faster than the plain approach). "
        "load: plain is `pandas.read_csv(dtype=str)`, which neither detects the encoding, delimiter "
        "and decimal mark nor profiles the columns as ours does. k sweep: per k, `KMeans(n_init=10)` + "
        "`silhouette_score(sample_size=10000)` on the same scaled matrix; at small and large only "
        "k = 2, 6, 10 are run and the 2..10 total is extrapolated from their mean. Recommendations "
        "quality: the default model's P@10 ÷ that of recommending the most popular items.",
        "- Sampled: the sweep estimates silhouette on one seeded sample of customers shared by every k "
        "(its size is in the row); its "
        "error is measured at the row's size against the silhouette of the same labels at k = 2, 6, 10 "
        f"(exact up to {SWEEP_REFERENCE:,} customers, on a {SWEEP_REFERENCE:,}-customer sample above), "
        f"and at medium and large also against the exact silhouette on {SWEEP_EXACT:,} customers for "
        "k = 2..10. The sweep's peak MB is `ru_maxrss` read by "
        "`bench_sweep.py` right after our sweep (before the plain approach runs).",
        "- Inputs are seeded synthetic data from the per-stage scripts: `bench_load.py` (mixed text "
        "columns with quotes, commas, accents, blanks), `bench_features.py` (~10 lines per customer, 2% "
        "returns, lines as text), `bench_sweep.py` (blobs, 6 centres, 8 features), `bench_personas.py`, "
        "`make_synthetic_interactions` (recommendations; quality on the seed-0 stand-in of a ~100k "
        "ratings set, hyperparameters chosen on seed 1), `bench_export.py` (export seconds = audience + "
        "CSV + ZIP + XLSX; its peak includes the generated customer table).",
        "- *cli* rows time the command a user runs, as a whole process (interpreter start-up, imports, "
        "reading the file included): `segmentation sweep FILE --features ...` on a CSV of "
        "`bench_sweep.py`'s blobs (full-precision decimals such as -5.585988434512) against "
        "`benchmarks/plain_sweep.py` (pandas "
        "`read_csv` + `StandardScaler` + per k `KMeans(n_init=10)` and "
        "`silhouette_score(sample_size=10000)`) "
        "on the same file in the same run; *peak MB* is the command's own peak. Start-up rows: median "
        "wall seconds of 5 runs of `segmentation --help` and of each `segmentation COMMAND --help`.",
    ]
    return "\n".join(lines) + "\n"


def _error_row(stage: str, size: str, error: Exception) -> Row:
    return Row(stage, size, None, None, "—", "—", f"**ERROR** — {type(error).__name__}: {error}")


def run(stages: list[str], sizes: list[str]) -> list[Row]:
    """Measure ``stages`` at ``sizes``; a failing measurement becomes an error row, not a crash."""
    rows: list[Row] = []
    for name in stages:
        stage = STAGES[name]
        jobs: list[tuple[str, Callable[[], list[Row]]]] = [
            (size, functools.partial(stage.collect, size)) for size in sizes
        ]
        if stage.once is not None:
            jobs.append(("once", stage.once))
        for size, job in jobs:
            print(f"[{datetime.now(UTC):%H:%M:%S}] {name} {size} …", file=sys.stderr, flush=True)
            started = time.perf_counter()
            try:
                rows += job()
            # A changed stage script (a missing result key, a new signature) costs its row, not the run.
            except (BenchmarkError, KeyError, TypeError, ValueError) as error:
                rows.append(_error_row(name, size, error))
            print(f"    done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: _choices(text, SIZES, "size"),
        default=list(SIZES),
        help=f"comma-separated, from {','.join(SIZES)} (default: all)",
    )
    parser.add_argument(
        "--stages",
        type=lambda text: _choices(text, list(STAGES), "stage"),
        default=[name for name in STAGES if name != "spark"],
        help=f"comma-separated, from {','.join(STAGES)} (default: all but spark, which needs Java)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown file to write")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="OpenMP/BLAS threads in every measurement (default 0: the libraries' own choice)",
    )
    args = parser.parse_args(argv)
    if args.threads:  # the measured children inherit this process's environment
        for variable in _THREAD_VARIABLES:
            os.environ[variable] = str(args.threads)
    command = ["python benchmarks/run.py"]
    if args.sizes != list(SIZES):
        command.append(f"--sizes {','.join(args.sizes)}")
    if args.stages != list(STAGES):
        command.append(f"--stages {','.join(args.stages)}")
    if args.threads:
        command.append(f"--threads {args.threads}")
    started, load_start = datetime.now(UTC), os.getloadavg()[0]
    rows = run(args.stages, args.sizes)
    load_end = os.getloadavg()[0]
    report = render(
        rows, command=" ".join(command), started=started, load_start=load_start, load_end=load_end
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
