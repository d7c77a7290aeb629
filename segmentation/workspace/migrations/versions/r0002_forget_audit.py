"""Forget requests get an audit table; lists are read newest first, so created_at is indexed.

Revision ID: r0002
Revises: r0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None

_LISTED = ("datasets", "runs", "recommendations", "campaigns", "lifts")


def upgrade() -> None:
    op.create_table(
        "forget_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("forgotten_at", sa.DateTime(True), nullable=False),
        sa.Column("salted_hash", sa.String(64), nullable=False),
        sa.Column("counts_json", sa.Text(), nullable=False),
    )
    for table in _LISTED:
        op.create_index(f"ix_{table}_created_at", table, ["created_at"])


def downgrade() -> None:
    for table in _LISTED:
        op.drop_index(f"ix_{table}_created_at", table_name=table)
    op.drop_table("forget_audit")
