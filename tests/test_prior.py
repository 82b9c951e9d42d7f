"""EpochClassPrior: the balanced softmax's prior follows the classes each epoch trains on."""

from types import SimpleNamespace

import numpy as np
import torch
from conftest import FAST
from skorch.callbacks import Callback
from skorch.history import History

from climd_sklearn import CLIMDClassifier
from climd_sklearn.losses import BalancedSoftmaxLoss
from climd_sklearn.modules import EarlyFusionNet
from climd_sklearn.training import EpochClassPrior


class PriorRecorder(Callback):
    """Records the criterion's prior at the start of every epoch (after the estimator's own
    callbacks, so after ``epoch_prior``)."""

    def initialize(self):
        self.priors_ = []
        return self

    def on_epoch_begin(self, net, **kwargs):
        self.priors_.append(torch.exp(net.criterion_.log_prior).numpy().copy())


def _fit(data, **kw):
    X, y = data
    clf = CLIMDClassifier(module=EarlyFusionNet, random_state=0,
                          callbacks=[("record", PriorRecorder())], **{**FAST, **kw})
    clf.fit(X, y)
    return clf, dict(clf.net_.callbacks_)["record"].priors_


def test_the_default_loss_trains_each_epoch_on_its_subsets_class_frequencies(data):
    clf, priors = _fit(data)
    assert "epoch_prior" in dict(clf.net_.callbacks_)
    counts = np.array(clf.net_.history[:, "class_counts"], dtype=float)
    assert not np.allclose(counts[0] / counts[0].sum(), clf.class_prior_)  # a real change
    np.testing.assert_allclose(priors, counts / counts.sum(axis=1, keepdims=True), rtol=1e-6)
    # the last epoch trains on everything: the whole set's prior again
    np.testing.assert_allclose(priors[-1], clf.class_prior_, rtol=1e-6)


def test_without_a_curriculum_the_prior_is_the_whole_sets_every_epoch(data):
    clf, priors = _fit(data, curriculum=None)
    np.testing.assert_allclose(priors, np.tile(clf.class_prior_, (len(priors), 1)), rtol=1e-6)


def _net_with_counts(counts):
    history = History()
    history.new_epoch()
    history.record("class_counts", counts)
    criterion = BalancedSoftmaxLoss(torch.tensor([0.5, 0.3, 0.2]))
    return SimpleNamespace(history=history, criterion_=criterion)


def test_a_class_missing_from_the_subset_keeps_a_finite_prior():
    net = _net_with_counts([4, 3, 0])
    EpochClassPrior().on_epoch_begin(net)
    np.testing.assert_allclose(torch.exp(net.criterion_.log_prior).numpy(),
                               np.array([4, 3, 0.5]) / 7.5, rtol=1e-6)


def test_an_epoch_without_class_counts_keeps_the_prior():
    net = _net_with_counts([4, 3, 1])
    net.history.new_epoch()  # a new row without class_counts
    EpochClassPrior().on_epoch_begin(net)
    np.testing.assert_allclose(torch.exp(net.criterion_.log_prior).numpy(), [0.5, 0.3, 0.2],
                               rtol=1e-6)


def test_other_losses_get_no_prior_callback(data):
    X, y = data
    clf = CLIMDClassifier(module=EarlyFusionNet, loss="ce", random_state=0, **FAST).fit(X, y)
    assert "epoch_prior" not in dict(clf.net_.callbacks_)
    assert not hasattr(clf.net_.criterion_, "log_prior")
    net = SimpleNamespace(history=History(), criterion_=torch.nn.CrossEntropyLoss())
    net.history.new_epoch()
    net.history.record("class_counts", [1, 2])
    EpochClassPrior().on_epoch_begin(net)  # a criterion without a prior is left alone
    assert repr(EpochClassPrior()) == "EpochClassPrior()"  # stable in benchmark specs
