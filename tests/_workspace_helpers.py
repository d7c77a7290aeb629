"""Shared by the workspace tests: a fresh workspace on SQLite or on the run's PostgreSQL server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg

from segmentation import Workspace, open_workspace

_NUMBERS = itertools.count(1)


def fresh_postgres(postgres_url: str) -> str:
    """A new empty database on the test server; returns its URL."""
    name = f"ws_{next(_NUMBERS)}_{np.random.default_rng().integers(1_000_000)}"
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return postgres_url.replace("/postgres?", f"/{name}?")


def open_fresh(backend: str, tmp_path: Path, request: object) -> Iterator[Workspace]:
    """Open a new workspace of ``backend`` ("sqlite" or "postgresql") and close it afterwards."""
    if backend == "sqlite":
        url: str = str(tmp_path / "ws.sqlite")
    else:
        url = fresh_postgres(request.getfixturevalue("postgres_url"))  # type: ignore[attr-defined]
    workspace = open_workspace(url)
    try:
        yield workspace
    finally:
        workspace.close()


def customers(n: int = 6) -> pd.DataFrame:
    """A small customer table as loaded (text): ids, emails and a number."""
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in range(1, n + 1)],
            "email": [f"person{i}@example.org" for i in range(1, n + 1)],
            "age": [str(20 + i) for i in range(1, n + 1)],
        }
    )


def payload_files(workspace: Workspace) -> list[Path]:
    """Every Parquet payload file of ``workspace``."""
    return sorted(workspace.files.rglob("*.parquet"))
