import math
import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import FAST, make_multimodal
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    TunedThresholdClassifierCV,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback
from torch import nn

from climd_sklearn import CLIMDClassifier, LateFusionNet, SliceDict
from climd_sklearn.curriculum import CLIMDScheduler, class_quotas
from climd_sklearn.modules import EarlyFusionNet, EnsembleFusionNet
from climd_sklearn.training import CurriculumScheduling


class EpochRecorder(Callback):
    """Copy, at each epoch start, the curriculum's scores and the training sampler's indices.

    Placed after the curriculum callback (user callbacks run after it), so it sees the subset
    the curriculum has just chosen for the epoch. ``fit`` deep-copies user callbacks: read the
    recording from ``clf.net_.callbacks_`` (see :func:`recorded`).
    """

    def initialize(self):
        self.scores_ = []
        self.indices_ = []
        return self

    def on_epoch_begin(self, net, **kwargs):
        scores = dict(net.callbacks_)["curriculum"].scores_
        self.scores_.append(None if scores is None else np.array(scores, copy=True))
        sampler = net.get_params_for("iterator_train")["sampler"]
        self.indices_.append(np.array(sampler.indices, copy=True))


def recorded(clf):
    return dict(clf.net_.callbacks_)["record"]


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
    T = 4
    clf = CLIMDClassifier(random_state=0, curriculum_epochs=T, order="asc", rescore_every=1,
                          callbacks=[("record", EpochRecorder())], **FAST).fit(X, y)
    h = clf.net_.history
    assert len(h) == FAST["max_epochs"]
    counts = np.bincount(y)
    for t in range(1, T + 1):
        # the default variant ("improved") uses the Zipf exponent rule
        expected = class_quotas(counts, t, T, gamma=0.3, exponent_rule="zipf")
        assert h[t - 1, "class_counts"] == expected.tolist()
        assert h[t - 1, "subset_size"] == expected.sum()
        assert np.isfinite(h[t - 1, "score_mean"])
        assert h[t - 1, "alpha"] >= 1.0
    assert h[T - 1, "class_counts"] == counts.tolist()  # epoch T trains on everything
    assert h[4, "subset_size"] == h[5, "subset_size"] == len(y)  # after T: all data
    # the recorded subset is what the network actually trained on, in every epoch
    indices = recorded(clf).indices_
    for epoch in range(len(h)):
        subset_size = h[epoch, "subset_size"]
        sizes = [batch["train_batch_size"] for batch in h[epoch, "batches"]]
        assert sum(sizes) == subset_size, epoch
        assert len(sizes) == math.ceil(subset_size / FAST["batch_size"]), epoch
        rows = np.atleast_2d(indices[epoch])  # the default: one row per ensemble member
        assert rows.shape == (10 if epoch < T else 1, subset_size), epoch
        assert h[epoch, "n_subsets"] == len(rows), epoch  # what records store of the draw
        if epoch < T:
            for row in rows:
                got = np.bincount(y[row], minlength=len(counts)).tolist()
                assert got == h[epoch, "class_counts"], epoch


def test_no_curriculum_is_the_plain_baseline(data):
    X, y = data
    clf = CLIMDClassifier(curriculum=None, random_state=0, **FAST).fit(X, y)
    assert clf.net_.history[:, "subset_size"] == [len(y)] * FAST["max_epochs"]
    assert clf.net_.history[:, "n_subsets"] == [1] * FAST["max_epochs"]
    with pytest.raises(KeyError):
        clf.net_.history[:, "score_mean"]


def test_curriculum_order_changes_which_samples_are_taken(data):
    X, y = data
    T = 4
    # one order for all members (member_subsets=False): one row of scores and of indices
    kw = dict(FAST, max_epochs=T, curriculum_epochs=T, random_state=0, member_subsets=False)
    rec = {}
    for order in ("desc", "asc"):
        clf = CLIMDClassifier(order=order, callbacks=[("record", EpochRecorder())], **kw)
        clf.fit(X, y)
        assert isinstance(dict(clf.net_.callbacks_)["curriculum"], CurriculumScheduling)
        rec[order] = recorded(clf)
    # same seed, same initial network: the first epoch's scores agree
    np.testing.assert_array_equal(rec["desc"].scores_[0], rec["asc"].scores_[0])
    for order, r in rec.items():
        partly_taken = 0
        for epoch in range(T - 1):  # epoch T takes every sample
            scores, indices = r.scores_[epoch], r.indices_[epoch]
            assert len(np.unique(indices)) == len(indices)  # no sample twice
            taken = np.zeros(len(y), dtype=bool)
            taken[indices] = True
            for c in np.unique(y):
                chosen = scores[taken & (y == c)]
                left = scores[~taken & (y == c)]
                if len(chosen) == 0 or len(left) == 0:
                    continue
                partly_taken += 1
                # within a class, every chosen sample ranks above every unchosen one
                if order == "desc":
                    assert chosen.min() >= left.max(), (order, epoch, c)
                else:
                    assert chosen.max() <= left.min(), (order, epoch, c)
        assert partly_taken > 0, order  # the check above did run
    first_desc, first_asc = rec["desc"].indices_[0], rec["asc"].indices_[0]
    # the order changes which samples are taken, not how many of each class
    np.testing.assert_array_equal(np.bincount(y[first_desc]), np.bincount(y[first_asc]))
    assert set(first_desc.tolist()) != set(first_asc.tolist())


@pytest.mark.parametrize(
    "curriculum", ["climd", "linear", "root", "geometric", "baby_step", "one_pass", None]
)
def test_every_curriculum_fits(data, curriculum):
    X, y = data
    schedule = {} if curriculum is None else {"curriculum_epochs": 5}  # T needs a schedule
    clf = CLIMDClassifier(curriculum=curriculum, **schedule, random_state=0, **FAST)
    sizes = clf.fit(X, y).net_.history[:, "subset_size"]
    assert all(1 <= s <= len(y) for s in sizes)
    assert sizes[-1] == len(y)  # epoch 6 > T: all data


def test_measurer_parts_give_different_scores(data):
    X, y = data
    kw = dict(FAST, max_epochs=2, curriculum_epochs=2, random_state=0, order="asc",
              member_subsets=False)
    first = {}
    for measurer in ("intra", "inter", "both"):
        clf = CLIMDClassifier(measurer=measurer, callbacks=[("record", EpochRecorder())], **kw)
        # the first epoch's scores: those of the same initial network for every measurer
        first[measurer] = recorded(clf.fit(X, y)).scores_[0]
    intra, inter, both = first["intra"], first["inter"], first["both"]
    for scores in (intra, inter, both):
        assert scores.shape == (len(y),) and np.all(np.isfinite(scores))
    assert np.all((intra > 0) & (intra <= 0.5))  # mean psi (Eq. 1)
    assert np.all((inter >= 0) & (inter <= 2))  # phi (Eq. 3)
    np.testing.assert_allclose(both, intra + inter, rtol=0, atol=1e-6)  # Eq. 4
    assert not np.allclose(intra, inter)


def test_slicedict_in_cross_val_score_and_grid_search(data):
    X, y = data
    Xs = SliceDict(**X)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(CLIMDClassifier(random_state=0, **FAST), Xs, y, cv=cv,
                             scoring="f1_macro")
    assert scores.shape == (3,) and np.all(scores > 0.5)
    grid = GridSearchCV(
        CLIMDClassifier(random_state=0, **FAST),
        # order means nothing without a curriculum, so the grid is a list (the user guide's)
        [{"curriculum": ["climd"], "order": ["asc", "desc"]}, {"curriculum": [None]}],
        cv=cv,
        scoring="f1_macro",
        error_score="raise",  # a failed fit must fail the test, not score NaN
    ).fit(Xs, y)
    assert len(grid.cv_results_["params"]) == 3
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    assert grid.best_estimator_.predict(Xs).shape == (len(y),)


def test_tuned_threshold_moves_only_the_decision():
    # examples/plot_decision_threshold.py relies on this: the refitted estimator inside
    # TunedThresholdClassifierCV gives the probabilities of a plain fit with the same seed, and
    # the tuned model predicts the positive class exactly where P(positive) >= its threshold
    X, y = make_multimodal(n_per_class=(40, 8), seed=3)
    Xs = SliceDict(**X)
    plain = CLIMDClassifier(random_state=0, **FAST).fit(Xs, y)
    tuned = TunedThresholdClassifierCV(
        CLIMDClassifier(random_state=0, **FAST), scoring="balanced_accuracy",
        cv=StratifiedKFold(4, shuffle=True, random_state=0),
    ).fit(Xs, y)
    proba = plain.predict_proba(Xs)[:, 1]
    np.testing.assert_array_equal(tuned.estimator_.predict_proba(Xs)[:, 1], proba)
    np.testing.assert_array_equal(tuned.predict(Xs), (proba >= tuned.best_threshold_).astype(int))
    assert 0 < tuned.best_threshold_ < 1


def test_single_array_with_modalities_behind_scaler_and_smote(data):
    X, y = data
    A = np.hstack([X["m0"], X["m1"]])
    modalities = {"m0": slice(0, 6), "m1": list(range(6, 10))}
    # 6 epochs of 63 samples: a single network in score order clears the bar this early (the
    # default ensemble in random order needs about 15 epochs here)
    pipe = make_pipeline(StandardScaler(), CLIMDClassifier(
        modalities=modalities, module=EarlyFusionNet, order="asc", random_state=0, **FAST))
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
    clf = CLIMDClassifier(random_state=0, order="asc", **FAST).fit(X["m0"], y)
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
        kw = {"module": EarlyFusionNet, **kw}  # a single net clears the bar in 6 epochs
        # (on the data as given: the bars predate standardize, and class weights on top of
        # the balanced softmax correct twice, which standardized inputs reach sooner)
        clf = CLIMDClassifier(random_state=0, order="asc", standardize=False, **FAST,
                              **kw).fit(X, y)
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
    # TinyGated takes no embedding_dim or hidden_dims, so setting them would be an error
    fast = {k: v for k, v in FAST.items() if k not in ("embedding_dim", "hidden_dims")}
    clf = CLIMDClassifier(TinyGated, module_kwargs={"width": 5}, random_state=0, **fast)
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
                          **dict(FAST, max_epochs=3))
    with pytest.warns(UserWarning, match="curriculum_epochs=8 is larger than max_epochs=3"):
        clf.fit(X, y)
    clf.fit(X, y)
    h = clf.net_.history
    assert len(h) == 6
    counts = np.bincount(y)
    assert h[4, "class_counts"] == class_quotas(counts, 5, 8).tolist()


def test_keyboard_interrupt_keeps_a_usable_estimator(data):
    class Interrupt(Callback):
        def on_epoch_end(self, net, **kwargs):
            if len(net.history) == 2:
                raise KeyboardInterrupt

    X, y = data
    clf = CLIMDClassifier(callbacks=[Interrupt()], random_state=0, **FAST).fit(X, y)
    assert len(clf.net_.history) == 2
    assert clf.predict_proba(X).shape == (len(y), 3)


class BarRecorder(Callback):
    """Record the progress bar's size at each epoch start (after the bar sized itself)."""

    def initialize(self):
        self.batches_per_epoch_ = []
        return self

    def on_epoch_begin(self, net, **kwargs):
        self.batches_per_epoch_.append(dict(net.callbacks_)["progress_bar"].batches_per_epoch)


def test_verbose_prints_the_curriculum_columns(data, capsys):
    X, y = data
    clf = CLIMDClassifier(verbose=1, validation_fraction=0.2, random_state=0, order="asc",
                          callbacks=[("bar_sizes", BarRecorder())],
                          **dict(FAST, max_epochs=3, curriculum_epochs=3)).fit(X, y)
    captured = capsys.readouterr()
    for column in ("subset_size", "alpha", "score_mean", "valid_f1_macro"):
        assert column in captured.out
    assert "class_counts" not in captured.out and "n_subsets" not in captured.out
    assert "it/s" in captured.err or "s/it" in captured.err  # skorch's (tqdm) progress bar
    h = clf.net_.history
    n_valid = int(np.ceil(0.2 * len(y)))
    expected = [int(np.ceil(h[t, "subset_size"] / FAST["batch_size"]))
                + int(np.ceil(n_valid / FAST["batch_size"])) for t in range(len(h))]
    # sized to each epoch's curriculum subset, not to N
    assert dict(clf.net_.callbacks_)["bar_sizes"].batches_per_epoch_ == expected
    assert h[0, "subset_size"] < h[-1, "subset_size"]
    CLIMDClassifier(verbose=0, random_state=0, **dict(FAST, max_epochs=2)).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_warm_start_fits_follow_verbose_set_between_them(data, capsys):
    X, y = data
    clf = CLIMDClassifier(warm_start=True, random_state=0,
                          **dict(FAST, max_epochs=2, curriculum_epochs=6)).fit(X, y)
    assert capsys.readouterr() == ("", "")
    clf.set_params(verbose=1).fit(X, y)
    out, err = capsys.readouterr()
    # the epoch table's rows for epochs 3 and 4 (skorch prints its header once, at epoch 1)
    assert [line.split()[0] for line in out.splitlines()] == ["3", "4"]
    assert "it/s" in err or "s/it" in err  # and the progress bar
    assert [name for name, _ in clf.net_.callbacks_].count("progress_bar") == 1
    clf.set_params(verbose=0).fit(X, y)
    assert capsys.readouterr() == ("", "")
    assert "progress_bar" not in dict(clf.net_.callbacks_)
    # the curriculum went on across the three fits: 6 epochs, the last on every sample
    assert len(clf.net_.history) == 6 and clf.net_.history[-1, "subset_size"] == len(y)


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
                "order": "random", "rescore_every": 1, "loss": "balanced_softmax",
                "standardize": True,
                "member_subsets": True, "weight_averaging": False,
                "heads_in_prediction": False, "linear_path": False,
                "modality_dropout": 0.0}
    resolved = dict(clf.variant_params_)
    assert resolved.pop("module") is EnsembleFusionNet
    assert resolved == pytest.approx(expected)
    got = _net_settings(clf)
    assert got["lr"] == 1e-3 and got["max_epochs"] == 2 and got["dropout"] == 0.5
    assert got["weight_decay"] == pytest.approx(5.0 / len(y))
    assert got["order"] == "random" and got["loss"] == "BalancedSoftmaxLoss"
    assert type(clf.net_.module_) is EnsembleFusionNet and clf.net_.module_.n_members == 10
    # each member draws its own subset of the quotas (round 21), and nothing is scored
    # (round 43)
    curriculum = dict(clf.net_.callbacks_)["curriculum"]
    assert curriculum.n_subsets == 10
    assert "score_mean" not in clf.net_.history[0]
    # with a score order each member is scored by its own outputs (round 26)
    clf = CLIMDClassifier(random_state=0, max_epochs=2, order="weighted").fit(X, y)
    assert dict(clf.net_.callbacks_)["curriculum"].scores_.shape == (10, len(y))
    assert np.isfinite(clf.net_.history[0, "score_mean"])
    assert CLIMDClassifier().get_params()["lr"] is None  # unset: the variant decides


def test_paper_variant_uses_the_paper_settings(data):
    X, y = data
    clf = CLIMDClassifier(variant="paper", random_state=0, max_epochs=2).fit(X, y)
    got = _net_settings(clf)
    assert got == {"lr": 5e-5, "weight_decay": 0.0, "max_epochs": 2, "dropout": 0.25,
                   "order": "desc", "loss": "CrossEntropyLoss"}
    assert type(clf.net_.module_) is EarlyFusionNet
    assert clf.variant_params_["max_epochs"] == 2


def test_explicit_values_override_the_variant(data):
    X, y = data
    paper = CLIMDClassifier(variant="paper", max_epochs=3, random_state=0).fit(X, y)
    # the paper's exponent rule (Eq. 6) comes with the variant, or with a scheduler instance
    spelled_out = CLIMDClassifier(module=EarlyFusionNet, variant="improved", lr=5e-5,
                                  max_epochs=3, dropout=0.25,
                                  weight_decay=0.0, order="desc", loss="ce",
                                  standardize=False, rescore_every=1,
                                  curriculum=CLIMDScheduler(exponent_rule="eq6"),
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
