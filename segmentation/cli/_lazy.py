"""Deferred imports of the command line: the one place where subcommands' heavy imports happen.

``segmentation --help`` and ``segmentation sweep --help`` should answer at once, but pandas,
scikit-learn and SciPy take a second or more to import (several on a busy machine). Building the
parser imports every ``_cmd_*`` module, so those modules import only the standard library and light
modules (:mod:`segmentation.errors`, :mod:`segmentation._choices`, ``cli._arguments``, this one)
at start-up. Everything else they need is written once, as ordinary import statements, in a block
guarded by :data:`DEFERRED`::

    from segmentation.cli._lazy import DEFERRED

    if DEFERRED:  # run by segmentation.cli._lazy when a subcommand starts
        import pandas as pd

        from segmentation.segments.choosing_k import sweep_k

The block is skipped when the module is imported (``DEFERRED`` is False), type checkers and
readers see ordinary imports, and :func:`import_deferred` runs exactly those statements in the
module's namespace when one of its subcommands is about to run (``segmentation.cli.main`` calls it
for the handler's module). A heavy import added outside the block makes every ``--help`` slow
again; ``tests/test_cli_startup.py`` catches that.
"""

from __future__ import annotations

import ast
import importlib
import sys

__all__ = ["DEFERRED", "import_deferred"]

#: Always False at run time: guards the deferred import block of a ``_cmd_*`` module.
DEFERRED: bool = False

_DONE_FLAG = "__deferred_imports_done__"


def _deferred_blocks(tree: ast.Module, filename: str) -> list[ast.stmt]:
    statements: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "DEFERRED":
            for statement in node.body:
                if not isinstance(statement, ast.Import | ast.ImportFrom):
                    raise ImportError(
                        f"{filename}:{statement.lineno}: only import statements belong in an "
                        "'if DEFERRED:' block."
                    )
            statements += node.body
    return statements


def import_deferred(module_name: str) -> None:
    """Run the ``if DEFERRED:`` import block(s) of ``module_name`` in that module's namespace.

    Does nothing the second time, or for a module without such a block.
    """
    module = sys.modules.get(module_name) or importlib.import_module(module_name)
    if getattr(module, _DONE_FLAG, False):
        return
    spec = module.__spec__
    loader = None if spec is None else spec.loader
    get_source = getattr(loader, "get_source", None)
    source = get_source(module_name) if get_source is not None else None
    if source is None:
        raise ImportError(f"cannot read the source of {module_name} to import what it needs.")
    filename = getattr(module, "__file__", None) or module_name
    statements = _deferred_blocks(ast.parse(source, filename=filename), filename)
    if statements:
        code = compile(ast.Module(body=statements, type_ignores=[]), filename, "exec")
        exec(code, vars(module))  # our own module's import statements, nothing else (checked above)
    setattr(module, _DONE_FLAG, True)
