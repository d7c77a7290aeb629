"""Customers: one row per customer, from a customer table or from transactions, with RFM.

* :mod:`~segmentation.customers.datasets` — :class:`CustomerDataset`, the working dataset every
  later stage segments (customer table, transactions, catalog, demo).
* :mod:`~segmentation.customers.features` — transactions → behaviour features per customer.
* :mod:`~segmentation.customers.transactions` — which columns of a transaction table are what.
* :mod:`~segmentation.customers.aggregate` — the vectorised per-customer aggregation.
* :mod:`~segmentation.customers.rfm` — RFM scores and RFM segments.
"""
