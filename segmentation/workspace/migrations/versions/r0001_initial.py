"""The first workspace: payloads, datasets, runs, recommendations, campaigns, lifts, settings.

Revision ID: r0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None


def _created() -> list[sa.Column]:
    return [sa.Column("n_rows", sa.Integer(), nullable=False), sa.Column("created_at", sa.DateTime(True))]


def upgrade() -> None:
    op.create_table(
        "payloads",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(True)),
    )
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("source_sha256", sa.String(64), index=True),
        sa.Column("payload_sha256", sa.String(64), sa.ForeignKey("payloads.sha256"), nullable=False),
        sa.Column("detection_json", sa.Text(), nullable=False),
        sa.Column("role_edits_json", sa.Text(), nullable=False),
        sa.Column("key_columns_json", sa.Text(), nullable=False),
        *_created(),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("dataset_id", sa.Integer(), sa.ForeignKey("datasets.id", ondelete="CASCADE")),
        sa.Column("features_json", sa.Text(), nullable=False),
        sa.Column("algorithm", sa.String(40), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("specs_json", sa.Text(), nullable=False),
        sa.Column("model_json", sa.Text()),
        sa.Column("personas_json", sa.Text(), nullable=False),
        sa.Column("names_json", sa.Text(), nullable=False),
        sa.Column("actions_json", sa.Text(), nullable=False),
        sa.Column("labels_sha256", sa.String(64), sa.ForeignKey("payloads.sha256"), nullable=False),
        *_created(),
    )
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="CASCADE")),
        sa.Column("dataset_id", sa.Integer(), sa.ForeignKey("datasets.id", ondelete="CASCADE")),
        sa.Column("model", sa.String(80), nullable=False),
        sa.Column("settings_json", sa.Text(), nullable=False),
        sa.Column("quality_json", sa.Text(), nullable=False),
        sa.Column("payload_sha256", sa.String(64), sa.ForeignKey("payloads.sha256"), nullable=False),
        *_created(),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="CASCADE")),
        sa.Column("rules_json", sa.Text(), nullable=False),
        sa.Column("manifest_json", sa.Text(), nullable=False),
        sa.Column("id_column", sa.Text(), nullable=False),
        sa.Column("treatment_sha256", sa.String(64), sa.ForeignKey("payloads.sha256"), nullable=False),
        sa.Column("control_sha256", sa.String(64), sa.ForeignKey("payloads.sha256"), nullable=False),
        *_created(),
    )
    op.create_table(
        "lifts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column(
            "campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("report_json", sa.Text(), nullable=False),
        *_created(),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ("settings", "lifts", "campaigns", "recommendations", "runs", "datasets", "payloads"):
        op.drop_table(table)
