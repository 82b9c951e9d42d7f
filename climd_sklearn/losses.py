"""Losses for imbalanced classification (torch only)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ._docstring import Substitution

__all__ = ["BalancedSoftmaxLoss", "FocalLoss"]

# The Parameters and Returns sections of every loss's ``forward`` (see climd_sklearn._docstring).
_FORWARD_SECTIONS = """Parameters
        ----------
        logits : torch.Tensor of shape (n_samples, n_classes)
            Unnormalised scores.
        target : torch.Tensor of shape (n_samples,)
            Integer class indices.

        Returns
        -------
        loss : torch.Tensor
            A scalar; with ``reduction="none"``, one loss per sample, of shape
            ``(n_samples,)``, each times its class weight."""

#: Accepted values of the losses' ``reduction``, as in torch's losses.
REDUCTIONS = ("mean", "none")


def _check_reduction(reduction: str) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}.")
    return reduction


class FocalLoss(nn.Module):
    """Multi-class focal loss (Lin et al. 2017) on logits.

    ``FL = -w_y * (1 - p_y) ** gamma * log p_y``, averaged like
    :class:`torch.nn.CrossEntropyLoss`: divided by the sum of the samples' class weights
    when ``weight`` is given, by the batch size otherwise. With ``gamma=0`` it equals
    cross-entropy exactly.

    Parameters
    ----------
    gamma : float, default=2.0
        Focusing parameter, ``>= 0``.
    weight : torch.Tensor of shape (n_classes,) or None, default=None
        Per-class weights.
    reduction : {"mean", "none"}, default="mean"
        ``"none"`` returns each sample's loss times its class weight, as
        :class:`torch.nn.CrossEntropyLoss` does (the estimator's ``sample_weight``).
    """

    def __init__(self, gamma: float = 2.0, weight: torch.Tensor | None = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        if gamma < 0:
            raise ValueError(f"gamma must be >= 0, got {gamma!r}.")
        self.gamma = float(gamma)
        self.reduction = _check_reduction(reduction)
        self.register_buffer("weight", None if weight is None else torch.as_tensor(weight))

    @Substitution(sections=_FORWARD_SECTIONS)
    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        {sections}
        """
        log_p = F.log_softmax(logits, dim=1).gather(1, target[:, None]).squeeze(1)
        loss = -((1.0 - log_p.exp()) ** self.gamma) * log_p
        if self.weight is None:
            return loss.mean() if _check_reduction(self.reduction) == "mean" else loss
        w = self.weight.to(logits.dtype)[target]
        if _check_reduction(self.reduction) == "none":
            return w * loss
        return (w * loss).sum() / w.sum()


class BalancedSoftmaxLoss(nn.Module):
    """Balanced softmax cross-entropy (Ren et al. 2020; logit-adjusted loss of Menon et al. 2021).

    Trains with ``CE(logits + tau * log prior, y)``, so that the raw logits estimate the
    class-balanced posterior: predicting with them targets the balanced error instead of
    following the training class frequencies.

    Parameters
    ----------
    prior : torch.Tensor of shape (n_classes,)
        Training class frequencies, summing to 1.
    tau : float, default=1.0
        Strength of the adjustment; 0 gives plain cross-entropy.
    weight : torch.Tensor of shape (n_classes,) or None, default=None
        Per-class weights, as in :class:`torch.nn.CrossEntropyLoss`.
    reduction : {"mean", "none"}, default="mean"
        As in :class:`torch.nn.CrossEntropyLoss`; ``"none"`` returns each sample's loss
        (the estimator's ``sample_weight``).
    """

    def __init__(
        self, prior: torch.Tensor, tau: float = 1.0, weight: torch.Tensor | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__()
        self.reduction = _check_reduction(reduction)
        prior = torch.as_tensor(prior, dtype=torch.float32)
        if prior.ndim != 1 or bool((prior <= 0).any()):
            raise ValueError("prior must be a 1-D tensor of positive class frequencies.")
        self.tau = float(tau)
        self.register_buffer("log_prior", torch.log(prior / prior.sum()))
        self.register_buffer("weight", None if weight is None else torch.as_tensor(weight))

    @Substitution(sections=_FORWARD_SECTIONS)
    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        {sections}
        """
        shifted = logits + self.tau * self.log_prior.to(logits.dtype)
        return F.cross_entropy(shifted, target, weight=self.weight,
                               reduction=_check_reduction(self.reduction))
