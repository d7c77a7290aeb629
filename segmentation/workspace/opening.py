"""Connecting to a workspace database and bringing its schema up to date with Alembic.

SQLite runs in WAL mode with a busy timeout and ``BEGIN IMMEDIATE`` transactions, so two processes
saving at once wait for each other instead of failing or losing a write; ``secure_delete`` zeroes
freed pages. Every failure to open becomes one :class:`WorkspaceError` line naming the workspace.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from segmentation.errors import WorkspaceError
from segmentation.workspace.location import masked, sqlite_path

__all__ = ["MIGRATIONS", "Transaction", "connect", "head_revision", "open_engine", "upgrade"]

#: The Alembic script folder shipped inside the package.
MIGRATIONS = Path(__file__).with_name("migrations")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_BUSY_TIMEOUT_S = 60
_WRITE_LOCK = 724716813  # PostgreSQL advisory lock id of workspace writes


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    text = " ".join(str(original).split("\n")[0].split())
    return text or type(original).__name__


def _check_sqlite_file(path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            start = handle.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WorkspaceError(f"cannot read the workspace {path}: {exc.strerror}.") from exc
    if start and start != _SQLITE_MAGIC:
        raise WorkspaceError(f"the workspace {path} is damaged or not a workspace database (not SQLite).")


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": _BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Transactions are begun by the "begin" hook below, not by the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: a reader turning writer cannot deadlock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def open_engine(url: str) -> Engine:
    """An engine for ``url``; nothing is connected yet."""
    try:
        path = sqlite_path(url)
        if path is not None:
            _check_sqlite_file(path)
            return _sqlite_engine(url)
        connect_args = {"connect_timeout": 10} if url.lower().startswith("postgresql") else {}
        return create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ImportError) as exc:
        raise WorkspaceError(f"the workspace {masked(url)} is not a usable database URL: {exc}.") from exc


def connect(engine: Engine, url: str) -> None:
    """Open one connection to check the database is reachable and readable."""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa_exc.DBAPIError as exc:
        raise translate(exc, url) from exc


def translate(error: sa_exc.DBAPIError, url: str) -> WorkspaceError:
    """One line saying why the workspace ``url`` failed."""
    if isinstance(getattr(error, "orig", None), sqlite3.DatabaseError) and not isinstance(
        error.orig, sqlite3.OperationalError
    ):
        return WorkspaceError(
            f"the workspace {masked(url)} is damaged or not a workspace database ({_first_line(error)})."
        )
    if url.lower().startswith("sqlite"):
        return WorkspaceError(f"cannot use the workspace {masked(url)}: {_first_line(error)}.")
    return WorkspaceError(f"cannot reach the workspace database {masked(url)}: {_first_line(error)}.")


def head_revision() -> str:
    """The newest schema revision this version of the code knows."""
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine, url: str, *, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest); refuse one written by newer code."""
    script = ScriptDirectory(str(MIGRATIONS))
    known = {r.revision for r in script.walk_revisions()}
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
        unknown = [r for r in current if r not in known]
        if unknown:
            raise WorkspaceError(
                f"the workspace {masked(url)} was written by a newer version of the studio (schema "
                f"{unknown[0]}); update segmentation-studio to open it."
            )
        if revision == "head" and tuple(current) == (script.get_current_head(),):
            return
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except sa_exc.DBAPIError as exc:
        raise translate(exc, url) from exc


class Transaction:
    """``with Transaction(sessions, url) as session``: one committed transaction, errors as one line.

    A writing transaction holds the workspace's write lock until it ends: SQLite's ``BEGIN
    IMMEDIATE`` (every SQLite transaction here), a transaction-level advisory lock on PostgreSQL.
    Payload files are written and deleted under that lock, so one process never deletes a file
    another has just started to use.
    """

    def __init__(self, sessions: sessionmaker[Session], url: str, *, write: bool) -> None:
        self.sessions = sessions
        self.url = url
        self.write = write
        self.session: Session | None = None

    def __enter__(self) -> Session:
        self.session = self.sessions()
        self.session.begin()
        if self.write and self.url.lower().startswith("postgresql"):
            try:
                self.session.execute(text(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK})"))
            except sa_exc.DBAPIError as error:
                self.session.close()
                raise translate(error, self.url) from error
        return self.session

    def __exit__(self, exc_type: Any, exc: BaseException | None, _tb: Any) -> None:
        assert self.session is not None
        try:
            if exc_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        except sa_exc.DBAPIError as error:
            self.session.rollback()
            raise translate(error, self.url) from error
        finally:
            self.session.close()
        if isinstance(exc, sa_exc.DBAPIError):
            raise translate(exc, self.url) from exc
