"""What the workspace hands back: stored items, runs, campaigns, and the report of a forget request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

__all__ = ["KINDS", "ForgetReport", "StoredCampaign", "StoredItem", "StoredRun"]

#: The kinds of stored items, parents first.
KINDS = ("dataset", "run", "recommendations", "campaign", "lift")


@dataclass(frozen=True)
class StoredItem:
    """One stored item as listed on the Workspace page.

    Attributes
    ----------
    kind : {"dataset", "run", "recommendations", "campaign", "lift"}
    id : int
        Unique within its kind.
    name : str
        Editable; unique within its kind (lifts excepted).
    created_at : datetime
        When it was saved (UTC).
    n_rows : int
        Customers or rows it holds.
    size_bytes : int
        Bytes of its payload files on disk.
    summary : mapping
        Key numbers to show in lists (``{"k": 5, "algorithm": "kmeans"}`` for a run).
    parent_id : int or None
        The dataset of a run, the run of a campaign, the campaign of a lift.
    """

    kind: str
    id: int
    name: str
    created_at: datetime
    n_rows: int
    size_bytes: int
    summary: Mapping[str, Any]
    parent_id: int | None


@dataclass(frozen=True)
class StoredRun:
    """A saved segmentation run; ``labels`` has columns ``customer_id`` (text) and ``segment`` (int)."""

    item: StoredItem
    dataset_id: int | None
    features: tuple[str, ...]
    algorithm: str
    k: int
    seed: int
    specs: Mapping[str, Any]
    model_json: str | None
    names: Mapping[int, str]
    actions: Mapping[int, str]
    personas: tuple[Mapping[str, Any], ...]
    labels: pd.DataFrame


@dataclass(frozen=True)
class StoredCampaign:
    """A saved campaign: its rules and manifest, and the treatment and control lists."""

    item: StoredItem
    run_id: int | None
    rules: Mapping[str, Any]
    treatment: pd.DataFrame
    control: pd.DataFrame
    manifest: Mapping[str, Any]
    id_column: str


@dataclass(frozen=True)
class ForgetReport:
    """Rows removed per kind by a forget request, payload files rewritten, and its audit row."""

    datasets: int
    runs: int
    campaigns: int
    recommendations: int
    lifts: int
    payloads_rewritten: int
    audit_id: int

    def to_dict(self) -> dict[str, int]:
        """The counts as a JSON-able dict."""
        return {
            "datasets": self.datasets,
            "runs": self.runs,
            "campaigns": self.campaigns,
            "recommendations": self.recommendations,
            "lifts": self.lifts,
            "payloads_rewritten": self.payloads_rewritten,
            "audit_id": self.audit_id,
        }
