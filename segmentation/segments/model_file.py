"""A fitted segmentation as a readable JSON file: the model's constants, saving and loading.

The file holds every number needed to score a customer: per feature the fill value for
missing data, the transform (and its Yeo-Johnson lambda), the scaling constants, the weight and
the kept category levels; then the segment centres (plus covariances for Gaussian mixtures, or
radii for the density method) and the segment names. Nothing is pickled, so a model file from
anywhere can be opened safely and read by a person. Building a model from a fit and applying it
to new customers is :mod:`segmentation.segments.scoring`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from segmentation.errors import ModelFileError, ParameterError
from segmentation.segments.preparing import (
    SCALER_CONSTANTS,
    FeatureFill,
    FeatureSpec,
    check_spec,
    spec_from_record,
)

__all__ = [
    "MODEL_FORMAT",
    "FittedFeature",
    "SegmentationModel",
    "load_model",
    "save_model",
]

MODEL_FORMAT = "segmentation-studio/segmentation-model"
MODEL_VERSION = 1
_ASSIGNMENTS = {"kmeans": "nearest centre", "agglomerative": "nearest centre", "gmm": "most likely component"}


@dataclass(frozen=True)
class FittedFeature:
    """The learnt preprocessing constants of one feature.

    ``scaler`` holds ``mean``/``std`` (standard), ``median``/``iqr`` (robust) or
    ``multiply``/``add`` (min-max: ``x * multiply + add``). ``levels`` are the categories with
    their own column; ``other_level`` is True when rarer (or unseen) categories share one column.
    ``n_filled`` is how many segmented customers had no value and got ``fill_value`` at fitting.
    """

    spec: FeatureSpec
    fill_value: float | str
    power_lambda: float | None = None
    scaler: dict[str, float] = field(default_factory=dict)
    levels: tuple[str, ...] = ()
    other_level: bool = False
    n_filled: int = 0


@dataclass(frozen=True)
class SegmentationModel:
    """Everything needed to put a customer in a segment, without the training data.

    ``centres`` has shape (n_segments, n_outputs) in the prepared (scaled) space, row ``i`` is
    segment ``i``. ``covariances`` (n_segments, n_outputs, n_outputs) and ``mixture_weights``
    are set for Gaussian mixtures; ``radii`` (n_segments,) for the density method, where a
    customer further than its segment's radius from every centre stays "Unassigned".
    """

    algorithm: str
    features: tuple[FittedFeature, ...]
    output_names: tuple[str, ...]
    centres: np.ndarray
    seed: int = 0
    n_customers: int = 0
    segment_names: dict[int, str] = field(default_factory=dict)
    covariances: np.ndarray | None = None
    mixture_weights: np.ndarray | None = None
    radii: np.ndarray | None = None

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(f.spec.name for f in self.features)

    @property
    def n_segments(self) -> int:
        return int(self.centres.shape[0])

    @property
    def fills(self) -> tuple[FeatureFill, ...]:
        """How missing values were filled when the model was fitted (features with any)."""
        return tuple(
            FeatureFill(
                f.spec.name,
                f.n_filled,
                "median"
                if f.spec.kind == "numeric" and f.spec.missing != "most_frequent"
                else "most frequent value",
                f.fill_value,
            )
            for f in self.features
            if f.n_filled
        )

    def with_names(self, names: Mapping[int, str]) -> SegmentationModel:
        """A copy with segment names (segment number → name)."""
        return replace(self, segment_names={int(k): str(v) for k, v in names.items()})

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON-ready built-in types."""
        return {
            "format": MODEL_FORMAT,
            "version": MODEL_VERSION,
            "algorithm": self.algorithm,
            "assignment": _ASSIGNMENTS.get(self.algorithm, "nearest centre within radius"),
            "seed": self.seed,
            "n_customers": self.n_customers,
            "features": [_feature_to_dict(f) for f in self.features],
            "output_columns": list(self.output_names),
            "segments": [
                {
                    "segment": i,
                    "name": self.segment_names.get(i, f"Segment {i}"),
                    "centre": self.centres[i].tolist(),
                    **({"radius": float(self.radii[i])} if self.radii is not None else {}),
                    **(
                        {
                            "mixture_weight": float(self.mixture_weights[i]),
                            "covariance": self.covariances[i].tolist(),
                        }
                        if self.covariances is not None and self.mixture_weights is not None
                        else {}
                    ),
                }
                for i in range(self.n_segments)
            ],
        }

    def to_json(self) -> str:
        """The model as indented, human-readable JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str, *, source: str = "the model file") -> SegmentationModel:
        """Read a model written by :meth:`to_json`; raises ModelFileError naming ``source``."""
        try:
            payload = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ModelFileError(f"{source} is not valid JSON ({exc}); save the model again.") from exc
        return _model_from_dict(payload, source=source)


def _feature_to_dict(feature: FittedFeature) -> dict[str, Any]:
    out: dict[str, Any] = {
        **asdict(feature.spec),
        "fill_value": feature.fill_value,
        "missing_values_filled_when_fitted": feature.n_filled,
    }
    if feature.spec.kind == "numeric":
        out["yeo_johnson_lambda"] = feature.power_lambda
        out["scaler"] = dict(feature.scaler)
    else:
        out["levels"] = list(feature.levels)
        out["other_level"] = feature.other_level
    return out


def _model_from_dict(payload: Any, *, source: str) -> SegmentationModel:
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise ModelFileError(f"{source} is not a segmentation model saved by this tool.")
    if payload.get("version") != MODEL_VERSION:
        raise ModelFileError(
            f"{source} is model format version {payload.get('version')!r}; this tool reads version "
            f"{MODEL_VERSION}. Save the model again with this version."
        )
    try:
        features = tuple(_feature_from_dict(f, source=source) for f in payload["features"])
        segments = sorted(payload["segments"], key=lambda s: int(s["segment"]))
        centres = np.array([s["centre"] for s in segments], dtype="float64")
        covariances = mixture = radii = None
        if payload["algorithm"] == "gmm":
            covariances = np.array([s["covariance"] for s in segments], dtype="float64")
            mixture = np.array([s["mixture_weight"] for s in segments], dtype="float64")
        if payload["algorithm"] == "hdbscan":
            radii = np.array([s["radius"] for s in segments], dtype="float64")
        model = SegmentationModel(
            algorithm=str(payload["algorithm"]),
            features=features,
            output_names=tuple(str(n) for n in payload["output_columns"]),
            centres=centres,
            seed=int(payload.get("seed", 0)),
            n_customers=int(payload.get("n_customers", 0)),
            segment_names={int(s["segment"]): str(s["name"]) for s in segments},
            covariances=covariances,
            mixture_weights=mixture,
            radii=radii,
        )
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{source} is incomplete or damaged ({type(exc).__name__}: {exc}).") from exc
    if centres.ndim != 2 or centres.shape[1] != len(model.output_names):
        raise ModelFileError(f"{source} is damaged: the segment centres do not match its output columns.")
    return model


def _feature_from_dict(item: dict[str, Any], *, source: str) -> FittedFeature:
    n_filled = int(item.get("missing_values_filled_when_fitted", 0))
    spec = spec_from_record(item, name=item["name"])
    try:
        check_spec(spec)
    except ParameterError as exc:  # the same rules as when fitting, named for the file
        raise ModelFileError(f"{source}: {exc} Save the model again with this tool.") from exc
    if spec.kind == "numeric":
        lam = item.get("yeo_johnson_lambda")
        scaler = {str(k): float(v) for k, v in item["scaler"].items()}
        needed = SCALER_CONSTANTS[spec.scaling]
        absent = [name for name in needed if name not in scaler or not np.isfinite(scaler[name])]
        if absent or (spec.scaling != "minmax" and scaler[needed[1]] == 0):
            raise ModelFileError(
                f"{source}: feature {spec.name!r}: scaler needs finite {' and '.join(needed)} for "
                f"{spec.scaling!r} scaling, found {scaler}. Save the model again with this tool."
            )
        if spec.transform == "yeo-johnson" and lam is None:
            raise ModelFileError(
                f"{source}: feature {spec.name!r}: yeo_johnson_lambda is missing for the 'yeo-johnson' "
                "transform. Save the model again with this tool."
            )
        return FittedFeature(
            spec=spec,
            fill_value=float(item["fill_value"]),
            power_lambda=None if lam is None else float(lam),
            scaler=scaler,
            n_filled=n_filled,
        )
    return FittedFeature(
        spec=spec,
        fill_value=str(item["fill_value"]),
        levels=tuple(str(v) for v in item["levels"]),
        other_level=bool(item["other_level"]),
        n_filled=n_filled,
    )


def save_model(model: SegmentationModel, path: str | Path) -> None:
    """Write ``model`` as JSON to ``path`` (UTF-8)."""
    Path(path).write_text(model.to_json() + "\n", encoding="utf-8")


def load_model(path: str | Path) -> SegmentationModel:
    """Read a model saved by :func:`save_model`; raises ModelFileError when it is not one."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ModelFileError(f"{path} is not a text (JSON) model file.") from exc
    return SegmentationModel.from_json(text, source=str(path))
