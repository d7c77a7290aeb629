"""Predictions: what customers will do (lifetime value, chance still active) from their purchases.

``clv_data`` turns transaction lines into one row per customer (frequency, recency, age and
average spend, in weeks) split at a calibration date; ``clv`` fits the buy-till-you-die models
(BG/NBD or Pareto/NBD for repeat purchases, Gamma-Gamma for spend) and scores every customer;
``clv_check`` compares the calibration fit with what customers really bought afterwards.
"""
