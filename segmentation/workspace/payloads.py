"""Parquet payloads named by the SHA-256 of their bytes: the same table is stored once.

Files are written to a temporary name and renamed into place, so a process killed mid-write
leaves no half file under a payload's name. :func:`shred` overwrites a file's bytes before
unlinking it (used when a customer is forgotten).
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from segmentation.errors import WorkspaceError

__all__ = ["Payload", "payload_path", "read_payload", "shred", "table_bytes", "write_payload"]


class Payload:
    """A table's Parquet bytes and their hash (before they are written)."""

    __slots__ = ("data", "n_rows", "sha256")

    def __init__(self, data: bytes, n_rows: int) -> None:
        self.data = data
        self.n_rows = n_rows
        self.sha256 = hashlib.sha256(data).hexdigest()


def table_bytes(frame: pd.DataFrame) -> Payload:
    """``frame`` as Parquet bytes (index dropped; column names as text), with its content hash.

    Pandas' own metadata is left out so that the same content gives the same bytes.
    """
    clean = frame.reset_index(drop=True)
    clean.columns = [str(c) for c in clean.columns]
    try:
        table = pa.Table.from_pandas(clean, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # A text column holding a few numbers too (as typed by hand): stored as text.
        mixed = {
            str(c): clean[c].astype("str").where(clean[c].notna()) for c in clean if clean[c].dtype == object
        }
        table = pa.Table.from_pandas(clean.assign(**mixed), preserve_index=False)
    table = table.replace_schema_metadata(None)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return Payload(sink.getvalue(), len(clean))


def payload_path(folder: Path, sha256: str) -> Path:
    """Where the payload ``sha256`` lives in ``folder``."""
    return folder / sha256[:2] / f"{sha256}.parquet"


def write_payload(folder: Path, payload: Payload) -> Path:
    """Write ``payload`` unless a file of that hash is already there; returns its path."""
    path = payload_path(folder, payload.sha256)
    if path.is_file() and path.stat().st_size == len(payload.data):
        return path
    path.parent.mkdir(mode=0o700, exist_ok=True)
    temporary = path.with_name(f".{uuid.uuid4().hex}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(payload.data)
    os.replace(temporary, path)
    return path


def read_payload(folder: Path, sha256: str, *, what: str) -> pd.DataFrame:
    """The table stored as ``sha256``; a missing or damaged file is a WorkspaceError naming it."""
    path = payload_path(folder, sha256)
    try:
        return pq.read_table(path).to_pandas()
    except FileNotFoundError as exc:
        raise WorkspaceError(f"the stored table of {what} is missing: {path} is not there.") from exc
    except (OSError, pa.ArrowException) as exc:
        raise WorkspaceError(f"the stored table of {what} is damaged: {path} ({exc}).") from exc


def shred(path: Path) -> None:
    """Overwrite ``path``'s bytes with zeros, flush them to disk, then delete it (missing: nothing to do)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with open(path, "r+b") as handle:
        handle.write(b"\0" * size)
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
