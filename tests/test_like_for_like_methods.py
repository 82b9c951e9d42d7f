"""The like-for-like methods: candidate overrides, input transforms, optimizer keys, recipes."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch
from conftest import load_script
from scipy import stats
from sklearn.base import clone
from sklearn.preprocessing import PowerTransformer, QuantileTransformer

from climd_sklearn._variants import AUTO_WEIGHT_DECAY
from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._records import _check_specs, _jsonable


def test_candidate_overrides_and_wd_per_n():
    specs = l4l.resolve_methods(["CLIMD (default)", "lever", "BRF"],
                                {"lever": {"wd_per_n": 20.0, "aux_weight": 0.25,
                                           "sampler": "rus"}})
    est = l4l.build_method("lever", specs["lever"], {"a": 2, "b": 3}, 7, n_train=40)
    clf = est.named_steps["clf"]
    assert clf.weight_decay == pytest.approx(0.5) and clf.aux_weight == 0.25
    assert clf.random_state == 7
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


def test_width_by_inner_cv_chooses_the_default_or_the_option_and_refits_that_fit():
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    from climd_sklearn.benchmark._like_for_like_methods import WIDTH_CHOICES

    name = "CLIMD, width option chosen by inner CV"
    layout = {"a": 70, "b": 4}  # the widest modality outnumbers every (inner) training fold
    specs = l4l.resolve_methods([name, "CLIMD (default)",
                                 "CLIMD, linear path and heads where p > n"])
    search = l4l.build_method(name, specs[name], layout, 5, 48, quick=True)
    assert isinstance(search, GridSearchCV) and search.scoring == "f1_macro"
    assert search.param_grid == WIDTH_CHOICES and search.error_score == "raise"
    assert isinstance(search.cv, StratifiedKFold) and search.cv.n_splits == 3
    assert search.cv.shuffle and search.cv.random_state == 5
    assert search.estimator.named_steps["clf"].linear_path is None  # the grid sets both
    rng = np.random.default_rng(0)
    y = np.arange(48) % 3 == 0
    X = rng.normal(size=(48, 74)) + 0.8 * y[:, None]
    search.fit(X, y)
    chosen = ("CLIMD (default)" if search.best_params_["clf__linear_path"] is False
              else "CLIMD, linear path and heads where p > n")
    # the refit is the chosen method's own fit on the training fold, prediction for prediction
    alone = l4l.build_method(chosen, specs[chosen], layout, 5, 48, quick=True).fit(X, y)
    np.testing.assert_array_equal(search.predict_proba(X), alone.predict_proba(X))
    for other in ({"linear_path": True}, {"width_switch_ratio": 2.0},
                  {"tuned_threshold": "f1_macro"}):
        with pytest.raises(ValueError, match="'width_by_inner_cv' chooses linear_path"):
            l4l.build_method(name, {"kind": "neural", "overrides": {
                "width_by_inner_cv": True, **other}}, layout, 0, 48)


def test_aux_by_inner_cv_chooses_the_heads_loss_or_none_and_refits_that_fit():
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    from climd_sklearn.benchmark._like_for_like_methods import AUX_CHOICES

    name = "CLIMD, heads' loss chosen by inner CV"
    layout = {"a": 6, "b": 4}
    specs = l4l.resolve_methods([name, "CLIMD (default)", "CLIMD, no auxiliary heads' loss"])
    search = l4l.build_method(name, specs[name], layout, 5, 48, quick=True)
    assert isinstance(search, GridSearchCV) and search.scoring == "f1_macro"
    assert search.param_grid == AUX_CHOICES == [{"clf__aux_weight": [1.0]},
                                                {"clf__aux_weight": [0.0]}]
    assert search.error_score == "raise" and isinstance(search.cv, StratifiedKFold)
    assert search.cv.n_splits == 3 and search.cv.shuffle and search.cv.random_state == 5
    rng = np.random.default_rng(1)
    y = np.arange(48) % 3 == 0
    X = rng.normal(size=(48, 10)) + 0.8 * y[:, None]
    search.fit(X, y)
    chosen = ("CLIMD (default)" if search.best_params_["clf__aux_weight"] == 1.0
              else "CLIMD, no auxiliary heads' loss")
    # the refit is the chosen method's own fit on the training fold, prediction for prediction
    alone = l4l.build_method(chosen, specs[chosen], layout, 5, 48, quick=True).fit(X, y)
    np.testing.assert_array_equal(search.predict_proba(X), alone.predict_proba(X))
    for other in ({"aux_weight": 0.5}, {"aux_per_head": True}, {"width_by_inner_cv": True},
                  {"tuned_threshold": "f1_macro"}):
        with pytest.raises(ValueError, match="'aux_by_inner_cv' chooses aux_weight"):
            l4l.build_method(name, {"kind": "neural", "overrides": {
                "aux_by_inner_cv": True, **other}}, layout, 0, 48)


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


def test_every_ensemble_module_of_the_registry_trains_with_member_subsets():
    # records store the preset resolved before the fit, which says member_subsets=True for
    # any module; a module the fit took for a single network trained on one shared draw
    # without a word (InputDropoutEnsemble did, until the fix). Fit each ensemble module the
    # registry names, through the method that names it, and ask the fit what it did.
    from climd_sklearn.benchmark._candidates import CANDIDATES
    from climd_sklearn.modules import EnsembleFusionNet

    by_module = {}
    for name, overrides in {**l4l.NEURAL_METHODS, **CANDIDATES}.items():
        module = overrides.get("module")
        if (isinstance(module, type) and issubclass(module, EnsembleFusionNet)
                and module is not EnsembleFusionNet and "member_subsets" not in overrides):
            by_module.setdefault(module, name)
    assert len(by_module) >= 3  # input dropout, the logits' mean, the hidden fusion layer
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(48, 9)), np.repeat([0, 1, 2], [30, 12, 6])
    for module, name in by_module.items():
        spec = l4l.resolve_methods([name])[name]
        clf = l4l.build_method(name, spec, {"a": 6, "b": 3}, 0, 48).named_steps["clf"]
        clf.set_params(max_epochs=2)
        clf.fit(X, y)
        assert clf.variant_params_["member_subsets"] is True, (name, module.__name__)
        sampler = clf.net_.get_params_for("iterator_train")["sampler"]
        assert sampler.indices.shape[0] == clf.net_.module_.n_members == 10, name
