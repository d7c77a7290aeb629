"""Robustness: random bytes and messy CSV-like files never crash loading or profiling.

Each input ends in a loaded table or a :class:`DataLoadError` naming the file; every later step
(roles, profile, typing, table shape, JSON) either works or raises a SegmentationError. The
examples are derandomized so CI sees the same cases every run. ``ROBUSTNESS_EXAMPLES=500``
in the environment runs a longer hunt.
"""

from __future__ import annotations

import csv
import json
import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_robustness_strategies import (
    TableSpec,
    encode_text,
    messy_csv_files,
    random_byte_files,
    render_table,
    well_formed_tables,
    wrap,
)

from segmentation._errors import DataLoadError, SegmentationError
from segmentation.loading import LoadedTable, ReadOptions, load_table
from segmentation.profiling import coerce_table, detect_table_shape, infer_roles, profile_table

_SCALE = int(os.environ.get("ROBUSTNESS_EXAMPLES", "0"))


def robust_settings(max_examples: int) -> settings:
    """Deterministic settings: same examples every run, no example database, no deadline."""
    return settings(
        max_examples=_SCALE or max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def load_or_clean_error(data: bytes, name: str, options: ReadOptions | None = None) -> LoadedTable | None:
    """Load ``data``; a DataLoadError must name the file, anything else fails the test."""
    try:
        loaded = load_table(data, name=name, options=options)
    except DataLoadError as exc:
        assert name in str(exc) or name.split(".")[0] in str(exc), f"{name!r} not named in: {exc}"
        return None
    assert_valid_table(loaded)
    return loaded


def assert_valid_table(loaded: LoadedTable) -> None:
    frame = loaded.frame
    assert isinstance(frame, pd.DataFrame)
    assert frame.shape[1] >= 1
    names = list(frame.columns)
    assert all(isinstance(c, str) for c in names), names
    assert len(set(names)) == len(names), names
    assert all(c.strip() for c in names), names
    assert len(frame) >= 1
    if loaded.detection.format == "csv":
        assert all(dtype == "str" for dtype in frame.dtypes), frame.dtypes
    assert loaded.detection.decimal in (".", ",")


def analyse(loaded: LoadedTable) -> None:
    """Every profiling step on a loaded table: works, or raises only SegmentationError."""
    frame = loaded.frame
    decimal = loaded.detection.decimal
    try:
        roles = infer_roles(frame)
        assert set(roles) == set(frame.columns)
        profile = profile_table(frame, roles=roles, decimal=decimal)
        assert profile.rows == len(frame)
        typed = coerce_table(frame, roles, decimal=decimal)
        assert typed.shape == frame.shape
        guess = detect_table_shape(frame, roles)
        assert guess.shape in ("customers", "transactions")
        json.dumps(profile.to_dict(file_format=loaded.detection.format))
        json.dumps(profile_table(frame, decimal=decimal).to_dict())
    except SegmentationError:
        pass


# ---- properties -------------------------------------------------------------------------------------


@robust_settings(120)
@given(random_byte_files())
def test_random_bytes_load_or_fail_cleanly(file: tuple[str, bytes]) -> None:
    name, data = file
    loaded = load_or_clean_error(data, name)
    if loaded is not None:
        analyse(loaded)


@robust_settings(150)
@given(messy_csv_files())
def test_messy_csv_files_load_and_profile_or_fail_cleanly(file: tuple[str, bytes]) -> None:
    name, data = file
    loaded = load_or_clean_error(data, name)
    if loaded is not None:
        analyse(loaded)


@robust_settings(40)
@given(
    messy_csv_files(),
    st.builds(
        ReadOptions,
        encoding=st.sampled_from([None, "utf-8", "cp1252", "gb18030", "shift_jis", "latin-1", "utf-16"]),
        delimiter=st.sampled_from([None, ",", ";", "\t", "|", " "]),
        header=st.sampled_from([None, True, False]),
        skip_rows=st.sampled_from([None, 0, 1, 3, 50]),
        decimal=st.sampled_from([None, ".", ","]),
        quoted_lines=st.sampled_from([None, True, False]),
    ),
)
def test_user_overrides_never_crash(file: tuple[str, bytes], options: ReadOptions) -> None:
    name, data = file
    loaded = load_or_clean_error(data, name, options)
    if loaded is not None:
        analyse(loaded)


def _expected_cells(spec: TableSpec) -> list[list[str | None]]:
    return [[cell or None for cell in row] for row in spec.rows]


@robust_settings(80)
@given(
    well_formed_tables(),
    st.sampled_from(["utf-8", "utf-8-sig"]),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    st.sampled_from([(), ("# exported 2024-01-31",), ("",), ("# note", "")]),
    st.sampled_from(["none", "gzip", "zip"]),
)
def test_well_formed_tables_round_trip(
    spec: TableSpec, encoding: str, quoting: int, preamble: tuple[str, ...], packing: str
) -> None:
    text = render_table(spec, quoting=quoting, preamble=preamble)
    data = wrap(text.encode(encoding), packing=packing, inner_name="table.csv")
    name = {"none": "table.csv", "gzip": "table.csv.gz", "zip": "table.zip"}[packing]
    loaded = load_table(data, name=name)
    frame = loaded.frame
    assert list(frame.columns) == spec.header
    assert frame.shape == (len(spec.rows), len(spec.header or ()))
    got = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
    assert got == _expected_cells(spec)
    assert loaded.detection.delimiter == spec.delimiter
    assert loaded.detection.skip_rows == len(preamble)


@pytest.mark.parametrize("encoding", ["cp1252", "gb18030", "shift_jis"])
@robust_settings(15)
@given(spec=well_formed_tables())
def test_legacy_encodings_load_or_fail_cleanly(encoding: str, spec: TableSpec) -> None:
    data = encode_text(render_table(spec), encoding)
    if data is None:
        return
    loaded = load_or_clean_error(data, f"legacy_{encoding}.csv")
    assert loaded is not None  # a plain table in a legacy encoding is always readable
    assert loaded.frame.shape == (len(spec.rows), len(spec.header or ()))
