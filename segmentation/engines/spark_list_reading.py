"""The whole-table readings and per-batch rules of a campaign list on Spark (see :mod:`.spark_audience`).

Rules a row decides alone run as the package's own :func:`~segmentation.campaigns.audience_rules.row_rules`
on every batch (``mapInPandas``). What depends on a whole column is decided on the whole column first,
as the pandas engine decides it on the table in memory: the decimal mark of a column compared as numbers
(the mark that reads more values, summed over every batch), one date format for a column compared as
dates (refused when parts of the table are written differently), the segments that exist, and consent,
read once per distinct value with :func:`~segmentation.campaigns.consent.read_consent_column`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from segmentation.campaigns.audience import CampaignSpec, ContactColumns
from segmentation.campaigns.audience_rules import (
    bad_segment_error,
    check_chosen_segments,
    id_numbers,
    read_segment_numbers,
    row_rules,
)
from segmentation.campaigns.conditions import DATE_OPERATORS, NUMBER_OPERATORS
from segmentation.campaigns.consent import ConsentDecision, read_consent_column, resolve_polarity
from segmentation.engines.spark_session import spark_errors
from segmentation.errors import ColumnError
from segmentation.keys import match_key
from segmentation.parsing import parse_dates, parse_numbers

__all__ = [
    "EMAIL",
    "ID",
    "IDNUM",
    "IDNUM_OK",
    "ROW",
    "SEG",
    "check_date_formats",
    "consent_table",
    "date_columns",
    "decimal_marks",
    "known_segments",
    "number_columns",
    "rule_frame",
    "text_columns",
]

ROW = "_row"
ID, EMAIL, SEG, IDNUM, IDNUM_OK = "_id", "_email", "_seg", "_idnum", "_idnum_ok"

#: Hidden copies of columns read as numbers, with the decimal mark chosen on the whole column.
_NUMBER_COPY = "__number__"
_FILTER_NUMBER_OPERATORS = (">=", "<=", ">", "<")


def number_columns(spec: CampaignSpec) -> set[str]:
    used = {f.column for f in spec.filters if f.operator in _FILTER_NUMBER_OPERATORS}
    if spec.query is not None:
        used |= {c.column for c in spec.query.conditions if c.operator in (*NUMBER_OPERATORS, "between")}
    return used


def date_columns(spec: CampaignSpec) -> set[str]:
    if spec.query is None:
        return set()
    return {c.column for c in spec.query.conditions if c.operator in (*DATE_OPERATORS, "within_days")}


def text_columns(frame: Any, names: set[str]) -> list[str]:
    kinds = dict(frame.dtypes)
    return sorted(n for n in names if kinds.get(n) == "string")


def decimal_marks(frame: Any, columns: list[str]) -> dict[str, str]:
    """Per text column read as numbers: "," when more of its values read with a decimal comma."""
    if not columns:
        return {}
    from pyspark.sql import functions as F

    def tally(batches: Any) -> Any:
        for batch in batches:
            yield pd.DataFrame(
                {
                    "column": columns,
                    "points": [int(parse_numbers(batch[c]).values.notna().sum()) for c in columns],
                    "commas": [
                        int(parse_numbers(batch[c], decimal=",").values.notna().sum()) for c in columns
                    ],
                }
            )

    with spark_errors("read the columns compared as numbers"):
        totals = (
            frame.select(*[F.col(f"`{c}`") for c in columns])
            .mapInPandas(tally, schema="column string, points long, commas long")
            .groupBy("column")
            .agg(F.sum("points").alias("points"), F.sum("commas").alias("commas"))
            .collect()
        )
    return {row["column"]: ("," if row["commas"] > row["points"] else ".") for row in totals}


def check_date_formats(frame: Any, columns: list[str]) -> None:
    """Refuse a date column whose parts are written in different formats (read two ways otherwise)."""
    if not columns:
        return
    from pyspark.sql import functions as F

    def formats(batches: Any) -> Any:
        for batch in batches:
            found = [
                (c, str(parse_dates(batch[c]).format_name))
                for c in columns
                if batch[c].notna().any()  # an empty part says nothing about the format
            ]
            yield pd.DataFrame(found, columns=["column", "format"])

    with spark_errors("read the columns compared as dates"):
        seen = (
            frame.select(*[F.col(f"`{c}`") for c in columns])
            .mapInPandas(formats, schema="column string, format string")
            .distinct()
            .collect()
        )
    by_column: dict[str, list[str]] = {}
    for row in seen:
        by_column.setdefault(row["column"], []).append(row["format"])
    for column, found in sorted(by_column.items()):
        if len(found) > 1:
            shown = " and ".join(sorted(found))
            raise ColumnError(
                f"the date column {column!r} is written in more than one way ({shown}) in different parts "
                "of the table; write its dates one way (2024-03-01 is safest) or use --engine pandas."
            )


def _evaluation_spec(spec: CampaignSpec, marks: Mapping[str, str]) -> CampaignSpec:
    """``spec`` with number comparisons on hidden pre-read copies, and the query's day pinned.

    Pinning "today" once on the driver keeps "within the last N days" the same in every batch.
    """
    filters = tuple(
        replace(f, column=_NUMBER_COPY + f.column)
        if f.operator in _FILTER_NUMBER_OPERATORS and f.column in marks
        else f
        for f in spec.filters
    )
    query = spec.query
    if query is not None:
        groups = tuple(
            replace(
                group,
                conditions=tuple(
                    replace(c, column=_NUMBER_COPY + c.column)
                    if c.operator in (*NUMBER_OPERATORS, "between") and c.column in marks
                    else c
                    for c in group.conditions
                ),
            )
            for group in query.groups
        )
        query = replace(query, groups=groups, as_of=query.as_of or _today())
    return replace(spec, filters=filters, query=query)


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def rule_frame(
    rows: Any, spec: CampaignSpec, contacts: ContactColumns, marks: Mapping[str, str]
) -> tuple[Any, list[str]]:
    """``rows`` with match keys, segment numbers, id numbers and one boolean column per row rule."""
    from pyspark.sql.types import BooleanType, DoubleType, LongType, StringType, StructField

    evaluated = _evaluation_spec(spec, marks)
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in rows.columns})
    for column, mark in marks.items():
        empty[_NUMBER_COPY + column] = parse_numbers(empty[column], decimal=mark).values
    names = [
        r.rule
        for r in row_rules(empty, spec, ids=pd.Series(dtype="object"), segments=np.zeros(0, dtype="int64"))
    ]
    id_col, email_col = contacts.customer_id, contacts.email

    def evaluate(batches: Any) -> Any:
        for batch in batches:
            ids = match_key(batch[id_col])
            segments, _ = read_segment_numbers(batch["segment"])
            view = batch.copy()
            for column, mark in marks.items():
                view[_NUMBER_COPY + column] = parse_numbers(batch[column], decimal=mark).values
            numbers = id_numbers(ids)
            out = batch.assign(
                **{
                    ID: ids.to_numpy(dtype=object),
                    EMAIL: match_key(batch[email_col]).to_numpy(dtype=object) if email_col else "",
                    SEG: segments,
                    IDNUM: numbers.fillna(0.0).to_numpy(dtype="float64"),
                    IDNUM_OK: numbers.notna().to_numpy(),
                }
            )
            for position, rule in enumerate(row_rules(view, evaluated, ids=ids, segments=segments)):
                out[f"_r{position}"] = np.asarray(rule.keep, dtype=bool)
            yield out

    extra = [
        StructField(ID, StringType()),
        StructField(EMAIL, StringType()),
        StructField(SEG, LongType()),
        StructField(IDNUM, DoubleType()),
        StructField(IDNUM_OK, BooleanType()),
        *[StructField(f"_r{i}", BooleanType()) for i in range(len(names))],
    ]
    from pyspark.sql.types import StructType

    schema = StructType([*rows.schema.fields, *extra])
    return rows.mapInPandas(evaluate, schema=schema), names


def known_segments(rows: Any, spec: CampaignSpec) -> None:
    """Raise on a segment that is not a whole number (the first in file order) or an unknown chosen one."""
    from pyspark.sql import functions as F

    with spark_errors("read the segments"):
        pairs = (
            rows.groupBy("segment", "segment_name").agg(F.min(ROW).alias("first")).orderBy("first").collect()
        )
    raw = pd.Series([p["segment"] for p in pairs], dtype="object")
    numbers, bad = read_segment_numbers(raw)
    if bad.any():
        raise bad_segment_error(raw[bad].iloc[0])
    if spec.segments:
        check_chosen_segments([p["segment_name"] for p in pairs], np.unique(numbers), spec.segments)


def consent_table(rows: Any, spec: CampaignSpec) -> tuple[Any, ConsentDecision, str | None]:
    """The consent column read once per distinct value: (value, _contact, _blank) and the decision."""
    from pyspark.sql.types import BooleanType, StructField, StructType

    column = str(spec.consent_col)
    polarity, note = resolve_polarity(column, spec.consent_polarity)
    with spark_errors(f"read the consent column {column!r}"):
        distinct = rows.groupBy(f"`{column}`").count().collect()
    values = pd.Series([row[0] for row in distinct], dtype="object")
    counts = pd.Series([int(row[1]) for row in distinct], dtype="int64")
    contact, blank, decision = read_consent_column(
        values, column=column, polarity=polarity, confirmed=spec.consent_confirmed, counts=counts
    )
    schema = StructType(
        [
            StructField("_consent_value", rows.schema[column].dataType),
            StructField("_contact", BooleanType()),
            StructField("_blank", BooleanType()),
        ]
    )
    table = [
        (value, None if pd.isna(may) else bool(may), bool(empty))
        for value, may, empty in zip(values, contact.astype(object), blank, strict=True)
    ]
    return rows.sparkSession.createDataFrame(table, schema), decision, note
