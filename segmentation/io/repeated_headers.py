"""Finding header rows repeated inside the data: several exports pasted into one file.

Private helper of :mod:`segmentation.io.loading`. A row repeats the header when every named
header cell (at least two) appears, as written, in its column on that row. Such rows would
otherwise turn a number column into text ("order_id" among the order numbers).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["repeated_header_rows"]


def repeated_header_rows(frame: pd.DataFrame, header: Sequence[object]) -> np.ndarray:
    """0-based positions of the rows of ``frame`` (text cells, stripped) that repeat ``header``."""
    written = [(j, "" if h is None else str(h).strip()) for j, h in enumerate(header[: frame.shape[1]])]
    named = [(j, text) for j, text in written if text]
    if len(named) < 2 or frame.empty:
        return np.zeros(0, dtype=np.int64)
    same = np.ones(len(frame), dtype=bool)
    for position, text in named:
        same &= (frame.iloc[:, position] == text).to_numpy(dtype=bool, na_value=False)
        if not same.any():
            break
    return np.flatnonzero(same)
