"""The workspace from the command line: which one (``--workspace``) and the ``--save NAME`` options."""

from __future__ import annotations

import argparse

from segmentation import NameTakenError, WorkspaceError
from segmentation.cli._lazy import DEFERRED, import_deferred

if DEFERRED:
    from segmentation import Workspace, open_workspace

__all__ = [
    "WORKSPACE_HELP",
    "add_save_options",
    "add_workspace_option",
    "check_name_free",
    "open_from",
    "taken",
]

WORKSPACE_HELP = (
    "workspace to use: a SQLite file or folder, or a database URL such as "
    "postgresql+psycopg://user@host/db (default: $SEGMENTATION_WORKSPACE, else a file in your data folder)"
)


def add_workspace_option(parser: argparse.ArgumentParser) -> None:
    """Accept ``--workspace`` after a subcommand too (the top-level value is kept when it is absent)."""
    if "--workspace" not in parser._option_string_actions:
        parser.add_argument(
            "--workspace", metavar="URL_OR_PATH", default=argparse.SUPPRESS, help=WORKSPACE_HELP
        )


def add_save_options(parser: argparse.ArgumentParser, what: str) -> None:
    """``--save NAME`` and ``--replace`` for a command whose result the workspace keeps."""
    parser.add_argument("--save", metavar="NAME", help=f"also keep the {what} in the workspace under NAME")
    parser.add_argument(
        "--replace", action="store_true", help=f"with --save: replace a {what} of the same name"
    )


def open_from(args: argparse.Namespace) -> Workspace:
    """The workspace named by ``--workspace``, else ``$SEGMENTATION_WORKSPACE``, else the default."""
    import_deferred(__name__)  # this module's own block: its callers live in other modules
    return open_workspace(getattr(args, "workspace", None))


def taken(kind: str, name: str) -> WorkspaceError:
    """The error for a name in use, telling how to replace it."""
    return NameTakenError(f"{kind} {name!r} exists; add --replace to replace it.")


def check_name_free(workspace: Workspace, kind: str, name: str | None, replace: bool) -> None:
    """Fail before any work when ``--save NAME`` names an existing item and ``--replace`` is absent."""
    if name is None:
        return
    if not name.strip():
        raise WorkspaceError("--save needs a name; it is empty.")
    if not replace and any(item.name == name for item in workspace.items(kind)):
        raise taken(kind, name)
