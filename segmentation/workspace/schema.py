"""The workspace's tables (SQLAlchemy 2 ORM). Every change here needs an Alembic revision in ``migrations/``.

Personal data never lives in these tables: customer tables, labels and lists are Parquet payloads
referenced by ``*_sha256`` columns (see :mod:`segmentation.workspace.payloads`). JSON is stored as
text so SQLite and PostgreSQL read it the same way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "CampaignRow",
    "DatasetRow",
    "ForgetAuditRow",
    "LiftRow",
    "PayloadRow",
    "RecommendationsRow",
    "RunRow",
    "SettingRow",
]

_NAME = 200
_SHA = 64


class Base(DeclarativeBase):
    """Base of the workspace's tables."""


class PayloadRow(Base):
    """A Parquet file in the payload folder, named by the SHA-256 of its bytes."""

    __tablename__ = "payloads"

    sha256: Mapped[str] = mapped_column(String(_SHA), primary_key=True)
    n_rows: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DatasetRow(Base):
    """An uploaded (or demo) table with how it was read and the user's role edits."""

    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(_NAME), unique=True)
    source_name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    source_sha256: Mapped[str | None] = mapped_column(String(_SHA), index=True)
    payload_sha256: Mapped[str] = mapped_column(ForeignKey("payloads.sha256"))
    detection_json: Mapped[str] = mapped_column(Text, default="{}")
    role_edits_json: Mapped[str] = mapped_column(Text, default="{}")
    key_columns_json: Mapped[str] = mapped_column(Text, default="[]")
    n_rows: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class RunRow(Base):
    """A segmentation run: settings, model, personas and the per-customer labels payload."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(_NAME), unique=True)
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    features_json: Mapped[str] = mapped_column(Text)
    algorithm: Mapped[str] = mapped_column(String(40))
    k: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    specs_json: Mapped[str] = mapped_column(Text, default="{}")
    model_json: Mapped[str | None] = mapped_column(Text)
    personas_json: Mapped[str] = mapped_column(Text, default="[]")
    names_json: Mapped[str] = mapped_column(Text, default="{}")
    actions_json: Mapped[str] = mapped_column(Text, default="{}")
    labels_sha256: Mapped[str] = mapped_column(ForeignKey("payloads.sha256"))
    n_rows: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class RecommendationsRow(Base):
    """A recommendation run: the model, its settings and quality, and the top-N table payload."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(_NAME), unique=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(String(80))
    settings_json: Mapped[str] = mapped_column(Text, default="{}")
    quality_json: Mapped[str] = mapped_column(Text, default="{}")
    payload_sha256: Mapped[str] = mapped_column(ForeignKey("payloads.sha256"))
    n_rows: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class CampaignRow(Base):
    """A campaign: its rules and manifest, and the treatment and control list payloads."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(_NAME), unique=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    rules_json: Mapped[str] = mapped_column(Text, default="{}")
    manifest_json: Mapped[str] = mapped_column(Text, default="{}")
    id_column: Mapped[str] = mapped_column(Text)
    treatment_sha256: Mapped[str] = mapped_column(ForeignKey("payloads.sha256"))
    control_sha256: Mapped[str] = mapped_column(ForeignKey("payloads.sha256"))
    n_rows: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LiftRow(Base):
    """A measured lift of a campaign (the ``lift --json`` report: aggregates only)."""

    __tablename__ = "lifts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(_NAME))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    report_json: Mapped[str] = mapped_column(Text)
    n_rows: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SettingRow(Base):
    """A small remembered setting (``last_opened`` ...)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(_NAME), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ForgetAuditRow(Base):
    """One forget request: when, how many rows went, and a salted hash of who (no personal data)."""

    __tablename__ = "forget_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    forgotten_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    salted_hash: Mapped[str] = mapped_column(String(_SHA))
    counts_json: Mapped[str] = mapped_column(Text)
