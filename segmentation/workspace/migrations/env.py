"""Alembic environment of the workspace: run on the connection that open_workspace hands over.

Not a module of the package (this folder has no ``__init__.py``): Alembic runs it as a script.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True, transaction_per_migration=False)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Two processes opening a new workspace at once: the second waits, then finds it upgraded.
        connection.execute(text("SELECT pg_advisory_xact_lock(724716812)"))
    context.run_migrations()
