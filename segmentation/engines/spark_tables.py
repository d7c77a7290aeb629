"""Reading and writing tables with Spark: CSV/TSV/Parquet from any path Spark understands, or a pandas frame.

Transactions are read as text (no schema guessing) so that ids such as ``007`` keep their zeros
and numbers and dates are parsed once, by the rules in :mod:`.spark_rfm`.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from segmentation.engines.base import Table
from segmentation.engines.spark_session import spark_errors
from segmentation.errors import ColumnError
from segmentation.io.loading import load_table

__all__ = [
    "as_double",
    "check_columns",
    "from_pandas",
    "read_table",
    "to_pandas",
    "write_bytes",
    "write_table",
]

_TEXT_SUFFIXES = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".txt": ","}


def _suffix(path: str) -> str:
    name = path.rstrip("/").rsplit("/", 1)[-1].lower()
    for compressed in (".gz", ".bz2"):
        if name.endswith(compressed):
            name = name[: -len(compressed)]
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def read_table(spark: Any, table: Table) -> Any:
    """A Spark DataFrame of ``table``: a pandas frame, or a CSV/TSV/TXT (gzip allowed) or Parquet path.

    A path without one of those suffixes is read as Parquet (Spark writes Parquet datasets as folders).

    Raises
    ------
    EngineError
        Spark cannot read the path (missing, no permission, unknown scheme): one line, trace in the log.
    """
    if isinstance(table, pd.DataFrame):
        return from_pandas(spark, table)
    suffix = _suffix(table)
    with spark_errors(f"read {table}"):
        if suffix in _TEXT_SUFFIXES:
            separator, encoding = _local_layout(table) or (_TEXT_SUFFIXES[suffix], "UTF-8")
            if encoding != "UTF-8":  # Spark 4 reads only Unicode and ISO-8859-1 unless this is on
                spark.conf.set("spark.sql.legacy.javaCharsets", "true")
            frame = (
                spark.read.option("header", "true")
                .option("sep", separator)
                .option("encoding", encoding)
                .option("escape", '"')
                .option("mode", "FAILFAST")
                .csv(table)
            )
        else:
            frame = spark.read.parquet(table)
        frame.schema  # noqa: B018 — resolves the path now, so a bad path fails here
    return frame


#: Bytes of a local text file read to detect its layout with the package's own loader.
LAYOUT_SAMPLE = 256 * 1024
#: Python codecs and the Java charset Spark reads them with (line by line: no UTF-16 or UTF-32).
_JAVA_CHARSETS = {
    "utf-8": "UTF-8",
    "ascii": "UTF-8",
    "cp1252": "windows-1252",
    "iso8859-1": "ISO-8859-1",
    "iso8859-15": "ISO-8859-15",
    "cp1250": "windows-1250",
    "cp1251": "windows-1251",
    "gb18030": "GB18030",
    "gbk": "GBK",
    "big5": "Big5",
    "shift_jis": "Shift_JIS",
    "cp932": "windows-31j",
    "euc_jp": "EUC-JP",
    "euc_kr": "EUC-KR",
    "cp949": "x-windows-949",
}


def _local_layout(path: str) -> tuple[str, str] | None:
    """The separator and encoding of a local, uncompressed text file, as the package's loader reads them.

    Spark reads a text file with the separator and encoding it is given; the loader detects both
    (``;`` files, Windows encodings). A layout Spark cannot read the same way (lines before the
    header, no header, UTF-16) is refused in one line. None for a path that is not a local file.
    """
    local = Path(path.removeprefix("file://"))
    if (
        "://" in path.removeprefix("file://")
        or not local.is_file()
        or local.suffix.lower() in (".gz", ".bz2")
    ):
        return None
    with local.open("rb") as handle:
        head = handle.read(LAYOUT_SAMPLE)
    if len(head) == LAYOUT_SAMPLE and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]  # whole lines only
    detection = load_table(head, name=local.name).detection
    try:
        codec = codecs.lookup(detection.encoding.removesuffix("-sig").removesuffix("_sig")).name
    except LookupError:
        codec = detection.encoding
    encoding = _JAVA_CHARSETS.get(codec)
    problem = None
    if encoding is None:
        problem = f"it is written in {detection.encoding}; save it as UTF-8"
    elif not detection.header:
        problem = "its first line is not a row of column names; add one"
    elif detection.skip_rows:
        problem = f"{detection.skip_rows} line(s) come before the column names; remove them"
    if problem or encoding is None:
        raise ColumnError(
            f"Spark cannot read {path} as the pandas engine does: {problem}, or use --engine pandas."
        )
    return detection.delimiter, encoding


def as_double(column: Any) -> Any:
    """``column`` as double, null where it is not a number (``try_cast`` on Spark 4, where casts
    fail under ANSI mode; a plain cast on Spark 3.5, which gives null by default)."""
    return column.try_cast("double") if hasattr(column, "try_cast") else column.cast("double")


def from_pandas(spark: Any, frame: pd.DataFrame) -> Any:
    """A Spark DataFrame of ``frame``: numbers as double, everything else as text (missing → null)."""
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    numeric = [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]
    schema = StructType(
        [
            StructField(str(c), DoubleType() if is_number else StringType(), True)
            for c, is_number in zip(frame.columns, numeric, strict=True)
        ]
    )
    columns = []
    for c, is_number in zip(frame.columns, numeric, strict=True):
        values = frame[c].to_numpy(dtype="float64" if is_number else object)
        missing = pd.isna(values)
        columns.append(
            [None if m else (float(v) if is_number else str(v)) for v, m in zip(values, missing, strict=True)]
        )
    rows = list(zip(*columns, strict=True)) if columns else []
    return spark.createDataFrame(rows, schema)


def check_columns(frame: Any, names: list[str | None], *, source: str) -> None:
    """Raise :class:`ColumnError` naming the first of ``names`` that ``frame`` lacks."""
    for name in names:
        if name is not None and name not in frame.columns:
            shown = ", ".join(repr(c) for c in frame.columns[:30])
            raise ColumnError(f"The column {name!r} is not in {source}. Its columns are: {shown}.")


def to_pandas(frame: Any) -> pd.DataFrame:
    """``frame`` collected to the driver as pandas, numbers as float64 and text as str."""
    rows = frame.collect()
    columns = frame.columns
    data = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
    out = pd.DataFrame(data, columns=columns)
    for name, kind in frame.dtypes:
        if kind in ("int", "bigint", "smallint") and out[name].notna().all():
            out[name] = out[name].astype("int64")
        elif kind in ("double", "float", "int", "bigint", "smallint") or kind.startswith("decimal"):
            out[name] = pd.to_numeric(out[name]).astype("float64")
        elif kind == "string":
            out[name] = out[name].astype("str").where(out[name].notna(), np.nan)
    return out


def write_table(frame: Any, path: str) -> None:
    """Write ``frame`` as Parquet (default) or CSV with a header (``.csv``), replacing ``path``.

    Spark writes a folder of part files at ``path`` (one part per partition); that is what other
    Spark jobs, Hive, Athena or BigQuery read.
    """
    with spark_errors(f"write {path}"):
        writer = frame.write.mode("overwrite")
        if _suffix(path) == ".csv":
            writer.option("header", "true").csv(path)
        else:
            writer.parquet(path)


def write_bytes(spark: Any, path: str, data: bytes) -> None:
    """Write ``data`` to ``path``: a local file, or through Hadoop's file system (hdfs://, s3a:// ...)."""
    if "://" not in path or path.startswith("file://"):
        Path(path.removeprefix("file://")).write_bytes(data)
        return
    with spark_errors(f"write {path}"):
        jvm = spark.sparkContext._jvm
        target = jvm.org.apache.hadoop.fs.Path(path)
        stream = target.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).create(target, True)
        try:
            stream.write(bytearray(data))
        finally:
            stream.close()
