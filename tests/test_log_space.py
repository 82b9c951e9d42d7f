"""Scores and probabilities computed in log space and float64: no underflow, rows sum to 1."""

import warnings

import numpy as np
import torch
from conftest import FAST
from sklearn.model_selection import StratifiedKFold, cross_val_score
from torch import nn

from climd_sklearn import CLIMDClassifier, SliceDict


class _SteepModule(nn.Module):
    """Logits ``[0, scale * x_0]`` from every head: a logit gap that grows with feature 0.

    The one trainable parameter is multiplied by 0, so training cannot change the output.
    """

    def __init__(self, modality_dims, n_classes, scale=100.0):
        super().__init__()
        self.names = list(modality_dims)
        self.scale = scale
        self.unused = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        x0 = X[self.names[0]][:, 0].float()
        logits = torch.stack([torch.zeros_like(x0), self.scale * x0], dim=1) + 0 * self.unused
        embeddings = [torch.ones(len(x0), 2) for _ in self.names]
        return logits, [logits for _ in self.names], embeddings


def _steep_data():
    # feature 0 from 1 to 4: logit gaps of 100 to 400 in favour of class 1
    X = {"a": np.linspace(1, 4, 12)[:, None].repeat(2, axis=1), "b": np.ones((12, 1))}
    X["a"][:, 1] = 0.0
    y = np.array([0] * 8 + [1] * 4)
    return X, y


def test_the_measurer_keeps_the_order_of_confidently_wrong_samples():
    X, y = _steep_data()
    clf = CLIMDClassifier(
        _SteepModule, measurer="intra", order="asc", max_epochs=1, batch_size=4,
        random_state=0, standardize=False,  # the module's logits are set by the raw x
    ).fit(X, y)
    scores = dict(clf.net_.callbacks_)["curriculum"].scores_
    # class-0 samples: log p_true = -100 x_0 (to float32 rounding); psi = sigmoid(log p / 2)
    # from 2e-22 down to 1e-87, where float32 probabilities all underflow to 0 and tie
    x0 = X["a"][:8, 0]
    expected = 1 / (1 + np.exp(100 * x0 / 2))
    np.testing.assert_allclose(scores[:8], expected, rtol=1e-4, atol=1e-15)
    assert np.all(np.diff(scores[:8]) < 0)  # strictly ordered; float32 probabilities tie at 0


def test_predict_proba_shifts_logits_not_underflowed_probabilities():
    X, y = _steep_data()
    clf = CLIMDClassifier(_SteepModule, max_epochs=1, batch_size=4, random_state=0,
                          standardize=False).fit(X, y)
    # a prior whose post-hoc adjustment adds 150 nats to class 0's logit
    clf.set_params(logit_adjustment=1.0).class_prior_ = np.array([np.exp(-150.0), 1.0])
    proba = clf.predict_proba(X)
    gap = 100.0 * X["a"][:, 0].astype(np.float32).astype(np.float64) - 150.0
    # rtol: the module computes the logits in float32
    np.testing.assert_allclose(proba[:, 0], 1 / (1 + np.exp(gap)), rtol=1e-4, atol=1e-300)
    assert proba[0, 0] > 0.99  # logit gap 100 - 150: class 0 wins after the shift
    assert clf.predict(X)[0] == 0


def test_predict_proba_rows_sum_to_one_in_float64(data):
    X, y = data
    for kw in ({}, {"logit_adjustment": 1.0}):
        proba = CLIMDClassifier(random_state=0, **FAST, **kw).fit(X, y).predict_proba(X)
        assert proba.dtype == np.float64
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=4 * np.finfo(float).eps)


def test_neg_log_loss_scoring_does_not_warn(data):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        cross_val_score(CLIMDClassifier(random_state=0, **FAST), SliceDict(**X), y,
                        cv=StratifiedKFold(2), scoring="neg_log_loss", error_score="raise")


def test_predict_leaves_the_global_torch_rng_alone(data):
    # fit's side is test_estimator's test_fit_does_not_touch_the_global_torch_rng
    X, y = data
    clf = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    clf.predict_proba(X)
    clf.predict_log_proba(X)
    clf.predict(X)
    torch.testing.assert_close(torch.rand(3), expected)


def test_predict_log_proba_stays_finite_where_probabilities_underflow():
    X, y = _steep_data()
    clf = CLIMDClassifier(_SteepModule, module_kwargs={"scale": 300.0}, max_epochs=1,
                          batch_size=4, random_state=0, standardize=False).fit(X, y)
    log_proba = clf.predict_log_proba(X)
    gap = 300.0 * X["a"][:, 0].astype(np.float32).astype(np.float64)  # 300 to 1,200 nats
    # log p_0 = -log(1 + e^gap); rtol: the module computes the logits in float32
    np.testing.assert_allclose(log_proba[:, 0], -np.logaddexp(0.0, gap), rtol=1e-4)
    assert clf.predict_proba(X)[-1, 0] == 0.0  # e^-1200 underflows in float64
    assert np.isfinite(log_proba).all()


def test_predict_log_proba_is_the_log_of_predict_proba(data):
    X, y = data
    for kw in ({}, {"logit_adjustment": 1.0}, {"heads_in_prediction": True}):
        clf = CLIMDClassifier(random_state=0, **FAST, **kw).fit(X, y)
        log_proba = clf.predict_log_proba(X)
        assert log_proba.dtype == np.float64 and log_proba.shape == (len(y), len(clf.classes_))
        np.testing.assert_allclose(np.exp(log_proba), clf.predict_proba(X), rtol=1e-12, atol=0)
