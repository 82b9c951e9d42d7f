import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import FAST, make_multimodal
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from torch import nn

from climd_sklearn import CLIMDClassifier, LateFusionNet, SliceDict
from climd_sklearn.schedulers import class_quotas


def test_fit_predict_with_string_labels(data):
    X, y = data
    labels = np.array(["normal", "mild", "rare"])[y]
    clf = CLIMDClassifier(random_state=0, **FAST).fit(X, labels)
    assert list(clf.classes_) == ["mild", "normal", "rare"]
    proba = clf.predict_proba(X)
    assert proba.shape == (len(y), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    pred = clf.predict(X)
    assert set(pred) <= set(labels)
    assert clf.score(X, labels) > 0.8  # separable data, 6 epochs at lr 1e-2


def test_same_random_state_gives_identical_probabilities(data):
    X, y = data
    p1 = CLIMDClassifier(random_state=7, **FAST).fit(X, y).predict_proba(X)
    p2 = CLIMDClassifier(random_state=7, **FAST).fit(X, y).predict_proba(X)
    p3 = CLIMDClassifier(random_state=8, **FAST).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(p1, p2)
    assert not np.allclose(p1, p3)


def test_fit_does_not_touch_the_global_torch_rng(data):
    X, y = data
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    torch.testing.assert_close(torch.rand(3), expected)


def test_history_records_the_schedule_of_eq7(data):
    X, y = data
    clf = CLIMDClassifier(random_state=0, curriculum_epochs=4, **FAST).fit(X, y)
    h = clf.net_.history
    counts = np.bincount(y)
    for t in range(1, 5):
        expected = class_quotas(counts, t, 4, gamma=0.3)
        assert h[t - 1, "class_counts"] == expected.tolist()
        assert h[t - 1, "subset_size"] == expected.sum()
        assert np.isfinite(h[t - 1, "score_mean"])
        assert h[t - 1, "alpha"] >= 1.0
    assert h[3, "class_counts"] == counts.tolist()  # epoch T trains on everything
    assert h[4, "subset_size"] == h[5, "subset_size"] == len(y)  # after T: all data
    # the epoch's subset is what the network actually trained on
    batches = [len(h[t, "batches"]) for t in range(6)]
    assert batches[0] == int(np.ceil(h[0, "subset_size"] / FAST["batch_size"]))


def test_no_curriculum_is_the_plain_baseline(data):
    X, y = data
    clf = CLIMDClassifier(curriculum=None, random_state=0, **FAST).fit(X, y)
    assert clf.net_.history[:, "subset_size"] == [len(y)] * FAST["max_epochs"]
    with pytest.raises(KeyError):
        clf.net_.history[:, "score_mean"]


def test_curriculum_order_changes_which_samples_are_taken(data):
    X, y = data
    kw = dict(FAST, max_epochs=1, curriculum_epochs=4, random_state=0)
    desc = CLIMDClassifier(order="desc", **kw).fit(X, y)
    asc = CLIMDClassifier(order="asc", **kw).fit(X, y)
    cb_desc = dict(desc.net_.callbacks_)["curriculum"]
    cb_asc = dict(asc.net_.callbacks_)["curriculum"]
    np.testing.assert_array_equal(cb_desc.scores_, cb_asc.scores_)  # same init, same scores
    s_desc = desc.net_.get_params_for("iterator_train")["sampler"].indices
    s_asc = asc.net_.get_params_for("iterator_train")["sampler"].indices
    assert len(s_desc) == len(s_asc)
    for c in np.unique(y):
        taken_desc = cb_desc.scores_[s_desc][y[s_desc] == c]
        taken_asc = cb_asc.scores_[s_asc][y[s_asc] == c]
        if 0 < len(taken_desc) < np.sum(y == c):
            assert taken_desc.min() >= cb_desc.scores_[y == c].max() - 1e-12 or (
                taken_desc.mean() > taken_asc.mean()
            )


@pytest.mark.parametrize(
    "curriculum", ["climd", "linear", "root", "geometric", "baby_step", "one_pass", None]
)
def test_every_curriculum_fits(data, curriculum):
    X, y = data
    clf = CLIMDClassifier(curriculum=curriculum, curriculum_epochs=5, random_state=0, **FAST)
    sizes = clf.fit(X, y).net_.history[:, "subset_size"]
    assert all(1 <= s <= len(y) for s in sizes)
    assert sizes[-1] == len(y)  # epoch 6 > T: all data


@pytest.mark.parametrize("measurer", ["intra", "inter", "both"])
def test_measurer_parts_give_different_scores(data, measurer):
    X, y = data
    clf = CLIMDClassifier(measurer=measurer, random_state=0, **dict(FAST, max_epochs=1))
    scores = dict(clf.fit(X, y).net_.callbacks_)["curriculum"].scores_
    if measurer == "intra":
        assert np.all((scores > 0) & (scores <= 0.5))
    assert scores.shape == (len(y),)


def test_slicedict_in_cross_val_score_and_grid_search(data):
    X, y = data
    Xs = SliceDict(**X)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(CLIMDClassifier(random_state=0, **FAST), Xs, y, cv=cv,
                             scoring="f1_macro")
    assert scores.shape == (3,) and np.all(scores > 0.5)
    grid = GridSearchCV(
        CLIMDClassifier(random_state=0, **FAST),
        {"curriculum": ["climd", None], "gamma": [0.3, 1.0]},
        cv=cv,
        scoring="f1_macro",
    ).fit(Xs, y)
    assert len(grid.cv_results_["params"]) == 4
    assert grid.best_estimator_.predict(Xs).shape == (len(y),)


def test_single_array_with_modalities_behind_scaler_and_smote(data):
    X, y = data
    A = np.hstack([X["m0"], X["m1"]])
    modalities = {"m0": slice(0, 6), "m1": list(range(6, 10))}
    pipe = make_pipeline(StandardScaler(), CLIMDClassifier(modalities=modalities,
                                                           random_state=0, **FAST))
    assert pipe.fit(A, y).score(A, y) > 0.8
    clf = pipe[-1]
    assert clf.modality_widths_ == {"m0": 6, "m1": 4}
    imb = make_imb_pipeline(
        SMOTE(k_neighbors=3, random_state=0),
        CLIMDClassifier(modalities=modalities, random_state=0, curriculum=None, **FAST),
    )
    imb.fit(A, y)
    # SMOTE balanced the classes the net saw
    assert imb[-1].net_.history[0, "subset_size"] == 3 * np.bincount(y).max()
    # the same split by column names of a DataFrame
    df = pd.DataFrame(A, columns=[f"g{i}" for i in range(6)] + [f"p{i}" for i in range(4)])
    by_name = {"genes": [f"g{i}" for i in range(6)], "prot": [f"p{i}" for i in range(4)]}
    clf = CLIMDClassifier(modalities=by_name, random_state=0, **FAST).fit(df, y)
    assert clf.modality_widths_ == {"genes": 6, "prot": 4}
    np.testing.assert_array_equal(clf.feature_names_in_, df.columns)
    assert clf.predict(df).shape == (len(y),)


def test_single_array_is_one_modality(data):
    X, y = data
    clf = CLIMDClassifier(random_state=0, **FAST).fit(X["m0"], y)
    assert clf.modality_names_ == ("X",)
    assert clf.n_features_in_ == 6
    scores = dict(clf.net_.callbacks_)["curriculum"].scores_
    assert np.all(scores <= 0.5)  # phi = 0 with one modality: only confidence remains


def test_dataframes_per_modality(data):
    X, y = data
    Xdf = {k: pd.DataFrame(v, columns=[f"{k}_{i}" for i in range(v.shape[1])])
           for k, v in X.items()}
    clf = CLIMDClassifier(random_state=0, **FAST).fit(Xdf, pd.Series(y))
    pred = clf.predict(Xdf)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        np.testing.assert_array_equal(pred, clf.predict({k: v.to_numpy() for k, v in Xdf.items()}))


def test_pickle_round_trip_reproduces_predict_proba(data):
    X, y = data
    clf = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    clone = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(clone.predict_proba(X), clf.predict_proba(X))


def test_late_fusion_and_losses_and_class_weights(data):
    X, y = data
    for kw in (dict(module=LateFusionNet), dict(loss="focal", focal_gamma=1.0),
               dict(class_weight="balanced"), dict(class_weight={2: 5.0})):
        clf = CLIMDClassifier(random_state=0, **FAST, **kw).fit(X, y)
        assert clf.score(X, y) > 0.6, kw
    crit = CLIMDClassifier(class_weight="balanced", **FAST).fit(X, y).net_.criterion_
    counts = np.bincount(y)
    np.testing.assert_allclose(crit.weight.numpy(), len(y) / (3 * counts), rtol=1e-6)


class TinyGated(nn.Module):
    """A user module following the protocol, with its own extra argument."""

    def __init__(self, modality_dims, n_classes, width=4):
        super().__init__()
        self.names = list(modality_dims)
        self.enc = nn.ModuleList(nn.Linear(d, width) for d in modality_dims.values())
        self.heads = nn.ModuleList(nn.Linear(width, n_classes) for _ in self.names)
        self.gate = nn.Linear(width * len(self.names), len(self.names))

    def forward(self, X):
        emb = tuple(torch.relu(e(X[n])) for n, e in zip(self.names, self.enc))
        logits = tuple(h(e) for h, e in zip(self.heads, emb))
        w = torch.softmax(self.gate(torch.cat(emb, 1)), 1)
        fused = (torch.stack(logits, 1) * w[..., None]).sum(1)
        return fused, logits, emb


def test_user_module_with_module_kwargs(data):
    X, y = data
    clf = CLIMDClassifier(TinyGated, module_kwargs={"width": 5}, random_state=0, **FAST)
    clf.fit(X, y)
    assert clf.net_.module_.enc[0].out_features == 5
    assert clf.score(X, y) > 0.6


def test_validation_fraction_adds_valid_macro_f1(data):
    X, y = data
    clf = CLIMDClassifier(validation_fraction=0.25, random_state=0, **FAST).fit(X, y)
    f1 = clf.net_.history[:, "valid_f1_macro"]
    assert len(f1) == FAST["max_epochs"] and all(0 <= v <= 1 for v in f1)
    # the curriculum runs on the training part only
    assert clf.net_.history[-1, "subset_size"] == len(y) - int(np.ceil(0.25 * len(y)))


def test_warm_start_continues_the_schedule(data):
    X, y = data
    clf = CLIMDClassifier(warm_start=True, random_state=0, curriculum_epochs=8,
                          **dict(FAST, max_epochs=3)).fit(X, y)
    clf.fit(X, y)
    h = clf.net_.history
    assert len(h) == 6
    counts = np.bincount(y)
    assert h[4, "class_counts"] == class_quotas(counts, 5, 8).tolist()


def test_keyboard_interrupt_keeps_a_usable_estimator(data):
    from skorch.callbacks import Callback

    class Interrupt(Callback):
        def on_epoch_end(self, net, **kwargs):
            if len(net.history) == 2:
                raise KeyboardInterrupt

    X, y = data
    clf = CLIMDClassifier(callbacks=[Interrupt()], random_state=0, **FAST).fit(X, y)
    assert len(clf.net_.history) == 2
    assert clf.predict_proba(X).shape == (len(y), 3)


def test_verbose_prints_the_curriculum_columns(data, capsys):
    X, y = data
    clf = CLIMDClassifier(verbose=1, validation_fraction=0.2, random_state=0,
                          **dict(FAST, max_epochs=2, curriculum_epochs=4)).fit(X, y)
    captured = capsys.readouterr()
    for column in ("subset_size", "alpha", "score_mean", "valid_f1_macro"):
        assert column in captured.out
    assert "class_counts" not in captured.out
    assert "it/s" in captured.err or "s/it" in captured.err  # skorch's (tqdm) progress bar
    bar = dict(clf.net_.callbacks_)["progress_bar"]
    n_valid = int(np.ceil(0.2 * len(y)))
    expected = int(np.ceil(clf.net_.history[-1, "subset_size"] / FAST["batch_size"])) + int(
        np.ceil(n_valid / FAST["batch_size"]))
    assert bar.batches_per_epoch == expected  # sized to the curriculum subset, not to N
    CLIMDClassifier(verbose=0, random_state=0, **dict(FAST, max_epochs=2)).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_fit_matches_shapes_and_loads_on_cpu(data):
    X, y = data
    clf = CLIMDClassifier(device="cuda", random_state=0, **FAST).fit(X, y)
    proba = clf.predict_proba(X)
    clone = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(clone.predict_proba(X), proba, atol=1e-5)


def test_make_multimodal_helper_is_imbalanced():
    _, y = make_multimodal()
    assert np.bincount(y).tolist() == [40, 15, 8]


def test_post_hoc_logit_adjustment_divides_by_the_prior(data):
    X, y = data
    raw = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    adj = CLIMDClassifier(random_state=0, logit_adjustment=1.0, **FAST).fit(X, y)
    prior = np.bincount(y) / len(y)
    np.testing.assert_allclose(adj.class_prior_, prior)
    expected = raw.predict_proba(X) / prior
    expected /= expected.sum(1, keepdims=True)
    np.testing.assert_allclose(adj.predict_proba(X), expected, rtol=1e-6)


def test_balanced_softmax_loss_uses_the_training_prior(data):
    X, y = data
    clf = CLIMDClassifier(loss="balanced_softmax", random_state=0, **FAST).fit(X, y)
    np.testing.assert_allclose(clf.net_.criterion_.log_prior.numpy(),
                               np.log(np.bincount(y) / len(y)), rtol=1e-6)
    assert clf.score(X, y) > 0.6


def test_warmup_epochs_delay_the_schedule(data):
    X, y = data
    clf = CLIMDClassifier(warmup_epochs=2, random_state=0, **FAST).fit(X, y)
    h = clf.net_.history
    counts = np.bincount(y)
    assert h[0, "subset_size"] == h[1, "subset_size"] == len(y)
    assert "score_mean" not in h[0] and "score_mean" in h[2]
    # T defaults to max_epochs - warmup_epochs = 4; epoch 3 is curriculum epoch 1
    assert h[2, "class_counts"] == class_quotas(counts, 1, 4).tolist()
    assert h[5, "class_counts"] == counts.tolist()


def test_score_momentum_averages_rescorings(data, monkeypatch):
    import climd_sklearn.callbacks as callbacks_module

    X, y = data
    draws = iter([np.full(len(y), 1.0), np.full(len(y), 3.0), np.full(len(y), 5.0)])
    monkeypatch.setattr(callbacks_module.CurriculumScheduling, "_score",
                        lambda self, *args, **kw: next(draws))
    clf = CLIMDClassifier(score_momentum=0.75, random_state=0, **dict(FAST, max_epochs=3))
    scores = dict(clf.fit(X, y).net_.callbacks_)["curriculum"].scores_
    # 1 -> 0.75 * 1 + 0.25 * 3 = 1.5 -> 0.75 * 1.5 + 0.25 * 5 = 2.375
    np.testing.assert_allclose(scores, 2.375)


def test_post_curriculum_balanced_makes_a_balanced_final_phase(data):
    X, y = data
    counts = np.bincount(y)
    clf = CLIMDClassifier(curriculum_epochs=3, post_curriculum="balanced", random_state=0,
                          **FAST).fit(X, y)
    h = clf.net_.history
    assert h[2, "class_counts"] == counts.tolist()  # last curriculum epoch: every sample
    n, C = len(y), len(counts)
    for epoch in range(3, len(h)):
        assert sum(h[epoch, "class_counts"]) == h[epoch, "subset_size"] == n
        assert max(h[epoch, "class_counts"]) - min(h[epoch, "class_counts"]) <= 1
        assert min(h[epoch, "class_counts"]) == n // C


def test_post_curriculum_balanced_without_curriculum_balances_every_epoch(data):
    X, y = data
    clf = CLIMDClassifier(curriculum=None, post_curriculum="balanced", random_state=0,
                          **FAST).fit(X, y)
    assert all(max(c) - min(c) <= 1 for c in clf.net_.history[:, "class_counts"])
    with pytest.raises(ValueError, match="post_curriculum"):
        CLIMDClassifier(post_curriculum="oversample").fit(X, y)


# ------------------------------------------------------------------ variants


def _net_settings(clf):
    net = clf.net_
    curriculum = dict(net.callbacks_)["curriculum"]
    return {
        "lr": net.optimizer_.param_groups[0]["lr"],
        "weight_decay": max(g["weight_decay"] for g in net.optimizer_.param_groups),
        "max_epochs": len(net.history),
        "dropout": net.module_.dropout.p,
        "order": curriculum.order,
        "loss": type(net.criterion_).__name__,
    }


def test_improved_variant_is_the_default_and_reaches_the_net(data):
    X, y = data
    clf = CLIMDClassifier(random_state=0, max_epochs=2).fit(X, y)
    assert clf.variant == "improved"
    expected = {"lr": 1e-3, "max_epochs": 2, "dropout": 0.5, "weight_decay": 5.0 / len(y),
                "order": "asc", "loss": "balanced_softmax"}
    assert clf.variant_params_ == pytest.approx(expected)
    got = _net_settings(clf)
    assert got["lr"] == 1e-3 and got["max_epochs"] == 2 and got["dropout"] == 0.5
    assert got["weight_decay"] == pytest.approx(5.0 / len(y))
    assert got["order"] == "asc" and got["loss"] == "BalancedSoftmaxLoss"
    assert CLIMDClassifier().get_params()["lr"] is None  # unset: the variant decides


def test_paper_variant_uses_the_paper_settings(data):
    X, y = data
    clf = CLIMDClassifier(variant="paper", random_state=0, max_epochs=2).fit(X, y)
    got = _net_settings(clf)
    assert got == {"lr": 5e-5, "weight_decay": 0.0, "max_epochs": 2, "dropout": 0.25,
                   "order": "desc", "loss": "CrossEntropyLoss"}
    assert clf.variant_params_["max_epochs"] == 2


def test_explicit_values_override_the_variant(data):
    X, y = data
    paper = CLIMDClassifier(variant="paper", max_epochs=3, random_state=0).fit(X, y)
    spelled_out = CLIMDClassifier(variant="improved", lr=5e-5, max_epochs=3, dropout=0.25,
                                  weight_decay=0.0, order="desc", loss="ce",
                                  random_state=0).fit(X, y)
    np.testing.assert_array_equal(paper.predict_proba(X), spelled_out.predict_proba(X))
    auto = CLIMDClassifier(variant="paper", weight_decay="auto", max_epochs=1,
                           random_state=0).fit(X, y)
    assert auto.variant_params_["weight_decay"] == pytest.approx(5.0 / len(y))


def test_unknown_variant_is_rejected(data):
    X, y = data
    with pytest.raises(ValueError, match="'variant' parameter of CLIMDClassifier must be"):
        CLIMDClassifier(variant="fast").fit(X, y)
    with pytest.raises(ValueError, match="'weight_decay' parameter"):
        CLIMDClassifier(weight_decay="strong").fit(X, y)


def test_resolve_variant_directly():
    from climd_sklearn._variants import VARIANT_PARAMS, resolve_variant

    explicit = dict.fromkeys(VARIANT_PARAMS["paper"])
    assert resolve_variant("paper", explicit, 10) == VARIANT_PARAMS["paper"]
    improved = resolve_variant("improved", {**explicit, "lr": 0.5}, 50)
    assert improved["lr"] == 0.5 and improved["weight_decay"] == 0.1
    with pytest.raises(ValueError, match="variant must be one of"):
        resolve_variant("fast", explicit, 10)


def test_biases_can_be_exempt_from_weight_decay(data):
    X, y = data
    free = CLIMDClassifier(random_state=0, max_epochs=1, decay_biases=False).fit(X, y)
    groups = free.net_.optimizer_.param_groups
    names = {id(p): n for n, p in free.net_.module_.named_parameters()}
    decayed = [g for g in groups if g["weight_decay"] > 0]
    exempt = [g for g in groups if g["weight_decay"] == 0]
    assert len(decayed) == len(exempt) == 1
    assert all(names[id(p)].endswith("bias") for p in exempt[0]["params"])
    assert not any(names[id(p)].endswith("bias") for p in decayed[0]["params"])
    assert len(exempt[0]["params"]) + len(decayed[0]["params"]) == len(names)
    both = CLIMDClassifier(random_state=0, max_epochs=1).fit(X, y)
    (group,) = both.net_.optimizer_.param_groups
    assert group["weight_decay"] == pytest.approx(5.0 / len(y))
