"""How the workspace's rows become listed items: the kinds' tables, payload columns, parents, summaries."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from segmentation.profiling.roles import Role
from segmentation.profiling.table_roles import infer_roles
from segmentation.workspace.items import StoredItem
from segmentation.workspace.schema import (
    Base,
    CampaignRow,
    DatasetRow,
    LiftRow,
    RecommendationsRow,
    RunRow,
)

__all__ = [
    "CHILDREN",
    "PAYLOAD_COLUMNS",
    "ROWS",
    "dumps",
    "int_keys",
    "item_of",
    "key_columns",
    "now",
]

ROWS: dict[str, type[Base]] = {
    "dataset": DatasetRow,
    "run": RunRow,
    "recommendations": RecommendationsRow,
    "campaign": CampaignRow,
    "lift": LiftRow,
}
PAYLOAD_COLUMNS = {
    "dataset": ("payload_sha256",),
    "run": ("labels_sha256",),
    "recommendations": ("payload_sha256",),
    "campaign": ("treatment_sha256", "control_sha256"),
    "lift": (),
}
_PARENT = {"dataset": None, "run": "dataset_id", "recommendations": "run_id", "campaign": "run_id"}
CHILDREN = {
    "dataset": (("run", "dataset_id"), ("recommendations", "dataset_id")),
    "run": (("recommendations", "run_id"), ("campaign", "run_id")),
    "recommendations": (),
    "campaign": (("lift", "campaign_id"),),
    "lift": (),
}
_KEY_ROLES = {Role.CUSTOMER_ID.value, Role.EMAIL.value}


def dumps(value: Any) -> str:
    """JSON text of ``value`` (numpy numbers and dates as plain values)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return str(value)


def int_keys(text: str) -> dict[int, str]:
    """A JSON object of segment number → text, with the numbers as ints again."""
    return {int(k): str(v) for k, v in json.loads(text).items()}


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def key_columns(
    table: pd.DataFrame, detection: Mapping[str, Any], role_edits: Mapping[str, str]
) -> list[str]:
    """Columns holding customer ids or emails: what a forget request matches on."""
    roles: dict[str, str] = {}
    recorded = detection.get("roles")
    if isinstance(recorded, Mapping):
        roles.update({str(c): str(r) for c, r in recorded.items()})
    else:
        roles.update({str(c): str(r) for c, r in infer_roles(table).items()})
    roles.update({str(c): str(r) for c, r in role_edits.items()})
    return [c for c in map(str, table.columns) if roles.get(c) in _KEY_ROLES]


def item_of(kind: str, row: Any, sizes: Mapping[str, tuple[int, int]]) -> StoredItem:
    """The listed item of ``row`` (of ``kind``); ``sizes`` maps payload hashes to (rows, bytes)."""
    shas = [getattr(row, c) for c in PAYLOAD_COLUMNS[kind]]
    parent = _PARENT.get(kind, "campaign_id")
    return StoredItem(
        kind=kind,
        id=int(row.id),
        name=str(row.name),
        created_at=_utc(row.created_at),
        n_rows=int(row.n_rows),
        size_bytes=sum(sizes.get(sha, (0, 0))[1] for sha in shas),
        summary=_summary(kind, row, sizes),
        parent_id=None if parent is None else getattr(row, parent),
    )


def _summary(kind: str, row: Any, sizes: Mapping[str, tuple[int, int]]) -> dict[str, Any]:
    if kind == "dataset":
        return {"source_name": row.source_name, "kind": row.kind}
    if kind == "run":
        return {"k": row.k, "algorithm": row.algorithm, "features": len(json.loads(row.features_json))}
    if kind == "recommendations":
        quality = json.loads(row.quality_json)
        numbers = {k: v for k, v in quality.items() if isinstance(v, int | float)}
        return {"model": row.model, **dict(list(numbers.items())[:3])}
    if kind == "campaign":
        return {
            "treatment": sizes.get(row.treatment_sha256, (0, 0))[0],
            "control": sizes.get(row.control_sha256, (0, 0))[0],
        }
    overall = json.loads(row.report_json).get("overall", {})
    return {
        "absolute_lift": overall.get("absolute_lift"),
        "p_value": overall.get("p_value"),
        "treatment": overall.get("treatment", {}).get("n"),
        "control": overall.get("control", {}).get("n"),
    }
