"""Campaign lists on Spark: the package's own list rules on a customer table too large for one machine.

The list must be the one :func:`segmentation.campaigns.audience.build_audience` makes, row for
row, because it decides who is contacted. So nothing here re-words a rule:

* **Row rules** (a customer id, the chosen segments and RFM groups, column filters, the audience
  builder's query) are :func:`segmentation.campaigns.audience_rules.row_rules`, run on every batch
  of rows with ``mapInPandas``. The two readings that depend on the whole column are decided on
  the whole column first: a column compared as numbers is read with the decimal mark that reads
  more of its values (what :func:`segmentation.campaigns.column_values.numbers` does in memory);
  a column compared as dates must be written in one date format in every part of the table, or
  the list is refused with a sentence naming the column (never a list read two ways).
* **Consent** is read once per distinct value of the consent column with
  :func:`segmentation.campaigns.consent.read_consent_column` (weighted by how many rows hold each
  value) and joined back. Whoever said no on one row is removed from every row with the same id or
  email (a join on the match keys of :func:`segmentation.keys.match_key`).
* **Suppression lists**: joins on the same keys; **duplicates**: windows over the id, then the
  email, in file order (the first row wins); the **order** (segment, then id, numerically when
  every id is a number) and the **control draw** (:func:`.audience_rules.control_positions` per
  segment) are the pandas engine's.

:mod:`.spark_list_reading` holds the whole-table readings and the per-batch rules;
:func:`spark_audience` returns the list as a Spark DataFrame with what each rule removed;
:func:`collect_audience` brings it to the driver as the package's :class:`~segmentation.Audience`
(for CSV, XLSX and ZIP files, written by the package's own safe writers), and
:func:`list_frame` gives the list's columns in Spark (for Parquet written by Spark).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.campaigns.audience import (
    Audience,
    CampaignSpec,
    ContactColumns,
    RuleCount,
    SuppressionMatch,
    all_suppression_lists,
    check_campaign,
    list_columns,
    listed_items,
)
from segmentation.campaigns.audience_rules import (
    RULE_DUPLICATE_EMAIL,
    RULE_DUPLICATE_ID,
    RULE_NO_CONSENT,
    RULE_SAID_NO_ELSEWHERE,
    RULE_SUPPRESSED,
    RULE_UNRECOGNISED_CONSENT,
    audience_notes,
    control_positions,
    count_table,
    suppression_warning,
)
from segmentation.campaigns.consent import ConsentDecision
from segmentation.engines.spark_list_reading import (
    EMAIL,
    ID,
    IDNUM,
    IDNUM_OK,
    ROW,
    SEG,
    check_date_formats,
    consent_table,
    date_columns,
    decimal_marks,
    known_segments,
    number_columns,
    rule_frame,
    text_columns,
)
from segmentation.engines.spark_session import spark_errors

__all__ = ["SparkAudience", "collect_audience", "list_frame", "spark_audience"]

_GROUP, _POS = "_group", "_pos"


@dataclass(frozen=True)
class SparkAudience:
    """A campaign list built on Spark, before its columns are chosen.

    ``rows`` is a Spark DataFrame of the listed rows in the list's order: the input's columns,
    ``_row`` (file order), ``_seg`` (segment number) and ``_group`` (treatment/control).
    """

    rows: Any
    columns: tuple[str, ...]
    rules: tuple[RuleCount, ...]
    counts: pd.DataFrame
    n_input: int
    consent: ConsentDecision | None
    consent_note: str | None
    suppression_matches: tuple[SuppressionMatch, ...]
    warnings: tuple[str, ...]


def _flag_keys(rows: Any, keys: Any, flag: str, *, with_email: bool) -> Any:
    """``rows`` with ``flag`` True where the id's or the email's match key is one of ``keys`` (column key)."""
    from pyspark.sql import functions as F

    keys = keys.select(F.col("key")).where(F.col("key") != "").distinct()
    marked = rows.join(keys.withColumn("_on_id", F.lit(True)), rows[ID] == keys["key"], "left").drop("key")
    hit = F.coalesce(F.col("_on_id"), F.lit(False))
    if with_email:
        by_email = keys.withColumn("_on_email", F.lit(True))
        marked = marked.join(by_email, marked[EMAIL] == by_email["key"], "left").drop("key")
        hit = hit | F.coalesce(F.col("_on_email"), F.lit(False))
    return marked.withColumn(flag, hit).drop("_on_id", "_on_email")


def _first_rows_only(rows: Any, key: str) -> Any:
    """Rows that are the first (in file order) with their key; empty keys never collide."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    spread = F.when(F.col(key) == "", F.concat(F.lit("\u0000"), F.col(ROW).cast("string"))).otherwise(
        F.col(key)
    )
    window = Window.partitionBy(spread).orderBy(ROW)
    return rows.withColumn("_nth", F.row_number().over(window)).where(F.col("_nth") == 1).drop("_nth")


def spark_audience(frame: Any, spec: CampaignSpec, *, contacts: ContactColumns) -> SparkAudience:
    """Apply the campaign rules to a Spark DataFrame of segmented customers and draw the control group.

    Parameters
    ----------
    frame : pyspark.sql.DataFrame of shape (n_customers, n_columns)
        The segmented customer table (``segment`` and ``segment_name`` as ``segment`` writes them),
        in file order.
    spec, contacts
        As for :func:`segmentation.campaigns.audience.build_audience`.

    Returns
    -------
    SparkAudience
        The listed rows in order, what each rule removed, counts per segment and group.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType, StructField, StructType

    columns = tuple(str(c) for c in frame.columns)
    check_campaign(pd.DataFrame(columns=list(columns)), spec, contacts)
    rows = frame.withColumn(ROW, F.monotonically_increasing_id()).persist()
    with spark_errors("count the customers"):
        n_input = int(rows.count())
    known_segments(rows, spec)
    marks = decimal_marks(rows, text_columns(rows, number_columns(spec)))
    check_date_formats(rows, text_columns(rows, date_columns(spec)))
    ruled, names = rule_frame(rows, spec, contacts, marks)
    tests = [F.col(f"_r{i}") for i in range(len(names))]

    consent, consent_note = None, None
    if spec.consent_col is not None and not spec.consent_waived:
        table, consent, consent_note = consent_table(rows, spec)
        ruled = ruled.join(
            F.broadcast(table), ruled[f"`{spec.consent_col}`"].eqNullSafe(table["_consent_value"]), "left"
        ).drop("_consent_value")
        said_no = F.coalesce(F.col("_contact") == F.lit(False), F.lit(False))
        blank = F.coalesce(F.col("_blank"), F.lit(False))
        # Persisted: the said-no keys and the rows they block come from the same evaluated batches.
        ruled = ruled.withColumn("_said_no", said_no).persist()
        blocked = ruled.where(F.col("_said_no")).select(F.col(ID).alias("key"))
        if contacts.email is not None:
            blocked = blocked.union(ruled.where(F.col("_said_no")).select(F.col(EMAIL).alias("key")))
        ruled = _flag_keys(ruled, blocked, "_blocked", with_email=contacts.email is not None)
        names += [RULE_NO_CONSENT, RULE_UNRECOGNISED_CONSENT, RULE_SAID_NO_ELSEWHERE]
        tests += [~F.col("_said_no") & ~blank, F.col("_contact").isNotNull() | blank, ~F.col("_blocked")]

    lists = all_suppression_lists(spec)
    spark = rows.sparkSession
    for number, entry_list in enumerate(lists):
        keys = spark.createDataFrame(
            pd.DataFrame({"key": list(entry_list.entries)}, dtype="object"), "key string"
        )
        ruled = _flag_keys(ruled, keys, f"_s{number}", with_email=contacts.email is not None)
    on_list = [F.col(f"_s{i}") for i in range(len(lists))]
    on_any = F.lit(False)
    for flag in on_list:
        on_any = on_any | flag
    names.append(RULE_SUPPRESSED)
    tests.append(~on_any)

    kept = F.lit(True)
    cumulative = []
    for test in tests:
        kept = kept & test
        cumulative.append(kept)
    before_suppression = cumulative[-2] if len(cumulative) > 1 else F.lit(True)
    ruled = ruled.withColumn("_kept", kept).persist()
    tallies = [F.sum(c.cast("long")).alias(f"_k{i}") for i, c in enumerate(cumulative)]
    tallies += [F.sum(f.cast("long")).alias(f"_m{i}") for i, f in enumerate(on_list)]
    tallies += [F.sum((f & before_suppression).cast("long")).alias(f"_x{i}") for i, f in enumerate(on_list)]
    with spark_errors("apply the campaign rules"):
        totals = ruled.agg(*tallies).collect()[0]
    remaining = [int(totals[f"_k{i}"] or 0) for i in range(len(cumulative))]
    matches, warnings = [], []
    for number, entry_list in enumerate(lists):
        matched = int(totals[f"_m{number}"] or 0)
        matches.append(
            SuppressionMatch(
                source=entry_list.source,
                column=entry_list.column,
                entries=len(entry_list.entries),
                matched=matched,
                removed=int(totals[f"_x{number}"] or 0),
            )
        )
        if entry_list.entries and not matched:
            warnings.append(suppression_warning(entry_list))

    listed = _first_rows_only(ruled.where(F.col("_kept")), ID)
    names.append(RULE_DUPLICATE_ID)
    if contacts.email is not None:
        with spark_errors("remove duplicate ids"):
            remaining.append(int(listed.count()))
        listed = _first_rows_only(listed, EMAIL)
        names.append(RULE_DUPLICATE_EMAIL)
    listed = listed.persist()
    with spark_errors("remove duplicates"):
        remaining.append(int(listed.count()))
    before = [n_input, *remaining[:-1]]
    rules = tuple(
        RuleCount(rule=name, removed=b - a, remaining=a)
        for name, b, a in zip(names, before, remaining, strict=True)
    )

    numeric_ids = remaining[-1] > 0 and listed.where(~F.col(IDNUM_OK)).limit(1).count() == 0
    order = [F.col(SEG), F.col(IDNUM), F.col(ID)] if numeric_ids else [F.col(SEG), F.col(ID)]
    with spark_errors("count the segments"):
        sizes = {int(r[0]): int(r[1]) for r in listed.groupBy(SEG).count().collect()}
    drawn = [
        (segment, int(position))
        for segment, size in sorted(sizes.items())
        for position in control_positions(segment, size, spec.control_share, spec.seed)
    ]
    within = Window.partitionBy(SEG).orderBy(*order)
    placed = listed.withColumn(_POS, F.row_number().over(within) - 1)
    if drawn:
        controls = spark.createDataFrame(
            drawn, StructType([StructField("_cseg", LongType()), StructField("_cpos", LongType())])
        ).withColumn("_control", F.lit(True))
        placed = placed.join(
            controls, (placed[SEG] == controls["_cseg"]) & (placed[_POS] == controls["_cpos"]), "left"
        ).drop("_cseg", "_cpos")
        group = F.when(F.col("_control"), F.lit("control")).otherwise(F.lit("treatment"))
    else:
        group = F.lit("treatment")
    ordered = placed.withColumn(_GROUP, group).select(
        *[F.col(f"`{c}`") for c in columns], ROW, SEG, _GROUP, ID
    )
    ordered = ordered.orderBy(*order)
    with spark_errors("count the groups"):
        grouped = ordered.groupBy(SEG, "segment_name", _GROUP).count().collect()
    counts = count_table(
        pd.DataFrame(
            {
                "segment": [int(r[0]) for r in grouped],
                "segment_name": [str(r[1]) for r in grouped],
                "group": [str(r[2]) for r in grouped],
                "customers": [int(r[3]) for r in grouped],
            }
        )
    )
    return SparkAudience(
        rows=ordered,
        columns=columns,
        rules=rules,
        counts=counts,
        n_input=n_input,
        consent=consent,
        consent_note=consent_note,
        suppression_matches=tuple(matches),
        warnings=tuple(warnings),
    )


def _audience(
    built: SparkAudience,
    frame: pd.DataFrame,
    spec: CampaignSpec,
    contacts: ContactColumns,
    without_recommendations: int | None,
    input_rows: np.ndarray | None,
) -> Audience:
    unrecognised = dict(built.consent.unrecognised) if built.consent is not None else {}
    return Audience(
        frame=frame,
        rules=built.rules,
        counts=built.counts,
        n_input=built.n_input,
        spec=spec,
        contacts=contacts,
        unrecognised_consent=unrecognised,
        notes=audience_notes(
            consent_note=built.consent_note,
            without_recommendations=without_recommendations,
            consent_waived=spec.consent_waived,
            unrecognised=unrecognised,
        ),
        consent=built.consent,
        suppression_matches=built.suppression_matches,
        warnings=built.warnings,
        input_rows=input_rows,
    )


def _to_pandas(frame: Any) -> pd.DataFrame:
    """``frame`` on the driver through Arrow (several times faster than row objects for a long list)."""
    conf = frame.sparkSession.conf
    key = "spark.sql.execution.arrow.pyspark.enabled"
    before = conf.get(key, "false")
    conf.set(key, "true")
    try:
        with spark_errors("collect the campaign list"):
            return frame.toPandas()
    finally:
        conf.set(key, before)


def collect_audience(
    built: SparkAudience,
    spec: CampaignSpec,
    *,
    contacts: ContactColumns,
    recommendations: pd.DataFrame | None = None,
    recommendation_customer_col: str | None = None,
    actions: Mapping[int, str] | None = None,
) -> Audience:
    """The list on the driver as the package's :class:`Audience` (the same frame ``build_audience`` makes)."""
    rows = _to_pandas(built.rows)
    selected = rows[list(built.columns)]
    segments = rows[SEG].to_numpy(dtype="int64")
    groups = rows[_GROUP].to_numpy(dtype=object)
    items, without = listed_items(
        recommendations,
        rows[ID].astype("str"),
        contacts=contacts,
        customer_col=recommendation_customer_col,
        top_n=spec.top_n_items,
    )
    frame = list_columns(selected, spec, contacts, segments, groups, actions, items)
    return _audience(built, frame, spec, contacts, without, rows[ROW].to_numpy(dtype="int64"))


def list_frame(
    built: SparkAudience,
    spec: CampaignSpec,
    *,
    contacts: ContactColumns,
    actions: Mapping[int, str] | None = None,
) -> tuple[Any, Audience]:
    """The list's columns as a Spark DataFrame (for Spark to write), and its :class:`Audience` without rows.

    The Audience's ``frame`` has the list's columns and no rows (the rows stay in Spark).
    """
    from pyspark.sql.types import BooleanType, DoubleType, LongType, StringType, StructField, StructType

    source_columns = list(built.columns)  # the batches must not carry ``built`` (it holds Spark objects)

    def columns_of(batch: pd.DataFrame) -> pd.DataFrame:
        return list_columns(
            batch[source_columns],
            spec,
            contacts,
            batch[SEG].to_numpy(dtype="int64"),
            batch[_GROUP].to_numpy(dtype=object),
            actions,
            None,
        )

    with spark_errors("read the list's columns"):
        shape = columns_of(built.rows.limit(0).toPandas())
    kinds = dict(built.rows.dtypes)

    def spark_type(name: str, dtype: Any) -> Any:
        if name in kinds and name not in ("segment",):
            return built.rows.schema[name].dataType
        if pd.api.types.is_bool_dtype(dtype):
            return BooleanType()
        if pd.api.types.is_integer_dtype(dtype):
            return LongType()
        if pd.api.types.is_float_dtype(dtype):
            return DoubleType()
        return StringType()

    schema = StructType([StructField(str(c), spark_type(str(c), shape[c].dtype)) for c in shape.columns])
    text = [f.name for f in schema.fields if isinstance(f.dataType, StringType)]

    def write_columns(batches: Any) -> Any:
        for batch in batches:
            out = columns_of(batch)
            for name in text:
                out[name] = out[name].astype(object).where(out[name].notna(), None)
            yield out

    return built.rows.mapInPandas(write_columns, schema=schema), _audience(
        built, shape, spec, contacts, None, None
    )
