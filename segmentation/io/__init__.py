"""Reading files: a CSV, TSV, Excel, Parquet or JSON export (plain, gzipped or zipped) as a typed table.

* :mod:`~segmentation.io.loading` — :func:`load_table`, the one door every file comes through.
* :mod:`~segmentation.io.source` — size limits, gzip / zip unpacking, the bytes of an upload.
* :mod:`~segmentation.io.sniffing` — encoding, delimiter, decimal mark, header row.
* :mod:`~segmentation.io.text_reader` — CSV / TSV parsing (Arrow fast path, repaired ragged rows).
* :mod:`~segmentation.io.xlsx_reader`, :mod:`~segmentation.io.xlsx_cells` — Excel workbooks.
* :mod:`~segmentation.io.parquet_reader` — Parquet files.
* :mod:`~segmentation.io.limits` — how many rows and bytes a file may have.
* :mod:`~segmentation.io.summary_rows` — totals and subtotal rows that are not customers.
"""
