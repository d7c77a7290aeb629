"""The workspace: saved datasets, runs, recommendations, campaigns and lifts, and segment migration.

- :mod:`.location`: where the workspace lives (``SEGMENTATION_WORKSPACE``, per-user default).
- :mod:`.schema` and ``migrations/`` (Alembic, run on open by :mod:`.opening`): the database tables.
- :mod:`.payloads`: Parquet files named by content hash.
- :mod:`.store`: :func:`open_workspace` and :class:`Workspace`; :mod:`.records` turns rows into items.
- :mod:`.forgetting`: removing one customer everywhere, leaving no readable trace.
- :mod:`.migration`: :func:`compare_segmentations` of two runs.
"""
