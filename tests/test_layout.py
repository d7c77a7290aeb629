"""The package's layout: stage subpackages, no import cycles, one face, no private imports from outside.

These tests read the source with :mod:`ast` (what a newcomer reads), so they hold for modules
that a test run does not happen to import.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import segmentation

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "segmentation"
# The pipeline, in order: a stage may import earlier stages (and the shared top-level modules) only.
STAGES = (
    "demo",
    "io",
    "profiling",
    "customers",
    "segments",
    "personas",
    "predictions",
    "recommendations",
    "campaigns",
    "workspace",
    "engines",
)
# The lazy mechanisms of the command line and the face: the one place where imports are deferred.
LAZY_ONES = {"segmentation.cli._lazy", "segmentation"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _module_names() -> set[str]:
    return {_module_name(path) for path in _package_files()}


def _imports(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
    """Every import statement with the dotted name it imports from (absolute imports only)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node, node.module


def _targets(node: ast.Import | ast.ImportFrom, module: str, modules: set[str]) -> list[str]:
    """The package modules one import statement depends on (``from a import b`` may name module a.b)."""
    if isinstance(node, ast.Import):
        return [module] if module in modules else []
    found = [f"{module}.{alias.name}" for alias in node.names if f"{module}.{alias.name}" in modules]
    if module in modules and len(found) < len(node.names):
        found.append(module)
    return found


def _import_graph() -> dict[str, set[str]]:
    modules = _module_names()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for path in _package_files():
        name = _module_name(path)
        for node, module in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            graph[name].update(t for t in _targets(node, module, modules) if t != name)
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as a list of nodes (first == last), or None; iterative DFS with colours."""
    colour = dict.fromkeys(graph, 0)  # 0 unvisited, 1 on the current path, 2 done
    for start in sorted(graph):
        if colour[start]:
            continue
        path = [start]
        stack = [iter(sorted(graph[start]))]
        colour[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                colour[path.pop()] = 2
                stack.pop()
            elif colour[nxt] == 1:
                return [*path[path.index(nxt) :], nxt]
            elif colour[nxt] == 0:
                colour[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_import_graph_is_real() -> None:
    graph = _import_graph()
    assert "segmentation.segments.labels" in graph["segmentation.segments.scoring"]
    assert "segmentation.errors" in graph["segmentation.io.loading"]


def test_the_package_has_no_import_cycle() -> None:
    cycle = _find_cycle(_import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_stages_import_only_earlier_stages() -> None:
    backwards = []
    for module, imported in _import_graph().items():
        parts = module.split(".")
        if len(parts) < 3 or parts[1] not in STAGES:
            continue
        for target in imported:
            stage = target.split(".")[1] if target.count(".") >= 1 else ""
            if stage in STAGES and STAGES.index(stage) > STAGES.index(parts[1]):
                backwards.append(f"{module} -> {target}")
    assert backwards == [], "a stage imports a later stage (see ARCHITECTURE.md)"


def test_every_module_imports() -> None:
    names = [m.name for m in pkgutil.walk_packages(segmentation.__path__, "segmentation.")]
    assert "segmentation.segments.choosing_k" in names
    for name in names:
        if not name.endswith("__main__"):
            importlib.import_module(name)


def test_stage_subpackages_exist_and_their_modules_have_public_names() -> None:
    for stage in STAGES:
        folder = PACKAGE / stage
        assert (folder / "__init__.py").is_file(), stage
        private = [p.name for p in folder.glob("_*.py") if p.name != "__init__.py"]
        assert private == [], f"{stage}/ has private module names {private}"
    top_level = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert top_level == sorted(
        ["__init__", "__main__", "_choices", "_plural", "errors", "keys", "money", "parsing", "vocabulary"]
    ), "a new top-level module belongs in a stage subpackage (or in this list, if shared by stages)"


def test_package_imports_are_at_module_level() -> None:
    # A package import inside a function (or under TYPE_CHECKING) hides which way a dependency
    # runs, and usually a cycle. Heavy third-party libraries may still be imported where used.
    found = []
    for path in _package_files():
        name = _module_name(path)
        if name in LAZY_ONES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for scope in ast.walk(tree):
            hidden = isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef) or (
                isinstance(scope, ast.If) and ast.unparse(scope.test) == "TYPE_CHECKING"
            )
            if hidden:
                for node, module in _imports(scope):
                    if module.split(".")[0] == "segmentation":
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {module}")
    assert found == []


def _user_facing_files() -> list[Path]:
    files = [ROOT / "app.py"] if (ROOT / "app.py").is_file() else []
    for folder in ("pages", "app_pages"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files + sorted((PACKAGE / "cli").glob("*.py"))


def _private_parts(module: str, names: list[str]) -> list[str]:
    parts = module.split(".")
    if parts[0] != "segmentation":
        return []
    if module == "segmentation":  # ``from segmentation import _x``
        return [n for n in names if n.startswith("_")]
    return [p for p in parts[1:] if p.startswith("_")]


def test_app_pages_and_cli_import_no_private_module() -> None:
    files = _user_facing_files()
    assert any(p.parent.name == "cli" for p in files)
    found = []
    for path in files:
        in_cli = path.parent == PACKAGE / "cli"
        for node, module in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if in_cli and module.startswith("segmentation.cli"):
                continue  # the command line's own private modules
            names = [a.name for a in node.names] if isinstance(node, ast.ImportFrom) else []
            if _private_parts(module, names):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {module}")
    assert found == []


def test_private_import_check_recognises_private_modules() -> None:
    assert _private_parts("segmentation._choices", ["MAX_K"]) == ["_choices"]
    assert _private_parts("segmentation.io._x", ["y"]) == ["_x"]
    assert _private_parts("segmentation", ["_plural"]) == ["_plural"]
    assert _private_parts("segmentation.io.loading", ["load_table"]) == []


def test_the_cli_imports_the_package_through_its_face() -> None:
    found = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        for node, module in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module.startswith("segmentation.") and not module.startswith("segmentation.cli"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {module}")
    assert found == []


# ---------------------------------------------------------------------------------------- the face
def _type_checking_imports() -> dict[str, str]:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    return {
        alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }


def _expected_block() -> str:
    by_module: dict[str, list[str]] = {}
    for name, module in segmentation._MODULE_OF.items():
        by_module.setdefault(module, []).append(name)
    return "\n".join(
        f"    from {module} import (\n" + "".join(f"        {n},\n" for n in names) + "    )"
        for module, names in sorted(by_module.items())
    )


def test_the_face_is_one_list() -> None:
    assert list(segmentation.__all__) == list(segmentation._MODULE_OF)
    assert _type_checking_imports() == segmentation._MODULE_OF, (
        "the TYPE_CHECKING block of segmentation/__init__.py must match _MODULE_OF; paste:\n"
        + _expected_block()
    )


@pytest.mark.parametrize("name", list(segmentation._MODULE_OF))
def test_every_face_name_resolves_to_where_it_is_defined(name: str) -> None:
    module = segmentation._MODULE_OF[name]
    value = getattr(segmentation, name)
    assert value is getattr(importlib.import_module(module), name)
    if inspect.isclass(value) or inspect.isfunction(value):
        assert value.__module__ == module, f"{name} is defined in {value.__module__}, not {module}"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = segmentation.no_such_name  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------ one idea, one place
def test_segment_labels_are_defined_once() -> None:
    label_names = {"UNASSIGNED", "NOT_SEGMENTED", "UNASSIGNED_NAME", "NOT_SEGMENTED_NAME", "NO_DATA_NAME"}
    definitions = []
    for path in _package_files():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            definitions += [
                (t.id, _module_name(path)) for t in targets if isinstance(t, ast.Name) and t.id in label_names
            ]
    assert sorted(definitions) == sorted((n, "segmentation.segments.labels") for n in label_names)
