"""``fit(..., sample_weight=...)``: weighted losses, a weighted prior, zero weight as absence."""

import re

import numpy as np
import pytest
import torch
from conftest import FAST, RecordSubsets, make_multimodal

from climd_sklearn import CLIMDClassifier
from climd_sklearn._sample_weight import WEIGHT_KEY
from climd_sklearn.losses import BalancedSoftmaxLoss, FocalLoss
from climd_sklearn.modules import EarlyFusionNet


def proba(X, y, sample_weight=None, **params):
    clf = CLIMDClassifier(random_state=0, **{**FAST, **params})
    return clf.fit(X, y, sample_weight=sample_weight).predict_proba(X)


@pytest.mark.parametrize("constant", [1.0, 3.5])
def test_equal_weights_are_the_unweighted_fit_bit_for_bit(data, constant):
    X, y = data
    np.testing.assert_array_equal(proba(X, y, np.full(len(y), constant)), proba(X, y))
    np.testing.assert_array_equal(proba(X, y, constant), proba(X, y))  # a number: every weight
    clf = CLIMDClassifier(**dict(FAST, max_epochs=1))
    clf.fit(X, y, sample_weight=np.full(len(y), constant))
    assert "weighted_class_counts" not in clf.net_.history[-1]  # no weighted path taken


def test_weight_zero_is_the_sample_s_absence_bit_for_bit(data):
    X, y = data
    weights = np.random.RandomState(0).randint(0, 4, len(y)).astype(float)
    kept = weights > 0
    present = {"m0": np.ones(len(y), bool), "m1": np.arange(len(y)) % 7 != 0}
    with_zeros = CLIMDClassifier(random_state=0, **FAST).fit(
        X, y, present=present, sample_weight=weights)
    without = CLIMDClassifier(random_state=0, **FAST).fit(
        {name: values[kept] for name, values in X.items()}, y[kept],
        present={name: flags[kept] for name, flags in present.items()},
        sample_weight=weights[kept])
    np.testing.assert_array_equal(with_zeros.predict_proba(X, present=present),
                                  without.predict_proba(X, present=present))


def test_weights_change_the_fit_in_their_direction(data):
    # plain cross-entropy, no prior to follow the weights: weighting class 2 up makes the
    # network predict it more
    X, y = data
    heavy = np.where(y == 2, 5.0, 1.0)
    unweighted = proba(X, y, loss="ce")
    weighted = proba(X, y, heavy, loss="ce")
    assert weighted[:, 2].mean() > unweighted[:, 2].mean() + 0.05


def test_the_prior_follows_the_weighted_class_counts(data):
    X, y = data
    weights = np.random.RandomState(1).uniform(0.5, 2.0, len(y))
    clf = CLIMDClassifier(random_state=0, callbacks=[("record", RecordSubsets())],
                          **dict(FAST, max_epochs=3))
    clf.fit(X, y, sample_weight=weights)
    totals = np.bincount(y, weights=weights)
    np.testing.assert_allclose(clf.class_prior_, totals / totals.sum())
    # every epoch: each class's weight in each member's draw, averaged over the members
    scaled = (weights / weights.mean()).astype(np.float32).astype(np.float64)
    subsets = dict(clf.net_.callbacks_)["record"].subsets_
    history = clf.net_.history
    for epoch, indices in enumerate(subsets):
        expected = np.mean([np.bincount(y[rows], weights=scaled[rows], minlength=3)
                            for rows in np.atleast_2d(indices)], axis=0)
        np.testing.assert_allclose(history[epoch, "weighted_class_counts"], expected)
    # the balanced softmax trained the last epoch with those counts' log frequencies
    last = np.asarray(history[-1, "weighted_class_counts"])
    np.testing.assert_allclose(clf.net_.criterion_.log_prior.numpy(),
                               np.log(last / last.sum()), rtol=1e-6)


@pytest.mark.parametrize("criterion", [
    torch.nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5])),
    FocalLoss(gamma=2.0, weight=torch.tensor([1.0, 2.0, 0.5])),
    BalancedSoftmaxLoss(torch.tensor([0.6, 0.3, 0.1])),
])
def test_the_weighted_loss_is_the_weighted_mean_of_the_samples_terms(criterion):
    clf = CLIMDClassifier(**dict(FAST, max_epochs=1)).fit(*make_multimodal())
    net = clf.net_
    net.criterion_ = criterion
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(10, 6, 3, generator=gen)  # (members, rows, classes)
    y = torch.tensor([0, 1, 2, 0, 1, 2])
    s = torch.rand(6, generator=gen) + 0.5
    class_weight = getattr(criterion, "weight", None)
    w = torch.ones(3) if class_weight is None else class_weight
    if isinstance(criterion, BalancedSoftmaxLoss):
        shifted = logits + criterion.log_prior
        terms = -torch.log_softmax(shifted, dim=-1)[..., torch.arange(6), y]
    elif isinstance(criterion, FocalLoss):
        log_p = torch.log_softmax(logits, dim=-1)[..., torch.arange(6), y]
        terms = -((1 - log_p.exp()) ** 2) * log_p
    else:
        terms = -torch.log_softmax(logits, dim=-1)[..., torch.arange(6), y]
    per_member = (s * w[y] * terms).sum(-1) / (s * w[y]).sum()
    # every member on the same rows: the sum of the members' weighted means
    torch.testing.assert_close(net._members_loss(logits, y, weights=s), per_member.sum())
    # member-wise rows: member k's weights are row k
    y_members, s_members = y.repeat(10, 1), s.repeat(10, 1)
    torch.testing.assert_close(net._members_loss(logits, y_members, weights=s_members),
                               per_member.sum())
    # rows left out by a presence mask leave their weights out too
    keep = torch.tensor([True, False, True, True, False, True])
    kept = (s * w[y] * terms)[:, keep].sum(-1) / (s * w[y])[keep].sum()
    torch.testing.assert_close(net._members_loss(logits, y, keep, s), kept.sum())
    # the criterion's own reduction is left as it was
    assert criterion.reduction == "mean"
    # the batch's weights reach the fused head and every per-modality head
    heads = [torch.randn(10, 6, 3, generator=gen) for _ in range(2)]
    heads_loss = torch.stack([net._members_loss(h, y, weights=s) for h in heads]).mean()
    torch.testing.assert_close(
        net.get_loss((logits, heads, None), y, X={"m0": None, WEIGHT_KEY: s}),
        per_member.sum() + net.aux_weight * heads_loss)


@pytest.mark.parametrize("loss", [FocalLoss(), BalancedSoftmaxLoss(torch.tensor([0.5, 0.5]))])
def test_the_losses_reduce_per_sample_as_torch_s_do(loss):
    logits, y = torch.randn(5, 2), torch.tensor([0, 1, 1, 0, 1])
    loss.reduction = "none"
    per_sample = loss(logits, y)
    loss.reduction = "mean"
    assert per_sample.shape == (5,)
    torch.testing.assert_close(per_sample.mean(), loss(logits, y))
    with pytest.raises(ValueError, match=r"reduction must be one of \('mean', 'none'\), "
                                         r"got 'sum'"):
        type(loss)(**({} if isinstance(loss, FocalLoss) else {"prior": torch.ones(2) / 2}),
                   reduction="sum")


@pytest.mark.parametrize("weights, message", [  # scikit-learn's messages, then the last one
    (np.ones(5), r"sample_weight.shape == \(5,\), expected \(63,\)"),
    (np.ones((63, 2)), "Sample weights must be 1D array or scalar"),
    (np.r_[np.nan, np.ones(62)], "Input sample_weight contains NaN"),
    (np.r_[1.0, -2.0, np.ones(61)], "Negative values in data passed to `sample_weight`"),
    (np.array(["a"] * 63), "could not convert string to float"),
    (np.zeros(63), "at least one non-zero (number|weight)"),
])
def test_bad_weights_are_refused_with_what_is_wrong(data, weights, message):
    X, y = data
    with pytest.raises(ValueError, match=message):
        CLIMDClassifier(**FAST).fit(X, y, sample_weight=weights)


def test_a_class_whose_every_weight_is_zero_is_an_error_naming_it(data):
    # its rows would be dropped and the class with them, from classes_ and predict_proba
    X, y = data
    with pytest.raises(ValueError, match=re.escape(
            "sample_weight is 0 for every sample of classes [2], so")):
        CLIMDClassifier(**FAST).fit(X, y, sample_weight=(y != 2).astype(float))
    with pytest.raises(ValueError, match=re.escape("every sample of classes [1, 2]")):
        CLIMDClassifier(**FAST).fit(X, y, sample_weight=(y == 0).astype(float))
    # one zero weight in the class is fine
    CLIMDClassifier(**dict(FAST, max_epochs=1)).fit(
        X, y, sample_weight=(np.arange(len(y)) != np.flatnonzero(y == 2)[0]).astype(float))


def test_a_warm_start_fit_takes_weights_too(data):
    X, y = data
    first = CLIMDClassifier(random_state=0, warm_start=True, **dict(FAST, max_epochs=2))
    second = CLIMDClassifier(random_state=0, warm_start=True, **dict(FAST, max_epochs=2))
    first.fit(X, y).fit(X, y)
    second.fit(X, y).fit(X, y, sample_weight=np.full(len(y), 2.0))
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    # a third fit, with weights and without: the weights reach the continued training
    first.fit(X, y)
    second.fit(X, y, sample_weight=np.where(y == 2, 4.0, 1.0))
    assert "weighted_class_counts" in second.net_.history[-1]
    assert "weighted_class_counts" not in first.net_.history[-1]
    assert not np.allclose(first.predict_proba(X), second.predict_proba(X))


def test_the_weights_key_cannot_name_a_modality(data):
    X, y = data
    with pytest.raises(ValueError, match="'__sample_weight__' is reserved"):
        CLIMDClassifier(**FAST).fit({**X, WEIGHT_KEY: X["m0"]}, y)


class ModalitiesOnly(EarlyFusionNet):
    """A module that refuses any key of X other than its modalities (a user's module may
    loop over X)."""

    def forward(self, X, present=None):
        assert set(X) == {"m0", "m1"}, sorted(X)
        return super().forward(X, present)


def test_a_module_sees_the_modalities_and_not_the_weights(data):
    X, y = data
    weights = np.where(y == 2, 3.0, 1.0)
    clf = CLIMDClassifier(module=ModalitiesOnly, order="asc", member_subsets=False,
                          random_state=0, **FAST)  # scored every epoch, too
    clf.fit(X, y, sample_weight=weights)
    assert "weighted_class_counts" in clf.net_.history[-1]
