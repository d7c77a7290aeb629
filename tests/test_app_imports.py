"""The app imports only public names: the package face or public modules, and Streamlit's public API."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app_pages.registry import PAGES, PAGES_DIR, TOOL_PAGES

ROOT = Path(__file__).resolve().parents[1]
APP_FILES = [ROOT / "app.py", *sorted(PAGES_DIR.glob("*.py"))]


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of everything ``path`` imports, ``from m import n`` giving ``m.n``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def _private(name: str) -> bool:
    """Whether a dotted import names a private part of the package or of Streamlit.

    ``segmentation._errors``, ``segmentation.loading._csv`` and ``from segmentation import _x`` are
    private; so is anything under ``streamlit.runtime`` (Streamlit's internals, which change
    without notice) or with a leading underscore.
    """
    top, *rest = name.split(".")
    if top not in {"segmentation", "streamlit"}:
        return False
    return any(part.startswith("_") for part in rest) or (top == "streamlit" and "runtime" in rest)


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_app_file_imports_only_public_names(path: Path) -> None:
    imports = _imported_modules(path)
    assert imports, f"{path.name}: no imports found"
    private = [f"line {line}: {name}" for line, name in imports if _private(name)]
    assert not private, f"{path.name} imports private modules: {private}"


@pytest.mark.parametrize(
    ("source", "private"),
    [
        ("from segmentation._errors import SegmentationError", ["segmentation._errors.SegmentationError"]),
        ("from segmentation.loading._csv import read", ["segmentation.loading._csv.read"]),
        ("from segmentation import _errors", ["segmentation._errors"]),
        (
            "from streamlit.runtime.pages_manager import PagesManager",
            ["streamlit.runtime.pages_manager.PagesManager"],
        ),
        ("import streamlit.runtime.scriptrunner", ["streamlit.runtime.scriptrunner"]),
        ("def f():\n    from streamlit.runtime import x", ["streamlit.runtime.x"]),
        ("from segmentation import SegmentationError", []),
        ("from segmentation.campaigns import build_audience", []),
        ("from streamlit.errors import StreamlitAPIException", []),
        ("import streamlit as st\nfrom pathlib import Path\nfrom __future__ import annotations", []),
    ],
)
def test_the_check_finds_private_imports(tmp_path: Path, source: str, private: list[str]) -> None:
    page = tmp_path / "page.py"
    page.write_text(source + "\n", encoding="utf-8")
    assert [name for _, name in _imported_modules(page) if _private(name)] == private


def test_every_registered_page_exists_and_every_page_file_is_registered() -> None:
    # helper modules, not pages (propensity_panel is a tab drawn by the Predictions page)
    helpers = {
        "registry",
        "shell",
        "state",
        "charts",
        "colours",
        "upload",
        "units",
        "feature_settings",
        "audience_builder",
        "propensity_panel",
    }
    helpers |= {"workspace_session", "workspace_reopen", "migration_view", "forget_panel"}  # Workspace page's
    on_disk = {path.stem for path in PAGES_DIR.glob("*.py")} - helpers - {"__init__"}
    assert {page.key for page in (*PAGES, *TOOL_PAGES)} == on_disk
    assert all(tool.file.is_file() for tool in TOOL_PAGES)
    assert [page.step for page in PAGES] == list(range(1, len(PAGES) + 1))
    assert all(page.file.is_file() for page in PAGES)
