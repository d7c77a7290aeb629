"""Forgetting a customer: every stored table, label list, campaign list and recommendation loses them.

A request names an id or an email. Rows holding it in a key column (customer id or email) are
found first, and the other keys on those rows (the email of the id, the id of the email) join the
search, so the customer is found in tables that hold only one of the two. Each payload file that
holds the customer is rewritten without them under its new content hash; the old file's bytes are
overwritten before it is deleted. JSON kept in the database (personas, manifests) loses any value
equal to one of the keys. Afterwards SQLite zeroes freed pages (``secure_delete``), is vacuumed and
its write-ahead log truncated; PostgreSQL tables are vacuumed in full.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from segmentation.errors import WorkspaceError
from segmentation.keys import match_key
from segmentation.workspace.items import ForgetReport
from segmentation.workspace.payloads import payload_path, read_payload, shred, table_bytes, write_payload
from segmentation.workspace.schema import (
    CampaignRow,
    DatasetRow,
    ForgetAuditRow,
    LiftRow,
    PayloadRow,
    RecommendationsRow,
    RunRow,
    SettingRow,
)

__all__ = ["FORGOTTEN", "compact", "forget_in_session", "shred_files"]

#: What a forgotten value in stored JSON becomes.
FORGOTTEN = "[forgotten]"
_SALT_KEY = "forget_salt"
_HASHED_EMAIL = "email_sha256"
_RECOMMENDATION_KEYS = ("customer", "customer_id")
# (table, payload column, kind counted, JSON columns)
_REFERENCES: tuple[tuple[Any, str, str], ...] = (
    (DatasetRow, "payload_sha256", "datasets"),
    (RunRow, "labels_sha256", "runs"),
    (CampaignRow, "treatment_sha256", "campaigns"),
    (CampaignRow, "control_sha256", "campaigns"),
    (RecommendationsRow, "payload_sha256", "recommendations"),
)
_JSON_COLUMNS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (DatasetRow, ("detection_json", "role_edits_json")),
    (RunRow, ("specs_json", "personas_json", "names_json", "actions_json")),
    (CampaignRow, ("rules_json", "manifest_json")),
    (RecommendationsRow, ("settings_json", "quality_json")),
    (LiftRow, ("report_json",)),
)


def _key_columns(row: Any, frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` that hold customer ids or emails for the item ``row``."""
    if isinstance(row, DatasetRow):
        wanted = set(json.loads(row.key_columns_json))
    elif isinstance(row, RunRow):
        wanted = {"customer_id"}
    elif isinstance(row, CampaignRow):
        contacts = json.loads(row.manifest_json).get("contacts", {})
        named = contacts.values() if isinstance(contacts, dict) else ()
        wanted = {row.id_column, *(v for v in named if isinstance(v, str))}
        wanted |= {c for c in map(str, frame.columns) if "mail" in c.casefold()}
    else:
        settings = json.loads(row.settings_json)
        wanted = {*_RECOMMENDATION_KEYS, str(settings.get("customer_col", ""))}
    return [c for c in map(str, frame.columns) if c in wanted]


def _matches(frame: pd.DataFrame, columns: Iterable[str], keys: set[str]) -> pd.Series:
    hashed = {hashlib.sha256(k.encode("utf-8")).hexdigest() for k in keys if "@" in k}
    found = pd.Series(False, index=frame.index)
    for column in columns:
        values = match_key(frame[column].astype("str").where(frame[column].notna()))
        found |= values.isin(hashed if column == _HASHED_EMAIL else keys)
    return found


def _walk(value: Any, keys: set[str]) -> Any:
    """``value`` with every string (and dict key) equal to a key replaced by :data:`FORGOTTEN`."""
    if isinstance(value, dict):
        return {_walk(k, keys): _walk(v, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, keys) for v in value]
    if isinstance(value, str) and match_key(pd.Series([value])).iloc[0] in keys:
        return FORGOTTEN
    return value


def _salted_hash(session: Session, key: str) -> str:
    setting = session.get(SettingRow, _SALT_KEY)
    if setting is None:
        setting = SettingRow(key=_SALT_KEY, value=secrets.token_hex(32))
        session.add(setting)
    return hashlib.sha256(f"{setting.value}:{key}".encode()).hexdigest()


def forget_in_session(session: Session, files: Path, who: str) -> tuple[ForgetReport, list[Path]]:
    """Remove the customer ``who`` inside ``session``'s transaction (the caller commits).

    New payload files are written before the commit; the old ones are returned for the caller
    to :func:`shred_files` after it, so a failure part-way leaves the old state readable.
    """
    key = match_key(pd.Series([str(who)])).iloc[0]
    if not key:
        raise WorkspaceError("give the customer id or email to forget; it is empty.")
    references: dict[str, list[tuple[Any, str, str]]] = defaultdict(list)
    for table, column, counted in _REFERENCES:
        for row in session.scalars(select(table)):
            references[getattr(row, column)].append((row, column, counted))
    frames = {
        sha: read_payload(files, sha, what=f"{refs[0][2]} {refs[0][0].name!r}")
        for sha, refs in references.items()
    }
    columns = {
        sha: sorted({c for row, _, _ in refs for c in _key_columns(row, frames[sha])})
        for sha, refs in references.items()
    }
    # Widen the keys with the ids/emails found on the customer's rows, until nothing new turns up.
    keys = {key}
    for _ in range(5):
        found = set(keys)
        for sha, frame in frames.items():
            rows = frame[_matches(frame, columns[sha], keys)]
            for column in columns[sha]:
                if column != _HASHED_EMAIL:
                    found |= set(match_key(rows[column].astype("str").where(rows[column].notna()))) - {""}
        if found == keys:
            break
        keys = found
    removed: dict[str, int] = defaultdict(int)
    rewritten: list[str] = []
    for sha, frame in frames.items():
        hit = _matches(frame, columns[sha], keys)
        if not hit.any():
            continue
        payload = table_bytes(frame[~hit])
        path = write_payload(files, payload)
        if session.get(PayloadRow, payload.sha256) is None:
            session.add(
                PayloadRow(
                    sha256=payload.sha256,
                    n_rows=payload.n_rows,
                    size_bytes=path.stat().st_size,
                    created_at=datetime.now(UTC),
                )
            )
            session.flush()
        for row, column, counted in references[sha]:
            setattr(row, column, payload.sha256)
            removed[counted] += int(hit.sum())
            if isinstance(row, DatasetRow | RunRow | RecommendationsRow):
                row.n_rows = int(row.n_rows - hit.sum())
        rewritten.append(sha)
    for table, json_columns in _JSON_COLUMNS:
        for row in session.scalars(select(table)):
            for column in json_columns:
                before = getattr(row, column)
                after = json.dumps(_walk(json.loads(before), keys), ensure_ascii=False, sort_keys=True)
                if after != json.dumps(json.loads(before), ensure_ascii=False, sort_keys=True):
                    setattr(row, column, after)
    session.flush()
    for row in session.scalars(select(CampaignRow)):
        sizes = [session.get(PayloadRow, sha) for sha in (row.treatment_sha256, row.control_sha256)]
        row.n_rows = sum(size.n_rows for size in sizes if size is not None)
    for sha in rewritten:
        old = session.get(PayloadRow, sha)
        if old is not None:
            session.delete(old)
    audit = ForgetAuditRow(
        forgotten_at=datetime.now(UTC),
        salted_hash=_salted_hash(session, key),
        counts_json=json.dumps(dict(removed), sort_keys=True),
    )
    session.add(audit)
    session.flush()
    report = ForgetReport(
        datasets=removed["datasets"],
        runs=removed["runs"],
        campaigns=removed["campaigns"],
        recommendations=removed["recommendations"],
        lifts=0,
        payloads_rewritten=len(rewritten),
        audit_id=int(audit.id),
    )
    return report, [payload_path(files, sha) for sha in rewritten]


def shred_files(paths: Iterable[Path]) -> None:
    """Overwrite and delete the old payload files (after the commit that stopped using them)."""
    for path in paths:
        shred(path)


def compact(engine: Engine) -> None:
    """Make freed database pages unreadable: SQLite vacuum + WAL truncation; PostgreSQL VACUUM FULL."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.close()
        return
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("datasets", "runs", "recommendations", "campaigns", "lifts", "settings"):
                connection.exec_driver_sql(f"VACUUM FULL {table}")
