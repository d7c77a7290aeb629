"""Segments: preparing features, clustering, choosing k, the saved model and its scorer, labels.

* :mod:`~segmentation.segments.choosing_features` — which traits to use, default settings, near-duplicates.
* :mod:`~segmentation.segments.preparing` — how each trait is filled, transformed, scaled and weighted.
* :mod:`~segmentation.segments.clustering` — :func:`fit_segments` with k-means, GMM, ...
* :mod:`~segmentation.segments.choosing_k` — :func:`sweep_k`, every measure for every k.
* :mod:`~segmentation.segments.k_advice` — :func:`recommend_k`: one answer, why, how sure, alternatives.
* :mod:`~segmentation.segments.silhouette` — a fast, sampled silhouette score.
* :mod:`~segmentation.segments.model_file` — the fitted model's constants and its JSON file.
* :mod:`~segmentation.segments.scoring` — building the model from a fit and scoring customers with it.
* :mod:`~segmentation.segments.labels` — the special segment labels (unassigned, not segmented).
* :mod:`~segmentation.segments.threads` — single-threaded native code for small problems.
"""
