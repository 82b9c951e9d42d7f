"""Gradient-Blending of the heads' loss (benchmark code, a pilot after the ADRC diagnostics)."""

import numpy as np
import pytest
import torch
from conftest import FAST, make_multimodal
from sklearn.model_selection import StratifiedShuffleSplit

from climd_sklearn import CLIMDClassifier
from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._gradient_blend import (
    OVERFIT_FLOOR,
    GradientBlendedHeads,
    HeadLossWeights,
    blend_weights,
    head_losses,
    held_out_split,
)
from climd_sklearn.benchmark._preset_records import _predicting_classifier


def test_blend_weights_are_generalization_over_overfitting_squared_sharing_the_total():
    # G = (0.3, 0.1, -0.2 -> 0), O = (0.2, 0.4, 0.3): raw 7.5, 0.625, 0; total 2
    weights = blend_weights([1, 1, 1], [1, 1, 1], [0.5, 0.5, 0.9], [0.7, 0.9, 1.2], total=2.0)
    np.testing.assert_allclose(weights, [2 * 7.5 / 8.125, 2 * 0.625 / 8.125, 0.0])
    # overfitting measured from the gap at initialization, floored: a head whose gap shrank
    # divides by the floor and takes almost all of the share
    weights = blend_weights([1.0, 1.0], [1.2, 1.0], [0.5, 0.5], [0.6, 0.7])
    raw = np.array([0.6 / OVERFIT_FLOOR**2, 0.3 / 0.2**2])
    np.testing.assert_allclose(weights, raw / raw.sum())
    # power 0: shares by the generalization alone, the overfitting ignored
    weights = blend_weights([1, 1, 1], [1, 1, 1], [0.5, 0.5, 0.9], [0.7, 0.9, 1.2], total=2.0,
                            overfit_power=0.0)
    np.testing.assert_allclose(weights, [2 * 0.3 / 0.4, 2 * 0.1 / 0.4, 0.0])
    # no head generalized: no head carries the auxiliary loss
    np.testing.assert_array_equal(blend_weights([1, 1], [1, 1], [0.5, 0.5], [1.1, 1.0]), [0, 0])
    with pytest.raises(ValueError, match="four equally long sequences of finite losses"):
        blend_weights([1, 1], [1], [1, 1], [1, 1])
    with pytest.raises(ValueError, match="finite losses"):
        blend_weights([1, np.nan], [1, 1], [1, 1], [1, 1])


def _batch_loss(clf, X, y, callback=None):
    net = clf.net_
    if callback is not None:
        callback.on_train_begin(net)
    X_dict = {k: np.asarray(v, dtype=np.float32) for k, v in clf._with_presence(X, None).items()}
    net.module_.train()
    torch.manual_seed(0)
    y_pred = net.infer(X_dict)
    loss = float(net.get_loss(y_pred, torch.as_tensor(y), X_dict, training=True).detach())
    if callback is not None:
        callback.on_train_end(net)
    return loss


def test_head_loss_weights_reweigh_each_head_and_give_the_net_its_loss_back():
    X, y = make_multimodal()
    clf = CLIMDClassifier(random_state=0, aux_weight=1.0, **FAST).fit(X, y)
    own = _batch_loss(clf, X, y)
    # aux_weight / M each is the net's own loss
    assert _batch_loss(clf, X, y, HeadLossWeights([0.5, 0.5])) == pytest.approx(own, rel=1e-6)
    clf.net_.aux_weight = 0.0  # the fused head's loss alone
    fused = _batch_loss(clf, X, y)
    heads = [_batch_loss(clf, X, y, HeadLossWeights(w)) - fused for w in ([1, 0], [0, 1])]
    clf.net_.aux_weight = 1.0
    assert _batch_loss(clf, X, y, HeadLossWeights([0.3, 2.0])) == pytest.approx(
        fused + 0.3 * heads[0] + 2.0 * heads[1], rel=1e-6)
    assert own == pytest.approx(fused + 0.5 * (heads[0] + heads[1]), rel=1e-6)
    assert "get_loss" not in vars(clf.net_)  # the class's own loss is back
    for bad in ([1.0], [1.0, -0.1], [1.0, float("inf")]):
        with pytest.raises(ValueError, match=r"one finite weight >= 0 per modality \(2: "
                                             r"\['m0', 'm1'\]\)"):
            HeadLossWeights(bad).on_train_begin(clf.net_)


def test_zero_head_weights_train_exactly_as_no_heads_loss():
    X, y = make_multimodal()
    blended = CLIMDClassifier(random_state=0, callbacks=[("w", HeadLossWeights([0, 0]))],
                              **FAST).fit(X, y)
    unweighted = CLIMDClassifier(random_state=0, aux_weight=0.0, **FAST).fit(X, y)
    uniform = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    np.testing.assert_array_equal(blended.predict_proba(X), unweighted.predict_proba(X))
    assert not np.allclose(blended.predict_proba(X), uniform.predict_proba(X))


def test_head_losses_are_each_heads_criterion_averaged_over_members_and_rows():
    X, y = make_multimodal()
    clf = CLIMDClassifier(random_state=0, loss="ce", standardize=False, **FAST).fit(X, y)
    module = clf.net_.module_.eval()
    with torch.no_grad():
        _, heads, _ = module({k: torch.as_tensor(v, dtype=torch.float32) for k, v in X.items()},
                             members=True)
    expected = [float(torch.nn.functional.cross_entropy(h.reshape(-1, h.shape[-1]),
                                                        torch.as_tensor(y).repeat(h.shape[0])))
                for h in heads]
    np.testing.assert_allclose(head_losses(clf, X, y), expected, rtol=1e-5)


def test_gradient_blended_heads_probe_weights_and_final_fit():
    X, y = make_multimodal()
    model = GradientBlendedHeads(CLIMDClassifier(random_state=0, aux_weight=1.5, **FAST),
                                 random_state=3).fit(X, y)
    losses = model.head_losses_
    np.testing.assert_allclose(model.head_weights_, blend_weights(
        losses["begin_train"], losses["begin_val"], losses["end_train"], losses["end_val"],
        total=1.5))
    assert model.head_weights_.sum() == pytest.approx(1.5)
    # the probe saw the stratified 80 %, and its trained weights were put back after the
    # losses at initialization were measured
    train, _ = held_out_split(y, 0.2, 3)
    assert sum(model.probe_.net_.history[-1, "class_counts"]) == len(train)
    rows = {k: v[train] for k, v in X.items()}
    np.testing.assert_array_equal(head_losses(model.probe_, rows, y[train]), losses["end_train"])
    assert (losses["end_train"] < losses["begin_train"]).all()
    # the final fit trained on every row with those weights, and predicts
    weights = dict(model.estimator_.net_.callbacks_)["head_loss_weights"].weights
    np.testing.assert_array_equal(weights, model.head_weights_)
    assert sum(model.estimator_.net_.history[-1, "class_counts"]) == len(y)
    np.testing.assert_array_equal(model.predict_proba(X), model.estimator_.predict_proba(X))
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])
    with pytest.raises(ValueError, match="the estimator has aux_weight=0"):
        GradientBlendedHeads(CLIMDClassifier(aux_weight=0.0, **FAST)).fit(X, y)


def test_gradient_blend_candidate_wraps_the_default_and_reports_its_settings():
    name = "CLIMD, gradient-blended heads"
    spec = l4l.resolve_methods([name])[name]
    pipeline = l4l.build_method(name, spec, {"a": 6, "b": 3}, 7, 40)
    blended = pipeline.named_steps["clf"]
    assert isinstance(blended, GradientBlendedHeads) and blended.random_state == 7
    assert _predicting_classifier(pipeline) is blended.estimator
    assert blended.estimator.modalities == {"a": list(range(6)), "b": list(range(6, 9))}
    with pytest.raises(ValueError, match="'gradient_blend' and 'self_taught' each wrap"):
        l4l.build_method("both", {"kind": "neural", "overrides": {"gradient_blend": True,
                                                                  "self_taught": True}},
                         {"a": 6, "b": 3}, 0, 40)


def test_gradient_blend_records_store_the_weights_the_fit_set(tmp_path):
    from test_like_for_like import rosmap_like_setting

    setting = rosmap_like_setting()
    split = next(iter(setting.splits(1)))
    specs = l4l.resolve_methods(["CLIMD, gradient-blended heads", "CLIMD (default)"])
    blended, default = l4l.run_split(setting.name, split, setting.layout, specs,
                                     str(tmp_path / "records.jsonl"), "quick", True)
    assert len(blended["head_weights"]) == len(setting.layout)
    assert sum(blended["head_weights"]) == pytest.approx(1.0) or not any(blended["head_weights"])
    assert "head_weights" not in default
    assert blended["variant_params"] == default["variant_params"]


def test_the_permuted_control_shuffles_the_same_weights_between_the_heads():
    X, y = make_multimodal(widths=(6, 4, 5))
    base = CLIMDClassifier(random_state=0, **FAST)
    blended = GradientBlendedHeads(base, random_state=1).fit(X, y)
    permuted = GradientBlendedHeads(base, random_state=1, permuted=True).fit(X, y)
    np.testing.assert_array_equal(permuted.head_losses_["end_val"],
                                  blended.head_losses_["end_val"])
    order = np.random.RandomState(1).permutation(3)
    assert (order != np.arange(3)).any()
    np.testing.assert_array_equal(permuted.head_weights_, blended.head_weights_[order])
    assert not np.array_equal(permuted.head_weights_, blended.head_weights_)
    name = "CLIMD, gradient-blended heads, weights permuted"
    spec = l4l.resolve_methods([name])[name]
    assert l4l.build_method(name, spec, {"a": 6, "b": 3}, 2, 40).named_steps["clf"].permuted
    name = "CLIMD, heads weighted by held-out generalization"
    spec = l4l.resolve_methods([name])[name]
    by_generalization = l4l.build_method(name, spec, {"a": 6, "b": 3}, 2, 40).named_steps["clf"]
    assert by_generalization.overfit_power == 0.0 and not by_generalization.permuted
    with pytest.raises(ValueError, match="gradient_blend must be True, False, 'permuted' or "
                                         "'generalization', got 'shuffled'"):
        l4l.build_method("bad", {"kind": "neural", "overrides": {"gradient_blend": "shuffled"}},
                         {"a": 6, "b": 3}, 0, 40)


def test_held_out_split_keeps_a_single_row_class_in_the_probe_and_stratifies_the_rest():
    y = np.r_[np.zeros(20), np.ones(10), [2]].astype(int)
    train, val = held_out_split(y, 0.2, 0)
    expected_train, expected_val = next(StratifiedShuffleSplit(
        1, test_size=0.2, random_state=0).split(np.zeros(30), y[:30]))
    np.testing.assert_array_equal(train, np.r_[expected_train, 30])
    np.testing.assert_array_equal(val, expected_val)
    assert np.bincount(y[val]).tolist() == [4, 2]
    # where every class can be split it is StratifiedShuffleSplit's split, in its order
    train, val = held_out_split(y[:30], 0.2, 0)
    np.testing.assert_array_equal(train, expected_train)
    np.testing.assert_array_equal(val, expected_val)


def test_heads_weighted_by_generalization_share_by_the_held_out_loss_fall_alone():
    X, y = make_multimodal(widths=(6, 4, 5))
    model = GradientBlendedHeads(CLIMDClassifier(random_state=0, **FAST), random_state=1,
                                 overfit_power=0.0).fit(X, y)
    losses = model.head_losses_
    fall = np.maximum(losses["begin_val"] - losses["end_val"], 0)
    np.testing.assert_allclose(model.head_weights_, fall / fall.sum())
