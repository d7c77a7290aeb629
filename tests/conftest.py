"""Shared fixtures. Each module's own fixtures live in its test file."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Streamlit must never phone home, also when tests import it.
os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")


def _interpreter_of(script: str) -> str | None:
    """The interpreter named on a console script's ``#!`` line, or None when it has none."""
    try:
        with open(script, "rb") as handle:
            first = handle.readline(4096)
    except OSError:
        return None
    if not first.startswith(b"#!"):
        return None
    parts = first[2:].decode(errors="replace").split()
    return parts[0] if parts else None


def segmentation_command() -> list[str]:
    """The command that runs the installed ``segmentation`` console script, as an argv prefix.

    Looks next to the running interpreter first (any venv or prefix layout, also Windows'
    ``Scripts/``), then on ``PATH`` when that script runs an interpreter of this same environment
    (a script from another installation would test other code), else ``python -m segmentation.cli``.
    """
    here = Path(os.path.abspath(sys.executable)).parent
    beside = shutil.which("segmentation", path=os.pathsep.join([str(here), str(here / "Scripts")]))
    if beside is not None:
        return [beside]
    on_path = shutil.which("segmentation")
    if on_path is not None:
        interpreter = _interpreter_of(on_path)
        # Same folder, same environment (python vs python3 are both there); resolving links would
        # make every venv look like the system Python.
        if interpreter is not None and Path(os.path.abspath(interpreter)).parent == here:
            return [on_path]
    return [sys.executable, "-m", "segmentation.cli"]


@pytest.fixture(scope="session")
def segmentation_cli() -> list[str]:
    """Argv prefix running the ``segmentation`` command line the way a user's shell would."""
    return segmentation_command()


# ------------------------------------------------------------------------------------ workspace
@pytest.fixture(autouse=True)
def _private_workspace(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every process it starts) uses a workspace in a temporary folder, never the home's."""
    folder = tmp_path_factory.mktemp("workspace")
    monkeypatch.setenv("SEGMENTATION_WORKSPACE", str(folder))
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "data-home"))
    monkeypatch.delenv("SEGMENTATION_WORKSPACE_FILES", raising=False)
    return folder


# Trusted local connections, UTF-8 whatever the machine's locale, no fsync (a throwaway server).
_INITDB_OPTIONS = ("--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")


def _postgres_binaries() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (initdb, pg_ctl), or None."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parent.parent.name)
    return versions[-1].parent if versions else None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server for the run: ``postgresql+psycopg://`` URL of its ``postgres`` database.

    Started from Debian's binaries on a unix socket in a temporary folder (no TCP port) and stopped
    at the end. As root, the server runs as the ``postgres`` system user (initdb refuses root).
    Without the binaries the tests that need it fail: ``.ci/run`` installs them.
    """
    binaries = _postgres_binaries()
    if binaries is None:
        pytest.fail(
            "PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin); "
            "install Debian's 'postgresql' package (.ci/run does)."
        )
    # As root the server runs as 'postgres', which must reach the folder: /tmp, not a private TMPDIR.
    folder = Path(tempfile.mkdtemp(prefix="segmentation-pg-", dir="/tmp" if os.geteuid() == 0 else None))
    as_user: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, socket_dir = folder / "data", folder
    quiet = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        [*as_user, str(binaries / "initdb"), "-D", str(data), "-U", "postgres", *_INITDB_OPTIONS],
        **quiet,  # type: ignore[arg-type]
    )
    port = 55432 + os.getpid() % 1000
    options = f"-c listen_addresses='' -k {socket_dir} -p {port} -c fsync=off"
    subprocess.run(
        [
            *as_user,
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-w",
            "-l",
            str(folder / "log"),
            "start",
        ],
        **quiet,  # type: ignore[arg-type]
    )
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={socket_dir}&port={port}"
    finally:
        subprocess.run(
            [*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def spark_session():  # type: ignore[no-untyped-def]
    """One quiet local[2] SparkSession for the whole test session (skips without pyspark)."""
    pytest.importorskip("pyspark", reason="the spark engine's tests need the 'spark' extra")
    from segmentation.engines.spark_session import get_spark, stop_spark

    spark = get_spark(master="local[2]", shuffle_partitions="4")
    yield spark
    stop_spark()
