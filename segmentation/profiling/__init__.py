"""Profiling: what each column of a loaded table is (its role), its typed values, and data quality.

* :mod:`~segmentation.profiling.table_profile` — :func:`profile_table`, :func:`coerce_table`,
  :func:`detect_table_shape` (customer table or transactions).
* :mod:`~segmentation.profiling.roles` — the role of each column (id, date, money, consent, ...).
* :mod:`~segmentation.profiling.column_facts` — cheap per-column facts the role rules read.
* :mod:`~segmentation.profiling.table_roles` — roles that depend on the whole table.
* :mod:`~segmentation.profiling.quality` — the data-quality report.
"""
