"""Tiny end-to-end runs of every benchmark script, the CLI and the statistics helpers."""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest
import torch
from conftest import load_script, needs_rosmap

from climd_sklearn.benchmark import aggregate, paired_wilcoxon, score
from climd_sklearn.benchmark._protocols import (
    ABLATION_METHODS,
    COMPARISON_METHODS,
    PNP_METHODS,
)
from climd_sklearn.benchmark._stats import wilcoxon_p

METRICS = ("accuracy", "f1_weighted", "f1_macro")


def _check_results(path, methods):
    with open(path) as fh:
        data = json.load(fh)
    assert {"config", "machine", "records", "summary"} <= set(data)
    assert set(methods) <= {r["method"] for r in data["records"]}
    for rec in data["records"]:
        for metric in METRICS:
            assert 0.0 <= rec[metric] <= 1.0
    for row in data["summary"]:
        for metric in METRICS:
            assert 0.0 <= row[f"mean_{metric}"] <= 1.0
    return data


@needs_rosmap
def test_comparison_quick(tmp_path):
    load_script("comparison").main(["--quick", "--out", str(tmp_path), "--no-progress"])
    data = _check_results(tmp_path / "comparison.json", COMPARISON_METHODS)
    assert {r["regime"] for r in data["records"]} == {"quick", "tuned"}
    assert {r["eval"] for r in data["records"]} >= {"balanced", "matched", "long-tailed"}
    tuned = [r for r in data["records"] if r["regime"] == "tuned"]
    # the default runs as it is in every regime; the others are searched
    assert all(("best_params" in r) == (r["method"] != "CLIMD (improved)") for r in tuned)
    assert any("p_f1_macro" in row for row in data["summary"])
    assert (tmp_path / "comparison.md").read_text().count("| CLIMD |") >= 2

    # the docs are assembled from the result files
    out = tmp_path / "benchmarks.md"
    load_script("make_docs").main(["--results", str(tmp_path), "--out", str(out)])
    text = out.read_text()
    assert "Machine and commands" in text
    for name in ("CLIMD (improved)", "CLIMD"):
        assert f"## Headline: {name} (" in text
        assert f"{name} has the best mean macro F1 in" in text


@needs_rosmap
def test_ablation_quick(tmp_path):
    load_script("ablation").main(["--quick", "--out", str(tmp_path), "--no-progress"])
    _check_results(tmp_path / "ablation.json", ABLATION_METHODS)


@needs_rosmap
def test_plug_and_play_quick(tmp_path):
    load_script("plug_and_play").main(["--quick", "--out", str(tmp_path), "--no-progress"])
    data = _check_results(tmp_path / "plug_and_play.json", PNP_METHODS)
    refs = {row["method"]: row.get("reference") for row in data["summary"]}
    assert refs["EarlyFusion"] == "EarlyFusion + CLIMD"
    assert refs["LateFusion"] == "LateFusion + CLIMD"


@needs_rosmap
def test_speed_quick(tmp_path):
    result = load_script("speed").main(["--quick", "--out", str(tmp_path)])
    data = json.loads((tmp_path / "speed.json").read_text())
    fit = data["fit"]["ROSMAP (train split)"]
    assert fit["climd_over_plain"] > 0 and fit["plain_over_torch"] > 0
    default = data["default_fit"]["ROSMAP (train split)"]
    from climd_sklearn.benchmark._speed import DEFAULT_ORDERS

    controls = set(DEFAULT_ORDERS) - {"default"}
    assert controls == {"weighted_draw", "every_5_epochs", "lowest_first", "one_draw",
                        "no_curriculum", "five_members", "modality_dropout"}
    for name in controls:
        assert default[f"default_over_{name}"] == pytest.approx(
            default["default_s"] / default[f"{name}_s"])
    curriculum_table = open(result["md"]).read().split("### The default's curriculum")[1]
    assert "| ROSMAP (train split) | 245 | 2 |" in curriculum_table
    assert "| modality dropout 0.4 s |" in curriculum_table
    assert "| default / modality dropout 0.4 |" in curriculum_table
    assert {r["scheduler"] for r in data["scheduler"]} == {"climd", "linear", "baby_step"}
    assert all(r["seconds"] >= 0 for r in data["measurer"])
    assert os.path.exists(result["md"])


def test_every_speed_control_differs_from_todays_default():
    # a control that a change of the preset has made the default itself times nothing (after
    # round 53, "no modality dropout" was the default, and the table still called it a control)
    from climd_sklearn import CLIMDClassifier
    from climd_sklearn.benchmark._speed import DEFAULT_ORDERS

    def fitted_as(overrides):
        clf = CLIMDClassifier(**overrides)
        return {**clf._variant_params(200, {"a": 20, "b": 20}),
                **{k: clf.get_params()[k] for k in ("curriculum", "module_kwargs")}}

    default = fitted_as(DEFAULT_ORDERS["default"])
    assert DEFAULT_ORDERS["default"] == {}
    for name, overrides in DEFAULT_ORDERS.items():
        if name != "default":
            assert fitted_as(overrides) != default, name


def test_figures_quick(tmp_path):
    pytest.importorskip("matplotlib")
    result = load_script("figures").main(["--quick", "--out", str(tmp_path),
                                      "--results", str(tmp_path / "none")])
    assert len(result["paths"]) == 2
    assert all(os.path.getsize(p) > 0 for p in result["paths"])
    fig2 = np.array(result["fig2"])
    assert fig2.shape == (10, 10)
    assert fig2[0].sum() == 100 and fig2[-1].sum() == 1000  # S_t = t / T * N
    real = np.array(result["real_run"])
    assert real.shape == (2, 10)


def test_cli_quick_mfeat_is_like_for_like(tmp_path, capsys):
    from climd_sklearn.bench import DEFAULT_METHODS, run
    from climd_sklearn.benchmark._like_for_like_methods import NEURAL_METHODS

    result = run(["--quick", "--out", str(tmp_path), "--no-progress", "--lr", "0.01"])
    with open(tmp_path / "like_for_like.json") as fh:
        data = json.load(fh)
    assert data["config"]["setting"] == "mfeat LT rho 100"
    assert {r["method"] for r in data["records"]} == set(DEFAULT_METHODS)
    for rec in data["records"]:
        if rec["method"] in NEURAL_METHODS:
            # every neural method: its own treatment on the default's recipe, and the same
            # recipe change (here --lr) for all of them
            assert rec["spec"]["overrides"] == {**NEURAL_METHODS[rec["method"]], "lr": 0.01}
        else:
            assert rec["spec"]["kind"] == "anchor"
        # the long-tailed fold as one draw and as the mean over draws (round 30)
        assert set(rec["scores"]) == {"balanced", "long-tailed", "long-tailed, expected"}
        assert 0.0 <= rec["scores"]["balanced"]["f1_macro"] <= 1.0
        assert "predictions" not in rec  # they stay in the records file
    out = capsys.readouterr().out
    assert "eval: long-tailed, expected" in out
    assert "Superseded evaluations" in out
    assert "| Method | macro F1 | Δ vs CLIMD (default) |" in out
    assert "| LogReg (balanced) |" in out
    if result["figure"] is not None:
        assert os.path.getsize(result["figure"]) > 0


def test_cli_list_methods(capsys):
    from climd_sklearn.bench import main

    assert main(["--list-methods"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert {"SMOTE", "CLIMD (default)", "LogReg (balanced)"} <= set(listed)


def test_paired_wilcoxon_hand_made():
    a = np.array([0.80, 0.70, 0.90, 0.60, 0.75])
    b = a - np.array([0.10, 0.05, 0.20, 0.15, 0.12])
    # all five differences positive: the exact two-sided p is 2 / 2**5
    assert paired_wilcoxon(a, b) == pytest.approx(0.0625)
    assert paired_wilcoxon(b, a) == pytest.approx(0.0625)
    assert paired_wilcoxon(a, a) == 1.0  # all differences zero: no crash
    assert 0.0 < paired_wilcoxon(a, np.r_[a[:2], b[2:]]) <= 1.0  # some zeros (zsplit)
    assert math.isnan(paired_wilcoxon([0.5], [0.4]))
    with pytest.raises(ValueError):
        paired_wilcoxon([0.1, 0.2], [0.1])


def test_aggregate_and_score():
    assert score([0, 0, 1, 1], [0, 0, 1, 1]) == {
        "accuracy": 1.0, "f1_weighted": 1.0, "f1_macro": 1.0}
    records = []
    for split in range(4):
        for method, value in [("CLIMD", 0.8 + split / 100), ("CE", 0.6)]:
            records.append({"setting": "s", "split": split, "method": method, "eval": "e",
                            "regime": "r", "fit_time": 1.0, "accuracy": value,
                            "f1_weighted": value, "f1_macro": value})
    rows = {r["method"]: r for r in aggregate(records)}
    assert rows["CE"]["wins"] == 4 and rows["CE"]["losses"] == 0
    assert rows["CE"]["mean_f1_macro"] == pytest.approx(0.6)
    assert rows["CLIMD"]["mean_f1_macro"] == pytest.approx(0.815)
    assert "p_f1_macro" not in rows["CLIMD"]


def test_research_quick(tmp_path):
    research = load_script("research")
    variants = ["CLIMD", "CLIMD + BS", "Heads + BS + ES"]
    research.main(["--quick", "--out", str(tmp_path), "--variants", *variants,
                   "--anchors", "RUS"])
    data = _check_results(tmp_path / "research.json", [*variants, "RUS"])
    assert {r["eval"] for r in data["records"]} == {"balanced", "long-tailed"}


def test_missing_modalities_quick(tmp_path):
    script = load_script("missing_modalities")
    script.main(["--quick", "--out", str(tmp_path), "--no-progress"])
    methods = ["native", "drop incomplete", "mean imputation",
               "LogReg (balanced), mean imputation"]
    data = _check_results(tmp_path / "missing_modalities.json", methods)
    assert {r["method"] for r in data["records"]} == set(methods)
    assert {r["setting"] for r in data["records"]} == {"Synthetic LT rho 10, 30 % missing"}
    native = [row for row in data["summary"] if row["method"] == "native"]
    assert native and all("p_f1_macro" not in row for row in native)
    assert all(row["reference"] == "native" for row in data["summary"]
               if row["method"] != "native")
    # about 30 % of the (sample, modality) cells were removed, so some samples are incomplete
    info = data["config"]["missingness"]
    assert info and all(0.6 < m["train_cells_kept"] < 0.8 for m in info)
    assert all(0.0 < m["train_complete"] < 1.0 for m in info)
    assert "30 % | native" in (tmp_path / "missing_modalities.md").read_text()


def test_improved_method_keeps_its_own_defaults_in_every_regime():
    from climd_sklearn.benchmark import make_setting
    from climd_sklearn.benchmark._runner import _build

    setting = make_setting("synthetic:10")
    for regime in ("paper", "fast", "tuned"):
        clf = _build("CLIMD (improved)", setting, regime, 0, None, None).named_steps["clf"]
        assert clf.variant == "improved" and clf.lr is None and clf.max_epochs is None
    quick = _build("CLIMD (improved)", setting, "quick", 0, None, None).named_steps["clf"]
    assert quick.max_epochs == 2
    forced = _build("CLIMD (improved)", setting, "paper", 0, {"max_epochs": 3}, None)
    assert forced.named_steps["clf"].max_epochs == 3
    paper = _build("CLIMD", setting, "paper", 0, None, None).named_steps["clf"]
    assert paper.variant == "paper" and paper.lr == 5e-5 and paper.max_epochs == 100


def _wide_record(method, split, untouched, matched, auc=0.7):
    return {"setting": "s", "split": split, "method": method, "fit_time": 1.0, "auc": auc,
            "oracle_untouched": 0.8, "rare_predicted": 0.25, "rare_true": 0.5,
            "threshold": 0.5, "scores": {"untouched": untouched, "matched, expected": matched}}


def test_wide_threshold_summary_hand_made():
    script = load_script("wide_threshold")
    default, tuned, logreg = script.DEFAULT, script.TUNED, script.LOGREG
    records = []
    for split, (d, t, lr) in enumerate([(0.50, 0.60, 0.70), (0.40, 0.45, 0.60),
                                        (0.60, 0.62, 0.50)]):
        records += [_wide_record(default, split, d, 0.9), _wide_record(tuned, split, t, 0.8),
                    _wide_record(logreg, split, lr, 0.9, auc=0.9)]
    # a split that another process has not finished for every method is left out
    records.append(_wide_record(default, 3, 0.0, 0.0))
    text = script.summarize(records)
    assert "## s, splits 0-2 (n = 3)" in text
    # means: untouched 50.0 / 55.7 / 60.0, AUC 0.700 / 0.700 / 0.900
    assert f"| {default} | 0.700 | 50.0 | 80.0 | 0.25 (0.50) | 90.0 | 0.50 |" in text
    assert f"| {logreg} | 0.900 | 60.0 |" in text
    # tuned − default: +10, +5, +2 points -> mean +5.7, 3 wins; exact Wilcoxon p = 0.25,
    # Holm over three comparisons
    assert f"untouched: {tuned} − {default}: +5.7 (3 / 0; p " in text
    assert f"matched, expected: {tuned} − {default}: -10.0 (0 / 3; p " in text


@needs_rosmap
def test_wide_threshold_quick(tmp_path):
    script = load_script("wide_threshold")
    script.main(["--quick", "--out", str(tmp_path)])
    with open(tmp_path / "records.jsonl") as fh:
        records = {r["method"]: r for r in map(json.loads, fh)}
    assert set(records) == {*script.NEURAL, script.LOGREG, script.TUNED}
    default, tuned = records[script.DEFAULT], records[script.TUNED]
    # the tuned model refits the default with the same seed: the same ranking, another decision
    assert tuned["auc"] == default["auc"]
    assert tuned["oracle_untouched"] == default["oracle_untouched"]
    assert all(r["threshold"] == 0.5 for name, r in records.items() if name != script.TUNED)
    for r in records.values():
        assert r["oracle_untouched"] >= r["scores"]["untouched"]
        assert 0.4 < r["rare_true"] < 0.6  # the untouched fold of ROSMAP is about balanced
    assert "rosmap_wide:5, splits 50-50" in (tmp_path / "wide_threshold.md").read_text()


def _late_split():
    from climd_sklearn.benchmark._like_for_like_settings import (
        like_for_like_setting,
        settings_splits,
    )

    setting = like_for_like_setting("synthetic:10")
    return setting, next(split for _, split in settings_splits([(setting, 1)], 0))


def test_late_averaging_readouts_are_the_plain_and_the_weight_averaged_fits():
    import torch
    from sklearn.base import clone

    from climd_sklearn.benchmark._like_for_like_methods import build_method, resolve_methods

    script = load_script("late_averaging")
    setting, split = _late_split()
    records = {r["method"]: r for r in script.split_records("synthetic:10", setting, split,
                                                           0.5, quick=True)}
    assert list(records) == list(script.READOUTS)
    spec = resolve_methods([script.DEFAULT])[script.DEFAULT]

    def refit(**params):  # the same method, seed and epochs, without the snapshots
        pipe = clone(build_method(script.DEFAULT, spec, setting.layout, split.index,
                                  len(split.y_train)))
        pipe.steps[-1][1].set_params(max_epochs=4, **params)
        torch.manual_seed(split.index)
        pipe.fit(split.X_train, split.y_train)
        return {ev: pipe.predict(X).tolist() for ev, (X, _) in split.evals.items()}

    # keeping snapshots leaves the training alone, and their mean of weights is what
    # weight_averaging=0.5 computes (epochs 3 and 4 of 4)
    assert records[script.DEFAULT]["predictions"] == refit()
    assert records[script.WEIGHTS]["predictions"] == refit(weight_averaging=0.5)
    assert records[script.WEIGHTS]["predictions"] != records[script.DEFAULT]["predictions"]
    # the snapshot readout by its definition: the mean of the kept networks' probabilities
    pipe = clone(build_method(script.DEFAULT, spec, setting.layout, split.index,
                              len(split.y_train)))
    pipe.steps[-1][1].set_params(max_epochs=4,
                                 callbacks=[("snapshots", script.LateSnapshots(0.5))])
    torch.manual_seed(split.index)
    pipe.fit(split.X_train, split.y_train)
    net = pipe.steps[-1][1].net_
    X_bal = split.evals["balanced"][0]
    proba = []
    for state in dict(net.callbacks_)["snapshots"].snapshots_:
        net.module_.load_state_dict(state)
        proba.append(pipe.predict_proba(X_bal))
    assert len(proba) == 2
    expected = pipe.steps[-1][1].classes_[np.mean(proba, axis=0).argmax(axis=1)]
    assert records[script.SNAPSHOTS]["predictions"]["balanced"] == expected.tolist()
    assert records[script.SNAPSHOTS]["predictions"] != records[script.DEFAULT]["predictions"]
    # one kept epoch, the last: every readout is the plain fit
    one = script.split_records("synthetic:10", setting, split, 0.75, quick=True)
    assert all(r["predictions"] == records[script.DEFAULT]["predictions"] for r in one)


def test_late_snapshots_keep_the_epochs_weight_averaging_averages():
    from climd_sklearn import CLIMDClassifier

    script = load_script("late_averaging")
    rng = np.random.RandomState(0)
    X, y = rng.standard_normal((60, 4)), np.repeat([0, 1], [45, 15])
    clf = CLIMDClassifier(max_epochs=7, random_state=0,
                          callbacks=[("snapshots", script.LateSnapshots(0.6))]).fit(X, y)
    kept = dict(clf.net_.callbacks_)["snapshots"].snapshots_
    assert len(kept) == 7 - math.floor(0.6 * 7)  # epochs 5, 6 and 7
    last = clf.net_.module_.state_dict()
    assert all(kept[-1][k].equal(last[k]) for k in last)
    assert not all(kept[0][k].equal(last[k]) for k in last)


def test_tail_false_positives_hand_example():
    script = load_script("late_averaging")
    counts = [50, 3, 20, 1, 2]  # rarest three: labels 3, 4, 1
    y_true = [0, 0, 1, 2, 3, 4, 0, 2]
    y_pred = [1, 3, 1, 2, 4, 4, 0, 1]  # wrong into the tail: 1 (0->1), 3 (0->3), 4 (3->4), 1
    assert script.tail_false_positives(counts, y_pred, y_true) == 4
    assert script.tail_false_positives(counts, y_pred, y_true, n_tail=1) == 1  # label 3 only


def test_late_averaging_summary_hand_made():
    script = load_script("late_averaging")
    default, weights, snaps = script.READOUTS
    f1 = {default: [0.50, 0.60, 0.70], weights: [0.55, 0.65, 0.60], snaps: [0.50, 0.70, 0.80]}
    records = [{"setting": "S", "split": s, "method": m,
                "scores": {"e": {"f1_macro": f1[m][s]}},
                "tail_false_positives": {"balanced": {default: 4, weights: 2, snaps: 5}[m] + s
                                         - (m == snaps and s == 0)}}  # a tie on split 0
               for m in script.READOUTS for s in range(3)]
    records.append({**records[0], "split": 9})  # a split without the other readouts
    text = script.summarize(records, [("S", "e")])
    # weights - default: +5, +5, -10 points; snapshots: 0, +10, +10. Ranks of three per
    # split: (2.5, 1, 2.5), (3, 2, 1), (2, 3, 1) -> 2.5, 2, 1.5; against the default alone:
    # weights (1, 1, 2) -> 1.333, snapshots (1.5, 1, 1) -> 1.167
    assert "| S e (n = 3) |" in text
    assert f"| {default} | 60.0 | 2.500 | — |" in text
    assert f"| {weights} | 60.0 (+0.0, 2/1) | 2.000 | 1.333 |" in text
    # the p shows where below 0.2; scipy's Wilcoxon for 3 pairs with a zero differs by
    # version (exact 0.5 in scipy 1.17, normal approximation 0.18 in 1.11)
    p = wilcoxon_p(100 * (np.array(f1[snaps]) - np.array(f1[default])))
    shown = f", p {p:.3f}" if p < 0.2 else ""
    assert f"| {snaps} | 66.7 (+6.7, 2/0{shown}) | 1.500 | 1.167 |" in text
    assert "N = 3 blocks" in text
    line = script.tail_summary([r for r in records if r["split"] != 9], "S")
    assert f"{default} 5.00; {weights} 3.00 (fewer on 3, more on 0 of 3 splits); " in line
    assert f"{snaps} 5.67 (fewer on 0, more on 2 of 3 splits)" in line


def test_late_averaging_quick_writes_records_and_tables(tmp_path):
    script = load_script("late_averaging")
    text = script.main(["--quick", "--out", str(tmp_path)])
    records = [json.loads(line) for line in open(tmp_path / "records.jsonl")]
    assert [r["method"] for r in records] == list(script.READOUTS)
    assert {r["protocol"] for r in records} == {"quick"}
    assert "`python benchmarks/late_averaging.py --quick`" in text
    assert "| synthetic:10 balanced (n = 1) |" in text
    assert (tmp_path / "late_averaging.md").read_text() == text
    script.main(["--quick", "--out", str(tmp_path)])  # a rerun fits nothing more
    assert len(open(tmp_path / "records.jsonl").readlines()) == 3


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal on a CPU machine")
def test_gpu_check_refuses_a_machine_without_cuda(tmp_path):
    """A CPU machine cannot pass for a GPU run: exit status 2 and ``{"cuda": false}``."""
    out = tmp_path / "gpu_check.json"
    assert load_script("gpu_check").main(["--out", str(out)]) == 2
    with open(out) as fh:
        result = json.load(fh)
    assert result["cuda"] is False
    assert "checks" not in result


def test_gpu_check_bfloat16_references_on_the_cpu():
    """The bfloat16 check's verdict is its 0.05 line; a same-seed float32 refit is exact."""
    result = load_script("gpu_check")._bfloat16_check("cpu", n_samples=300, large_batch=128)
    assert result["ok"] == (result["max_abs_proba_diff"] < 0.05)
    assert result["float32_same_seed_max_abs_diff"] == 0.0
    assert result["float32_other_seed_max_abs_diff"] > 0.0
    assert 0.0 <= result["label_agreement"] <= 1.0
    assert result["large_batch"] == 128


def test_member_agreement_counts_hand_made():
    script = load_script("member_agreement")
    # three members, five rows, three classes; class 2 is the tail
    member_logits = np.array([
        [[5, 0, 0], [0, 5, 0], [0, 0, 5], [0, 0, 5], [0, 0, 5]],
        [[5, 0, 0], [0, 5, 0], [0, 0, 5], [0, 5, 0], [0, 0, 5]],
        [[0, 0, 5], [0, 5, 0], [0, 0, 5], [0, 5, 0], [0, 0, 5]],
    ], dtype=float)
    y = np.array([0, 1, 1, 1, 2])
    stats = script.agreement(member_logits, y, tail=[2])
    # rows predicted by the members: (0, 1, 2, 2, 2), (0, 1, 2, 1, 2), (2, 1, 2, 1, 2)
    assert stats["pairwise_disagreement"] == pytest.approx((1 / 5 + 2 / 5 + 1 / 5) / 3)
    # the ensemble predicts (0, 1, 2, 1, 2): row 2 is a tail false positive that all three
    # made, row 4 a true tail prediction
    assert stats["ensemble_accuracy"] == 0.8
    assert stats["member_accuracy"] == pytest.approx((3 / 5 + 4 / 5 + 3 / 5) / 3)
    assert stats["member_vs_ensemble"] == pytest.approx(2 / 15)
    assert (stats["ensemble_tail_fp"], stats["votes_for_tail_fp"]) == (1, [3])
    assert stats["member_tail_fp"] == [2, 1, 2]
    assert stats["pools_differ"] == 0
    # two lukewarm members for class 0, one confident against it: the mean probability
    # keeps class 0 (0.59), the mean logits give class 1 (4/3 against 3)
    split = np.array([[[2.0, 0.0]], [[2.0, 0.0]], [[0.0, 9.0]]])
    assert script.agreement(split, np.array([0]), tail=[1])["pools_differ"] == 1


def test_member_agreement_quick(tmp_path):
    script = load_script("member_agreement")
    result = script.main(["--quick", "--out", str(tmp_path)])
    (row,) = result["rows"]
    assert (row["setting"], row["split"], row["eval"]) == ("mfeat LT rho 100", 460, "balanced")
    assert row["tail_train_counts"] == sorted(row["tail_train_counts"])
    assert row["tail_train_counts"][-1] <= 4
    assert len(row["member_tail_fp"]) == 10
    assert row["ensemble_tail_fp"] == len(row["votes_for_tail_fp"])
    assert "| mfeat LT rho 100 | 1 |" in (tmp_path / "member_agreement.md").read_text()
