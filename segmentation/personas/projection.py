"""The 2D customer map behind :func:`segmentation.personas.describe.project_2d` (assumes validated input)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA

from segmentation.personas.rules import fill_missing

_SKEWED = 1.0


def map_coordinates(matrix: np.ndarray, *, seed: int) -> tuple[np.ndarray, tuple[float, float]]:
    """First two principal components of ``matrix`` (n_customers, n_columns), and their variance shares.

    Missing values are filled with the column median; skewed non-negative columns (spend,
    counts) are taken on the log(1 + x) scale so a few big customers do not flatten the map;
    every column is standardised; constant columns are left out. With fewer than two useful
    columns the missing axes are 0.
    """
    filled = fill_missing(matrix)
    skewness = pd.DataFrame(filled).skew().fillna(0.0).to_numpy()
    log_scale = (np.abs(skewness) > _SKEWED) & (filled.min(axis=0, initial=0.0) >= 0)
    filled[:, log_scale] = np.log1p(filled[:, log_scale])
    spread = filled.std(axis=0)
    useful = spread > 0
    standardised = (filled[:, useful] - filled[:, useful].mean(axis=0)) / spread[useful]
    n_rows = len(filled)
    n_components = min(2, standardised.shape[1], n_rows)
    coordinates = np.zeros((n_rows, 2))
    explained = [0.0, 0.0]
    if n_components:
        pca = PCA(n_components=n_components, random_state=seed)
        coordinates[:, :n_components] = pca.fit_transform(standardised)
        explained[:n_components] = [float(v) for v in pca.explained_variance_ratio_]
    return coordinates, (explained[0], explained[1])
