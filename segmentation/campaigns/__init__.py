"""Campaigns: the audience, consent, suppression, exported lists and measured lift.

* :mod:`~segmentation.campaigns.audience` — :func:`build_audience` (who may be contacted, control group).
* :mod:`~segmentation.campaigns.rules` — audience rules applied in a fixed, reported order.
* :mod:`~segmentation.campaigns.consent` — reading consent columns and their polarity.
* :mod:`~segmentation.campaigns.suppression` — suppression lists.
* :mod:`~segmentation.campaigns.export` — CSV / XLSX / ZIP exports with a manifest.
* :mod:`~segmentation.campaigns.safe_tables` — formula-injection-safe cells.
* :mod:`~segmentation.campaigns.xlsx_writer` — a minimal XLSX writer.
* :mod:`~segmentation.campaigns.lift` — :func:`measure_lift` of a campaign against its control group.
* :mod:`~segmentation.campaigns.lift_stats` — the statistics behind lift.
"""
