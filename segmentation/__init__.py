"""Customer segmentation for marketers: loading, features, segments, personas, recommendations, campaigns.

No user-interface code lives here; the Streamlit app and the ``segmentation`` command line
both call these functions.
"""

from __future__ import annotations

from segmentation._errors import (
    ColumnError,
    DataLoadError,
    DataQualityWarning,
    ModelFileError,
    ParameterError,
    SegmentationError,
    SegmentationWarning,
)

__all__ = [
    "ColumnError",
    "DataLoadError",
    "DataQualityWarning",
    "ModelFileError",
    "ParameterError",
    "SegmentationError",
    "SegmentationWarning",
]
