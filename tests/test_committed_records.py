"""The committed like-for-like records: today's registry resumes them, refits give them back."""

from __future__ import annotations

import json
import os

import pytest
from conftest import ROOT, load_script

from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._records import _check_specs

#: The committed runs whose records the current registry must reproduce (with the recipe each
#: run's json names: the runs fitted without modality dropout pin ``modality_dropout=0.0``
#: there, those of rounds 51-52 0.4); the archives ``*_round15``, ``*_round28`` and
#: ``input_scaling`` ran methods under names or networks that have since changed, and say so
#: in their own summaries (``wide_round51`` and ``like_for_like_round53`` still resolve under
#: their pinned recipes, so they are checked).
LIVE_RECORDS = ("like_for_like", "like_for_like_round53", "round31", "round32", "round33",
                "round34", "round35", "round36", "round37", "round38", "round39", "round40",
                "round41_screen", "round41",
                "round42", "round43", "round44", "round45", "round46", "round35_wide",
                "round44_wide", "round45_wide", "wide", "external", "round48", "round48_wide",
                "round49", "round49_wide", "round50", "round50_wide", "round51", "round51_wide",
                "round51_external", "round52", "processors", "wide_round51",
                "external_wdbc", "external_gse7390", "round53", "external_ad",
                "external_brca", "tuned_threshold", "round54", "pilot_quantile",
                "pilot_power", "pilot_logit_pool", "pilot_skewed_quantile", "round55",
                "external_paad", "external_tcga", "pilot_span_projection", "pilot_adamw",
                "pilot_screening", "pilot_input_dropout",
                "pilot_input_dropout_real", "pilot_twenty_members", "pilot_aux_weight",
                "pilot_aux_weight_held", "pilot_decay_per_bit",
                "pilot_decay_per_bit_real", "external_tcga_multiclass", "round56",
                "external_kipan_binary", "external_kipan_vital",
                "external_kipan_metastasis", "round57", "pilot_decay_per_bit_third",
                "external_brca_clinical", "pilot_free_biases", "round58", "round58_real",
                "external_brca_vital", "external_lymph_nodes", "external_lgg_clinical",
                "width_inner_cv", "pilot_hidden_fusion", "pilot_input_dropout_subsets",
                "ad_interactions", "ad_heads_loss", "pilot_one_modality",
                "one_modality_screen", "pilot_gradient_blend", "gradient_blend_screen",
                "pilot_heads_by_generalization", "aux_inner_cv_ad", "aux_inner_cv",
                "missing_l4l", "missing_dropout_screen", "missing_informative",
                "missing_absence_screen", "missing_informative_reversed",
                "missing_absence_screen_reversed", "missing_informative_imputation",
                "pilot_absence_evidence", "absence_standardized", "indicators_once",
                "pilot_absence_per_feature", "decision_shift",
                "tuned_prior_shift", "tuned_prior_shift_real",
                "shift_vs_threshold_rosmap", "shift_vs_threshold_real",
                "tuned_prior_shift_balanced", "pilot_step_cosine",
                "tuned_prior_shift_severe")


def _records_path(run):
    """The records file of a committed run (``"like_for_like"``: the main table's;
    ``"like_for_like_round<N>"``: the main table before round N, beside it)."""
    folder = os.path.join(ROOT, "benchmarks", "results")
    if run.startswith("like_for_like"):
        return os.path.join(folder, f"{run}.records.jsonl")
    return os.path.join(folder, run, "like_for_like.records.jsonl")


@pytest.mark.parametrize("run", LIVE_RECORDS)
def test_committed_records_match_the_registry_that_would_resume_them(run):
    # a registry entry edited after its records were committed would make the run's own
    # command refuse to resume (or silently mean something else); catch it here instead
    path = _records_path(run)
    records = [json.loads(line) for line in open(path)]
    assert records
    with open(path.removesuffix(".records.jsonl") + ".json") as fh:
        recipe = json.load(fh)["config"].get("recipe")  # a decision round's rerun (round 46)
    # the check a resumed run makes; it raises on the first record whose spec differs
    specs = l4l.resolve_methods(sorted({r["method"] for r in records}), recipe=recipe)
    _check_specs(records, specs)
    l4l._check_variant_params(records, specs)  # the records that store their preset


def _stored_predictions(run, method):
    """``{(setting, split): predictions}`` of one method in a committed run."""
    with open(_records_path(run)) as fh:
        records = [json.loads(line) for line in fh]
    return {(r["setting"], r["split"]): r["predictions"] for r in records
            if r["method"] == method}


def test_the_defaults_refits_on_another_processor_give_back_the_main_tables_predictions():
    # the README's reproducibility claim: the default of rounds 51-52 (random order, no
    # scoring pass, modality dropout 0.4) refitted on an AMD EPYC gave every prediction of
    # its records in that main table, fitted on an Intel Xeon; the weighted draw, whose
    # scores weight its draw, did not everywhere
    default = _stored_predictions("processors", "CLIMD (default)")
    assert len(default) == 50
    main = _stored_predictions("like_for_like_round53", "CLIMD (default)")
    assert all(default[key] == main[key] for key in default)
    drawn, main_drawn = (_stored_predictions(run, "CLIMD, weighted draw")
                         for run in ("processors", "like_for_like_round53"))
    assert sum(drawn[key] != main_drawn[key] for key in drawn) == 5


def test_the_wdbc_refit_of_the_default_gives_back_round_51s_predictions_on_another_processor():
    # external_wdbc's note: the default refitted there (an AMD EPYC) is prediction for
    # prediction round 51's candidate (the same spec, splits and seeds, an Intel Xeon), so the
    # refit table's default row is the same fits the decision round reported
    refits = _stored_predictions("external_wdbc", "CLIMD (default)")
    decided = _stored_predictions("round51_external", "CLIMD, modality dropout")
    assert len(refits) == len(decided) == 25
    assert all(refits[key] == decided[key] for key in refits)


def test_the_width_option_is_the_default_where_its_switch_stays_off():
    # external_lymph_nodes' note: BRCA's widest modality (1,000 features) is under twice its
    # training folds (about 605 patients), so the option with its switch at p >= 2n trains
    # the default's network there, prediction for prediction; on KIPAN's nodes (2,284
    # features, about 209 patients) it switches on and differs
    width = _stored_predictions("external_lymph_nodes",
                                "CLIMD, linear path and heads where p >= 2n")
    default = _stored_predictions("external_lymph_nodes", "CLIMD (default)")
    assert set(width) == set(default) and len(width) == 50
    brca = [key for key in width if key[0] == "TCGA BRCA lymph nodes"]
    kipan = [key for key in width if key[0] == "TCGA KIPAN lymph nodes"]
    assert len(brca) == len(kipan) == 25
    assert all(width[key] == default[key] for key in brca)
    assert any(width[key] != default[key] for key in kipan)


def test_the_committed_benchmark_page_is_what_make_docs_builds_from_the_committed_results():
    """docs/benchmarks.md is generated: a changed result or docs sentence must regenerate it."""
    built = load_script("make_docs").build(os.path.join(ROOT, "benchmarks", "results"),
                                           os.path.join(ROOT, "docs"))
    with open(os.path.join(ROOT, "docs", "benchmarks.md"), encoding="utf-8") as fh:
        committed = fh.read()
    assert built == committed, "docs/benchmarks.md is stale: run python benchmarks/make_docs.py"
