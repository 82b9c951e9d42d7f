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
