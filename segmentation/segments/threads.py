"""Single-threaded native code for small problems, safe when several sessions compute at once.

``threadpoolctl.threadpool_limits`` saves the libraries' thread counts on entry and puts the
saved values back on exit. For OpenMP that is harmless: its thread count (the ``nthreads-var``
ICV) belongs to the calling thread. A BLAS library (OpenBLAS, MKL) has one thread count for the
whole process, so two overlapping sessions undo each other:

1. session A enters: saves 2 BLAS threads, sets 1;
2. session B enters: saves 1, sets 1;
3. A leaves: sets 2, while B is still computing with what it believes is one thread;
4. B leaves: sets 1, and every later computation of the process runs on one BLAS thread.

(threadpoolctl 3.6+ lets only one "controlling" thread change a process-wide pool and makes
the others' calls silent no-ops, which turns step 4 into "the process keeps one thread".)

Here the BLAS limit is process-wide and reference-counted under a lock: the first section in
sets one thread, the last one out restores what was there before any of them, and control of
the pool is handed back after each change so the last one out can restore it. OpenMP, and
BLAS libraries built on OpenMP, are limited per thread, as their runtimes intend.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import threadpoolctl
from threadpoolctl import ThreadpoolController

__all__ = ["single_threaded"]


class _SharedBlasLimit:
    """One BLAS thread while at least one caller is inside; the original count afterwards."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = 0
        self._limit: AbstractContextManager[object] | None = None

    def enter(self) -> None:
        with self._lock:
            if self._inside == 0:
                self._limit = _controller().limit(limits=1, user_api="blas")
                _hand_back_control()
            self._inside += 1

    def leave(self) -> None:
        with self._lock:
            self._inside -= 1
            if self._inside == 0 and self._limit is not None:
                self._limit.restore_original_limits()  # type: ignore[attr-defined]
                _hand_back_control()
                self._limit = None


def _hand_back_control() -> None:
    """Let another thread change the shared BLAS pool next (a no-op unless this thread holds it)."""
    controller = getattr(threadpoolctl, "OpenBLASController", None)
    clear = getattr(controller, "clear_controlling_thread", None)
    if clear is not None:
        clear()


@functools.cache
def _controller() -> ThreadpoolController:
    # Finding the BLAS/OpenMP libraries takes ~10 ms; do it once, not at every fit.
    return ThreadpoolController()


_BLAS = _SharedBlasLimit()


@contextmanager
def single_threaded(*, openmp: bool = True) -> Iterator[None]:
    """Run BLAS (process-wide, shared) and, with ``openmp``, OpenMP (this thread) on one thread.

    Results then do not depend on how many cores the machine has or on what other sessions are
    doing, and nested or overlapping sections never leave the process with the wrong thread count.
    """
    _BLAS.enter()
    try:
        # Per-thread limits: OpenMP, and BLAS on an OpenMP threading layer (a no-op otherwise).
        with _controller().limit(limits=1, user_api=None if openmp else "blas"):
            yield
    finally:
        _BLAS.leave()
