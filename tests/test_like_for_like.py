"""The like-for-like protocol: its statistics, its ROSMAP splits, its resumable runner."""

from __future__ import annotations

import itertools
import json
import os
import re

import numpy as np
import pytest
import torch
from conftest import ROOT, load_script, needs_rosmap
from scipy import stats
from sklearn.base import clone
from sklearn.preprocessing import PowerTransformer, QuantileTransformer

from climd_sklearn._variants import AUTO_WEIGHT_DECAY, VARIANT_PARAMS
from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark import _like_for_like_report as report
from climd_sklearn.benchmark._data import Setting, pooled_cv_splits, rosmap_pooled_setting
from climd_sklearn.benchmark._records import _check_specs, _jsonable
from climd_sklearn.benchmark._runner import score
from climd_sklearn.benchmark._stats import (
    average_ranks,
    critical_difference,
    friedman_test,
    holm,
    nemenyi_q,
    rank_biserial,
    rank_cliques,
    summarize_paired,
    wilcoxon_p,
)
from climd_sklearn.benchmark._subsample import expected_subsample_score

# --- statistics ---------------------------------------------------------------------------


def test_holm_hand_example():
    # sorted 0.01, 0.03, 0.04 -> x3, x2, x1 = 0.03, 0.06, 0.04 -> running max 0.03, 0.06, 0.06
    np.testing.assert_allclose(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    # capped at 1, NaN kept and not counted in m
    np.testing.assert_allclose(holm([0.6, np.nan, 0.2]), [0.6, np.nan, 0.4])
    np.testing.assert_allclose(holm([0.5, 0.9]), [1.0, 1.0])


def test_average_ranks_with_ties():
    ranks = average_ranks([[0.9, 0.8, 0.8, 0.7], [0.5, 0.5, 0.5, 0.6]])
    np.testing.assert_allclose(ranks, [[1, 2.5, 2.5, 4], [3, 3, 3, 1]])


def test_rank_biserial_hand_examples():
    assert rank_biserial([0.1, 0.3, 0.2]) == 1.0
    assert rank_biserial([-0.1, -0.3]) == -1.0
    # |d| ranks 1, 2, 3: R+ = 1 + 3, R- = 2 -> (4 - 2) / 6
    assert rank_biserial([1.0, -2.0, 3.0]) == pytest.approx(1 / 3)
    # a zero is ranked (rank 1) and split: R+ = 2 + 0.5, R- = 3 + 0.5 -> -1 / 6
    assert rank_biserial([0.0, 1.0, -2.0]) == pytest.approx(-1 / 6)
    assert rank_biserial([0.0, 0.0]) == 0.0


def test_wilcoxon_p_matches_scipy_and_edge_cases():
    d = np.array([0.02, 0.05, -0.01, 0.03, 0.0, 0.04, 0.06, -0.02, 0.07])  # one zero
    assert wilcoxon_p(d) == pytest.approx(stats.wilcoxon(d, zero_method="zsplit").pvalue)
    assert wilcoxon_p(d) != pytest.approx(stats.wilcoxon(d).pvalue)  # zeros are not dropped
    assert wilcoxon_p(np.full(25, 0.01) * np.arange(1, 26)) == pytest.approx(
        2 / 2**25)  # every one of 25 distinct differences positive: exact two-sided p
    assert wilcoxon_p([0.0, 0.0, 0.0]) == 1.0
    assert np.isnan(wilcoxon_p([0.3]))


def test_nemenyi_q_and_cd_against_demsar():
    assert nemenyi_q(10) == pytest.approx(3.164, abs=5e-4)  # Demšar (2006), Table 5a
    assert nemenyi_q(5) == pytest.approx(2.728, abs=5e-4)
    assert critical_difference(10, 25) == pytest.approx(3.164 * np.sqrt(10 * 11 / (6 * 25)),
                                                        abs=1e-3)


def test_friedman_matches_scipy_with_ties():
    rng = np.random.RandomState(0)
    scores = np.round(rng.rand(12, 5) + np.arange(5) * 0.1, 1)  # rounding makes ties
    assert any(len(set(row)) < 5 for row in scores)
    ours = friedman_test(scores)
    ref = stats.friedmanchisquare(*scores.T)
    assert ours["statistic"] == pytest.approx(ref.statistic)
    assert ours["p_value"] == pytest.approx(ref.pvalue)
    chi2, n, k = ours["statistic"], 12, 5
    assert ours["iman_davenport"] == pytest.approx((n - 1) * chi2 / (n * (k - 1) - chi2))


def test_rank_cliques():
    ranks = {"a": 1.0, "b": 1.5, "c": 2.4, "d": 4.0}
    assert rank_cliques(ranks, 1.0) == [["a", "b"], ["b", "c"]]
    assert rank_cliques(ranks, 0.1) == []


def test_summarize_paired_holm_effect_and_goal():
    base = {"A": 0.80, "B": 0.79, "ref": 0.795}
    records = [{"setting": "S", "eval": "e", "split": s, "method": m,
                "f1_macro": v + 0.01 * (s if m == "A" else 0), "fit_time": 1.0}
               for s in range(6) for m, v in base.items()]
    summary = summarize_paired(records, "ref")
    (table,) = summary["tables"]
    rows = {r["method"]: r for r in table["rows"]}
    assert rows["A"]["wins"] == 6 and rows["A"]["rank_biserial"] == 1.0
    assert rows["B"]["losses"] == 6 and rows["B"]["mean_diff"] == pytest.approx(-0.005)
    raw = [rows["A"]["p"], rows["B"]["p"]]
    np.testing.assert_allclose([rows["A"]["p_holm"], rows["B"]["p_holm"]], holm(raw))
    # ref is 3.0 points below A's mean (0.805 + 0.025): more than the 1-point tolerance
    assert table["best_other"] == "A" and not table["goal_met"]
    assert summary["overall"]["mean_ranks"] == {"A": 1.0, "B": 3.0, "ref": 2.0}
    assert summary["overall"]["n_blocks"] == 6 and not summary["goal_met"]


# --- the ROSMAP splits ----------------------------------------------------------------------


def _rows(X):
    return {row.tobytes() for row in np.ascontiguousarray(X)}


@needs_rosmap
def test_rosmap_pooled_splits():
    setting = rosmap_pooled_setting(5)
    splits = list(setting.splits(25))
    assert len(splits) == 25 and setting.name == "ROSMAP IR 5"
    keys = set()
    for split in splits:
        X_te, y_te = split.evals["untouched"]
        assert not _rows(split.X_train) & _rows(X_te)  # held-out fold disjoint from training
        n_nc, n_ad = np.sum(split.y_train == 0), np.sum(split.y_train == 1)
        assert n_ad == round(n_nc / 5)  # training NC:AD = 5 (within rounding)
        X_m, y_m = split.evals["matched"]
        assert _rows(X_m) <= _rows(X_te)
        assert np.sum(y_m == 0) == np.sum(y_te == 0)
        assert np.sum(y_m == 1) == round(np.sum(y_te == 0) / 5)  # matched: the training ratio
        # round 29: the same subsample, scored as the mean over every draw of it
        assert split.expected == {"matched, expected": ("untouched", {1: np.sum(y_m == 1)})}
        assert len(y_te) in (70, 71)  # a fifth of the 351 pooled samples
        keys.add(frozenset(_rows(X_te)))
    assert len(keys) == 25  # 25 distinct held-out folds
    # each repetition's held-out folds cover the pooled data once
    assert len(set().union(*[_rows(s.evals["untouched"][0]) for s in splits[:5]])) == 351
    # a smaller --splits gives the first splits of the full run (resuming stays paired)
    for small, full in zip(setting.splits(3), splits):
        assert small.index == full.index and np.array_equal(small.y_train, full.y_train)
        assert np.array_equal(small.evals["matched"][0], full.evals["matched"][0])
    ir1 = next(iter(rosmap_pooled_setting(1).splits(1)))
    assert list(ir1.evals) == ["untouched"] and len(ir1.y_train) in (280, 281)
    assert ir1.expected == {}


@needs_rosmap
def test_rosmap_wide_is_the_same_splits_with_noise_columns_per_modality():
    plain = next(iter(rosmap_pooled_setting(5).splits(1)))
    setting = l4l.like_for_like_setting("rosmap_wide:5")
    assert setting.name == l4l.setting_name("rosmap_wide:5") == "ROSMAP wide IR 5"
    assert setting.layout == {name: 2200 for name in rosmap_pooled_setting(5).layout}
    wide = next(iter(setting.splits(1)))
    np.testing.assert_array_equal(wide.y_train, plain.y_train)
    for m in range(3):  # each modality: its 200 real features, then 2,000 noise columns
        block = wide.X_train[:, 2200 * m:2200 * (m + 1)]
        np.testing.assert_array_equal(block[:, :200], plain.X_train[:, 200 * m:200 * (m + 1)])
        noise = block[:, 200:]
        assert abs(noise.mean()) < 0.02 and abs(noise.std() - 1) < 0.02
    again = next(iter(l4l.like_for_like_setting("rosmap_wide:5").splits(1)))
    np.testing.assert_array_equal(again.evals["matched"][0], wide.evals["matched"][0])
    assert not np.array_equal(wide.X_train[:, 200:2200], wide.X_train[:, 2400:4400])


def test_every_setting_kind_names_what_it_builds_and_bad_specs_are_errors():
    for spec in ("synthetic", "synthetic:100", "mfeat:10", "wdbc", "wdbc:5"):
        assert l4l.like_for_like_setting(spec).name == l4l.setting_name(spec)
    assert l4l.setting_name("rosmap") == "ROSMAP IR 10"  # a ratio left out is 10 ...
    assert l4l.setting_name("wdbc") == "WDBC IR 1"  # ... but WDBC's own is 1
    assert l4l.setting_name("tcga_brca:/any/folder") == "TCGA BRCA PAM50"
    assert l4l.splits_of("mfeat:100") == 25 == l4l.splits_of("synthetic")
    assert l4l.splits_of("tcga_brca", 10) == 10
    for call in (l4l.like_for_like_setting, l4l.setting_name, l4l.splits_of):
        with pytest.raises(ValueError, match=r"Unknown setting 'brca:5'; its kind must be one "
                                             r"of rosmap, rosmap_wide, mfeat, .*ad_biomarkers"):
            call("brca:5")
    for call in (l4l.like_for_like_setting, l4l.setting_name):
        with pytest.raises(ValueError, match="imbalance ratio must be a number, got 'five'"):
            call("wdbc:five")


# --- the matched fold's expected score (round 29) ----------------------------------------


@pytest.mark.parametrize("label, n_keep", [(1, 3), (0, 2), (1, 1)])
def test_expected_subsample_score_is_the_mean_over_every_draw(label, n_keep):
    rng = np.random.RandomState(0)
    y_true = np.array([0] * 9 + [1] * 7)
    y_pred = np.where(rng.rand(16) < 0.7, y_true, 1 - y_true)
    assert 0 < np.sum((y_true == label) & (y_pred == label)) < np.sum(y_true == label)
    rows = np.flatnonzero(y_true == label)
    others = np.flatnonzero(y_true != label)
    draws = [score(y_true[idx], y_pred[idx]) for kept in itertools.combinations(rows, n_keep)
             for idx in [np.concatenate([others, kept])]]
    expected = expected_subsample_score(y_true, y_pred, label, n_keep)
    for metric in ("accuracy", "f1_weighted", "f1_macro"):
        assert expected[metric] == pytest.approx(np.mean([d[metric] for d in draws]), abs=1e-12)
    # more rows asked for than the class has: every row is kept, so the plain score
    assert expected_subsample_score(y_true, y_pred, label, 99) == pytest.approx(
        score(y_true, y_pred))


def test_expected_subsample_score_rejects_what_it_cannot_average():
    y = np.array([0, 0, 1, 1])
    with pytest.raises(ValueError, match=r"binary labels including the subsampled class 2"):
        expected_subsample_score(y, y, 2, 1)
    with pytest.raises(ValueError, match=r"got classes \[0, 1, 2\]"):
        expected_subsample_score(np.array([0, 1, 2]), np.array([0, 1, 2]), 1, 1)
    with pytest.raises(ValueError, match=r"n_keep must be an integer >= 1, got 0"):
        expected_subsample_score(y, y, 1, 0)
    with pytest.raises(ValueError, match=r"shapes \(4,\) and \(3,\)"):
        expected_subsample_score(y, y[:3], 1, 1)


def test_records_keep_predictions_and_the_expected_score_follows_from_them(tmp_path):
    setting = rosmap_like_setting()
    split = next(iter(setting.splits(1)))
    specs = l4l.resolve_methods(["CE", "LogReg (balanced)"])
    path = str(tmp_path / "records.jsonl")
    records = l4l.run_split(setting.name, split, setting.layout, specs, path, "quick", True)
    X_te, y_te = split.evals["untouched"]
    _, y_m = split.evals["matched"]
    for rec in records:
        assert set(rec["predictions"]) == {"untouched", "matched"}
        assert len(rec["predictions"]["untouched"]) == len(y_te)
        assert rec["scores"]["untouched"] == score(y_te, rec["predictions"]["untouched"])
        assert rec["scores"]["matched, expected"] == expected_subsample_score(
            y_te, np.array(rec["predictions"]["untouched"]), 1, int(np.sum(y_m == 1)))
    assert [json.loads(line) for line in open(path)] == records


def rosmap_like_setting():
    """A small two-modality binary set through the protocol's pooled CV splits (IR 3)."""
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1], 60)
    X = rng.standard_normal((120, 6)) + y[:, None]
    return Setting("toy IR 3", {"a": 3, "b": 3}, lambda n: pooled_cv_splits(X, y, 3, n))


def _record(setting, split, method, scores):
    return {"setting": setting, "split": split, "method": method, "fit_time": 1.0,
            "scores": {ev: {"f1_macro": v} for ev, v in scores.items()}}


def test_the_expectation_replaces_the_single_draw_only_where_every_record_has_it():
    both = {"untouched": 0.8, "matched": 0.7, "matched, expected": 0.75}
    records = [_record("A", i, m, both) for i in range(2) for m in ("x", "y")]
    # setting B: one record from before round 29, without the expectation
    records += [_record("B", 0, "x", both),
                _record("B", 0, "y", {"untouched": 0.6, "matched": 0.5})]
    ranked, superseded = report._flatten(records, ["A", "B"], ["x", "y"])
    assert {(r["setting"], r["eval"]) for r in ranked} == {
        ("A", "untouched"), ("A", "matched, expected"), ("B", "untouched"), ("B", "matched")}
    assert {(r["setting"], r["eval"]) for r in superseded} == {("A", "matched")}
    assert len(ranked) == 4 * 2 + 2 * 2 and len(superseded) == 4


# --- the runner -----------------------------------------------------------------------------


def test_first_split_runs_fresh_splits_of_the_same_sequence(tmp_path):
    resolved = l4l.resolve_settings(["synthetic:10"], 2)
    fresh = list(l4l.settings_splits(resolved, first_split=15))
    assert [split.index for _, split in fresh] == [15, 16]
    whole = list(resolved[0][0].splits(17))
    for (_, split), same in zip(fresh, whole[15:]):
        np.testing.assert_array_equal(split.y_train, same.y_train)
        np.testing.assert_array_equal(split.X_train, same.X_train)
    # a longer run keeps the shorter run's splits: mfeat's 15 of three CV repetitions are the
    # first 15 of five (the main table's mfeat and synthetic columns grew from 15 to 25)
    mfeat = l4l.like_for_like_setting("mfeat:100")
    for split, same in zip(mfeat.splits(15), mfeat.splits(25), strict=False):
        np.testing.assert_array_equal(split.X_train, same.X_train)
        np.testing.assert_array_equal(split.evals["long-tailed"][0], same.evals["long-tailed"][0])
    seen = set().union(*(_rows(split.X_train) for split in whole[:15]))
    assert all(not _rows(split.X_train) & seen for _, split in fresh)  # new draws
    records = l4l.run_like_for_like(["synthetic:10"], ["CE"], str(tmp_path), n_splits=1,
                                    first_split=15, n_jobs=1, quick=True, progress=False)
    assert [(r["split"], r["method"]) for r in records] == [(15, "CE")]
    with pytest.raises(ValueError, match="first_split must be >= 0, got -1"):
        l4l.run_like_for_like(["synthetic:10"], ["CE"], str(tmp_path), first_split=-1,
                              quick=True, progress=False)


def test_resume_skips_done_records(tmp_path, monkeypatch):
    built = []  # the methods fitted
    real = l4l.run_split

    def counting(setting_name, split, layout, specs, *args, **kwargs):
        built.extend(specs)
        return real(setting_name, split, layout, specs, *args, **kwargs)

    monkeypatch.setattr(l4l, "run_split", counting)
    run = dict(out_dir=str(tmp_path), n_splits=2, n_jobs=1, quick=True, progress=False)
    path = tmp_path / l4l.RECORDS_FILE
    records = l4l.run_like_for_like(["synthetic:10"], ["CE", "LogReg (balanced)"], **run)
    assert len(records) == 4 and len(built) == 4
    assert len(path.read_text().splitlines()) == 4
    assert {r["fit_time"] > 0 for r in records} == {True}
    with open(path, "a") as fh:
        fh.write('{"protocol": "quick", "setting": "Synth')  # a run killed mid-write
    built.clear()
    records = l4l.run_like_for_like(["synthetic:10"], ["CE", "Focal", "LogReg (balanced)"],
                                    **run)
    assert sorted(built) == ["Focal", "Focal"]  # only what is missing is fitted
    assert len(records) == 6
    built.clear()
    l4l.run_like_for_like(["synthetic:10"], ["CE", "Focal"], **run)
    assert built == []
    with pytest.raises(ValueError, match="rename"):
        l4l.run_like_for_like(["synthetic:10"], ["CE"], candidates={"CE": {"loss": "focal"}},
                              **run)
    # the full protocol does not reuse quick records
    assert l4l.load_records(str(path), "full") == []


def test_records_store_the_preset_their_fit_resolved(tmp_path):
    setting = rosmap_like_setting()
    split = next(iter(setting.splits(1)))
    specs = l4l.resolve_methods(["CLIMD (default)", "CLIMD, self-taught order",
                                 "LogReg (balanced)"])
    path = str(tmp_path / "records.jsonl")
    default, self_taught, anchor = l4l.run_split(setting.name, split, setting.layout, specs,
                                                 path, "quick", True)
    n = default["n_train"]
    preset = {**VARIANT_PARAMS["improved"], "weight_decay": AUTO_WEIGHT_DECAY / n,
              "max_epochs": 2, "standardize": False}  # quick; the pipeline's scaler
    assert default["variant_params"] == _jsonable(preset)
    # the wrapper's final fit is what predicts: one order for all members, every epoch
    assert self_taught["variant_params"] == _jsonable(
        {**preset, "order": "desc", "member_subsets": False, "rescore_every": 1})
    assert "variant_params" not in anchor
    # what a resumed run expects is what the fits stored
    for rec in (default, self_taught, anchor):
        assert l4l.variant_params(specs[rec["method"]], n, quick=True) == rec.get(
            "variant_params")


def test_tuned_threshold_predicts_the_default_refit_at_the_threshold_its_inner_cv_chose(
        tmp_path):
    from sklearn.model_selection import TunedThresholdClassifierCV

    setting = rosmap_like_setting()
    split = list(setting.splits(2))[1]  # split 1: the inner CV is seeded by the split number
    specs = l4l.resolve_methods(["CLIMD, tuned threshold", "CLIMD (default)"])
    tuned, default = l4l.run_split(setting.name, split, setting.layout, specs,
                                   str(tmp_path / "r.jsonl"), "quick", True)
    # the preset is the default's: the wrapper changes the decision, not the network
    assert tuned["variant_params"] == default["variant_params"]
    assert 0 < tuned["threshold"] < 1 and "threshold" not in default
    est = l4l.build_method("CLIMD, tuned threshold", specs["CLIMD, tuned threshold"],
                           setting.layout, split.index, len(split.y_train), quick=True)
    assert isinstance(est, TunedThresholdClassifierCV) and est.scoring == "f1_macro"
    assert est.cv.n_splits == 5 and est.cv.random_state == split.index
    # its refit on the whole fold is the default's own fit (same seed, same data) ...
    torch.manual_seed(split.index)
    est.fit(split.X_train, split.y_train)
    X_te = split.evals["untouched"][0]
    np.testing.assert_array_equal(est.estimator_.predict(X_te), default["predictions"][
        "untouched"])
    # ... and it predicts the rare class where that fit's probability reaches the threshold
    proba = est.estimator_.predict_proba(X_te)[:, 1]
    np.testing.assert_array_equal(tuned["predictions"]["untouched"],
                                  (proba >= tuned["threshold"]).astype(int))
    multiclass = l4l.like_for_like_setting("synthetic:10")
    split = next(iter(multiclass.splits(1)))
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        l4l.build_method("CLIMD, tuned threshold", specs["CLIMD, tuned threshold"],
                         multiclass.layout, 0, len(split.y_train), quick=True).fit(
                             split.X_train, split.y_train)


def test_decay_per_bit_of_label_divides_the_default_decay_by_log2_of_the_classes():
    name = "CLIMD, decay per bit of label"
    spec = l4l.resolve_methods([name])[name]

    def decay(n_classes):
        return l4l.build_method(name, spec, {"a": 2}, 0, 100, n_classes=n_classes).named_steps[
            "clf"].weight_decay

    assert decay(2) == pytest.approx(AUTO_WEIGHT_DECAY / 100)  # binary: the default's
    assert decay(None) == decay(2)
    assert decay(8) == pytest.approx(AUTO_WEIGHT_DECAY / 300)  # three bits
    assert l4l.variant_params(spec, 100, n_classes=4)["weight_decay"] == pytest.approx(
        AUTO_WEIGHT_DECAY / 200)
    for overrides, n_classes, message in [
            ({"wd_per_log2_classes": True, "wd_per_n": 5.0}, 3, "sets the weight decay"),
            ({"wd_per_log2_classes": True}, 1, "needs n_classes >= 2, got 1")]:
        bad = l4l.resolve_methods(["x"], {"x": overrides})["x"]
        with pytest.raises(ValueError, match=message):
            l4l.build_method("x", bad, {"a": 2}, 0, 10, n_classes=n_classes)


def test_a_multiclass_fit_runs_and_stores_the_decay_of_its_classes(tmp_path):
    setting = l4l.like_for_like_setting("synthetic:10")  # five classes
    split = next(iter(setting.splits(1)))
    name = "CLIMD, decay per bit of label"
    specs = l4l.resolve_methods([name])
    (record,) = l4l.run_split(setting.name, split, setting.layout, specs,
                              str(tmp_path / "r.jsonl"), "quick", True)
    expected = AUTO_WEIGHT_DECAY / (len(split.y_train) * np.log2(5))
    assert record["variant_params"]["weight_decay"] == pytest.approx(expected)
    l4l._check_variant_params([record], specs)


def test_a_record_stores_the_preset_its_layout_set_and_the_check_leaves_it_out(tmp_path):
    # the toy set has two modalities of width 3 and fewer than 300 training rows
    setting = rosmap_like_setting()
    split = next(iter(setting.splits(1)))
    held = "CLIMD, each head weighted as the fused head, encoder weight held"
    switch = "x"
    specs = {**l4l.resolve_methods([held]),
             **l4l.resolve_methods([switch], {switch: {"width_switch_ratio": 0.01}})}
    records = {r["method"]: r for r in l4l.run_split(
        setting.name, split, setting.layout, specs, str(tmp_path / "r.jsonl"), "quick", True)}
    n = len(split.y_train)
    # M = 2: the decay 5 / n times 2 M / (M + 1) = 4 / 3, as the fit ran it
    assert records[held]["variant_params"]["weight_decay"] == pytest.approx(
        AUTO_WEIGHT_DECAY * 4 / 3 / n)
    # width 3 >= 0.01 * n: switched on, as the fit ran it
    assert 3 >= 0.01 * n
    assert records[switch]["variant_params"]["linear_path"] is True
    l4l._check_variant_params(list(records.values()), specs)  # no layout, not compared
    changed = {**records[switch], "variant_params": {**records[switch]["variant_params"],
                                                     "lr": 0.5}}
    with pytest.raises(ValueError, match=r"'lr': \(0.5, 0.001\)"):
        l4l._check_variant_params([changed], specs)  # the rest still is


def test_a_changed_default_is_caught_where_the_spec_did_not_pin_it(tmp_path, monkeypatch):
    from climd_sklearn.benchmark import swap_in_refits

    setting = rosmap_like_setting()
    split = next(iter(setting.splits(1)))
    specs = l4l.resolve_methods(["CLIMD (default)", "CLIMD, 5 members"])
    path = tmp_path / l4l.RECORDS_FILE  # where a resumed run looks
    records = l4l.run_split(setting.name, split, setting.layout, specs, str(path), "quick",
                            True)
    l4l._check_variant_params(records, specs)  # unchanged: passes
    # a round changes the default's order: the default's records no longer mean the name,
    # the option that pins its order still does
    monkeypatch.setitem(VARIANT_PARAMS["improved"], "order", "asc")
    with pytest.raises(ValueError, match=r"'CLIMD \(default\)'.*'order': \('random', "
                                         r"'asc'\)"):
        l4l._check_variant_params(records, specs)
    l4l._check_variant_params([r for r in records if r["method"] == "CLIMD, 5 members"],
                              specs)
    with pytest.raises(ValueError, match="Pin the recorded values"):  # a resumed run checks
        l4l.run_like_for_like(["synthetic:10"], ["CLIMD (default)"], out_dir=str(tmp_path),
                              n_splits=1, n_jobs=1, quick=True, progress=False)
    # records from before round 43 store no preset and are left to their pinned specs
    l4l._check_variant_params([{k: v for k, v in r.items() if k != "variant_params"}
                               for r in records], specs)
    # a refit under the changed default may not replace a record of the old one
    refit = tmp_path / "refits.jsonl"
    refit.write_text(json.dumps({**records[0], "variant_params": {
        **records[0]["variant_params"], "order": "asc"}}) + "\n")
    with pytest.raises(ValueError, match="has variant_params"):
        swap_in_refits(str(path), str(refit))


def test_candidate_overrides_and_wd_per_n():
    specs = l4l.resolve_methods(["CLIMD (default)", "lever", "BRF"],
                                {"lever": {"wd_per_n": 20.0, "refit_bias": True,
                                           "sampler": "rus"}})
    est = l4l.build_method("lever", specs["lever"], {"a": 2, "b": 3}, 7, n_train=40)
    clf = est.named_steps["clf"]
    assert clf.weight_decay == pytest.approx(0.5) and clf.refit_bias and clf.random_state == 7
    assert list(est.named_steps) == ["scale", "sample", "clf"]
    assert clf.modalities == {"a": [0, 1], "b": [2, 3, 4]}
    default = l4l.build_method("CLIMD (default)", specs["CLIMD (default)"], {"a": 2}, 0, 10)
    # the default behind the pipeline's StandardScaler, which does the estimator's own
    # standardization (so the records stay the computation they were); the spec is unchanged
    assert list(default.named_steps) == ["scale", "clf"]
    assert default.named_steps["clf"].get_params() == default.named_steps["clf"].__class__(
        modalities={"a": [0, 1]}, random_state=0, standardize=False).get_params()
    assert specs["CLIMD (default)"]["overrides"] == {}
    # round 20: the data as a user passes them, standardized by the estimator itself
    as_given = l4l.resolve_methods(["raw"], {"raw": {"input_as_given": True}})["raw"]
    raw = l4l.build_method("raw", as_given, {"a": 2}, 0, 10)
    assert list(raw.named_steps) == ["clf"] and raw.named_steps["clf"].standardize is None
    assert specs["BRF"]["kind"] == "anchor"
    with pytest.raises(KeyError):
        l4l.resolve_methods(["no such method"])


def test_aux_per_head_weighs_each_head_as_the_fused_head():
    name = "CLIMD, each head weighted as the fused head"
    spec = l4l.resolve_methods([name])[name]

    def aux_weight(layout):
        return l4l.build_method(name, spec, layout, 0, 10).named_steps["clf"].aux_weight

    assert aux_weight({"a": 2, "b": 3, "c": 4}) == 3.0
    assert aux_weight({"a": 2}) == 1.0
    assert spec["overrides"] == {"aux_per_head": True}  # the spec is not mutated
    both = l4l.resolve_methods(["x"], {"x": {"aux_per_head": True, "aux_weight": 2.0}})["x"]
    with pytest.raises(ValueError, match="'aux_per_head' sets aux_weight"):
        l4l.build_method("x", both, {"a": 2}, 0, 10)
    held = "CLIMD, each head weighted as the fused head, encoder weight held"
    clf = l4l.build_method(held, l4l.resolve_methods([held])[held], {"a": 2, "b": 3, "c": 4},
                           0, 150).named_steps["clf"]
    # M = 3: the decay 5 / n times 2 M / (M + 1) = 1.5
    assert clf.aux_weight == 3.0 and clf.weight_decay == pytest.approx(7.5 / 150)
    for overrides, message in [({"aux_per_head": "hold", "wd_per_n": 5.0}, "sets the weight decay"),
                               ({"aux_per_head": "yes"}, "must be True, False or 'hold'")]:
        spec = l4l.resolve_methods(["x"], {"x": overrides})["x"]
        with pytest.raises(ValueError, match=message):
            l4l.build_method("x", spec, {"a": 2}, 0, 10)


def test_quantile_inputs_replace_the_scaler_and_keep_the_rest_of_the_default():
    spec = l4l.resolve_methods(["CLIMD, quantile inputs"])["CLIMD, quantile inputs"]
    small = l4l.build_method("q", spec, {"a": 2}, 3, 10)
    assert list(small.named_steps) == ["scale", "clf"]
    scaler = small.named_steps["scale"]
    assert isinstance(scaler, QuantileTransformer)
    assert (scaler.output_distribution, scaler.n_quantiles, scaler.random_state) == (
        "normal", 10, 3)
    assert l4l.build_method("q", spec, {"a": 2}, 3, 5000).named_steps["scale"].n_quantiles == 1000
    default = l4l.build_method("d", l4l.resolve_methods(["CLIMD (default)"])["CLIMD (default)"],
                               {"a": 2}, 3, 10)
    assert small.named_steps["clf"].get_params() == default.named_steps["clf"].get_params()
    # the transform is fitted on the training rows: a skewed feature comes out with the
    # normal's median and no extreme value beyond what n_quantiles rows allow
    rng = np.random.default_rng(0)
    X = rng.lognormal(sigma=2.0, size=(200, 2))
    Z = clone(scaler).set_params(n_quantiles=200).fit_transform(X)
    assert np.allclose(np.median(Z, axis=0), 0.0, atol=0.02)
    assert np.abs(Z).max() < 6


def test_power_inputs_take_the_skew_out_and_keep_the_order():
    spec = l4l.resolve_methods(["CLIMD, power inputs"])["CLIMD, power inputs"]
    pipeline = l4l.build_method("p", spec, {"a": 2}, 3, 10)
    scaler = pipeline.named_steps["scale"]
    assert isinstance(scaler, PowerTransformer)
    assert (scaler.method, scaler.standardize) == ("yeo-johnson", True)
    rng = np.random.default_rng(0)
    X = rng.lognormal(sigma=1.0, size=(500, 1))
    Z = clone(scaler).fit_transform(X)[:, 0]
    assert abs(stats.skew(Z)) < stats.skew(X[:, 0]) / 10
    assert np.array_equal(np.argsort(Z), np.argsort(X[:, 0]))
    assert np.isclose(Z.mean(), 0.0, atol=1e-6) and np.isclose(Z.std(), 1.0, atol=1e-6)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"input_transform": "minmax"}, "input_transform must be 'standard', 'quantile', "
                                    "'power', 'skewed_quantile' or 'span_projected', got 'minmax'"),
    ({"input_transform": "quantile", "input_as_given": True},
     "input_as_given drops the input transform"),
])
def test_an_input_transform_that_cannot_work_is_an_error(overrides, message):
    spec = l4l.resolve_methods(["x"], {"x": overrides})["x"]
    with pytest.raises(ValueError, match=re.escape(message)):
        l4l.build_method("x", spec, {"a": 2}, 0, 10)


def test_linear_path_only_where_the_widest_modality_outnumbers_the_training_fold():
    spec = l4l.resolve_methods(["CLIMD, linear path where p > n"])["CLIMD, linear path where p > n"]
    lever = {"kind": "neural", "overrides": {"linear_path_if_wide": True,
                                             "module_kwargs": {"n_members": 3}}}

    def module_kwargs(s, layout, n_train):
        return l4l.build_method("x", s, layout, 0, n_train).named_steps["clf"].module_kwargs

    assert module_kwargs(spec, {"a": 5, "b": 11}, 10) == {"linear_path": True}
    assert module_kwargs(spec, {"a": 5, "b": 10}, 10) == {"linear_path": False}  # p = n: off
    # other module arguments are kept
    assert module_kwargs(lever, {"a": 50}, 10) == {"n_members": 3, "linear_path": True}
    assert lever["overrides"]["module_kwargs"] == {"n_members": 3}  # the spec is not mutated


def test_width_switch_ratio_turns_both_options_on_from_r_times_the_training_fold():
    name = "CLIMD, linear path and heads where p >= 2n"
    spec = l4l.resolve_methods([name])[name]

    def options(layout, n_train):
        clf = l4l.build_method(name, spec, layout, 0, n_train).named_steps["clf"]
        return clf.linear_path, clf.heads_in_prediction

    assert options({"a": 5, "b": 20}, 10) == (True, True)  # p = 2n: on
    assert options({"a": 5, "b": 19}, 10) == (False, False)  # 1.9 n, past round 50's p > n
    assert options({"a": 41, "b": 3}, 20) == (True, True)  # the widest modality decides
    assert spec["overrides"] == {"width_switch_ratio": 2.0}  # the spec is not mutated


def test_sgd_key_trains_with_momentum_sgd_at_the_specs_lr():
    spec = l4l.resolve_methods(["CLIMD, SGD"])["CLIMD, SGD"]
    clf = l4l.build_method("CLIMD, SGD", spec, {"a": 2}, 0, 10).named_steps["clf"]
    assert clf.optimizer.func is torch.optim.SGD and clf.optimizer.keywords == {"momentum": 0.9}
    assert clf.lr == 0.01
    assert spec["overrides"] == {"order": "asc", "rescore_every": 5, "sgd_momentum": 0.9,
                                 "lr": 0.01}  # the spec is not mutated
    default = l4l.resolve_methods(["CLIMD (default)"])["CLIMD (default)"]
    assert l4l.build_method("d", default, {"a": 2}, 0, 10).named_steps["clf"].optimizer is (
        torch.optim.Adam)


#: The layout the optimizer-key tests fit: 30 columns of "a", then 7 of "b".
_OPTIMIZER_LAYOUT = {"a": 30, "b": 7}


def _fit_two_members_one_epoch(name):
    """A candidate's spec and its estimator, fitted for one epoch with two members on 40
    random rows of :data:`_OPTIMIZER_LAYOUT` (labels: every third row positive)."""
    spec = l4l.resolve_methods([name])[name]
    clf = l4l.build_method("x", spec, _OPTIMIZER_LAYOUT, 0, 40).named_steps["clf"]
    X = np.random.default_rng(0).normal(size=(40, sum(_OPTIMIZER_LAYOUT.values())))
    clf.set_params(max_epochs=1, module_kwargs={"n_members": 2}).fit(X, np.arange(40) % 3 == 0)
    return spec, clf


def test_fan_in_key_scales_each_weight_matrix_decay_by_its_fan_in():
    from climd_sklearn.benchmark._fan_in_decay import fan_in_adam, fan_in_param_groups

    spec, clf = _fit_two_members_one_epoch("CLIMD, decay by fan-in")
    assert clf.optimizer is fan_in_adam
    assert spec["overrides"] == {"wd_fan_in": True}  # the spec is not mutated
    groups = clf.net_.optimizer_.param_groups
    shapes = [tuple(g["params"][0].shape) for g in groups]
    assert shapes == [(2, 30, 256), (2, 1, 256), (2, 256, 128), (2, 1, 128),
                      (2, 7, 256), (2, 1, 256), (2, 256, 128), (2, 1, 128),
                      (2, 128, 2), (2, 1, 2), (2, 128, 2), (2, 1, 2), (2, 256, 2), (2, 1, 2)]
    # weight decay 5 / n times fan-in / 256 for each weight matrix, 5 / n for each bias
    decays = [g["weight_decay"] * 40 / AUTO_WEIGHT_DECAY for g in groups]
    assert decays == pytest.approx([30 / 256, 1, 1, 1, 7 / 256, 1, 1, 1, 0.5, 1, 0.5, 1, 1, 1])
    weight, bias = torch.zeros(2, 5, 3), torch.zeros(2, 1, 3)
    with pytest.raises(ValueError, match="got 3 tensors"):
        fan_in_param_groups([{"params": [weight, bias, weight]}], 1.0)
    with pytest.raises(ValueError, match=r"got \(2, 5, 3\) and \(2, 5, 3\)"):
        fan_in_param_groups([{"params": [weight, weight]}], 1.0)
    with pytest.raises(ValueError, match=r"own options \(\['lr'\]\)"):
        fan_in_param_groups([{"params": [weight, bias], "lr": 0.1}], 1.0)
    both = {"kind": "neural", "overrides": {"wd_fan_in": True, "sgd_momentum": 0.9}}
    with pytest.raises(ValueError, match=r"'x': \['wd_fan_in'\] each set their own optim"):
        l4l.build_method("x", both, _OPTIMIZER_LAYOUT, 0, 40)


def test_free_bias_key_decays_the_weight_matrices_and_no_bias():
    from climd_sklearn.benchmark._bias_decay import free_bias_adam, free_bias_param_groups

    spec, clf = _fit_two_members_one_epoch("CLIMD, biases not decayed")
    assert clf.optimizer is free_bias_adam
    assert spec["overrides"] == {"wd_free_biases": True}  # the spec is not mutated
    weights, biases = clf.net_.optimizer_.param_groups
    named = dict(clf.net_.module_.named_parameters())
    # every weight matrix decays at 5 / n, every bias not at all, and no tensor is left out
    assert weights["weight_decay"] == pytest.approx(AUTO_WEIGHT_DECAY / 40)
    assert biases["weight_decay"] == 0.0
    assert {id(p) for p in weights["params"]} == {
        id(p) for name, p in named.items() if name.endswith("weight")}
    assert {id(p) for p in biases["params"]} == {
        id(p) for name, p in named.items() if name.endswith("bias")}
    weight, bias = torch.zeros(2, 5, 3), torch.zeros(2, 1, 3)
    with pytest.raises(ValueError, match=r"got \(2, 1, 3\) and \(2, 5, 3\)"):
        free_bias_param_groups([{"params": [bias, weight]}], 1.0)
    with pytest.raises(ValueError, match=r"free_bias_param_groups .* own options \(\['lr'\]\)"):
        free_bias_param_groups([{"params": [weight, bias], "lr": 0.1}], 1.0)
    both = {"kind": "neural", "overrides": {"wd_free_biases": True, "wd_fan_in": True}}
    with pytest.raises(ValueError, match="each set their own optimizer"):
        l4l.build_method("x", both, _OPTIMIZER_LAYOUT, 0, 40)


def test_adamw_key_sets_the_decoupled_decay_from_its_timescale():
    name = "CLIMD, AdamW, decay timescale 30 epochs"
    spec = l4l.resolve_methods([name])[name]
    layout = {"a": 6, "b": 3}
    clf = l4l.build_method("x", spec, layout, 0, 40).named_steps["clf"]
    assert clf.optimizer is torch.optim.AdamW
    # a timescale of 30 passes of 40 / 32 steps at lr 1e-3: 1 / (1e-3 * wd) = 30 * 40 / 32
    assert clf.weight_decay == pytest.approx(32 / (1e-3 * 40 * 30))
    assert spec["overrides"] == {"adamw_tau_epochs": 30.0}  # the spec is not mutated
    short = l4l.resolve_methods(["CLIMD, AdamW, decay timescale sqrt 30 epochs"])
    wd = l4l.build_method("x", [*short.values()][0], layout, 0, 40).named_steps["clf"]
    assert wd.weight_decay == pytest.approx(clf.weight_decay * 30 ** 0.5)
    own = {"kind": "neural", "overrides": {"adamw_tau_epochs": 2.0, "lr": 0.01,
                                           "batch_size": 8}}
    assert l4l.build_method("x", own, layout, 0, 40).named_steps["clf"].weight_decay == (
        pytest.approx(8 / (0.01 * 40 * 2.0)))
    rng = np.random.default_rng(0)
    clf.set_params(max_epochs=1, module_kwargs={"n_members": 2})
    clf.fit(rng.normal(size=(40, 9)), np.arange(40) % 3 == 0)
    optimizer = clf.net_.optimizer_
    assert isinstance(optimizer, torch.optim.AdamW)
    assert all(g["weight_decay"] == pytest.approx(32 / (1e-3 * 40 * 30))
               for g in optimizer.param_groups)
    for key, value in (("wd_fan_in", True), ("sgd_momentum", 0.9)):
        both = {"kind": "neural", "overrides": {"adamw_tau_epochs": 30.0, key: value}}
        with pytest.raises(ValueError, match="cannot be combined"):
            l4l.build_method("x", both, layout, 0, 40)
    for key in ("weight_decay", "wd_per_n"):
        both = {"kind": "neural", "overrides": {"adamw_tau_epochs": 30.0, key: 1.0}}
        with pytest.raises(ValueError, match="'adamw_tau_epochs' sets the weight decay"):
            l4l.build_method("x", both, layout, 0, 40)
    for tau in (0.0, -1.0, float("inf")):
        bad = {"kind": "neural", "overrides": {"adamw_tau_epochs": tau}}
        with pytest.raises(ValueError, match="adamw_tau_epochs must be a positive number"):
            l4l.build_method("x", bad, layout, 0, 40)


def test_member_spread_key_gives_each_member_its_own_decay():
    from climd_sklearn.benchmark._decay_spread import MemberSpreadAdam, member_decay_factors

    name = "CLIMD, decay spread over members"
    spec = l4l.resolve_methods([name])[name]
    layout = {"a": 6, "b": 3}
    clf = l4l.build_method("x", spec, layout, 0, 40).named_steps["clf"]
    assert clf.optimizer is MemberSpreadAdam
    assert spec["overrides"] == {"wd_member_spread": True}  # the spec is not mutated
    rng = np.random.default_rng(0)
    clf.set_params(max_epochs=1, module_kwargs={"n_members": 3})
    clf.fit(rng.normal(size=(40, 9)), np.arange(40) % 3 == 0)
    optimizer = clf.net_.optimizer_
    # the estimator's decay 5 / n reaches the members, half of it to twice it; none to Adam
    assert optimizer.member_weight_decay == pytest.approx(AUTO_WEIGHT_DECAY / 40)
    assert optimizer.member_factors == pytest.approx([0.5, 1.0, 2.0])
    assert all(group["weight_decay"] == 0.0 for group in optimizer.param_groups)
    factors = member_decay_factors(10)
    assert factors[0] == pytest.approx(0.5) and factors[-1] == pytest.approx(2.0)
    assert np.exp(np.log(factors).mean()) == pytest.approx(1.0)
    assert np.diff(np.log(factors)) == pytest.approx(np.full(9, np.log(4) / 9))
    assert member_decay_factors(1) == pytest.approx([1.0])
    for key in ("wd_fan_in", "sgd_momentum"):
        both = {"kind": "neural", "overrides": {"wd_member_spread": True, key: True}}
        with pytest.raises(ValueError, match="cannot be combined"):
            l4l.build_method("x", both, layout, 0, 40)


def test_recipe_reaches_every_neural_method_but_not_a_control_that_opts_out_or_an_anchor():
    recipe = {"wd_member_spread": True}
    names = ["CE", "SMOTE", "CLIMD (default)", "CLIMD, 5 members", "CLIMD, no decay spread",
             "LogReg (balanced)"]
    specs = l4l.resolve_methods(names, recipe=recipe)
    assert specs["CE"]["overrides"] == {**recipe, **l4l.NEURAL_METHODS["CE"]}
    assert specs["SMOTE"]["overrides"]["sampler"] == "smote"
    assert specs["CLIMD (default)"]["overrides"] == recipe
    assert specs["CLIMD, 5 members"]["overrides"] == {
        **recipe, **l4l.CANDIDATES["CLIMD, 5 members"]}
    assert specs["CLIMD, no decay spread"]["overrides"] == {"wd_member_spread": False}
    assert "overrides" not in specs["LogReg (balanced)"]
    assert recipe == {"wd_member_spread": True}  # not mutated
    layout = {"a": 2}
    spread = l4l.build_method("d", specs["CLIMD (default)"], layout, 0, 10).named_steps["clf"]
    control = l4l.build_method("c", specs["CLIMD, no decay spread"], layout, 0, 10)
    assert spread.optimizer.__name__ == "MemberSpreadAdam"
    assert control.named_steps["clf"].optimizer is torch.optim.Adam
    # records of a run with the recipe are refused by a resume without it, and kept with it
    records = [{"method": name, "spec": _jsonable(spec)} for name, spec in specs.items()]
    _check_specs(records, l4l.resolve_methods(names, recipe=recipe))
    with pytest.raises(ValueError, match="'CE' was recorded with .*wd_member_spread"):
        _check_specs(records, l4l.resolve_methods(names))


def test_recipe_option_takes_a_json_object_only():
    script = load_script("like_for_like")
    assert script.parse_args(["--recipe", '{"wd_member_spread": true}']).recipe == {
        "wd_member_spread": True}
    assert script.parse_args([]).recipe is None
    for text in ("[1]", "{oops"):
        with pytest.raises(SystemExit):
            script.parse_args(["--recipe", text])


def test_settings_option_rejects_an_unknown_kind_before_any_fit(capsys):
    script = load_script("like_for_like")
    assert script.parse_args(["--settings", "wdbc:5", "tcga_brca"]).settings == [
        "wdbc:5", "tcga_brca"]
    with pytest.raises(SystemExit):
        script.parse_args(["--settings", "rosmap:5", "brca"])
    assert "Unknown setting 'brca'; its kind must be one of rosmap" in capsys.readouterr().err


def test_a_run_with_a_recipe_records_it_in_every_neural_spec_and_in_its_config(tmp_path):
    out = str(tmp_path)
    args = ["--quick", "--splits", "1", "--settings", "synthetic:10", "--jobs", "1",
            "--methods", "CLIMD (default)", "CLIMD, no decay spread", "--out", out,
            "--no-progress", "--recipe", '{"wd_member_spread": true}']
    summary = load_script("like_for_like").main(args)
    records = [json.loads(line) for line in open(tmp_path / "like_for_like.records.jsonl")]
    specs = {r["method"]: r["spec"]["overrides"] for r in records}
    assert specs == {"CLIMD (default)": {"wd_member_spread": True},
                     "CLIMD, no decay spread": {"wd_member_spread": False}}
    config = json.load(open(tmp_path / "like_for_like.json"))["config"]
    assert config["recipe"] == {"wd_member_spread": True}
    assert summary["overall"]
    # resuming without the recipe is refused: the stored specs say what ran
    with pytest.raises(ValueError, match="'CLIMD \\(default\\)' was recorded with"):
        load_script("like_for_like").main(args[:-2])


def test_member_spread_adam_steps_each_member_as_its_own_adam():
    from climd_sklearn.benchmark._decay_spread import MemberSpreadAdam

    torch.manual_seed(0)
    weight = torch.randn(3, 4, 2, requires_grad=True)
    target = torch.randn(3, 4, 2)
    spread = MemberSpreadAdam([weight], lr=0.1, weight_decay=0.3)
    members = [torch.nn.Parameter(weight.detach()[k].clone()) for k in range(3)]
    alone = [torch.optim.Adam([member], lr=0.1, weight_decay=0.3 * factor)
             for member, factor in zip(members, (0.5, 1.0, 2.0))]

    def closure():
        spread.zero_grad()
        loss = ((weight - target) ** 2).sum()
        loss.backward()
        return loss

    for _ in range(3):
        loss = spread.step(closure)
        for member, optimizer, k in zip(members, alone, range(3)):
            optimizer.zero_grad()
            ((member - target[k]) ** 2).sum().backward()
            optimizer.step()
    assert loss is not None
    for k, member in enumerate(members):
        torch.testing.assert_close(weight.detach()[k], member.detach(), rtol=1e-6, atol=1e-7)
    # octaves=0 is Adam with one decay for every member
    same = torch.nn.Parameter(weight.detach().clone())
    plain = torch.nn.Parameter(weight.detach().clone())
    zero, adam = (MemberSpreadAdam([same], lr=0.1, weight_decay=0.3, octaves=0.0),
                  torch.optim.Adam([plain], lr=0.1, weight_decay=0.3))
    for param, optimizer in ((same, zero), (plain, adam)):
        optimizer.zero_grad()
        ((param - target) ** 2).sum().backward()
        optimizer.step()
    torch.testing.assert_close(same.detach(), plain.detach(), rtol=0, atol=0)
    with pytest.raises(ValueError, match=r"own options \(\['lr'\]\)"):
        MemberSpreadAdam([{"params": [weight], "lr": 0.1}])
    with pytest.raises(ValueError, match=r"leading axis .*got shapes \[\(3, 4, 2\), \(2, 1\)\]"):
        MemberSpreadAdam([weight, torch.zeros(2, 1, requires_grad=True)])


@needs_rosmap
def test_quick_end_to_end_writes_json_md_and_docs(tmp_path):
    out = tmp_path / "results"
    summary = load_script("like_for_like").main(
        ["--quick", "--splits", "1", "--out", str(out), "--jobs", "1", "--no-progress",
         "--candidates", "CLIMD, wd 20/n + refit"])
    data = json.loads((out / "like_for_like.json").read_text())
    assert {"config", "machine", "records", "summary"} <= set(data)
    assert data["config"]["command"].startswith("python benchmarks/like_for_like.py --quick")
    methods = {r["method"] for r in data["records"]}
    assert set(l4l.DEFAULT_METHODS) | {"CLIMD, wd 20/n + refit"} == methods
    # round 29: the exact mean over the matched fold's draws is ranked, the one draw is not
    assert {t["eval"] for t in summary["tables"]} == {"untouched", "matched, expected"}
    assert summary["overall"]["n_blocks"] == 2
    assert [t["eval"] for t in data["superseded"]["tables"]] == ["matched"]
    md = (out / "like_for_like.md").read_text()
    assert md.index("## Superseded evaluations") > md.index("eval: matched, expected")
    assert "| Method | ROSMAP IR 5 / matched |" in md
    assert "| CLIMD (default) |" in md and "goal" in md and "N = 2 blocks" in md
    assert f"Ran on: nproc {os.cpu_count()}, " in md and f"torch {torch.__version__}" in md
    if summary["figure"]:
        assert (out / summary["figure"]).exists()
    make_docs = load_script("make_docs")
    doc = make_docs.build(str(out), str(tmp_path / "docs"))
    assert doc.startswith("# Benchmarks") and "## Part 1: like for like" in doc
    assert doc.index("Part 1") < doc.index("## Part 2")
    assert "### ROSMAP IR 5 — eval: matched, expected (n = 1 splits)" in doc
    # the paper-regime part follows, its headings one level down (code blocks untouched)
    assert "\n### What was run" in doc and "\n## What was run" not in doc
    assert "Part 1b" not in doc and "Part 1c" not in doc  # no extra runs yet
    # an extra run in its subfolder gets its own section between Part 1 and Part 2, with its
    # commands and tables but without Part 1's statistics paragraphs again
    (out / "external").mkdir()
    (out / "external" / "like_for_like.json").write_text((out / "like_for_like.json").read_text())
    doc = make_docs.build(str(out), str(tmp_path / "docs"))
    part = doc[doc.index("## Part 1b"):doc.index("## Part 2")]
    assert doc.index("## Part 1:") < doc.index("## Part 1b") and "Part 1c" not in doc
    assert "Results: `benchmarks/results/external/`" in part and "--quick" in part
    assert "### ROSMAP IR 5 — eval: matched, expected (n = 1 splits)" in part
    assert "Statistics and ranks as in Part 1." in part and "**Statistics.**" not in part
    assert doc.count("**Statistics.**") == 1
    # the sections are lettered in order among the runs found: a second one is Part 1c
    (out / "external_round28").mkdir()
    (out / "external_round28" / "like_for_like.json").write_text(
        (out / "like_for_like.json").read_text())
    doc = make_docs.build(str(out), str(tmp_path / "docs"))
    assert doc.index("## Part 1b: real cohorts") < doc.index(
        "## Part 1c: real cohorts no round was tuned on, five-member network") < doc.index(
        "## Part 2")
    assert "Part 1d" not in doc and "five-member network of rounds 16-27" in doc
    (out / "external_round28" / "like_for_like.json").unlink()
    (out / "external_round28").rmdir()
    # --summarize keeps the records file whole but summarizes the named methods only
    load_script("like_for_like").main(
        ["--quick", "--out", str(out), "--summarize", "--no-progress"])
    data = json.loads((out / "like_for_like.json").read_text())
    assert {r["method"] for r in data["records"]} == set(l4l.DEFAULT_METHODS)
    assert "CLIMD, wd 20/n + refit" in (out / "like_for_like.records.jsonl").read_text()
    # a summary fits nothing, so it keeps the machine and wall time of the run that fitted
    data["machine"], data["config"]["wall_s"] = {"cpu": "the fitting machine"}, 1234.5
    (out / "like_for_like.json").write_text(json.dumps(data))
    load_script("like_for_like").main(
        ["--quick", "--out", str(out), "--summarize", "--no-progress"])
    data = json.loads((out / "like_for_like.json").read_text())
    assert data["machine"] == {"cpu": "the fitting machine"}
    assert data["config"]["wall_s"] == 1234.5
    assert "Ran on: cpu the fitting machine.\n" in (out / "like_for_like.md").read_text()
    # a run that resumes into the folder adds its time to the earlier runs' (nothing is lost)
    load_script("like_for_like").main(["--quick", "--out", str(out), "--no-progress"])
    assert json.loads((out / "like_for_like.json").read_text())["config"]["wall_s"] > 1234.5


def test_extra_sections_are_lettered_past_z():
    part_letters = load_script("_docs_like_for_like").part_letters
    assert [part_letters(i) for i in (0, 1, 24, 25, 26, 50, 51)] == [
        "b", "c", "z", "aa", "ab", "az", "ba"]


def test_summaries_keep_only_the_splits_every_method_finished(capsys):
    complete_splits = load_script("like_for_like").complete_splits
    records = [{"setting": "S", "split": 0, "method": "a"}, {"setting": "S", "split": 0,
                                                             "method": "b"},
               {"setting": "S", "split": 1, "method": "a"},  # b never reached split 1
               {"setting": "T", "split": 1, "method": "a"}, {"setting": "T", "split": 1,
                                                             "method": "b"}]
    kept = complete_splits(records, ["a", "b"])
    assert [(r["setting"], r["split"]) for r in kept] == [("S", 0), ("S", 0), ("T", 1),
                                                          ("T", 1)]
    assert "left out 1 split(s)" in capsys.readouterr().err


def test_the_wide_grid_logreg_is_an_optional_anchor():
    from climd_sklearn.benchmark._methods import like_for_like_anchor

    name = "LogReg (balanced), wide C grid"
    assert name not in l4l.DEFAULT_METHODS and "LogReg (balanced)" in l4l.DEFAULT_METHODS
    search = like_for_like_anchor(name, 3)
    assert search.param_grid["clf__C"] == [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0]
    clf = search.estimator.named_steps["clf"]
    assert type(clf).__name__ == "LogisticRegression" and clf.class_weight == "balanced"
    assert l4l.resolve_methods([name])[name]["kind"] == "anchor"


@needs_rosmap
def test_the_seeded_rosmap_setting_of_climd_bench_also_scores_the_expectation():
    from climd_sklearn.benchmark import make_setting

    split = next(iter(make_setting("rosmap:5").splits(1)))
    _, y_m = split.evals["matched"]
    assert split.expected == {"matched, expected": ("balanced", {1: np.sum(y_m == 1)})}


def test_superseded_table_lists_means_and_only_significant_holm_p():
    rows = [{"method": "ref", "mean": 0.7}, {"method": "a", "mean": 0.6, "p_holm": 0.0004},
            {"method": "b", "mean": 0.65, "p_holm": 0.2}]
    summary = {"reference": "ref", "tables": [
        {"setting": "S", "eval": "matched", "rows": rows},
        {"setting": "T", "eval": "matched", "rows": rows[:2]}]}
    md = report.superseded_markdown(summary, title_level=2)
    assert md.startswith("## Superseded evaluations")
    assert "| Method | S / matched | T / matched |" in md
    assert "| **ref** | 70.0 | 70.0 |" in md
    assert "| a | 60.0 (p < 0.001) | 60.0 (p < 0.001) |" in md
    assert "| b | 65.0 | — |" in md
    assert report.superseded_markdown({"reference": "ref", "tables": []}, 2) == ""


def test_swap_in_refits_checks_every_stored_score_before_replacing(tmp_path):
    from climd_sklearn.benchmark import swap_in_refits

    def rec(split, method, matched=0.5, **extra):
        return {"protocol": "full", "setting": "S", "split": split, "method": method,
                "spec": {"kind": "neural"}, "scores": {"untouched": {"f1_macro": 0.7},
                                                       "matched": {"f1_macro": matched}},
                **extra}

    path, refit_path = tmp_path / "records.jsonl", tmp_path / "refits.jsonl"
    stored = [rec(0, "a"), rec(0, "b"), rec(1, "a")]
    text = "".join(json.dumps(r) + "\n" for r in stored)
    path.write_text(text)
    better = rec(0, "b", predictions={"untouched": [1, 0]})
    better["scores"]["matched, expected"] = {"f1_macro": 0.55}
    for bad, message in [(rec(0, "b", matched=0.4), r"on 'matched', the stored record"),
                         (rec(2, "a"), r"refit \('S', 2, 'a'\) has no stored record"),
                         ({**rec(0, "b"), "spec": {"kind": "anchor"}}, "has spec"),
                         ({**rec(0, "b"), "protocol": "quick"}, "has protocol quick")]:
        refit_path.write_text(json.dumps(better) + "\n" + json.dumps(bad) + "\n")
        with pytest.raises(ValueError, match=message):
            swap_in_refits(str(path), str(refit_path))
        assert path.read_text() == text  # nothing written
    refit_path.write_text(json.dumps(better) + "\n")
    assert swap_in_refits(str(path), str(refit_path)) == 1
    assert [json.loads(line) for line in path.read_text().splitlines()] == [
        stored[0], stored[2], better]


def test_recipe_effect_pairs_the_same_method_and_split_and_holms_per_column():
    recipe_effect = load_script("recipe_effect")

    def rec(method, split, f1):
        return {"method": method, "setting": "S", "split": split,
                "scores": {"e": {"f1_macro": f1}}}

    before = [rec("A", s, 0.5) for s in range(8)] + [rec("B", s, 0.5) for s in range(8)]
    # A gains 25 points on every split but one (+6.25 on split 7); B loses 12.5 points on split
    # 0 only; a split that only "after" holds is not paired (binary fractions: exact differences)
    after = ([rec("A", s, 0.75) for s in range(7)] + [rec("A", 7, 0.5625)]
             + [rec("B", 0, 0.375)] + [rec("B", s, 0.5) for s in range(1, 8)]
             + [rec("A", 99, 0.0)])
    effects = recipe_effect.paired_effects(after, before, [("S", "e")], ["A", "B"])
    (d_a, p_a, n_a), = effects["A"]
    (d_b, p_b, n_b), = effects["B"]
    assert (n_a, n_b) == (8, 8)
    assert d_a == (7 * 25.0 + 6.25) / 8
    assert d_b == -12.5 / 8
    raw = [wilcoxon_p([25.0] * 7 + [6.25]), wilcoxon_p([-12.5] + [0.0] * 7)]
    assert [p_a, p_b] == pytest.approx(list(holm(raw)))
    assert p_a == pytest.approx(2 * raw[0])  # the smaller p is doubled by Holm over two
    with pytest.raises(ValueError, match="'C' has no split of 'S'"):
        recipe_effect.paired_effects(after, before, [("S", "e")], ["C"])


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
                "external_brca_clinical", "pilot_free_biases", "round58", "round58_real")


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


# --- carrying records over from another run -------------------------------------------------


def test_split_keys_are_the_run_s_splits_without_loading_data():
    from climd_sklearn.benchmark._carry_over import split_keys

    assert split_keys(["rosmap:5", "mfeat:100"], 2, 25) == [
        ("ROSMAP IR 5", 25), ("ROSMAP IR 5", 26), ("mfeat LT rho 100", 25),
        ("mfeat LT rho 100", 26)]
    assert len(split_keys(["rosmap:10", "synthetic:10"])) == 25 + 25  # the default numbers


def test_carry_over_copies_only_fits_the_run_would_repeat(tmp_path):
    from climd_sklearn.benchmark._carry_over import carry_over_records

    recipe = {"wd_member_spread": True}
    specs = l4l.resolve_methods(["LogReg (balanced)", "CE"])
    source = tmp_path / "source"
    source.mkdir()
    records = [{"protocol": "full", "setting": "S", "split": i, "method": m, "n_train": 10,
                "spec": _jsonable(specs[m]), "scores": {"e": {"f1_macro": 0.5 + i / 8}}}
               for i in range(3) for m in specs]
    records[0]["copied_from"] = "an older run"
    (source / l4l.RECORDS_FILE).write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "out"
    anchor = l4l.resolve_methods(["LogReg (balanced)"], recipe=recipe)
    assert anchor == {"LogReg (balanced)": specs["LogReg (balanced)"]}  # the recipe misses it
    keys = [("S", 0), ("S", 1)]
    assert carry_over_records(str(out), str(source), anchor, keys) == 2
    copied = [json.loads(line) for line in open(out / l4l.RECORDS_FILE)]
    assert [(r["split"], r["method"]) for r in copied] == [(0, "LogReg (balanced)"),
                                                          (1, "LogReg (balanced)")]
    assert [r["scores"] for r in copied] == [records[0]["scores"], records[2]["scores"]]
    assert [r["copied_from"] for r in copied] == [
        f"{source}; before that: an older run", str(source)]
    # the same command again (a resumed run) copies nothing and changes nothing
    text = (out / l4l.RECORDS_FILE).read_text()
    assert carry_over_records(str(out), str(source / l4l.RECORDS_FILE), anchor, keys) == 0
    assert (out / l4l.RECORDS_FILE).read_text() == text
    refusals = [
        # the recipe reaches the neural method: its stored fit is not this run's
        (l4l.resolve_methods(["CE"], recipe=recipe), keys,
         r"'CE' was fitted in .* under the spec .* and this run gives it .*wd_member_spread"),
        (anchor, [("S", 3), ("S", 4)],
         r"no 'full' record of 'LogReg \(balanced\)' on 2 of the 2 splits, the first \('S', 3\)"),
    ]
    for wanted, wanted_keys, message in refusals:
        with pytest.raises(ValueError, match=message):
            carry_over_records(str(out), str(source), wanted, wanted_keys)
        assert (out / l4l.RECORDS_FILE).read_text() == text  # nothing written
    # a different fit of the same key is already there
    other = dict(records[5], scores={"e": {"f1_macro": 0.1}})  # split 2, CE
    with open(out / l4l.RECORDS_FILE, "a") as fh:
        fh.write(json.dumps(other) + "\n")
    with pytest.raises(ValueError, match=r"already holds another record of \('S', 2, 'CE'\)"):
        carry_over_records(str(out), str(source), {"CE": specs["CE"]}, [("S", 2)])
    with pytest.raises(ValueError, match="is the run's own records file"):
        carry_over_records(str(out), str(out), anchor, keys)
    with pytest.raises(ValueError, match="holds no records file"):
        carry_over_records(str(out), str(tmp_path / "nowhere"), anchor, keys)


def test_carry_over_refuses_a_record_whose_preset_changed(tmp_path):
    from climd_sklearn.benchmark._carry_over import carry_over_records

    specs = l4l.resolve_methods(["CLIMD (default)"])
    preset = l4l.variant_params(specs["CLIMD (default)"], 100, False)
    rec = {"protocol": "full", "setting": "S", "split": 0, "method": "CLIMD (default)",
           "n_train": 100, "spec": _jsonable(specs["CLIMD (default)"]),
           "variant_params": {**preset, "max_epochs": 99}, "scores": {}}
    (tmp_path / l4l.RECORDS_FILE).write_text(json.dumps(rec) + "\n")
    with pytest.raises(ValueError, match=r"preset values .*'max_epochs': \(99, 30\)"):
        carry_over_records(str(tmp_path / "out"), str(tmp_path), specs, [("S", 0)])
    assert not (tmp_path / "out").exists()


def test_a_rerun_with_a_recipe_carries_the_anchor_and_refits_the_net(tmp_path):
    script = load_script("like_for_like")
    first, rerun = str(tmp_path / "first"), str(tmp_path / "rerun")
    common = ["--quick", "--splits", "1", "--settings", "synthetic:10", "--jobs", "1",
              "--no-progress"]
    script.main([*common, "--methods", "CE", "LogReg (balanced)", "--out", first])
    script.main([*common, "--methods", "CE", "--out", rerun, "--recipe",
                 '{"wd_member_spread": true}', "--carry-over", first,
                 "--carry", "LogReg (balanced)"])
    before = {r["method"]: r for r in map(json.loads, open(os.path.join(
        first, l4l.RECORDS_FILE)))}
    after = {r["method"]: r for r in map(json.loads, open(os.path.join(
        rerun, l4l.RECORDS_FILE)))}
    assert after["LogReg (balanced)"] == {**before["LogReg (balanced)"], "copied_from": first}
    assert "copied_from" not in after["CE"]
    assert after["CE"]["spec"]["overrides"]["wd_member_spread"] is True
    config = json.load(open(os.path.join(rerun, "like_for_like.json")))["config"]
    assert "--carry-over" in config["command"]
    assert set(config["methods"]) == {"CE", "LogReg (balanced)"}
    with pytest.raises(ValueError, match="'CE' was fitted in"):  # the recipe reaches CE
        script.main([*common, "--methods", "LogReg (balanced)", "--out", str(tmp_path / "x"),
                     "--recipe", '{"wd_member_spread": true}', "--carry-over", first,
                     "--carry", "CE"])


@pytest.mark.parametrize("args, message", [
    (["--carry-over", "somewhere"], "go together"),
    (["--carry", "BRF"], "go together"),
    (["--carry-over", "a", "--carry", "BRF", "--swap-in", "b"], "does not go with"),
])
def test_carry_over_options_that_cannot_work_are_refused(args, message, capsys):
    with pytest.raises(SystemExit):
        load_script("like_for_like").parse_args(args)
    assert message in capsys.readouterr().err
