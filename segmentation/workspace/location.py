"""Where a workspace lives: a SQLite file in the per-user data folder, another path, or a database URL.

``SEGMENTATION_WORKSPACE`` (or the CLI's ``--workspace``) names a SQLite file, a folder to hold
``workspace.sqlite``, or a SQLAlchemy URL such as ``postgresql+psycopg://user:pw@host/db``.
Payload tables (Parquet files named by their content hash) sit beside a SQLite file in
``<name>.files/``; for a server database they go to ``SEGMENTATION_WORKSPACE_FILES`` when set,
else to a per-user folder named after the server and database.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from segmentation.errors import WorkspaceError

__all__ = [
    "DEFAULT_FILE_NAME",
    "FILES_ENV",
    "LOCATION_ENV",
    "data_folder",
    "masked",
    "payload_folder",
    "sqlite_path",
    "workspace_location",
]

#: Environment variable naming the workspace (a path or a database URL).
LOCATION_ENV = "SEGMENTATION_WORKSPACE"
#: Environment variable naming the folder of payload files (mainly for server databases).
FILES_ENV = "SEGMENTATION_WORKSPACE_FILES"
DEFAULT_FILE_NAME = "workspace.sqlite"
_APP_FOLDER = "segmentation-studio"
_URL = re.compile(r"^[a-z][a-z0-9+]*://", re.IGNORECASE)


def data_folder() -> Path:
    """The per-user data folder of the studio (``$XDG_DATA_HOME`` or ``~/.local/share``), made owner-only."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return _private_folder(Path(base) / _APP_FOLDER)


def _private_folder(folder: Path) -> Path:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:  # a file in the way, no permission, a read-only disk
        reason = exc.strerror or str(exc)
        raise WorkspaceError(f"the workspace folder {folder} cannot be created: {reason}.") from exc
    return folder


def workspace_location(location: str | os.PathLike[str] | None = None) -> str:
    """The workspace's database URL.

    Parameters
    ----------
    location : str, path or None
        A SQLAlchemy URL (kept as is), a SQLite file (``.sqlite``, ``.db`` ...) or a folder
        (``workspace.sqlite`` inside it; a new name without an extension is taken as a folder).
        None reads ``SEGMENTATION_WORKSPACE``, else uses the per-user data folder.

    Returns
    -------
    str
        A URL such as ``sqlite:////home/ann/.local/share/segmentation-studio/workspace.sqlite``.
        The folder of a SQLite file is created owner-only (0o700) when missing.
    """
    if location is None:
        location = os.environ.get(LOCATION_ENV) or None
    if location is None:
        return f"sqlite:///{data_folder() / DEFAULT_FILE_NAME}"
    text = os.fspath(location).strip()
    if _URL.match(text):
        return text
    path = Path(text).expanduser().absolute()
    if path.is_dir() or (not path.exists() and not path.suffix):
        path = path / DEFAULT_FILE_NAME  # a folder (an existing one, or a new name without extension)
    if not path.parent.exists():
        _private_folder(path.parent)
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL, or None for an in-memory or a server database."""
    if not url.lower().startswith("sqlite"):
        return None
    rest = url.split("://", 1)[1]
    path = rest[1:] if rest.startswith("/") else rest
    path = path.split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def masked(url: str) -> str:
    """``url`` with its password replaced by ``***`` (for display and error messages)."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def payload_folder(url: str) -> Path:
    """The folder holding the workspace's Parquet payloads (created owner-only)."""
    chosen = os.environ.get(FILES_ENV)
    if chosen:
        return _private_folder(Path(chosen).expanduser().absolute())
    database = sqlite_path(url)
    if database is not None:
        return _private_folder(database.with_name(f"{database.stem}.files"))
    server = re.sub(r"[^A-Za-z0-9._-]+", "_", masked(url).split("://", 1)[-1].replace("***", ""))
    return _private_folder(data_folder() / "server-files" / server.strip("_"))
