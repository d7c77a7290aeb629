"""Reading a Parquet file within a cell and memory limit, checked before the table is built.

Private helper of :mod:`segmentation.io.loading`. A Parquet file of half a megabyte can hold fifty
million copies of one long text, dictionary-encoded: unpacked, that is gigabytes, and reading it
whole (``pd.read_parquet``) allocates them at once. So the footer's rows × columns are checked
against the cell limit, the file is read in batches of rows, a first batch tells how many bytes
a row takes once unpacked, and that estimate and then a running count over the batches are
checked against the memory limit. The table is built
while holding its share of :data:`~segmentation.io.limits.MATERIALISE_GATE`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from segmentation.errors import DataLoadError
from segmentation.io.limits import MATERIALISE_GATE, format_count
from segmentation.io.source import Content, format_size

__all__ = ["read_parquet_frame"]

_BATCH_ROWS = 65_536
_MEMORY_FACTOR = 2  # Arrow batches, then the pandas frame built from them


def _unpacked_nbytes(batch: Any) -> int:
    """Bytes of ``batch`` once dictionary-encoded text columns are unpacked to one string per row."""
    total = 0
    for column in batch.columns:
        if pa.types.is_dictionary(column.type):
            lengths = pc.binary_length(column.dictionary).fill_null(0)
            total += int(pc.sum(pc.take(lengths, column.indices)).as_py() or 0) + 8 * len(column)
        else:
            total += column.nbytes
    return total


def read_parquet_frame(content: Content, *, display: str, max_cells: int, max_memory: int) -> pd.DataFrame:
    """Read a Parquet file in batches after checking its footer; refuses files over the limits.

    Columns stored as dictionaries (pandas categoricals) stay so while read; their unpacked size,
    which the frame reaches once text is tidied, is what is counted.
    """
    parquet = pq.ParquetFile(content.readable())
    metadata = parquet.metadata
    n_rows, n_columns = metadata.num_rows, metadata.num_columns
    if n_rows * n_columns > max_cells:
        raise DataLoadError(
            f"{display} declares {format_count(n_rows * n_columns)} cells ({n_rows:,} rows × {n_columns:,} "
            f"columns), over the {format_count(max_cells)} cell limit; filter or split it (for "
            "example by date range) and load the parts you need."
        )
    declared = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))

    def over_budget(n_bytes: float) -> DataLoadError:
        return DataLoadError(
            f"{display} would need about {format_size(int(n_bytes))} of memory once unpacked ({n_rows:,} "
            f"rows), over the {format_size(max_memory)} memory limit; filter or split it and load "
            "the parts you need."
        )

    if _MEMORY_FACTOR * declared > max_memory:
        raise over_budget(_MEMORY_FACTOR * declared)
    batches = parquet.iter_batches(batch_size=_BATCH_ROWS)
    first = next(batches, None)
    if first is None or n_rows == 0:
        return pd.DataFrame()
    # repeated values unpack far beyond the footer's sizes: measure a real batch, then keep counting
    running = _unpacked_nbytes(first)
    estimate = _MEMORY_FACTOR * max(declared, running / max(first.num_rows, 1) * n_rows)
    if estimate > max_memory:
        raise over_budget(estimate)
    with MATERIALISE_GATE.reserve(int(estimate), name=display):
        read, n_read = [first], first.num_rows
        for batch in batches:
            running += _unpacked_nbytes(batch)
            n_read += batch.num_rows
            if _MEMORY_FACTOR * running > max_memory:
                raise over_budget(_MEMORY_FACTOR * running / n_read * n_rows)
            read.append(batch)
        table = pa.Table.from_batches(read, schema=parquet.schema_arrow)
        del read
        return table.to_pandas(self_destruct=True)
