"""The labels of segments: segment numbers 0, 1, ... and the two labels of customers in no segment.

Defined once here and used by clustering, scoring, personas, campaigns, the CLI and the app.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = [
    "NOT_SEGMENTED",
    "NOT_SEGMENTED_NAME",
    "NO_DATA_NAME",
    "UNASSIGNED",
    "UNASSIGNED_NAME",
    "label_name",
    "segment_name_column",
]

#: The two labels of customers in no segment, defined here once. ``UNASSIGNED``: the density
#: method found them in no dense group (they were clustered). ``NOT_SEGMENTED``: they were never
#: clustered, because every chosen feature is blank (``NO_DATA_NAME``) or a feature set to "drop"
#: is missing (``NOT_SEGMENTED_NAME``). Neither gets a persona or enters campaigns by default.
UNASSIGNED = -1
NOT_SEGMENTED = -2
UNASSIGNED_NAME = "Unassigned"
NOT_SEGMENTED_NAME = "Not segmented (missing values)"
NO_DATA_NAME = "Not segmented (no data)"


def label_name(label: int, names: Mapping[int, str]) -> str:
    """The name of one segment label: ``names[label]``, or the fixed names of -1 and -2."""
    if label == UNASSIGNED:
        return UNASSIGNED_NAME
    if label == NOT_SEGMENTED:
        return NO_DATA_NAME
    return names.get(int(label), f"Segment {int(label)}")


def segment_name_column(
    labels: np.ndarray,
    names: Mapping[int, str],
    *,
    not_segmented: np.ndarray | None = None,
    no_data: np.ndarray | None = None,
) -> np.ndarray:
    """A name per row (object array of shape (n_rows,)).

    ``names[label]`` for segments, "Unassigned" for -1, "Not segmented (no data)" for -2; rows
    flagged in ``not_segmented`` (missing a "drop" feature) read "Not segmented (missing values)"
    unless they are flagged in ``no_data`` (no value in any feature).
    """
    labels = np.asarray(labels)
    unique, inverse = np.unique(labels, return_inverse=True)
    out = np.array([label_name(int(label), names) for label in unique], dtype=object)[inverse.reshape(-1)]
    if not_segmented is not None:
        out[np.asarray(not_segmented, dtype=bool)] = NOT_SEGMENTED_NAME
    if no_data is not None:
        out[np.asarray(no_data, dtype=bool)] = NO_DATA_NAME
    return out
