"""The workspace: datasets, runs, recommendations, campaigns and lifts saved as they happen.

Rows live in a SQLAlchemy database (SQLite by default, PostgreSQL by URL); tables of customers,
labels and lists are Parquet payloads named by their content hash (:mod:`.payloads`), written
before the row that references them is committed, so a killed process leaves at most an unused
file. Forgetting a customer is in :mod:`.forgetting`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from segmentation.errors import NameTakenError, WorkspaceError
from segmentation.workspace.forgetting import compact, forget_in_session, shred_files
from segmentation.workspace.items import KINDS, ForgetReport, StoredCampaign, StoredItem, StoredRun
from segmentation.workspace.location import masked, payload_folder, sqlite_path, workspace_location
from segmentation.workspace.opening import Transaction, connect, open_engine, upgrade
from segmentation.workspace.payloads import (
    Payload,
    payload_path,
    read_payload,
    table_bytes,
    write_payload,
)
from segmentation.workspace.records import (
    CHILDREN,
    PAYLOAD_COLUMNS,
    ROWS,
    dumps,
    int_keys,
    item_of,
    key_columns,
    now,
)
from segmentation.workspace.schema import (
    CampaignRow,
    DatasetRow,
    LiftRow,
    PayloadRow,
    RecommendationsRow,
    RunRow,
    SettingRow,
)

__all__ = ["Workspace", "open_workspace"]


class Workspace:
    """An open workspace. Create with :func:`open_workspace`; close with :meth:`close` (or ``with``).

    Attributes
    ----------
    location : str
        For display: the SQLite file, or the database URL with any password masked.
    url : str
        The database URL.
    files : Path
        The folder of Parquet payloads.
    """

    def __init__(self, url: str, engine: Engine, files: Path) -> None:
        self.url = url
        database = sqlite_path(url)
        self.location = str(database) if database is not None else masked(url)
        self.files = files
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({self.location!r})"

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # ------------------------------------------------------------------------------ helpers
    def _session(self) -> Session:
        return self.sessions()

    def _store(self, session: Session, frame: pd.DataFrame) -> Payload:
        payload = table_bytes(frame)
        path = write_payload(self.files, payload)
        if session.get(PayloadRow, payload.sha256) is None:
            session.add(
                PayloadRow(
                    sha256=payload.sha256,
                    n_rows=payload.n_rows,
                    size_bytes=path.stat().st_size,
                    created_at=now(),
                )
            )
            session.flush()
        return payload

    def _load(self, sha256: str, what: str) -> pd.DataFrame:
        return read_payload(self.files, sha256, what=what)

    def _row(self, session: Session, kind: str, id_or_name: int | str) -> Any:
        if kind not in ROWS:
            raise WorkspaceError(f"unknown kind of item {kind!r}; use one of {', '.join(KINDS)}.")
        table: Any = ROWS[kind]
        row = None
        if isinstance(id_or_name, str):
            row = session.scalars(
                select(table).where(table.name == id_or_name).order_by(table.id.desc()).limit(1)
            ).first()
            if row is None and id_or_name.strip().isdigit():
                row = session.get(table, int(id_or_name))
        else:
            row = session.get(table, int(id_or_name))
        if row is None:
            raise WorkspaceError(f"there is no {kind} {id_or_name!r} in the workspace {self.location}.")
        return row

    def _name_taken(self, session: Session, kind: str, name: str, *, other_than: int | None = None) -> Any:
        table: Any = ROWS[kind]
        query = select(table).where(table.name == name)
        if other_than is not None:
            query = query.where(table.id != other_than)
        return session.scalars(query.limit(1)).first()

    def _free_name(self, session: Session, kind: str, name: str) -> str:
        candidate, number = name, 2
        while self._name_taken(session, kind, candidate) is not None:
            candidate = f"{name} ({number})"
            number += 1
        return candidate

    def _sizes(self, session: Session, shas: Sequence[str]) -> dict[str, tuple[int, int]]:
        rows = session.execute(
            select(PayloadRow.sha256, PayloadRow.n_rows, PayloadRow.size_bytes).where(
                PayloadRow.sha256.in_(set(shas))
            )
        )
        return {sha: (n, size) for sha, n, size in rows}

    def _commit_item(self, session: Session, kind: str, row: Any) -> StoredItem:
        session.flush()
        shas = [getattr(row, c) for c in PAYLOAD_COLUMNS[kind]]
        item = item_of(kind, row, self._sizes(session, shas))
        return item

    def _write(self) -> Transaction:
        """A session in a write transaction; database errors become one WorkspaceError line."""
        return Transaction(self.sessions, self.url, write=True)

    # -------------------------------------------------------------------------------- saving
    def save_dataset(
        self,
        *,
        name: str,
        source_name: str,
        kind: str,
        table: pd.DataFrame,
        source_sha256: str | None = None,
        detection: Mapping[str, Any] | None = None,
        role_edits: Mapping[str, str] | None = None,
    ) -> StoredItem:
        """Save an uploaded table; the same source file (by hash) returns the item saved before."""
        with self._write() as session:
            if source_sha256 is not None:
                existing = session.scalars(
                    select(DatasetRow).where(DatasetRow.source_sha256 == source_sha256).limit(1)
                ).first()
                if existing is not None:
                    return self._commit_item(session, "dataset", existing)
            payload = self._store(session, table)
            row = DatasetRow(
                name=self._free_name(session, "dataset", name),
                source_name=source_name,
                kind=kind,
                source_sha256=source_sha256,
                payload_sha256=payload.sha256,
                detection_json=dumps(dict(detection or {})),
                role_edits_json=dumps(dict(role_edits or {})),
                key_columns_json=dumps(key_columns(table, detection or {}, role_edits or {})),
                n_rows=len(table),
                created_at=now(),
            )
            session.add(row)
            return self._commit_item(session, "dataset", row)

    def save_run(
        self,
        *,
        name: str,
        dataset_id: int | None,
        customer_ids: pd.Series,
        labels: Sequence[int] | np.ndarray,
        features: Sequence[str],
        algorithm: str,
        k: int,
        seed: int,
        specs: Mapping[str, Any] | None = None,
        model_json: str | None = None,
        personas: Sequence[Mapping[str, Any]] = (),
        names: Mapping[int, str] | None = None,
        actions: Mapping[int, str] | None = None,
        replace: bool = False,
    ) -> StoredItem:
        """Save a segmentation run with its per-customer labels.

        Raises
        ------
        NameTakenError
            When a run called ``name`` exists and ``replace`` is False.
        """
        ids = pd.Series(customer_ids).reset_index(drop=True)
        frame = pd.DataFrame(
            {
                "customer_id": ids.astype("str").where(ids.notna(), ""),
                "segment": np.asarray(labels, dtype="int64"),
            }
        )
        with self._write() as session:
            row = self._name_taken(session, "run", name)
            if row is not None and not replace:
                raise NameTakenError(f"run {name!r} exists already in the workspace.")
            payload = self._store(session, frame)
            if row is None:
                row = RunRow(name=name)
                session.add(row)
            row.dataset_id = dataset_id
            row.features_json = dumps(list(features))
            row.algorithm = algorithm
            row.k = int(k)
            row.seed = int(seed)
            row.specs_json = dumps(dict(specs or {}))
            row.model_json = model_json
            row.personas_json = dumps([dict(p) for p in personas])
            row.names_json = dumps({str(s): n for s, n in (names or {}).items()})
            row.actions_json = dumps({str(s): a for s, a in (actions or {}).items()})
            row.labels_sha256 = payload.sha256
            row.n_rows = len(frame)
            row.created_at = now()
            item = self._commit_item(session, "run", row)
        self._drop_unused_payloads()
        return item

    def update_run_names(self, run_id: int, *, names: Mapping[int, str], actions: Mapping[int, str]) -> None:
        """Store the persona names and actions the user edited."""
        with self._write() as session:
            row = self._row(session, "run", run_id)
            row.names_json = dumps({str(s): n for s, n in names.items()})
            row.actions_json = dumps({str(s): a for s, a in actions.items()})

    def save_recommendations(
        self,
        *,
        name: str,
        run_id: int | None,
        dataset_id: int | None,
        model: str,
        settings: Mapping[str, Any],
        table: pd.DataFrame,
        quality: Mapping[str, Any],
    ) -> StoredItem:
        """Save a recommendation run (its top-N table as a payload)."""
        with self._write() as session:
            payload = self._store(session, table)
            row = RecommendationsRow(
                name=self._free_name(session, "recommendations", name),
                run_id=run_id,
                dataset_id=dataset_id,
                model=model,
                settings_json=dumps(dict(settings)),
                quality_json=dumps(dict(quality)),
                payload_sha256=payload.sha256,
                n_rows=len(table),
                created_at=now(),
            )
            session.add(row)
            return self._commit_item(session, "recommendations", row)

    def save_campaign(
        self,
        *,
        name: str,
        run_id: int | None,
        rules: Mapping[str, Any],
        treatment: pd.DataFrame,
        control: pd.DataFrame,
        manifest: Mapping[str, Any],
        id_column: str,
        replace: bool = False,
    ) -> StoredItem:
        """Save a campaign's lists, rules and manifest.

        Raises
        ------
        NameTakenError
            When a campaign called ``name`` exists and ``replace`` is False.
        """
        with self._write() as session:
            row = self._name_taken(session, "campaign", name)
            if row is not None and not replace:
                raise NameTakenError(f"campaign {name!r} exists already in the workspace.")
            sent = self._store(session, treatment)
            held = self._store(session, control)
            if row is None:
                row = CampaignRow(name=name)
                session.add(row)
            row.run_id = run_id
            row.rules_json = dumps(dict(rules))
            row.manifest_json = dumps(dict(manifest))
            row.id_column = id_column
            row.treatment_sha256 = sent.sha256
            row.control_sha256 = held.sha256
            row.n_rows = len(treatment) + len(control)
            row.created_at = now()
            item = self._commit_item(session, "campaign", row)
        self._drop_unused_payloads()
        return item

    def save_lift(self, *, campaign_id: int, report: Mapping[str, Any]) -> StoredItem:
        """Save a measured lift (the ``lift --json`` dict) of a stored campaign."""
        with self._write() as session:
            campaign = self._row(session, "campaign", campaign_id)
            when = now()
            row = LiftRow(
                name=f"{campaign.name}, measured {when:%Y-%m-%d %H:%M}",
                campaign_id=campaign.id,
                report_json=dumps(dict(report)),
                n_rows=int(report.get("n_listed") or 0),
                created_at=when,
            )
            session.add(row)
            return self._commit_item(session, "lift", row)

    # ------------------------------------------------------------------------------- reading
    def items(self, kind: str) -> list[StoredItem]:
        """Every stored item of ``kind``, newest first."""
        if kind not in ROWS:
            raise WorkspaceError(f"unknown kind of item {kind!r}; use one of {', '.join(KINDS)}.")
        table: Any = ROWS[kind]
        with self._reading() as session:
            rows = list(session.scalars(select(table).order_by(table.created_at.desc(), table.id.desc())))
            shas = [getattr(r, c) for r in rows for c in PAYLOAD_COLUMNS[kind]]
            sizes = self._sizes(session, shas) if shas else {}
            return [item_of(kind, row, sizes) for row in rows]

    def find(self, kind: str, id_or_name: int | str) -> StoredItem:
        """The item of ``kind`` with this id or name (a missing one is a WorkspaceError naming it)."""
        with self._reading() as session:
            row = self._row(session, kind, id_or_name)
            return self._commit_item(session, kind, row)

    def load_dataset(self, id_or_name: int | str) -> tuple[StoredItem, pd.DataFrame, Mapping[str, Any]]:
        """A stored dataset: its item, its table, and how it was read (``detection`` and ``role_edits``)."""
        with self._reading() as session:
            row = self._row(session, "dataset", id_or_name)
            item = self._commit_item(session, "dataset", row)
        table = self._load(row.payload_sha256, f"dataset {row.name!r}")
        reading = {
            "detection": json.loads(row.detection_json),
            "role_edits": json.loads(row.role_edits_json),
            "source_sha256": row.source_sha256,
        }
        return item, table, reading

    def load_run(self, id_or_name: int | str) -> StoredRun:
        """A stored segmentation run with its labels."""
        with self._reading() as session:
            row = self._row(session, "run", id_or_name)
            item = self._commit_item(session, "run", row)
        labels = self._load(row.labels_sha256, f"run {row.name!r}")
        return StoredRun(
            item=item,
            dataset_id=row.dataset_id,
            features=tuple(json.loads(row.features_json)),
            algorithm=row.algorithm,
            k=row.k,
            seed=row.seed,
            specs=json.loads(row.specs_json),
            model_json=row.model_json,
            names=int_keys(row.names_json),
            actions=int_keys(row.actions_json),
            personas=tuple(json.loads(row.personas_json)),
            labels=labels,
        )

    def load_campaign(self, id_or_name: int | str) -> StoredCampaign:
        """A stored campaign with its treatment and control lists."""
        with self._reading() as session:
            row = self._row(session, "campaign", id_or_name)
            item = self._commit_item(session, "campaign", row)
        what = f"campaign {row.name!r}"
        return StoredCampaign(
            item=item,
            run_id=row.run_id,
            rules=json.loads(row.rules_json),
            treatment=self._load(row.treatment_sha256, what),
            control=self._load(row.control_sha256, what),
            manifest=json.loads(row.manifest_json),
            id_column=row.id_column,
        )

    def load_recommendations(self, id_or_name: int | str) -> tuple[StoredItem, pd.DataFrame]:
        """A stored recommendation run and its table."""
        with self._reading() as session:
            row = self._row(session, "recommendations", id_or_name)
            item = self._commit_item(session, "recommendations", row)
        return item, self._load(row.payload_sha256, f"recommendations {row.name!r}")

    def lifts(self) -> list[tuple[StoredItem, Mapping[str, Any]]]:
        """Every measured lift with its report, newest first."""
        with self._reading() as session:
            rows = list(
                session.scalars(select(LiftRow).order_by(LiftRow.created_at.desc(), LiftRow.id.desc()))
            )
            return [(item_of("lift", row, {}), json.loads(row.report_json)) for row in rows]

    # ----------------------------------------------------------------------------- editing
    def rename(self, kind: str, item_id: int, new_name: str) -> None:
        """Give an item a new name (unique within its kind, lifts excepted)."""
        name = new_name.strip()
        if not name:
            raise WorkspaceError(f"a {kind} needs a name; the new name is empty.")
        with self._write() as session:
            row = self._row(session, kind, item_id)
            if kind != "lift" and self._name_taken(session, kind, name, other_than=row.id) is not None:
                raise NameTakenError(f"{kind} {name!r} exists already in the workspace.")
            row.name = name

    def delete(self, kind: str, item_id: int) -> None:
        """Delete an item and everything made from it (the runs of a dataset, the lifts of a campaign ...)."""
        with self._write() as session:
            self._delete(session, kind, self._row(session, kind, item_id))
        self._drop_unused_payloads()

    def _delete(self, session: Session, kind: str, row: Any) -> None:
        for child_kind, column in CHILDREN[kind]:
            table: Any = ROWS[child_kind]
            for child in session.scalars(select(table).where(getattr(table, column) == row.id)):
                self._delete(session, child_kind, child)
        session.delete(row)
        session.flush()

    def _referenced(self, session: Session) -> set[str]:
        used: set[str] = set()
        for kind, columns in PAYLOAD_COLUMNS.items():
            table: Any = ROWS[kind]
            for column in columns:
                used.update(session.scalars(select(getattr(table, column)).distinct()))
        return used

    def _drop_unused_payloads(self) -> None:
        """Delete payload files no item refers to any more (under the write lock, after the rows go)."""
        with self._write() as session:
            used = self._referenced(session)
            unused = [sha for sha in session.scalars(select(PayloadRow.sha256)) if sha not in used]
            for sha in unused:
                session.delete(session.get(PayloadRow, sha))
            session.flush()
            for sha in unused:
                payload_path(self.files, sha).unlink(missing_ok=True)

    def remember(self, key: str, value: str) -> None:
        """Keep a small setting, e.g. ``remember("last_opened", "run:12")``."""
        with self._write() as session:
            session.merge(SettingRow(key=key, value=value))

    def recall(self, key: str) -> str | None:
        """A setting kept by :meth:`remember`, or None."""
        with self._reading() as session:
            row = session.get(SettingRow, key)
            return None if row is None else row.value

    def count(self, kind: str) -> int:
        """How many items of ``kind`` are stored."""
        table: Any = ROWS[kind]
        with self._reading() as session:
            return int(session.scalar(select(func.count()).select_from(table)) or 0)

    def _reading(self) -> Transaction:
        return Transaction(self.sessions, self.url, write=False)

    def forget_customer(self, who: str) -> ForgetReport:
        """Remove one customer (by id or email) from every stored table, run, list and recommendation.

        Payload files holding the customer are rewritten (the old bytes overwritten, then deleted),
        freed database pages are zeroed and the file compacted; an audit row keeps the date, the
        counts and a salted hash of ``who``, nothing personal. See :mod:`.forgetting`.
        """
        with self._write() as session:
            report, old_files = forget_in_session(session, self.files, who)
            session.flush()
            shred_files(old_files)  # under the write lock: no other process can take them up again
        compact(self.engine)
        return report


def open_workspace(location: str | os.PathLike[str] | None = None) -> Workspace:
    """Open (creating or upgrading) the workspace at ``location``.

    Parameters
    ----------
    location : str, path or None
        See :func:`workspace_location`: a URL, a SQLite file or folder, or None for
        ``SEGMENTATION_WORKSPACE`` / the per-user default.

    Raises
    ------
    WorkspaceError
        One line naming the workspace when it cannot be reached, is damaged, or was written by a
        newer version.
    """
    url = workspace_location(location)
    engine = open_engine(url)
    try:
        connect(engine, url)
        upgrade(engine, url)
        files = payload_folder(url)
        database = sqlite_path(url)
        if database is not None and database.stat().st_mode & 0o077:
            database.chmod(0o600)  # owner-only, like its folder
    except BaseException:
        engine.dispose()
        raise
    return Workspace(url, engine, files)
