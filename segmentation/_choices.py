"""The choices offered to users: segmentation methods, k limits, recommender models, demo defaults.

Plain constants with no imports, so the command line can list them in ``--help`` (and argparse
can check them) without importing pandas or scikit-learn. The modules that implement the choices
(:mod:`segmentation.segments.clustering`, :mod:`segmentation.recommendations.models`,
:mod:`segmentation.demo.shop`) take these values from here.
"""

from __future__ import annotations

__all__ = [
    "ALGORITHMS",
    "ALGORITHM_LABELS",
    "DEFAULT_DEMO_CUSTOMERS",
    "DEFAULT_DEMO_SEED",
    "DEFAULT_RECOMMENDER",
    "MAX_K",
    "MAX_SEED",
    "MIN_K",
    "MODEL_LABELS",
    "PROPENSITY_MODELS",
    "RECOMMENDERS",
]

#: Segmentation methods, the default first.
ALGORITHMS: tuple[str, ...] = ("kmeans", "gmm", "agglomerative", "hdbscan")
#: Their names on screen (here, not beside the methods, so listing saved runs loads no scikit-learn).
ALGORITHM_LABELS: dict[str, str] = {
    "kmeans": "K-means",
    "gmm": "Gaussian mixture",
    "agglomerative": "Agglomerative (Ward)",
    "hdbscan": "Density (HDBSCAN)",
}
#: Fewest and most segments a user may ask for.
MIN_K = 2
MAX_K = 30
#: Largest seed every random step accepts (NumPy's legacy seeding and scikit-learn's ``random_state``).
MAX_SEED = 2**32 - 1
#: Recommender model names (the keys of ``segmentation.recommendations.MODELS``) and the default.
RECOMMENDERS: tuple[str, ...] = ("popularity", "item_knn", "user_knn", "rp3beta", "ease")
DEFAULT_RECOMMENDER = "ease"
#: Their plain names for marketers, the technical name in brackets (one mapping for every screen).
MODEL_LABELS: dict[str, str] = {
    "popularity": "Bestsellers (popularity)",
    "item_knn": "Bought together (item-kNN)",
    "user_knn": "Similar shoppers (user-kNN)",
    "rp3beta": "Graph walk (RP3beta)",
    "ease": "Best overall fit (EASE)",
}
#: The demo shop's seed and size when none is given.
DEFAULT_DEMO_SEED = 2026
DEFAULT_DEMO_CUSTOMERS = 5000
#: Propensity model names (the keys of ``segmentation.predictions.propensity_models``), simplest first:
#: when two models tie on cross-validated AUC the simpler one is chosen.
PROPENSITY_MODELS: tuple[str, ...] = ("logistic", "tree", "forest", "boosting", "svm")
