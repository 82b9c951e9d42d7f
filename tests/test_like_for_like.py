"""The like-for-like protocol: its ROSMAP splits, its resumable runner and its report."""

from __future__ import annotations

import itertools
import json
import os

import numpy as np
import pytest
import torch
from conftest import FAST, load_script, make_multimodal, needs_rosmap

from climd_sklearn._variants import AUTO_WEIGHT_DECAY, VARIANT_PARAMS
from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark import _like_for_like_report as report
from climd_sklearn.benchmark._data import Setting, pooled_cv_splits, rosmap_pooled_setting
from climd_sklearn.benchmark._records import _jsonable
from climd_sklearn.benchmark._runner import cpu_model, score
from climd_sklearn.benchmark._stats import (
    holm,
    wilcoxon_p,
)
from climd_sklearn.benchmark._subsample import expected_subsample_score

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


def test_stored_log_probabilities_give_back_each_records_predictions(tmp_path):
    setting = rosmap_like_setting()
    split = next(iter(setting.splits(1)))
    specs = l4l.resolve_methods(["CLIMD (default)", "LogReg (balanced)"])
    path = str(tmp_path / "records.jsonl")
    records = l4l.run_split(setting.name, split, setting.layout, specs, path, "quick", True,
                            store_log_proba=True)
    for rec in records:
        assert rec["classes"] == [0, 1]
        for ev, (X_ev, _) in split.evals.items():
            log_proba = np.array(rec["log_proba"][ev])
            assert log_proba.shape == (len(X_ev), 2)
            np.testing.assert_allclose(np.exp(log_proba).sum(axis=1), 1.0, atol=1e-3)
            predicted = np.array(rec["classes"])[log_proba.argmax(axis=1)]
            np.testing.assert_array_equal(predicted, rec["predictions"][ev])
    assert [json.loads(line) for line in open(path)] == records
    plain = l4l.run_split(setting.name, split, setting.layout, specs,
                          str(tmp_path / "plain.jsonl"), "quick", True)
    assert not any("log_proba" in rec or "classes" in rec for rec in plain)


def test_a_stored_log_probability_is_rounded_and_floored_where_it_underflows():
    class Fixed:
        def predict_proba(self, X):
            return np.array([[1.0, 0.0], [0.25, 0.75]])

    assert l4l.log_proba_rows(Fixed(), None) == [[0.0, l4l.LOG_PROBA_FLOOR],
                                                 [-1.3863, -0.2877]]


@pytest.mark.parametrize("mode", ["--summarize", "--rescore", ["--swap-in", "x"]])
def test_storing_log_probabilities_without_fits_is_refused(mode, capsys):
    with pytest.raises(SystemExit):
        load_script("like_for_like").parse_args(
            ["--store-log-proba", *([mode] if isinstance(mode, str) else mode)])
    assert "--store-log-proba stores what new fits predict" in capsys.readouterr().err


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
    # what the fits did, from their training history: the default's ten members each drew
    # their own subset, the wrapper's final fit one shared one; and where they ran
    assert (default["n_subsets"], self_taught["n_subsets"]) == (10, 1)
    assert "n_subsets" not in anchor
    assert {rec["cpu"] for rec in (default, self_taught, anchor)} == {cpu_model()}
    # what a resumed run expects is what the fits stored
    for rec in (default, self_taught, anchor):
        assert l4l.variant_params(specs[rec["method"]], n, quick=True) == rec.get(
            "variant_params")


def test_subsets_drawn_is_the_most_an_epoch_drew_found_inside_any_wrapper():
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from climd_sklearn import CLIMDClassifier

    X, y = make_multimodal()
    clf = CLIMDClassifier(random_state=0, **dict(FAST, max_epochs=4, curriculum_epochs=2))
    clf.fit(X, y)
    # ten members draw their own subsets while the curriculum runs, then all train on all
    assert clf.net_.history[:, "n_subsets"] == [10, 10, 1, 1]
    assert l4l.subsets_drawn(clf) == 10
    flat = np.hstack(list(X.values()))  # one modality: a search splits an array
    search = GridSearchCV(make_pipeline(FunctionTransformer(), clf), {}, cv=2).fit(flat, y)
    assert l4l.subsets_drawn(search) == 10
    plain = clf.set_params(curriculum=None, curriculum_epochs=None).fit(X, y)
    assert l4l.subsets_drawn(plain) == 1
    assert l4l.subsets_drawn(FunctionTransformer().fit(flat)) is None


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
    assert tuned["n_subsets"] == default["n_subsets"] == 10  # found inside the wrapper
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




@needs_rosmap
def test_quick_end_to_end_writes_json_md_and_docs(tmp_path):
    out = tmp_path / "results"
    summary = load_script("like_for_like").main(
        ["--quick", "--splits", "1", "--out", str(out), "--jobs", "1", "--no-progress",
         "--candidates", "CLIMD, single network, score order", "--store-log-proba"])
    data = json.loads((out / "like_for_like.json").read_text())
    # the log-probabilities and predictions stay in the records file, out of the summary
    assert all("log_proba" in json.loads(line) and "predictions" in json.loads(line)
               for line in open(out / l4l.RECORDS_FILE))
    assert not any({"log_proba", "predictions"} & set(r) for r in data["records"])
    assert {"config", "machine", "records", "summary"} <= set(data)
    assert data["config"]["command"].startswith("python benchmarks/like_for_like.py --quick")
    methods = {r["method"] for r in data["records"]}
    assert set(l4l.DEFAULT_METHODS) | {"CLIMD, single network, score order"} == methods
    # round 29: the exact mean over the matched fold's draws is ranked, the one draw is not
    assert {t["eval"] for t in summary["tables"]} == {"untouched", "matched, expected"}
    assert summary["overall"]["n_blocks"] == 2
    assert [t["eval"] for t in data["superseded"]["tables"]] == ["matched"]
    md = (out / "like_for_like.md").read_text()
    assert md.index("## Superseded evaluations") > md.index("eval: matched, expected")
    assert "| Method | ROSMAP IR 5 / matched |" in md
    assert "| CLIMD (default) |" in md and "goal" in md and "N = 2 blocks" in md
    assert f"Ran on: nproc {os.cpu_count()}, " in md and f"torch {torch.__version__}" in md
    assert (f"Records by the CPU they were fitted on: {cpu_model()} "
            f"({len(data['records'])}).\n") in md
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
    assert "The real tasks at a glance" not in doc  # nor the real cohorts' tables it pools
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
    assert "CLIMD, single network, score order" in (out / "like_for_like.records.jsonl").read_text()
    # a summary fits nothing, so it keeps the machine and wall time of the run that fitted
    data["machine"], data["config"]["wall_s"] = {"cpu": "the fitting machine"}, 1234.5
    (out / "like_for_like.json").write_text(json.dumps(data))
    load_script("like_for_like").main(
        ["--quick", "--out", str(out), "--summarize", "--no-progress"])
    data = json.loads((out / "like_for_like.json").read_text())
    assert data["machine"] == {"cpu": "the fitting machine"}
    assert data["config"]["wall_s"] == 1234.5
    assert "Ran on: cpu the fitting machine.\n" in (out / "like_for_like.md").read_text()
    # records from two CPU models, and from before records stored theirs, are counted apart
    records_path = out / "like_for_like.records.jsonl"
    lines = records_path.read_text().splitlines()
    records_path.write_text("".join(json.dumps(
        {**rec, "cpu": "CPU B"} if i == 0 else {k: v for k, v in rec.items() if k != "cpu"}
        if i < 3 else rec) + "\n" for i, rec in enumerate(map(json.loads, lines))))
    load_script("like_for_like").main(
        ["--quick", "--out", str(out), "--summarize", "--no-progress"])
    kept = json.loads((out / "like_for_like.json").read_text())["records"]
    counts = {cpu: sum(r.get("cpu", "not stored") == cpu for r in kept)
              for cpu in ("CPU B", "not stored", cpu_model())}
    assert (counts["CPU B"], counts["not stored"]) == (1, 2)  # the first three are kept
    assert (f"Records by the CPU they were fitted on: {cpu_model()} ({counts[cpu_model()]}); "
            "not stored (2); CPU B (1).\n") in (out / "like_for_like.md").read_text()
    # a run that resumes into the folder adds its time to the earlier runs' (nothing is lost)
    load_script("like_for_like").main(["--quick", "--out", str(out), "--no-progress"])
    assert json.loads((out / "like_for_like.json").read_text())["config"]["wall_s"] > 1234.5
    # a command listed once, where it last ran: the summary run again after that fit is last
    load_script("like_for_like").main(
        ["--quick", "--out", str(out), "--summarize", "--no-progress"])
    config = json.loads((out / "like_for_like.json").read_text())["config"]
    assert "--summarize" in config["command"] and config["commands"][-1] == config["command"]
    assert len(set(config["commands"])) == len(config["commands"])


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
                                                             "method": "b"},
               {"setting": "U", "split": 0, "method": "a"},  # b was never fitted on U
               {"setting": "U", "split": 1, "method": "a"}]
    kept = complete_splits(records, ["a", "b"])
    assert [(r["setting"], r["split"]) for r in kept] == [
        ("S", 0), ("S", 0), ("T", 1), ("T", 1), ("U", 0), ("U", 1)]
    err = capsys.readouterr().err
    assert "left out 1 split(s)" in err and "[('S', 1)]" in err
    assert "U: no records of ['b']" in err and "S: no records" not in err


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
