"""Customer segmentation for marketers: loading, features, segments, personas, recommendations, campaigns.

No user-interface code lives here; the Streamlit app and the ``segmentation`` command line
both call these functions. Each stage is its own module; this face re-exports their public names.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from segmentation.campaigns.audience import (
        Audience,
        CampaignSpec,
        build_audience,
        build_manifest,
        escape_formulas,
        export_csv,
        export_xlsx,
        export_zip,
    )
    from segmentation.campaigns.lift import (
        LiftReport,
        measure_lift,
    )
    from segmentation.customers.datasets import (
        CatalogColumns,
        CustomerDataset,
        customer_table_dataset,
        demo_dataset,
        transaction_dataset,
    )
    from segmentation.customers.features import (
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
    from segmentation.demo.shop import (
        DemoData,
        generate_demo_data,
        load_demo,
        write_demo_data,
    )
    from segmentation.errors import (
        ColumnError,
        DataLoadError,
        DataQualityWarning,
        ModelFileError,
        ParameterError,
        SegmentationError,
        SegmentationWarning,
    )
    from segmentation.io.loading import (
        Detection,
        LoadedTable,
        ReadOptions,
        load_table,
    )
    from segmentation.personas.describe import (
        Persona,
        Trait,
        describe_segments,
        personas_to_dict,
        project_2d,
        segment_profile_matrix,
        surrogate_rules,
    )
    from segmentation.profiling.table_profile import (
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
    from segmentation.segments.choosing_k import (
        SweepResult,
        recommend_k,
        sweep_k,
    )
    from segmentation.segments.clustering import (
        ALGORITHMS,
        SegmentationResult,
        fit_segments,
    )
    from segmentation.segments.model_file import (
        SegmentationModel,
        assign_segments,
        load_model,
        save_model,
    )
    from segmentation.segments.preparing import (
        FeatureSpec,
        FeatureSuggestion,
        build_preprocessor,
        default_specs,
        suggest_features,
    )

# Names are imported on first use, so ``import segmentation`` (and the command line's start-up)
# does not pay for scikit-learn and SciPy until a stage that needs them is used.
_MODULE_OF: dict[str, str] = {
    "ALGORITHMS": "segmentation.segments.clustering",
    "Audience": "segmentation.campaigns.audience",
    "CampaignSpec": "segmentation.campaigns.audience",
    "CatalogColumns": "segmentation.customers.datasets",
    "ColumnError": "segmentation.errors",
    "ColumnProfile": "segmentation.profiling.table_profile",
    "CustomerDataset": "segmentation.customers.datasets",
    "CustomerFeatures": "segmentation.customers.features",
    "DEFAULT_MODEL": "segmentation.recommendations",
    "DataIssue": "segmentation.profiling.table_profile",
    "DataLoadError": "segmentation.errors",
    "DataQualityWarning": "segmentation.errors",
    "DemoData": "segmentation.demo.shop",
    "Detection": "segmentation.io.loading",
    "EvaluationReport": "segmentation.recommendations",
    "FeatureSpec": "segmentation.segments.preparing",
    "FeatureSuggestion": "segmentation.segments.preparing",
    "Interactions": "segmentation.recommendations",
    "LiftReport": "segmentation.campaigns.lift",
    "LoadedTable": "segmentation.io.loading",
    "MODELS": "segmentation.recommendations",
    "ModelFileError": "segmentation.errors",
    "ParameterError": "segmentation.errors",
    "Persona": "segmentation.personas.describe",
    "RFM_SEGMENT_RULES": "segmentation.customers.features",
    "ROLE_LABELS": "segmentation.profiling.table_profile",
    "ReadOptions": "segmentation.io.loading",
    "RfmCutPoints": "segmentation.customers.features",
    "Role": "segmentation.profiling.table_profile",
    "SegmentationError": "segmentation.errors",
    "SegmentationModel": "segmentation.segments.model_file",
    "SegmentationResult": "segmentation.segments.clustering",
    "SegmentationWarning": "segmentation.errors",
    "SweepResult": "segmentation.segments.choosing_k",
    "TableProfile": "segmentation.profiling.table_profile",
    "Trait": "segmentation.personas.describe",
    "TransactionColumns": "segmentation.customers.features",
    "assign_segments": "segmentation.segments.model_file",
    "build_audience": "segmentation.campaigns.audience",
    "build_customer_features": "segmentation.customers.features",
    "build_interactions": "segmentation.recommendations",
    "build_manifest": "segmentation.campaigns.audience",
    "build_preprocessor": "segmentation.segments.preparing",
    "coerce_table": "segmentation.profiling.table_profile",
    "customer_table_dataset": "segmentation.customers.datasets",
    "default_cut_points": "segmentation.customers.features",
    "default_specs": "segmentation.segments.preparing",
    "demo_dataset": "segmentation.customers.datasets",
    "describe_segments": "segmentation.personas.describe",
    "detect_table_shape": "segmentation.profiling.table_profile",
    "detect_transaction_columns": "segmentation.customers.features",
    "escape_formulas": "segmentation.campaigns.audience",
    "evaluate_models": "segmentation.recommendations",
    "export_csv": "segmentation.campaigns.audience",
    "export_xlsx": "segmentation.campaigns.audience",
    "export_zip": "segmentation.campaigns.audience",
    "fit_segments": "segmentation.segments.clustering",
    "generate_demo_data": "segmentation.demo.shop",
    "infer_roles": "segmentation.profiling.table_profile",
    "load_demo": "segmentation.demo.shop",
    "load_model": "segmentation.segments.model_file",
    "load_table": "segmentation.io.loading",
    "make_model": "segmentation.recommendations",
    "measure_lift": "segmentation.campaigns.lift",
    "parse_dates": "segmentation.profiling.table_profile",
    "parse_numbers": "segmentation.profiling.table_profile",
    "personas_to_dict": "segmentation.personas.describe",
    "profile_table": "segmentation.profiling.table_profile",
    "project_2d": "segmentation.personas.describe",
    "recommend_k": "segmentation.segments.choosing_k",
    "recommend_top_n": "segmentation.recommendations",
    "rfm_scores": "segmentation.customers.features",
    "rfm_segment_table": "segmentation.customers.features",
    "save_model": "segmentation.segments.model_file",
    "segment_profile_matrix": "segmentation.personas.describe",
    "segment_top_items": "segmentation.recommendations",
    "suggest_features": "segmentation.segments.preparing",
    "surrogate_rules": "segmentation.personas.describe",
    "sweep_k": "segmentation.segments.choosing_k",
    "transaction_dataset": "segmentation.customers.datasets",
    "write_demo_data": "segmentation.demo.shop",
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
