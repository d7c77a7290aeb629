"""The workspace on disk: its place, two writers at once, a killed writer, upgrades, damage, forget."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation import WorkspaceError, open_workspace, workspace_location
from segmentation.workspace.location import masked
from segmentation.workspace.opening import open_engine, upgrade
from tests._workspace_helpers import customers, fresh_postgres, payload_files

ROOT = Path(__file__).resolve().parents[1]


def test_the_default_workspace_is_in_the_users_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SEGMENTATION_WORKSPACE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    url = workspace_location()
    folder = tmp_path / "share" / "segmentation-studio"
    assert url == f"sqlite:///{folder / 'workspace.sqlite'}"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    with open_workspace() as workspace:
        assert workspace.location == str(folder / "workspace.sqlite")
        assert workspace.files == folder / "workspace.files"
        assert stat.S_IMODE((folder / "workspace.sqlite").stat().st_mode) == 0o600
        assert stat.S_IMODE(workspace.files.stat().st_mode) == 0o700


def test_paths_folders_and_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert workspace_location(tmp_path) == f"sqlite:///{tmp_path / 'workspace.sqlite'}"
    assert workspace_location(tmp_path / "new" / "mine.db") == f"sqlite:///{tmp_path / 'new' / 'mine.db'}"
    assert (tmp_path / "new").is_dir()
    assert workspace_location(tmp_path / "shop") == f"sqlite:///{tmp_path / 'shop' / 'workspace.sqlite'}"
    url = "postgresql+psycopg://ann:secret@db.example:5432/shop"
    assert workspace_location(url) == url
    assert masked(url) == "postgresql+psycopg://ann:***@db.example:5432/shop"
    monkeypatch.setenv("SEGMENTATION_WORKSPACE", str(tmp_path / "env.sqlite"))
    assert workspace_location() == f"sqlite:///{tmp_path / 'env.sqlite'}"


_WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np, pandas as pd
    from segmentation import open_workspace
    path, tag, count, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    ids = pd.Series([f"{tag}-{i}" for i in range(size)])
    with open_workspace(path) as workspace:
        for n in range(count):
            print("saving", n, flush=True)
            workspace.save_run(name=f"{tag} {n}", dataset_id=None, customer_ids=ids,
                               labels=np.arange(size) % 4, features=["x"], algorithm="kmeans", k=4, seed=n)
    """
)


def _writer(location: str | Path, tag: str, count: int, size: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(location), tag, str(count), str(size)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_processes_writing_at_once_lose_nothing(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    location: str | Path = tmp_path / "shared.sqlite"
    if backend == "postgresql":
        location = fresh_postgres(request.getfixturevalue("postgres_url"))
    open_workspace(location).close()
    writers = [_writer(location, tag, 6, 500) for tag in ("left", "right")]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    with open_workspace(location) as workspace:
        names = {item.name for item in workspace.items("run")}
        assert names == {f"{tag} {n}" for tag in ("left", "right") for n in range(6)}
        assert workspace.load_run("right 5").labels["customer_id"].iloc[-1] == "right-499"


def test_a_writer_killed_mid_save_leaves_the_last_committed_state(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite"
    writer = _writer(path, "big", 50, 300_000)
    assert writer.stdout is not None
    for line in writer.stdout:
        if line.strip() == "saving 2":  # runs 0 and 1 are committed, run 2 is being written
            break
    os.kill(writer.pid, signal.SIGKILL)
    writer.communicate(timeout=30)  # reaps it and closes its pipes
    assert writer.returncode == -signal.SIGKILL
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with open_workspace(path) as workspace:
        names = [item.name for item in workspace.items("run")]
        assert {"big 0", "big 1"} <= set(names) <= {"big 0", "big 1", "big 2"}
        for name in names:
            labels = workspace.load_run(name).labels
            assert len(labels) == 300_000 and labels["segment"].max() == 3


def _insert_setting(path: Path, key: str, value: str) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, value))


def test_a_workspace_of_the_first_schema_is_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    url = f"sqlite:///{path}"
    engine = open_engine(url)
    upgrade(engine, url, revision="r0001")
    engine.dispose()
    _insert_setting(path, "last_opened", "run:1")
    with sqlite3.connect(path) as raw:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "forget_audit" not in tables and "runs" in tables
    with open_workspace(path) as workspace:
        assert workspace.recall("last_opened") == "run:1"  # the data survived the upgrade
        assert workspace.forget_customer("nobody").audit_id == 1  # the new table is there
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchall() == [("r0002",)]


def test_a_workspace_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite"
    open_workspace(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = 'r9999'")
    with pytest.raises(WorkspaceError, match=r"was written by a newer version .*schema r9999"):
        open_workspace(path)


@pytest.mark.parametrize("content", [b"name,age\nann,3\n", b"SQLite format 3\x00" + bytes(range(256)) * 8])
def test_a_damaged_file_is_named(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(content)
    with pytest.raises(
        WorkspaceError, match=r"damaged\.sqlite is damaged or not a workspace database"
    ) as info:
        open_workspace(path)
    assert "\n" not in str(info.value)
    assert path.read_bytes() == content  # nothing touched


def test_a_missing_payload_is_named(tmp_path: Path) -> None:
    with open_workspace(tmp_path / "ws.sqlite") as workspace:
        workspace.save_run(
            name="spring", dataset_id=None, customer_ids=pd.Series(["a"]), labels=[0], features=["x"],
            algorithm="kmeans", k=1, seed=0,
        )  # fmt: skip
        (file,) = payload_files(workspace)
        file.unlink()
        with pytest.raises(WorkspaceError, match=f"stored table of run 'spring' is missing: {file}"):
            workspace.load_run("spring")


def test_forget_leaves_no_trace_in_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "private.sqlite"
    with open_workspace(path) as workspace:
        dataset = workspace.save_dataset(
            name="shop", source_name="shop.csv", kind="customers", table=customers()
        )
        workspace.save_run(
            name="spring", dataset_id=dataset.id, customer_ids=customers()["customer_id"],
            labels=np.zeros(6, dtype=int), features=["age"], algorithm="kmeans", k=1, seed=0,
            personas=[{"segment": 0, "examples": ["C001", "person1@example.org"]}],
        )  # fmt: skip
        stored = b"".join(p.read_bytes() for p in tmp_path.glob("private.sqlite*"))
        assert b"C001" in stored and b"person1@example.org" in stored  # the test can see it before
        workspace.forget_customer("C001")
        files = [p for p in tmp_path.glob("private.sqlite*") if p.is_file()]
        assert path in files
        for file in [*files, *payload_files(workspace)]:
            data = file.read_bytes()
            assert b"C001" not in data and b"person1@example.org" not in data, file
        with sqlite3.connect(path) as raw:
            (audit,) = raw.execute(
                "SELECT forgotten_at, salted_hash, counts_json FROM forget_audit"
            ).fetchall()
        assert len(audit[1]) == 64 and "C001" not in str(audit) and '"runs": 1' in audit[2]
