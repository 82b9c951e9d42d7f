import numpy as np
import pytest
import torch

from climd_sklearn.losses import BalancedSoftmaxLoss, FocalLoss


@pytest.mark.parametrize("weight", [None, torch.tensor([1.0, 3.0, 0.5])])
def test_focal_loss_with_gamma_zero_is_cross_entropy(weight):
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(20, 3, generator=g)
    target = torch.randint(0, 3, (20,), generator=g)
    expected = torch.nn.CrossEntropyLoss(weight=weight)(logits, target)
    got = FocalLoss(gamma=0.0, weight=weight)(logits, target)
    torch.testing.assert_close(got, expected)


def test_focal_loss_value_by_hand():
    logits = torch.log(torch.tensor([[0.8, 0.2], [0.4, 0.6]]))
    target = torch.tensor([0, 0])
    # -(1-p)^2 log p for p = 0.8 and p = 0.4, averaged
    log = torch.log
    expected = (-(0.2**2) * log(torch.tensor(0.8)) - 0.6**2 * log(torch.tensor(0.4))) / 2
    torch.testing.assert_close(FocalLoss(gamma=2.0)(logits, target), expected)


def test_focal_loss_rejects_negative_gamma():
    with pytest.raises(ValueError, match="gamma must be >= 0"):
        FocalLoss(gamma=-1)


def test_balanced_softmax_is_cross_entropy_on_prior_shifted_logits():
    g = torch.Generator().manual_seed(1)
    logits = torch.randn(12, 3, generator=g)
    target = torch.randint(0, 3, (12,), generator=g)
    prior = torch.tensor([0.7, 0.2, 0.1])
    got = BalancedSoftmaxLoss(prior, tau=1.0)(logits, target)
    expected = torch.nn.functional.cross_entropy(logits + torch.log(prior), target)
    torch.testing.assert_close(got, expected)
    # uniform prior or tau = 0: plain cross-entropy
    plain = torch.nn.functional.cross_entropy(logits, target)
    torch.testing.assert_close(BalancedSoftmaxLoss(torch.ones(3) / 3)(logits, target), plain)
    torch.testing.assert_close(BalancedSoftmaxLoss(prior, tau=0.0)(logits, target), plain)


def test_balanced_softmax_rejects_zero_prior():
    with pytest.raises(ValueError, match="positive class frequencies"):
        BalancedSoftmaxLoss(torch.tensor([1.0, 0.0]))


# ------------------------------------------------------------------------------------------
# Input checks: a clear error naming the argument, never a silently truncated batch
# ------------------------------------------------------------------------------------------

_LOSSES = [FocalLoss, lambda **kw: BalancedSoftmaxLoss(torch.ones(3) / 3, **kw)]


@pytest.mark.parametrize("make", _LOSSES, ids=["focal", "balanced_softmax"])
@pytest.mark.parametrize("logits, target, error, message", [
    # a shorter target was a loss over its first rows only (FocalLoss)
    (torch.randn(4, 3), torch.tensor([0, 1]), ValueError,
     r"target must be 1-D of shape \(n_samples,\) = \(4,\) for logits of shape \(4, 3\), "
     r"got shape \(2,\)"),
    (torch.randn(4, 3), torch.zeros(4, 1, dtype=torch.long), ValueError,
     r"target must be 1-D .*got shape \(4, 1\)"),
    (torch.randn(4), torch.tensor([0, 1, 2, 0]), ValueError,  # was an IndexError
     r"logits must be 2-D of shape \(n_samples, n_classes\), got shape \(4,\)"),
    (torch.randn(4, 3), torch.tensor([0.0, 1.0, 2.0, 0.0]), TypeError,
     r"target must hold integer class indices, got dtype torch.float32"),
    (torch.zeros(4, 3, dtype=torch.long), torch.tensor([0, 1, 2, 0]), TypeError,
     r"logits must be floating point, got dtype torch.int64"),
    ([[0.0, 1.0, 2.0]], torch.tensor([0]), TypeError, r"logits must be a torch.Tensor, got list"),
])
def test_the_losses_check_logits_and_target(make, logits, target, error, message):
    for reduction in ("mean", "none"):
        with pytest.raises(error, match=message):
            make(reduction=reduction)(logits, target)


@pytest.mark.parametrize("make", _LOSSES, ids=["focal", "balanced_softmax"])
def test_the_losses_take_any_integer_target_dtype(make):
    logits, target = torch.randn(4, 3, dtype=torch.float64), torch.tensor([0, 1, 2, 0])
    loss = make(weight=torch.tensor([1.0, 2.0, 0.5]))
    expected = loss(logits, target)
    torch.testing.assert_close(loss(logits, target.to(torch.int32)), expected)
    assert make(reduction="none")(logits, target).shape == (4,)


@pytest.mark.parametrize("gamma, error, message", [
    (float("nan"), ValueError, r"gamma must be finite, got nan"),
    (float("inf"), ValueError, r"gamma must be finite, got inf"),
    ("2", TypeError, r"gamma must be a real number, got '2' of type str"),
    (True, TypeError, r"gamma must be a real number, got True of type bool"),
])
def test_focal_loss_rejects_a_gamma_that_is_not_a_finite_real(gamma, error, message):
    with pytest.raises(error, match=message):
        FocalLoss(gamma=gamma)


def test_focal_loss_takes_numpy_and_integer_gammas():
    assert FocalLoss(gamma=np.float32(1.5)).gamma == 1.5
    assert FocalLoss(gamma=0).gamma == 0.0


@pytest.mark.parametrize("make", _LOSSES, ids=["focal", "balanced_softmax"])
def test_the_losses_check_the_weight_length_against_the_classes(make):
    loss = make(weight=torch.tensor([1.0, 2.0]))  # was an IndexError in FocalLoss
    with pytest.raises(ValueError, match=r"weight has 2 entries but logits has 3 classes"):
        loss(torch.randn(4, 3), torch.tensor([0, 1, 2, 0]))


@pytest.mark.parametrize("make", _LOSSES, ids=["focal", "balanced_softmax"])
@pytest.mark.parametrize("weight, message", [
    ([1.0, -2.0, 1.0], r"weight must hold finite class weights >= 0, got \[1.0, -2.0, 1.0\]"),
    ([1.0, float("nan"), 1.0], r"weight must hold finite class weights >= 0, got \[1.0, nan"),
    ([0.0, 0.0, 0.0], r"weight must give some class a weight > 0, got \[0.0, 0.0, 0.0\]"),
    ([[1.0, 2.0, 3.0]], r"weight must be a 1-D tensor of shape \(n_classes,\), got shape "
                        r"\(1, 3\)"),
])
def test_the_losses_reject_bad_class_weights(make, weight, message):
    with pytest.raises(ValueError, match=message):
        make(weight=torch.tensor(weight))


@pytest.mark.parametrize("make", _LOSSES, ids=["focal", "balanced_softmax"])
def test_a_class_of_weight_zero_is_accepted(make):
    logits, target = torch.randn(6, 3), torch.tensor([0, 1, 2, 0, 1, 2])
    loss = make(weight=torch.tensor([1.0, 0.0, 1.0]))(logits, target)
    assert torch.isfinite(loss) and loss >= 0


@pytest.mark.parametrize("prior", [[0.5, float("nan"), 0.5], [0.5, float("inf"), 0.5],
                                   [0.5, -0.1, 0.6]])
def test_balanced_softmax_rejects_a_prior_that_is_not_finite_and_positive(prior):
    with pytest.raises(ValueError, match=r"prior must be a 1-D tensor of positive class "
                                         r"frequencies, finite and > 0, got \[0.5, "):
        BalancedSoftmaxLoss(torch.tensor(prior))


@pytest.mark.parametrize("tau, error, message", [
    (float("nan"), ValueError, r"tau must be finite, got nan"),
    ("1", TypeError, r"tau must be a real number, got '1' of type str"),
    (-0.5, ValueError, r"tau must be >= 0 \(a negative tau reverses the adjustment"),
])
def test_balanced_softmax_rejects_a_tau_that_is_not_a_finite_real(tau, error, message):
    with pytest.raises(error, match=message):
        BalancedSoftmaxLoss(torch.ones(3) / 3, tau=tau)


def test_balanced_softmax_names_the_prior_and_logits_lengths():
    loss = BalancedSoftmaxLoss(torch.tensor([0.5, 0.5]))
    with pytest.raises(ValueError, match=r"prior has 2 classes but logits has 3 classes"):
        loss(torch.randn(4, 3), torch.tensor([0, 1, 2, 0]))


def test_balanced_softmax_divides_class_counts_by_their_sum():
    logits, target = torch.randn(5, 3), torch.tensor([0, 1, 2, 0, 1])
    counts = BalancedSoftmaxLoss(torch.tensor([70.0, 20.0, 10.0]))
    frequencies = BalancedSoftmaxLoss(torch.tensor([0.7, 0.2, 0.1]))
    torch.testing.assert_close(counts.log_prior, torch.log(torch.tensor([0.7, 0.2, 0.1])))
    torch.testing.assert_close(counts(logits, target), frequencies(logits, target))
