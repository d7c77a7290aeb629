"""Customer segmentation for marketers: loading, features, segments, personas, recommendations, campaigns.

No user-interface code lives here; the Streamlit app and the ``segmentation`` command line
both call these functions, and import them from here. Each stage of the pipeline is a
subpackage (see ARCHITECTURE.md); this face re-exports their public names.

:data:`_MODULE_OF` is the one list of the face: ``__all__`` and the lazy ``__getattr__`` are
derived from it, and the ``TYPE_CHECKING`` block (for type checkers and editors only) must match
it (``tests/test_package.py`` checks that and prints the block to paste when a name is added).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from segmentation._choices import (
        ALGORITHM_LABELS,
        ALGORITHMS,
        DEFAULT_DEMO_CUSTOMERS,
        DEFAULT_DEMO_SEED,
        DEFAULT_RECOMMENDER,
        MAX_K,
        MAX_SEED,
        MIN_K,
        MODEL_LABELS,
        PROPENSITY_MODELS,
        RECOMMENDERS,
    )
    from segmentation._plural import (
        counted,
    )
    from segmentation.campaigns.audience import (
        build_audience,
    )
    from segmentation.campaigns.conditions import (
        OPERATORS,
        OPERATORS_BY_KIND,
        AudienceQuery,
        Condition,
        ConditionGroup,
        describe_condition,
        describe_query,
        query_from_file,
        validate_query,
    )
    from segmentation.campaigns.consent import (
        ConsentCandidate,
        consent_candidates,
        default_consent_column,
        describe_consent,
    )
    from segmentation.campaigns.export import (
        build_manifest,
        campaign_slug,
        export_csv,
        export_send_zip,
        export_xlsx,
        export_zip,
        file_entry,
        manifest_bytes,
        send_ready,
    )
    from segmentation.campaigns.lift import (
        LiftComparison,
        LiftReport,
        measure_lift,
        summarise_incremental,
        summarise_lift,
    )
    from segmentation.campaigns.lift_inputs import (
        combine_split_lists,
        simulate_results,
    )
    from segmentation.campaigns.list_value import (
        ListSpend,
        list_spend,
    )
    from segmentation.campaigns.query_matching import (
        QueryCounts,
        column_kind,
        count_after_each,
        query_mask,
    )
    from segmentation.campaigns.rules import (
        Audience,
        CampaignSpec,
        ColumnFilter,
        ContactColumns,
        parse_filter,
        with_segments,
    )
    from segmentation.campaigns.safe_tables import (
        escape_formulas,
        safe_table_bytes,
    )
    from segmentation.campaigns.suppression import (
        SuppressionColumn,
        SuppressionList,
        default_suppression_column,
        read_suppression,
        suppression_columns,
        suppression_table,
    )
    from segmentation.customers.datasets import (
        DEMO_NAME,
        CatalogColumns,
        CustomerDataset,
        customer_table_dataset,
        demo_dataset,
        fingerprint,
        transaction_dataset,
    )
    from segmentation.customers.features import (
        CustomerFeatures,
        build_customer_features,
        detect_transaction_columns,
    )
    from segmentation.customers.rfm import (
        RFM_SEGMENT_RULES,
        RfmCutPoints,
        default_cut_points,
        rfm_scores,
        rfm_segment_table,
    )
    from segmentation.customers.transactions import (
        TransactionColumns,
    )
    from segmentation.demo.shop import (
        DemoData,
        generate_demo_data,
        load_demo,
        write_demo_data,
    )
    from segmentation.engines.base import (
        ENGINES,
        EngineError,
        EngineSegments,
    )
    from segmentation.engines.pandas_engine import (
        PandasEngine,
    )
    from segmentation.engines.registry import (
        get_engine,
        spark_available,
    )
    from segmentation.engines.spark_engine import (
        SparkEngine,
    )
    from segmentation.errors import (
        ColumnError,
        DataLoadError,
        DataQualityWarning,
        ModelFileError,
        NameTakenError,
        ParameterError,
        SegmentationError,
        SegmentationWarning,
        WorkspaceError,
    )
    from segmentation.io.loading import (
        SUPPORTED_ENCODINGS,
        Detection,
        LoadedTable,
        ReadOptions,
        load_table,
    )
    from segmentation.money import (
        CURRENCIES,
        currency_choices,
        format_money,
        in_thousands,
        money_unit_word,
    )
    from segmentation.parsing import (
        parse_dates,
        parse_numbers,
    )
    from segmentation.personas.describe import (
        Persona,
        Projection,
        describe_segments,
        guess_money_column,
        personas_to_dict,
        project_2d,
        segment_profile_matrix,
        surrogate_rules,
    )
    from segmentation.personas.rule_wording import (
        rule_sentence,
    )
    from segmentation.personas.traits import (
        Trait,
    )
    from segmentation.personas.wording import (
        is_money_column,
        readable_label,
    )
    from segmentation.predictions.churn_label import (
        ChurnTable,
        churn_column_name,
        churn_table,
    )
    from segmentation.predictions.clv import (
        CLV_MODEL_LABELS,
        CLV_MODELS,
        DEFAULT_CLV_MODELS,
        DEFAULT_DISCOUNT_RATE,
        DEFAULT_HORIZON_DAYS,
        ClvResult,
        bg_nbd_log_likelihood,
        fit_clv,
        gamma_gamma_parameters,
    )
    from segmentation.predictions.clv_check import (
        HoldoutCheck,
    )
    from segmentation.predictions.clv_data import (
        MIN_REPEAT_BUYERS,
        PurchaseHistory,
        PurchaseSummary,
        purchase_history,
    )
    from segmentation.predictions.columns import (
        PREDICTION_LABELS,
        predicted_traits,
        with_predictions,
    )
    from segmentation.predictions.propensity import (
        ModelScore,
        PropensityResult,
        auc_words,
        fit_propensity,
    )
    from segmentation.predictions.propensity_data import (
        target_candidates,
    )
    from segmentation.predictions.propensity_file import (
        SavedPropensityModel,
        load_propensity_model,
        propensity_model_dict,
        score_saved_model,
    )
    from segmentation.predictions.propensity_models import (
        PROPENSITY_MODEL_LABELS,
        PROPENSITY_MODEL_MEANINGS,
        PROPENSITY_TECHNICAL_NAMES,
    )
    from segmentation.predictions.propensity_synthetic import (
        synthetic_responses,
    )
    from segmentation.profiling.currency import (
        CurrencyGuess,
        detect_currency,
    )
    from segmentation.profiling.quality import (
        DataIssue,
        missing_issues,
    )
    from segmentation.profiling.roles import (
        ROLE_LABELS,
        Role,
    )
    from segmentation.profiling.table_profile import (
        ColumnProfile,
        TableProfile,
        coerce_table,
        detect_table_shape,
        profile_table,
    )
    from segmentation.profiling.table_roles import (
        infer_roles,
    )
    from segmentation.recommendations.evaluation import (
        EvaluationReport,
        evaluate_interactions,
        evaluate_models,
    )
    from segmentation.recommendations.interactions import (
        Interactions,
        build_interactions,
    )
    from segmentation.recommendations.models import (
        DEFAULT_MODEL,
        MODEL_MEANINGS,
        MODELS,
        make_model,
    )
    from segmentation.recommendations.segments import (
        FEATURE_MAX_OWNED_SHARE,
        FEATURE_MIN_LIFT,
        FittedRecommender,
        featured_items,
        fit_recommender,
        recommend_top_n,
        segment_top_items,
    )
    from segmentation.segments.choosing_features import (
        SKEW_FOR_LOG,
        FeatureSuggestion,
        default_specs,
        feature_correlations,
        high_correlation_pairs,
        suggest_features,
    )
    from segmentation.segments.choosing_k import (
        SweepResult,
        silhouette_profile,
        sweep_k,
    )
    from segmentation.segments.clustering import (
        SegmentationResult,
        fit_segments,
    )
    from segmentation.segments.k_advice import (
        STABLE_AGREEMENT,
        recommend_k,
    )
    from segmentation.segments.labels import (
        NO_DATA_NAME,
        NOT_SEGMENTED,
        label_name,
        segment_name_column,
    )
    from segmentation.segments.model_file import (
        SegmentationModel,
        load_model,
        save_model,
    )
    from segmentation.segments.preparing import (
        MISSING_CHOICES,
        SCALINGS,
        TRANSFORMS,
        FeatureFill,
        FeatureSpec,
        build_preprocessor,
        missing_value_fills,
        specs_from_table,
        specs_table,
    )
    from segmentation.segments.scoring import (
        assign_segments,
        fills_for_rows,
        incomplete_rows,
        numbers_for_model,
        rows_without_data,
    )
    from segmentation.segments.silhouette import (
        SilhouetteProfile,
    )
    from segmentation.vocabulary import (
        ConsentPolarity,
        read_consent_name,
    )
    from segmentation.workspace.items import (
        ForgetReport,
        StoredCampaign,
        StoredItem,
        StoredRun,
    )
    from segmentation.workspace.location import (
        workspace_location,
    )
    from segmentation.workspace.migration import (
        SegmentMigration,
        compare_segmentations,
    )
    from segmentation.workspace.store import (
        Workspace,
        open_workspace,
    )

# Names are imported on first use, so ``import segmentation`` (and the command line's start-up)
# does not pay for pandas, scikit-learn and SciPy until a stage that needs them is used.
_MODULE_OF: dict[str, str] = {
    "ALGORITHMS": "segmentation._choices",
    "ALGORITHM_LABELS": "segmentation._choices",
    "CLV_MODELS": "segmentation.predictions.clv",
    "CLV_MODEL_LABELS": "segmentation.predictions.clv",
    "CURRENCIES": "segmentation.money",
    "DEFAULT_CLV_MODELS": "segmentation.predictions.clv",
    "DEFAULT_DEMO_CUSTOMERS": "segmentation._choices",
    "DEFAULT_DEMO_SEED": "segmentation._choices",
    "DEFAULT_DISCOUNT_RATE": "segmentation.predictions.clv",
    "DEFAULT_HORIZON_DAYS": "segmentation.predictions.clv",
    "DEFAULT_MODEL": "segmentation.recommendations.models",
    "DEFAULT_RECOMMENDER": "segmentation._choices",
    "DEMO_NAME": "segmentation.customers.datasets",
    "ENGINES": "segmentation.engines.base",
    "FEATURE_MAX_OWNED_SHARE": "segmentation.recommendations.segments",
    "FEATURE_MIN_LIFT": "segmentation.recommendations.segments",
    "MAX_K": "segmentation._choices",
    "MAX_SEED": "segmentation._choices",
    "MIN_K": "segmentation._choices",
    "MIN_REPEAT_BUYERS": "segmentation.predictions.clv_data",
    "MISSING_CHOICES": "segmentation.segments.preparing",
    "MODELS": "segmentation.recommendations.models",
    "MODEL_LABELS": "segmentation._choices",
    "MODEL_MEANINGS": "segmentation.recommendations.models",
    "NOT_SEGMENTED": "segmentation.segments.labels",
    "NO_DATA_NAME": "segmentation.segments.labels",
    "OPERATORS": "segmentation.campaigns.conditions",
    "OPERATORS_BY_KIND": "segmentation.campaigns.conditions",
    "PREDICTION_LABELS": "segmentation.predictions.columns",
    "PROPENSITY_MODELS": "segmentation._choices",
    "PROPENSITY_MODEL_LABELS": "segmentation.predictions.propensity_models",
    "PROPENSITY_MODEL_MEANINGS": "segmentation.predictions.propensity_models",
    "PROPENSITY_TECHNICAL_NAMES": "segmentation.predictions.propensity_models",
    "RECOMMENDERS": "segmentation._choices",
    "RFM_SEGMENT_RULES": "segmentation.customers.rfm",
    "ROLE_LABELS": "segmentation.profiling.roles",
    "SCALINGS": "segmentation.segments.preparing",
    "SKEW_FOR_LOG": "segmentation.segments.choosing_features",
    "STABLE_AGREEMENT": "segmentation.segments.k_advice",
    "SUPPORTED_ENCODINGS": "segmentation.io.loading",
    "TRANSFORMS": "segmentation.segments.preparing",
    "Audience": "segmentation.campaigns.rules",
    "AudienceQuery": "segmentation.campaigns.conditions",
    "CampaignSpec": "segmentation.campaigns.rules",
    "CatalogColumns": "segmentation.customers.datasets",
    "ChurnTable": "segmentation.predictions.churn_label",
    "ClvResult": "segmentation.predictions.clv",
    "ColumnError": "segmentation.errors",
    "ColumnFilter": "segmentation.campaigns.rules",
    "ColumnProfile": "segmentation.profiling.table_profile",
    "Condition": "segmentation.campaigns.conditions",
    "ConditionGroup": "segmentation.campaigns.conditions",
    "ConsentCandidate": "segmentation.campaigns.consent",
    "ConsentPolarity": "segmentation.vocabulary",
    "ContactColumns": "segmentation.campaigns.rules",
    "CurrencyGuess": "segmentation.profiling.currency",
    "CustomerDataset": "segmentation.customers.datasets",
    "CustomerFeatures": "segmentation.customers.features",
    "DataIssue": "segmentation.profiling.quality",
    "DataLoadError": "segmentation.errors",
    "DataQualityWarning": "segmentation.errors",
    "DemoData": "segmentation.demo.shop",
    "Detection": "segmentation.io.loading",
    "EngineError": "segmentation.engines.base",
    "EngineSegments": "segmentation.engines.base",
    "EvaluationReport": "segmentation.recommendations.evaluation",
    "FeatureFill": "segmentation.segments.preparing",
    "FeatureSpec": "segmentation.segments.preparing",
    "FeatureSuggestion": "segmentation.segments.choosing_features",
    "FittedRecommender": "segmentation.recommendations.segments",
    "ForgetReport": "segmentation.workspace.items",
    "HoldoutCheck": "segmentation.predictions.clv_check",
    "Interactions": "segmentation.recommendations.interactions",
    "LiftComparison": "segmentation.campaigns.lift",
    "LiftReport": "segmentation.campaigns.lift",
    "ListSpend": "segmentation.campaigns.list_value",
    "LoadedTable": "segmentation.io.loading",
    "ModelFileError": "segmentation.errors",
    "ModelScore": "segmentation.predictions.propensity",
    "NameTakenError": "segmentation.errors",
    "PandasEngine": "segmentation.engines.pandas_engine",
    "ParameterError": "segmentation.errors",
    "Persona": "segmentation.personas.describe",
    "Projection": "segmentation.personas.describe",
    "PropensityResult": "segmentation.predictions.propensity",
    "PurchaseHistory": "segmentation.predictions.clv_data",
    "PurchaseSummary": "segmentation.predictions.clv_data",
    "QueryCounts": "segmentation.campaigns.query_matching",
    "ReadOptions": "segmentation.io.loading",
    "RfmCutPoints": "segmentation.customers.rfm",
    "Role": "segmentation.profiling.roles",
    "SavedPropensityModel": "segmentation.predictions.propensity_file",
    "SegmentMigration": "segmentation.workspace.migration",
    "SegmentationError": "segmentation.errors",
    "SegmentationModel": "segmentation.segments.model_file",
    "SegmentationResult": "segmentation.segments.clustering",
    "SegmentationWarning": "segmentation.errors",
    "SilhouetteProfile": "segmentation.segments.silhouette",
    "SparkEngine": "segmentation.engines.spark_engine",
    "StoredCampaign": "segmentation.workspace.items",
    "StoredItem": "segmentation.workspace.items",
    "StoredRun": "segmentation.workspace.items",
    "SuppressionColumn": "segmentation.campaigns.suppression",
    "SuppressionList": "segmentation.campaigns.suppression",
    "SweepResult": "segmentation.segments.choosing_k",
    "TableProfile": "segmentation.profiling.table_profile",
    "Trait": "segmentation.personas.traits",
    "TransactionColumns": "segmentation.customers.transactions",
    "Workspace": "segmentation.workspace.store",
    "WorkspaceError": "segmentation.errors",
    "assign_segments": "segmentation.segments.scoring",
    "auc_words": "segmentation.predictions.propensity",
    "bg_nbd_log_likelihood": "segmentation.predictions.clv",
    "build_audience": "segmentation.campaigns.audience",
    "build_customer_features": "segmentation.customers.features",
    "build_interactions": "segmentation.recommendations.interactions",
    "build_manifest": "segmentation.campaigns.export",
    "build_preprocessor": "segmentation.segments.preparing",
    "campaign_slug": "segmentation.campaigns.export",
    "churn_column_name": "segmentation.predictions.churn_label",
    "churn_table": "segmentation.predictions.churn_label",
    "coerce_table": "segmentation.profiling.table_profile",
    "column_kind": "segmentation.campaigns.query_matching",
    "combine_split_lists": "segmentation.campaigns.lift_inputs",
    "compare_segmentations": "segmentation.workspace.migration",
    "consent_candidates": "segmentation.campaigns.consent",
    "count_after_each": "segmentation.campaigns.query_matching",
    "counted": "segmentation._plural",
    "currency_choices": "segmentation.money",
    "customer_table_dataset": "segmentation.customers.datasets",
    "default_consent_column": "segmentation.campaigns.consent",
    "default_cut_points": "segmentation.customers.rfm",
    "default_specs": "segmentation.segments.choosing_features",
    "default_suppression_column": "segmentation.campaigns.suppression",
    "demo_dataset": "segmentation.customers.datasets",
    "describe_condition": "segmentation.campaigns.conditions",
    "describe_consent": "segmentation.campaigns.consent",
    "describe_query": "segmentation.campaigns.conditions",
    "describe_segments": "segmentation.personas.describe",
    "detect_currency": "segmentation.profiling.currency",
    "detect_table_shape": "segmentation.profiling.table_profile",
    "detect_transaction_columns": "segmentation.customers.features",
    "escape_formulas": "segmentation.campaigns.safe_tables",
    "evaluate_interactions": "segmentation.recommendations.evaluation",
    "evaluate_models": "segmentation.recommendations.evaluation",
    "export_csv": "segmentation.campaigns.export",
    "export_send_zip": "segmentation.campaigns.export",
    "export_xlsx": "segmentation.campaigns.export",
    "export_zip": "segmentation.campaigns.export",
    "feature_correlations": "segmentation.segments.choosing_features",
    "featured_items": "segmentation.recommendations.segments",
    "file_entry": "segmentation.campaigns.export",
    "fills_for_rows": "segmentation.segments.scoring",
    "fingerprint": "segmentation.customers.datasets",
    "fit_clv": "segmentation.predictions.clv",
    "fit_propensity": "segmentation.predictions.propensity",
    "fit_recommender": "segmentation.recommendations.segments",
    "fit_segments": "segmentation.segments.clustering",
    "format_money": "segmentation.money",
    "gamma_gamma_parameters": "segmentation.predictions.clv",
    "generate_demo_data": "segmentation.demo.shop",
    "get_engine": "segmentation.engines.registry",
    "guess_money_column": "segmentation.personas.describe",
    "high_correlation_pairs": "segmentation.segments.choosing_features",
    "in_thousands": "segmentation.money",
    "incomplete_rows": "segmentation.segments.scoring",
    "infer_roles": "segmentation.profiling.table_roles",
    "is_money_column": "segmentation.personas.wording",
    "label_name": "segmentation.segments.labels",
    "list_spend": "segmentation.campaigns.list_value",
    "load_demo": "segmentation.demo.shop",
    "load_model": "segmentation.segments.model_file",
    "load_propensity_model": "segmentation.predictions.propensity_file",
    "load_table": "segmentation.io.loading",
    "make_model": "segmentation.recommendations.models",
    "manifest_bytes": "segmentation.campaigns.export",
    "measure_lift": "segmentation.campaigns.lift",
    "missing_issues": "segmentation.profiling.quality",
    "missing_value_fills": "segmentation.segments.preparing",
    "money_unit_word": "segmentation.money",
    "numbers_for_model": "segmentation.segments.scoring",
    "open_workspace": "segmentation.workspace.store",
    "parse_dates": "segmentation.parsing",
    "parse_filter": "segmentation.campaigns.rules",
    "parse_numbers": "segmentation.parsing",
    "personas_to_dict": "segmentation.personas.describe",
    "predicted_traits": "segmentation.predictions.columns",
    "profile_table": "segmentation.profiling.table_profile",
    "project_2d": "segmentation.personas.describe",
    "propensity_model_dict": "segmentation.predictions.propensity_file",
    "purchase_history": "segmentation.predictions.clv_data",
    "query_from_file": "segmentation.campaigns.conditions",
    "query_mask": "segmentation.campaigns.query_matching",
    "read_consent_name": "segmentation.vocabulary",
    "read_suppression": "segmentation.campaigns.suppression",
    "readable_label": "segmentation.personas.wording",
    "recommend_k": "segmentation.segments.k_advice",
    "recommend_top_n": "segmentation.recommendations.segments",
    "rfm_scores": "segmentation.customers.rfm",
    "rfm_segment_table": "segmentation.customers.rfm",
    "rows_without_data": "segmentation.segments.scoring",
    "rule_sentence": "segmentation.personas.rule_wording",
    "safe_table_bytes": "segmentation.campaigns.safe_tables",
    "save_model": "segmentation.segments.model_file",
    "score_saved_model": "segmentation.predictions.propensity_file",
    "segment_name_column": "segmentation.segments.labels",
    "segment_profile_matrix": "segmentation.personas.describe",
    "segment_top_items": "segmentation.recommendations.segments",
    "send_ready": "segmentation.campaigns.export",
    "silhouette_profile": "segmentation.segments.choosing_k",
    "simulate_results": "segmentation.campaigns.lift_inputs",
    "spark_available": "segmentation.engines.registry",
    "specs_from_table": "segmentation.segments.preparing",
    "specs_table": "segmentation.segments.preparing",
    "suggest_features": "segmentation.segments.choosing_features",
    "summarise_incremental": "segmentation.campaigns.lift",
    "summarise_lift": "segmentation.campaigns.lift",
    "suppression_columns": "segmentation.campaigns.suppression",
    "suppression_table": "segmentation.campaigns.suppression",
    "surrogate_rules": "segmentation.personas.describe",
    "sweep_k": "segmentation.segments.choosing_k",
    "synthetic_responses": "segmentation.predictions.propensity_synthetic",
    "target_candidates": "segmentation.predictions.propensity_data",
    "transaction_dataset": "segmentation.customers.datasets",
    "validate_query": "segmentation.campaigns.conditions",
    "with_predictions": "segmentation.predictions.columns",
    "with_segments": "segmentation.campaigns.rules",
    "workspace_location": "segmentation.workspace.location",
    "write_demo_data": "segmentation.demo.shop",
}

__all__ = list(_MODULE_OF)  # in ruff's RUF022 order (CONSTANTS, Classes, functions), as the dict is


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'segmentation' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
