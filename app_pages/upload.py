"""Reading an uploaded file in the app: one place that turns upload problems into ``st.error``."""

from __future__ import annotations

import hashlib

import streamlit as st

from segmentation import LoadedTable, ReadOptions, SegmentationError, load_table

UPLOAD_TYPES = ["csv", "tsv", "txt", "gz", "zip", "xlsx", "parquet"]


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@st.cache_data(show_spinner="Reading the file…", max_entries=8)
def _load(_data: bytes, sha256: str, name: str, options_key: str, _options: ReadOptions) -> LoadedTable:
    return load_table(_data, name=name, options=_options)


def read_upload(uploaded: object, *, options: ReadOptions | None = None) -> tuple[LoadedTable, str] | None:
    """Load an ``st.file_uploader`` file; on bad input show ``st.error`` and return None.

    Returns the loaded table and the SHA-256 of the file's bytes (for caching and manifests).
    """
    data = uploaded.getvalue()  # type: ignore[attr-defined]
    name = str(uploaded.name)  # type: ignore[attr-defined]
    sha256 = file_sha256(data)
    try:
        options = options or ReadOptions()
        return _load(data, sha256, name, repr(options), options), sha256
    except SegmentationError as exc:
        st.error(f"**{name}** could not be used: {exc}")
    except Exception as exc:  # a user's file must never crash the page
        st.error(
            f"**{name}** could not be read ({type(exc).__name__}: {exc}). Try saving it as a plain "
            "CSV file, or set how it is read under 'How the file was read'."
        )
    return None
