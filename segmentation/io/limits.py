"""Resource limits for reading files, and the process-wide gate around materialising big ones.

Private helper of :mod:`segmentation.io.loading`. Three limits bound what one load may cost:

* ``max_bytes``: the size of the file and of anything unpacked from it (gzip, zip, the XML parts
  of a workbook);
* ``max_cells``: filled cells of a sheet, or rows × columns of a Parquet file;
* ``max_memory``: the estimated memory the loaded table needs, checked *before* it is built (from a
  workbook's part sizes, a Parquet footer and a first batch) and again while reading.

Design of the gate: a Streamlit server runs every session's script in threads of one process, so
two marketers uploading big files at once would each pass their own limits and together exhaust
the machine. :data:`MATERIALISE_GATE` is a byte-counting semaphore (a :class:`threading.Condition`
over "bytes reserved") sized by :data:`DEFAULT_MAX_MEMORY`. Loads whose estimate is under
:data:`_UNGATED_BYTES` pass straight through (small files never wait); a big load reserves its
estimate for as long as it materialises the table and waits while other loads hold the budget. A
load that cannot get its share within :data:`GATE_TIMEOUT_SECONDS` fails with a
:class:`DataLoadError` asking to try again, rather than queueing forever. A single load larger
than the whole budget is refused by its own ``max_memory`` check before it reaches the gate.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from segmentation.errors import DataLoadError

__all__ = [
    "DEFAULT_MAX_CELLS",
    "DEFAULT_MAX_MEMORY",
    "GATE_TIMEOUT_SECONDS",
    "MATERIALISE_GATE",
    "MemoryGate",
    "format_count",
]

DEFAULT_MAX_CELLS = 50_000_000
_GIB = 1024**3


def _machine_memory() -> int | None:
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # not available on every platform
        return None


def _default_max_memory() -> int:
    machine = _machine_memory()
    # a quarter of the machine leaves room for the app, other sessions and the analysis after loading
    return 4 * _GIB if machine is None else max(_GIB // 2, min(4 * _GIB, machine // 4))


DEFAULT_MAX_MEMORY = _default_max_memory()
GATE_TIMEOUT_SECONDS = 300.0
_UNGATED_BYTES = 64 * 1024**2


def format_count(n: int) -> str:
    """A count in words for messages: ``"17.2 billion"``, ``"50 million"``, ``"12,345"``."""
    for size, word in ((10**9, "billion"), (10**6, "million")):
        if n >= size:
            value = n / size
            return f"{value:.0f} {word}" if value == int(value) or value >= 100 else f"{value:.1f} {word}"
    return f"{n:,}"


class MemoryGate:
    """A semaphore counted in bytes: at most ``budget`` bytes of tables are materialised at once.

    Parameters
    ----------
    budget
        Bytes that loads may reserve together.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._reserved = 0
        self._condition = threading.Condition()

    @property
    def reserved(self) -> int:
        """Bytes currently reserved by running loads."""
        with self._condition:
            return self._reserved

    @contextmanager
    def reserve(self, n_bytes: int, *, name: str, timeout: float = GATE_TIMEOUT_SECONDS) -> Iterator[None]:
        """Hold ``n_bytes`` of the budget while the block runs; small requests pass without waiting.

        Raises :class:`DataLoadError` naming ``name`` when the budget stays taken for ``timeout``
        seconds.
        """
        if n_bytes < _UNGATED_BYTES:
            yield
            return
        share = min(n_bytes, self.budget)
        with self._condition:
            granted = self._condition.wait_for(lambda: self._reserved + share <= self.budget, timeout)
            if not granted:
                raise DataLoadError(
                    f"{name} is large and other large files are being read right now; "
                    "try again in a few minutes."
                )
            self._reserved += share
        try:
            yield
        finally:
            with self._condition:
                self._reserved -= share
                self._condition.notify_all()


MATERIALISE_GATE = MemoryGate(DEFAULT_MAX_MEMORY)
