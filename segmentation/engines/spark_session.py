"""A quiet local or cluster SparkSession, and Spark's errors as one line with the full trace in a log.

Spark prints its own log lines and a progress bar on the terminal and raises Java stack traces
hundreds of lines long. Here the JVM logs only errors (log4j level ERROR, to a file), the
progress bar is off, and every failure becomes an :class:`EngineError`: one sentence naming the
path or the problem, with the full trace written to a log file whose path the sentence gives.

On a cluster (``spark-submit`` or a notebook) the session that already exists is used as it is;
only a fresh local session gets the settings below (see docs/spark.md).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
import threading
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from segmentation.engines.base import EngineError

__all__ = ["LOG_VARIABLE", "MASTER_VARIABLE", "get_spark", "quiet_warnings", "spark_errors", "stop_spark"]

#: Where the full traces go (default: segmentation-spark.log in the system's temporary folder).
LOG_VARIABLE = "SEGMENTATION_SPARK_LOG"
#: Spark master for a fresh session (default ``local[2]``); ignored when a session exists.
MASTER_VARIABLE = "SEGMENTATION_SPARK_MASTER"
DEFAULT_MASTER = "local[2]"
SHUFFLE_PARTITIONS = "8"

_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.file.ref = file
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d %p %c: %m%n
"""

_lock = threading.Lock()


def log_path() -> Path:
    """The file the full Spark traces (and the JVM's error log) are written to."""
    return Path(os.environ.get(LOG_VARIABLE) or Path(tempfile.gettempdir()) / "segmentation-spark.log")


@contextlib.contextmanager
def quiet_warnings() -> Iterator[None]:
    """Hide pyspark's own warnings (for example its pandas-version notice); ours still show."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"pyspark\..*")
        warnings.filterwarnings("ignore", message=r".*PySpark.*")
        yield


def _java_missing() -> str | None:
    """Why Java cannot start, or None when a ``java`` is found (JAVA_HOME first, as Spark does)."""
    home = os.environ.get("JAVA_HOME")
    if home:
        return None if (Path(home) / "bin" / "java").is_file() else f"JAVA_HOME={home} has no bin/java"
    return None if shutil.which("java") else "no 'java' on the PATH and JAVA_HOME is not set"


def _log4j_file() -> Path:
    target = Path(tempfile.gettempdir()) / f"segmentation-log4j2-{os.getpid()}.properties"
    target.write_text(_LOG4J.format(log=log_path()), encoding="utf-8")
    return target


def get_spark(*, master: str | None = None, shuffle_partitions: str | None = None) -> Any:
    """The active SparkSession, or a new quiet one (``local[2]`` unless ``$SEGMENTATION_SPARK_MASTER``).

    Raises
    ------
    EngineError
        Java is missing or the session cannot start (the trace goes to :func:`log_path`).
    """
    from pyspark.sql import SparkSession

    with _lock:
        active = SparkSession.getActiveSession()
        if active is not None:
            return active
        missing = _java_missing()
        if missing:
            raise EngineError(
                f"Spark cannot start: {missing}. Install Java 17 or later (Debian: apt-get install "
                "openjdk-17-jre-headless) or point JAVA_HOME at it."
            )
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # Python workers run the driver's interpreter (its packages: pandas, the segmentation package),
        # not whatever ``python3`` comes first on the PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        java_options = f"-Dlog4j2.configurationFile=file:{_log4j_file()}"
        builder = (
            SparkSession.builder.master(master or os.environ.get(MASTER_VARIABLE) or DEFAULT_MASTER)
            .appName("segmentation")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", shuffle_partitions or SHUFFLE_PARTITIONS)
            .config("spark.sql.session.timeZone", "UTC")
            # Errors carry the JVM's trace; spark_errors writes it to the log, never to the terminal.
            .config("spark.sql.pyspark.jvmStacktrace.enabled", "true")
            .config("spark.driver.extraJavaOptions", java_options)
            .config("spark.executor.extraJavaOptions", java_options)
        )
        with spark_errors("start Spark"), quiet_warnings(), _silenced_stderr():
            spark = builder.getOrCreate()
            spark.sparkContext.setLogLevel("ERROR")
        return spark


@contextlib.contextmanager
def _silenced_stderr() -> Iterator[None]:
    """Send file descriptor 2 to the log while the JVM starts (its launcher prints before log4j loads)."""
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (some notebooks)
        yield
        return
    try:
        with open(log_path(), "ab") as log:
            os.dup2(log.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def stop_spark() -> None:
    """Stop the active session (tests and the CLI's end); does nothing without one."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()


_FIRST_LINE = re.compile(r"^\s*(?:\w+\.)*(\w+(?:Exception|Error)):\s*(.*)$")


def _one_line(exc: BaseException) -> str:
    """A short first line of a (Java) error: the exception class and its message, without the trace."""
    text = str(exc).strip()
    if "thrown from the Python worker" in text:
        # The Python error is the last line of the worker's traceback, before the JVM's trace.
        worker = text.split("JVM stacktrace", 1)[0].splitlines()
        found = [m for m in (_FIRST_LINE.match(line.strip()) for line in worker) if m]
        if found:
            return f"{found[-1].group(1)}: {found[-1].group(2)}"[:300]
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("JVM stacktrace", "at ", "An error occurred while calling")):
            continue
        match = _FIRST_LINE.match(line)
        shown = f"{match.group(1)}: {match.group(2)}" if match else line
        shown = re.sub(r"\s*SQLSTATE: \w+\.?", "", shown)
        return shown[:300]
    return type(exc).__name__


@contextlib.contextmanager
def spark_errors(doing: str) -> Iterator[None]:
    """Turn any Spark or Java failure inside the block into one :class:`EngineError` line.

    The full trace is appended to :func:`log_path`; the message names what was being done
    (``doing``, e.g. "read s3a://bucket/orders.parquet") and the log's path.
    """
    try:
        yield
    except EngineError:
        raise
    except Exception as exc:  # pyspark, py4j and the JVM raise many unrelated types
        if isinstance(exc, ValueError) and type(exc).__module__.startswith("segmentation"):
            raise
        log = log_path()
        try:
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"--- segmentation: could not {doing}\n")
                handle.write("".join(traceback.format_exception(exc)))
        except OSError:
            pass
        raise EngineError(f"Spark could not {doing}: {_one_line(exc)} (full trace in {log}).") from None
