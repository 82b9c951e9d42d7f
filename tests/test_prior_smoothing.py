"""Research round 48's lever: the balanced softmax's prior with add-one smoothing."""

from __future__ import annotations

import numpy as np
import pytest
from skorch.callbacks import Callback

from climd_sklearn import CLIMDClassifier
from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._prior_smoothing import SmoothedClassPrior, smoothed_log_prior

LAYOUT = {"a": 4, "b": 3}


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [30, 6, 1])
    return rng.normal(size=(len(y), 7)) + y[:, None], y


class _PriorProbe(Callback):
    """Records the criterion's prior as the first batch of each epoch sees it."""

    def initialize(self) -> _PriorProbe:
        self.priors_: list[np.ndarray] = []
        self._seen_epoch = -1
        return self

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if training and len(net.history) != self._seen_epoch:
            self._seen_epoch = len(net.history)
            self.priors_.append(np.exp(net.criterion_.log_prior.numpy().astype(np.float64)))


def test_smoothed_log_prior_is_the_laplace_estimate():
    np.testing.assert_allclose(smoothed_log_prior([1, 0, 3]), np.log([2 / 7, 1 / 7, 4 / 7]))
    np.testing.assert_allclose(smoothed_log_prior([1, 0, 3], alpha=0.5),
                               np.log([1.5 / 5.5, 0.5 / 5.5, 3.5 / 5.5]))
    # a class seen once against one seen 160 times: the gap shrinks by log 2 - log(161/160)
    gap = np.subtract(*smoothed_log_prior([160, 1]))
    assert gap == pytest.approx(np.log(160) - np.log(2) + np.log(161 / 160))
    with pytest.raises(ValueError, match="alpha must be positive, got 0"):
        smoothed_log_prior([1, 2], alpha=0)
    with pytest.raises(ValueError, match="non-negative counts"):
        smoothed_log_prior([1, -2])


def test_candidate_trains_every_epoch_on_the_smoothed_prior_of_its_subset():
    name = "CLIMD, smoothed prior"
    spec = l4l.resolve_methods([name])[name]
    X, y = _data()
    clf = l4l.build_method(name, spec, LAYOUT, 0, len(y)).named_steps["clf"]
    assert spec["overrides"] == {"prior_smoothing": 1.0}  # the spec is not mutated
    [(key, smoothing)] = clf.callbacks
    assert key == "prior_smoothing" and smoothing.alpha == 1.0
    probe = _PriorProbe()
    clf.set_params(max_epochs=4, callbacks=[*clf.callbacks, ("probe", probe)]).fit(X, y)
    net = clf.net_
    counts = [row["class_counts"] for row in net.history]
    assert counts[0] != counts[-1]  # the curriculum's subsets grow
    priors = dict(net.callbacks_)["probe"].priors_
    assert len(priors) == 4
    for epoch_counts, prior in zip(counts, priors):
        np.testing.assert_allclose(prior, np.exp(smoothed_log_prior(epoch_counts)), rtol=1e-6)
    # the estimator's own EpochClassPrior would have set the unsmoothed frequencies
    assert not np.allclose(priors[-1], np.divide(counts[-1], sum(counts[-1])), rtol=1e-3)


def test_without_a_curriculum_the_whole_training_set_is_smoothed():
    X, y = _data()
    probe = _PriorProbe()
    clf = CLIMDClassifier(curriculum=None, max_epochs=2, random_state=0, callbacks=[
        ("prior_smoothing", SmoothedClassPrior(alpha=2.0)), ("probe", probe)]).fit(X, y)
    priors = dict(clf.net_.callbacks_)["probe"].priors_
    expected = np.array([32, 8, 3]) / 43
    for prior in priors:
        np.testing.assert_allclose(prior, expected, rtol=1e-6)


def test_smoothing_a_loss_without_a_prior_is_an_error():
    X, y = _data()
    clf = CLIMDClassifier(loss="ce", max_epochs=1, random_state=0,
                          callbacks=[("prior_smoothing", SmoothedClassPrior())])
    with pytest.raises(ValueError, match="CrossEntropyLoss has no log_prior"):
        clf.fit(X, y)
    spec = {"kind": "neural", "overrides": {"prior_smoothing": 1.0, "loss": "focal"}}
    with pytest.raises(ValueError, match="'x': 'prior_smoothing' smooths .* loss='focal'"):
        l4l.build_method("x", spec, LAYOUT, 0, len(y))
