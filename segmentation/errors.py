"""Exceptions and warnings raised by the segmentation package.

Every error a user can cause is a :class:`SegmentationError`, so the app and the
command line can show its message instead of a traceback::

    ValueError
     └── SegmentationError          any problem with the user's input or options
          ├── DataLoadError         a file cannot be read as a table
          ├── ColumnError           a column is missing, ambiguous or of the wrong kind
          ├── ParameterError        an option is out of range (k, shares, sizes ...)
          ├── ModelFileError        a saved model file is unreadable or does not fit the data
          └── WorkspaceError        the workspace cannot be opened, or a stored item is missing
               └── NameTakenError   a name is in use already (ask before replacing)

    UserWarning
     └── SegmentationWarning        something worth a look that does not stop the work
          └── DataQualityWarning    suspicious values that were handled (dropped, imputed ...)

Messages are sentences a marketer can act on: they name the file, column, row or value.
"""

from __future__ import annotations

__all__ = [
    "ColumnError",
    "DataLoadError",
    "DataQualityWarning",
    "ModelFileError",
    "NameTakenError",
    "ParameterError",
    "SegmentationError",
    "SegmentationWarning",
    "WorkspaceError",
]


class SegmentationError(ValueError):
    """Base class of every error caused by the user's data or options."""


class DataLoadError(SegmentationError):
    """A file cannot be read as a table (empty, binary, too large, unreadable)."""


class ColumnError(SegmentationError):
    """A needed column is missing, ambiguous, or holds values of the wrong kind."""


class ParameterError(SegmentationError):
    """An option is out of its allowed range (for example k larger than the number of customers)."""


class ModelFileError(SegmentationError):
    """A saved model file cannot be read or does not match the data it is applied to."""


class WorkspaceError(SegmentationError):
    """The workspace cannot be opened or used (unreachable, newer, corrupt), or a stored item is missing."""


class NameTakenError(WorkspaceError):
    """A stored item of that kind already has this name; replacing it needs the user's say-so."""


class SegmentationWarning(UserWarning):
    """Something worth a look that does not stop the work."""


class DataQualityWarning(SegmentationWarning):
    """Suspicious values were found and handled (dropped, imputed, grouped)."""
