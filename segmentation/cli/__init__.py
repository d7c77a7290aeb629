"""The ``segmentation`` command-line tool: the app's pipeline for analysts and automation.

Each stage lives in its own ``_cmd_<stage>.py`` module that defines ``register(subparsers)``;
this module discovers them, so adding a stage never touches this file. Building the parser imports
no pandas, scikit-learn or SciPy: a subcommand's heavy imports run only when it does (see
:mod:`segmentation.cli._lazy`), so ``--help`` answers at once. Argument values are checked by the
``type=`` functions of :mod:`segmentation.cli._arguments`.

Exit codes: 0 success, 2 bad input or options (one line on stderr, never a traceback),
1 an unexpected internal error (also one line).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import warnings
from collections.abc import Sequence

from segmentation import SegmentationError, SegmentationWarning
from segmentation.cli._lazy import import_deferred
from segmentation.cli._stored import WORKSPACE_HELP, add_workspace_option

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what shells report for a writer whose reader went away


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors are one line on stderr with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every ``_cmd_*`` module's subcommands registered."""
    parser = _Parser(
        prog="segmentation",
        description="Customer segmentation from the command line: inspect data, build features, "
        "segment, recommend, export campaigns and measure lift.",
    )
    parser.add_argument("--workspace", metavar="URL_OR_PATH", default=None, help=WORKSPACE_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    package_path = __path__
    for info in sorted(pkgutil.iter_modules(package_path), key=lambda m: m.name):
        if info.name.startswith("_cmd_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            module.register(subparsers)
    for subparser in subparsers.choices.values():
        add_workspace_option(subparser)
    return parser


def _warning_to_stderr(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    sys.stderr.write(f"warning: {message}\n")


def _silence_stdout() -> None:
    # Python flushes stdout again at exit; pointing it at /dev/null keeps that flush from a second error.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # a usage error (already on stderr) returns 2 like every bad input
        if exc.code == EXIT_BAD_INPUT:
            return EXIT_BAD_INPUT
        raise  # --help and --version exit 0
    with warnings.catch_warnings():
        warnings.simplefilter("default", SegmentationWarning)
        warnings.showwarning = _warning_to_stderr
        try:
            import_deferred(args.handler.__module__)
            result = args.handler(args)
            sys.stdout.flush()  # a closed pipe shows here, inside the handlers below, not at exit
        except SegmentationError as exc:
            sys.stderr.write(f"segmentation {args.command}: error: {exc}\n")
            return EXIT_BAD_INPUT
        except FileNotFoundError as exc:
            sys.stderr.write(f"segmentation {args.command}: error: file not found: {exc.filename}\n")
            return EXIT_BAD_INPUT
        except (IsADirectoryError, PermissionError) as exc:
            sys.stderr.write(
                f"segmentation {args.command}: error: cannot use {exc.filename}: {exc.strerror}\n"
            )
            return EXIT_BAD_INPUT
        except KeyboardInterrupt:
            sys.stderr.write("interrupted\n")
            return 130
        except BrokenPipeError:  # the reader stopped early (`… | head`): not an error to report
            _silence_stdout()
            return EXIT_BROKEN_PIPE
        except Exception as exc:  # the CLI promises never to print a traceback
            sys.stderr.write(
                f"segmentation {args.command}: internal error ({type(exc).__name__}): {exc}. "
                "Please report this with the command you ran.\n"
            )
            return EXIT_INTERNAL
    return EXIT_OK if result is None else int(result)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
