"""Run one benchmark measurement in a fresh Python process: wall seconds and peak memory.

A *setup function* ``setup(**kwargs) -> Callable[[], dict]`` lives in a benchmark file. It prepares
the inputs (generating data is not measured) and returns the work to measure. :func:`measure`
starts a new interpreter on this file, which

1. loads the benchmark file and calls ``setup(**kwargs)``;
2. notes the resident memory (``VmRSS``) as the baseline, then resets the peak to it (writing
   ``5`` to ``/proc/self/clear_refs``) so the high-water mark belongs to the work alone;
3. times the work and reads the peak resident memory (``VmHWM``) afterwards;
4. prints one JSON line on stdout: ``seconds``, ``peak_mb``, ``baseline_mb``, ``peak_reset`` and
   ``details`` (the dict the work returned). Anything the work prints goes to stderr.

A fresh process matters: ``VmHWM`` belongs to one address space and starts afresh at ``exec``,
whereas ``ru_maxrss`` keeps the parent's peak across fork and exec on Linux.

Usage (internal; :func:`measure` builds the command)::

    python benchmarks/_harness.py FILE SETUP_FUNCTION '{"n": 1000}'
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class BenchmarkError(RuntimeError):
    """A measurement did not finish: the child failed, printed no result or ran out of time."""


@dataclass(frozen=True)
class Measurement:
    """What one fresh-process run of a setup function's work took.

    ``seconds`` is the wall time of the work; ``peak_mb`` the process's peak resident memory during
    the work (setup's memory included when the peak could not be reset, see ``peak_reset``);
    ``baseline_mb`` the resident memory just before the work (interpreter, libraries, inputs);
    ``details`` what the work returned.
    """

    seconds: float
    peak_mb: float
    baseline_mb: float
    peak_reset: bool
    details: dict[str, Any]

    @property
    def added_mb(self) -> float:
        """Memory the work added on top of what was resident before it."""
        return max(self.peak_mb - self.baseline_mb, 0.0)


def measure(script: Path, setup: str, *, timeout: float | None = None, **kwargs: Any) -> Measurement:
    """Run ``setup(**kwargs)`` from ``script`` and its work in a fresh interpreter.

    Parameters
    ----------
    script : Path
        The benchmark file defining ``setup``.
    setup : str
        Name of the setup function; it returns the zero-argument work to measure.
    timeout : float, optional
        Seconds before the child is killed and :class:`BenchmarkError` raised.
    **kwargs
        JSON-serialisable keyword arguments for ``setup``.

    Raises
    ------
    BenchmarkError
        The child exited with an error, printed no JSON result or exceeded ``timeout``.
    """
    command = [sys.executable, str(Path(__file__).resolve()), str(script), setup, json.dumps(kwargs)]
    where = f"{Path(script).name}:{setup}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BenchmarkError(f"{where} did not finish within {timeout:.0f} s.") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no error output"])[-1]
        raise BenchmarkError(f"{where} failed (exit {done.returncode}): {last}")
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise BenchmarkError(f"{where} printed no result.")
    return Measurement(**json.loads(lines[-1]))


def _status_mb(field: str) -> float:
    """One memory field (``VmRSS``, ``VmHWM``) of this process in MB; ``ru_maxrss`` off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _reset_peak() -> bool:
    """Set this process's peak resident memory to its current value (Linux 4.0+)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _load(script: Path) -> Any:
    """Import a benchmark file by path, with its folder importable (for its sibling scripts)."""
    folder = str(script.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(script.stem, script)
    if spec is None or spec.loader is None:
        raise BenchmarkError(f"{script} is not a Python file.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[script.stem] = module  # dataclasses and pickling look modules up by name
    spec.loader.exec_module(module)
    return module


def _child(script: Path, setup_name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Set up, then measure the work in this process (the fresh interpreter)."""
    with contextlib.redirect_stdout(sys.stderr):  # stdout carries only the JSON result
        work: Callable[[], dict[str, Any]] = getattr(_load(script), setup_name)(**kwargs)
        gc.collect()
        baseline = _status_mb("VmRSS")
        peak_reset = _reset_peak()
        started = time.perf_counter()
        details = work()
        seconds = time.perf_counter() - started
        peak = _status_mb("VmHWM")
    return {
        "seconds": seconds,
        "peak_mb": peak,
        "baseline_mb": baseline,
        "peak_reset": peak_reset,
        "details": details,
    }


if __name__ == "__main__":
    _script, _setup, _kwargs = sys.argv[1:4]
    print(json.dumps(_child(Path(_script), _setup, json.loads(_kwargs))))
