"""Customer segmentation for marketers: loading, features, segments, personas, recommendations, campaigns.

No user-interface code lives here; the Streamlit app and the ``segmentation`` command line
both call these functions. Each stage is its own module; this face re-exports their public names.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from segmentation._errors import (
        ColumnError,
        DataLoadError,
        DataQualityWarning,
        ModelFileError,
        ParameterError,
        SegmentationError,
        SegmentationWarning,
    )
    from segmentation.campaigns import (
        Audience,
        CampaignSpec,
        build_audience,
        build_manifest,
        escape_formulas,
        export_csv,
        export_xlsx,
        export_zip,
    )
    from segmentation.clustering import (
        ALGORITHMS,
        SegmentationResult,
        fit_segments,
    )
    from segmentation.datasets import (
        CatalogColumns,
        CustomerDataset,
        customer_table_dataset,
        demo_dataset,
        transaction_dataset,
    )
    from segmentation.demo import (
        DemoData,
        generate_demo_data,
        load_demo,
        write_demo_data,
    )
    from segmentation.features import (
        RFM_SEGMENT_RULES,
        CustomerFeatures,
        RfmCutPoints,
        TransactionColumns,
        build_customer_features,
        default_cut_points,
        detect_transaction_columns,
        rfm_scores,
        rfm_segment_table,
    )
    from segmentation.lift import (
        LiftReport,
        measure_lift,
    )
    from segmentation.loading import (
        Detection,
        LoadedTable,
        ReadOptions,
        load_table,
    )
    from segmentation.model_io import (
        SegmentationModel,
        assign_segments,
        load_model,
        save_model,
    )
    from segmentation.personas import (
        Persona,
        Trait,
        describe_segments,
        personas_to_dict,
        project_2d,
        segment_profile_matrix,
        surrogate_rules,
    )
    from segmentation.preprocessing import (
        FeatureSpec,
        FeatureSuggestion,
        build_preprocessor,
        default_specs,
        suggest_features,
    )
    from segmentation.profiling import (
        ROLE_LABELS,
        ColumnProfile,
        DataIssue,
        Role,
        TableProfile,
        coerce_table,
        detect_table_shape,
        infer_roles,
        parse_dates,
        parse_numbers,
        profile_table,
    )
    from segmentation.recommendations import (
        DEFAULT_MODEL,
        MODELS,
        EvaluationReport,
        Interactions,
        build_interactions,
        evaluate_models,
        make_model,
        recommend_top_n,
        segment_top_items,
    )
    from segmentation.selection import (
        SweepResult,
        recommend_k,
        sweep_k,
    )

# Names are imported on first use, so ``import segmentation`` (and the command line's start-up)
# does not pay for scikit-learn and SciPy until a stage that needs them is used.
_MODULE_OF: dict[str, str] = {
    "ALGORITHMS": "segmentation.clustering",
    "Audience": "segmentation.campaigns",
    "CampaignSpec": "segmentation.campaigns",
    "CatalogColumns": "segmentation.datasets",
    "ColumnError": "segmentation._errors",
    "ColumnProfile": "segmentation.profiling",
    "CustomerDataset": "segmentation.datasets",
    "CustomerFeatures": "segmentation.features",
    "DEFAULT_MODEL": "segmentation.recommendations",
    "DataIssue": "segmentation.profiling",
    "DataLoadError": "segmentation._errors",
    "DataQualityWarning": "segmentation._errors",
    "DemoData": "segmentation.demo",
    "Detection": "segmentation.loading",
    "EvaluationReport": "segmentation.recommendations",
    "FeatureSpec": "segmentation.preprocessing",
    "FeatureSuggestion": "segmentation.preprocessing",
    "Interactions": "segmentation.recommendations",
    "LiftReport": "segmentation.lift",
    "LoadedTable": "segmentation.loading",
    "MODELS": "segmentation.recommendations",
    "ModelFileError": "segmentation._errors",
    "ParameterError": "segmentation._errors",
    "Persona": "segmentation.personas",
    "RFM_SEGMENT_RULES": "segmentation.features",
    "ROLE_LABELS": "segmentation.profiling",
    "ReadOptions": "segmentation.loading",
    "RfmCutPoints": "segmentation.features",
    "Role": "segmentation.profiling",
    "SegmentationError": "segmentation._errors",
    "SegmentationModel": "segmentation.model_io",
    "SegmentationResult": "segmentation.clustering",
    "SegmentationWarning": "segmentation._errors",
    "SweepResult": "segmentation.selection",
    "TableProfile": "segmentation.profiling",
    "Trait": "segmentation.personas",
    "TransactionColumns": "segmentation.features",
    "assign_segments": "segmentation.model_io",
    "build_audience": "segmentation.campaigns",
    "build_customer_features": "segmentation.features",
    "build_interactions": "segmentation.recommendations",
    "build_manifest": "segmentation.campaigns",
    "build_preprocessor": "segmentation.preprocessing",
    "coerce_table": "segmentation.profiling",
    "customer_table_dataset": "segmentation.datasets",
    "default_cut_points": "segmentation.features",
    "default_specs": "segmentation.preprocessing",
    "demo_dataset": "segmentation.datasets",
    "describe_segments": "segmentation.personas",
    "detect_table_shape": "segmentation.profiling",
    "detect_transaction_columns": "segmentation.features",
    "escape_formulas": "segmentation.campaigns",
    "evaluate_models": "segmentation.recommendations",
    "export_csv": "segmentation.campaigns",
    "export_xlsx": "segmentation.campaigns",
    "export_zip": "segmentation.campaigns",
    "fit_segments": "segmentation.clustering",
    "generate_demo_data": "segmentation.demo",
    "infer_roles": "segmentation.profiling",
    "load_demo": "segmentation.demo",
    "load_model": "segmentation.model_io",
    "load_table": "segmentation.loading",
    "make_model": "segmentation.recommendations",
    "measure_lift": "segmentation.lift",
    "parse_dates": "segmentation.profiling",
    "parse_numbers": "segmentation.profiling",
    "personas_to_dict": "segmentation.personas",
    "profile_table": "segmentation.profiling",
    "project_2d": "segmentation.personas",
    "recommend_k": "segmentation.selection",
    "recommend_top_n": "segmentation.recommendations",
    "rfm_scores": "segmentation.features",
    "rfm_segment_table": "segmentation.features",
    "save_model": "segmentation.model_io",
    "segment_profile_matrix": "segmentation.personas",
    "segment_top_items": "segmentation.recommendations",
    "suggest_features": "segmentation.preprocessing",
    "surrogate_rules": "segmentation.personas",
    "sweep_k": "segmentation.selection",
    "transaction_dataset": "segmentation.datasets",
    "write_demo_data": "segmentation.demo",
}

__all__ = [
    "ALGORITHMS",
    "DEFAULT_MODEL",
    "MODELS",
    "RFM_SEGMENT_RULES",
    "ROLE_LABELS",
    "Audience",
    "CampaignSpec",
    "CatalogColumns",
    "ColumnError",
    "ColumnProfile",
    "CustomerDataset",
    "CustomerFeatures",
    "DataIssue",
    "DataLoadError",
    "DataQualityWarning",
    "DemoData",
    "Detection",
    "EvaluationReport",
    "FeatureSpec",
    "FeatureSuggestion",
    "Interactions",
    "LiftReport",
    "LoadedTable",
    "ModelFileError",
    "ParameterError",
    "Persona",
    "ReadOptions",
    "RfmCutPoints",
    "Role",
    "SegmentationError",
    "SegmentationModel",
    "SegmentationResult",
    "SegmentationWarning",
    "SweepResult",
    "TableProfile",
    "Trait",
    "TransactionColumns",
    "assign_segments",
    "build_audience",
    "build_customer_features",
    "build_interactions",
    "build_manifest",
    "build_preprocessor",
    "coerce_table",
    "customer_table_dataset",
    "default_cut_points",
    "default_specs",
    "demo_dataset",
    "describe_segments",
    "detect_table_shape",
    "detect_transaction_columns",
    "escape_formulas",
    "evaluate_models",
    "export_csv",
    "export_xlsx",
    "export_zip",
    "fit_segments",
    "generate_demo_data",
    "infer_roles",
    "load_demo",
    "load_model",
    "load_table",
    "make_model",
    "measure_lift",
    "parse_dates",
    "parse_numbers",
    "personas_to_dict",
    "profile_table",
    "project_2d",
    "recommend_k",
    "recommend_top_n",
    "rfm_scores",
    "rfm_segment_table",
    "save_model",
    "segment_profile_matrix",
    "segment_top_items",
    "suggest_features",
    "surrogate_rules",
    "sweep_k",
    "transaction_dataset",
    "write_demo_data",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'segmentation' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
