"""Personas: readable, actionable descriptions of segments.

* :mod:`~segmentation.personas.describe` — :func:`describe_segments` and the 2D map.
* :mod:`~segmentation.personas.traits` — the distinctive traits of a segment.
* :mod:`~segmentation.personas.naming` — a persona name and suggested action from its traits.
* :mod:`~segmentation.personas.wording` — traits in plain language.
* :mod:`~segmentation.personas.rules` — short surrogate rules in original units.
* :mod:`~segmentation.personas.projection` — the 2D customer map.
"""
