"""Predictions: what customers will do (lifetime value, chance still active, chance to respond or churn)."""
