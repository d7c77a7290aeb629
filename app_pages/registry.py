"""The pages of the marketer's journey, in order: the one list the router, the sidebar, links and tests use.

Each page file is run by ``st.navigation`` in ``app.py``; ``path`` is relative to the folder of
``app.py`` (the form ``st.Page``, ``st.page_link`` and ``AppTest.switch_page`` take).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app_pages import state

PAGES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class JourneyPage:
    """One page of the journey; its file is ``app_pages/<key>.py``.

    ``progress`` returns (done, one-line detail) for the sidebar's progress list; pages that are
    not a step to finish (such as reading campaign results) have none.
    """

    key: str
    name: str
    icon: str
    step: int
    progress: Callable[[], tuple[bool, str]] | None = None

    @property
    def path(self) -> str:
        """The page's file, relative to the folder of ``app.py``: ``app_pages/<key>.py``."""
        return f"{PAGES_DIR.name}/{self.key}.py"

    @property
    def file(self) -> Path:
        """The page's file on disk."""
        return PAGES_DIR / f"{self.key}.py"

    @property
    def title(self) -> str:
        """The title in the navigation: the step number and the name ("2 · Features & k")."""
        return f"{self.step} · {self.name}"

    @property
    def step_label(self) -> str:
        """Where the page sits in the journey, counted from the registry: "Step 2 of 6"."""
        return f"Step {self.step} of {len(PAGES)}"


def _data_progress() -> tuple[bool, str]:
    data = state.get_active_data()
    if data is None:
        return False, "No data loaded yet"
    return True, f"{data.source_name} · {len(data.customers):,} customers"


def _features_progress() -> tuple[bool, str]:
    run = state.get_segment_run()
    if run is None:
        return False, "Not segmented yet"
    return True, f"{run.k} segments with {run.algorithm}"


def _personas_progress() -> tuple[bool, str]:
    ready = state.get_segment_run() is not None
    return ready, "Names and traits ready" if ready else "Needs segments"


def _predictions_progress() -> tuple[bool, str]:
    data = state.get_active_data()
    if data is not None and not data.has_transactions:
        return False, "Needs purchase history"
    ready = state.get_predictions() is not None
    return ready, "Lifetime value ready" if ready else "Not run yet"


def _recommendations_progress() -> tuple[bool, str]:
    data = state.get_active_data()
    if data is not None and not data.has_transactions:
        return False, "Needs purchase history"
    ready = state.get(state.RECOMMENDATIONS) is not None
    return ready, "Ready for lists" if ready else "Not run yet"


def _campaigns_progress() -> tuple[bool, str]:
    ready = state.get(state.CAMPAIGN) is not None
    return ready, "List built" if ready else "No list yet"


PAGES: tuple[JourneyPage, ...] = (
    JourneyPage("data", "Data", ":material/upload_file:", step=1, progress=_data_progress),
    JourneyPage("features", "Features & k", ":material/tune:", step=2, progress=_features_progress),
    JourneyPage("personas", "Personas", ":material/groups:", step=3, progress=_personas_progress),
    JourneyPage(
        "predictions", "Predictions", ":material/query_stats:", step=4, progress=_predictions_progress
    ),
    JourneyPage(
        "recommendations",
        "Recommendations",
        ":material/shopping_cart:",
        step=5,
        progress=_recommendations_progress,
    ),
    JourneyPage("campaigns", "Campaigns", ":material/campaign:", step=6, progress=_campaigns_progress),
    JourneyPage("results", "Campaign results", ":material/trending_up:", step=7),
)


@dataclass(frozen=True)
class ToolPage:
    """A page outside the journey's steps (the Workspace): no step number, no progress."""

    key: str
    name: str
    icon: str

    # Where the file is works as for a step: the same two properties, read off ``key``.
    path = JourneyPage.path
    file = JourneyPage.file

    @property
    def title(self) -> str:
        """The title in the navigation: the name alone, it is not a step."""
        return self.name


#: Pages beside the journey, listed after its steps in the navigation; "Step N of M" counts only PAGES.
TOOL_PAGES: tuple[ToolPage, ...] = (ToolPage("workspace", "Workspace", ":material/inventory_2:"),)

_BY_KEY: dict[str, JourneyPage | ToolPage] = {page.key: page for page in (*PAGES, *TOOL_PAGES)}


def page(key: str) -> JourneyPage:
    """The page registered under ``key`` ("data", "features", …)."""
    found = _BY_KEY[key]
    assert isinstance(found, JourneyPage), f"{key} is not a step of the journey; use tool_page()"
    return found


def tool_page(key: str) -> ToolPage:
    """The page beside the journey registered under ``key`` ("workspace")."""
    found = _BY_KEY[key]
    assert isinstance(found, ToolPage), f"{key} is a step of the journey; use page()"
    return found


def journey_status() -> list[tuple[JourneyPage, bool, str]]:
    """(page, done, one-line detail) for each step of the journey that has progress to show."""
    return [(entry, *entry.progress()) for entry in PAGES if entry.progress is not None]
