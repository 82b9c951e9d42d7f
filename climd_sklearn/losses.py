"""Losses for imbalanced classification (torch only)."""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

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


def _check_real(value: Any, name: str) -> float:
    """``value`` as a finite float; bools, non-numbers and NaN / inf are errors naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type "
                        f"{type(value).__name__}.")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    return float(value)


def _check_weight(weight: Any) -> torch.Tensor | None:
    """The per-class weights as a 1-D tensor of finite values >= 0, not all 0 (or None).

    Value checks (one host-device sync each) belong here, in ``__init__``, not in ``forward``.
    """
    if weight is None:
        return None
    weight = torch.as_tensor(weight)
    if weight.ndim != 1 or weight.shape[0] < 1:
        raise ValueError(f"weight must be a 1-D tensor of shape (n_classes,), got shape "
                         f"{tuple(weight.shape)}.")
    if weight.dtype == torch.bool or weight.dtype.is_complex:
        raise TypeError(f"weight must hold real numbers, got dtype {weight.dtype}.")
    if not bool(torch.isfinite(weight).all()) or bool((weight < 0).any()):
        raise ValueError(f"weight must hold finite class weights >= 0, got {weight.tolist()}.")
    if not bool((weight > 0).any()):
        raise ValueError(f"weight must give some class a weight > 0, got {weight.tolist()}: "
                         "every loss would be 0 / 0.")
    return weight


def _check_inputs(logits: Any, target: Any, weight: torch.Tensor | None) -> torch.Tensor:
    """Check the shapes and dtypes of ``forward``'s inputs; return ``target`` as int64.

    Only shapes and dtypes: no value is read, so nothing waits on the device.
    """
    if not isinstance(logits, torch.Tensor) or not isinstance(target, torch.Tensor):
        bad, value = ("logits", logits) if not isinstance(logits, torch.Tensor) else (
            "target", target)
        raise TypeError(f"{bad} must be a torch.Tensor, got {type(value).__name__}.")
    if logits.ndim != 2:
        raise ValueError(f"logits must be 2-D of shape (n_samples, n_classes), got shape "
                         f"{tuple(logits.shape)}.")
    if not logits.dtype.is_floating_point:
        raise TypeError(f"logits must be floating point, got dtype {logits.dtype}.")
    if target.ndim != 1 or target.shape[0] != logits.shape[0]:
        raise ValueError(f"target must be 1-D of shape (n_samples,) = ({logits.shape[0]},) "
                         f"for logits of shape {tuple(logits.shape)}, got shape "
                         f"{tuple(target.shape)}.")
    if target.dtype.is_floating_point or target.dtype.is_complex or target.dtype == torch.bool:
        raise TypeError(f"target must hold integer class indices, got dtype {target.dtype}.")
    if weight is not None and weight.shape[0] != logits.shape[1]:
        raise ValueError(f"weight has {weight.shape[0]} entries but logits has "
                         f"{logits.shape[1]} classes (columns); give one weight per class.")
    return target.long()


class FocalLoss(nn.Module):
    """Multi-class focal loss (Lin et al. 2017) on logits.

    ``FL = -w_y * (1 - p_y) ** gamma * log p_y``, averaged like
    :class:`torch.nn.CrossEntropyLoss`: divided by the sum of the samples' class weights
    when ``weight`` is given, by the batch size otherwise. With ``gamma=0`` it equals
    cross-entropy exactly.

    Parameters
    ----------
    gamma : float, default=2.0
        Focusing parameter, finite and ``>= 0``.
    weight : torch.Tensor of shape (n_classes,) or None, default=None
        Per-class weights, finite and ``>= 0``, not all 0.
    reduction : {"mean", "none"}, default="mean"
        ``"none"`` returns each sample's loss times its class weight, as
        :class:`torch.nn.CrossEntropyLoss` does (the estimator's ``sample_weight``).

    Raises
    ------
    TypeError
        If ``gamma`` is not a real number (a bool included); in ``forward``, if ``logits``
        is not floating or ``target`` not integer.
    ValueError
        If ``gamma`` is negative or not finite, ``weight`` is not 1-D of finite values
        ``>= 0`` (not all 0), or ``reduction`` is unknown; in ``forward``, if ``logits`` is
        not 2-D, ``target`` is not 1-D with one entry per row of ``logits``, or ``weight``
        does not have one entry per column of ``logits``.
    """

    def __init__(self, gamma: float = 2.0, weight: torch.Tensor | None = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        self.gamma = _check_real(gamma, "gamma")
        if self.gamma < 0:
            raise ValueError(f"gamma must be >= 0, got {gamma!r}.")
        self.reduction = _check_reduction(reduction)
        self.register_buffer("weight", _check_weight(weight))

    @Substitution(sections=_FORWARD_SECTIONS)
    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        {sections}
        """
        target = _check_inputs(logits, target, self.weight)
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
        Training class frequencies, or class counts: finite and ``> 0``. Divided by their
        sum (the ``log_prior`` buffer holds the log frequencies), which leaves the loss
        unchanged: a constant added to every logit does not change a softmax.
    tau : float, default=1.0
        Strength of the adjustment, finite and ``>= 0``; 0 gives plain cross-entropy.
    weight : torch.Tensor of shape (n_classes,) or None, default=None
        Per-class weights, as in :class:`torch.nn.CrossEntropyLoss`: finite and ``>= 0``,
        not all 0.
    reduction : {"mean", "none"}, default="mean"
        As in :class:`torch.nn.CrossEntropyLoss`; ``"none"`` returns each sample's loss
        (the estimator's ``sample_weight``).

    Raises
    ------
    TypeError
        If ``tau`` is not a real number (a bool included); in ``forward``, if ``logits`` is
        not floating or ``target`` not integer.
    ValueError
        If ``prior`` is not 1-D of finite values ``> 0``, ``tau`` is negative or not finite,
        ``weight`` is not 1-D of finite values ``>= 0`` (not all 0), or ``reduction`` is
        unknown; in ``forward``, if ``logits`` is not 2-D, ``target`` is not 1-D with one
        entry per row of ``logits``, or ``prior`` or ``weight`` does not have one entry per
        column of ``logits``.
    """

    def __init__(
        self, prior: torch.Tensor, tau: float = 1.0, weight: torch.Tensor | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__()
        self.reduction = _check_reduction(reduction)
        prior = torch.as_tensor(prior, dtype=torch.float32)
        if prior.ndim != 1 or prior.shape[0] < 1:
            raise ValueError(f"prior must be a 1-D tensor of positive class frequencies, got "
                             f"shape {tuple(prior.shape)}.")
        if not bool((torch.isfinite(prior) & (prior > 0)).all()):
            raise ValueError(f"prior must be a 1-D tensor of positive class frequencies, "
                             f"finite and > 0, got {prior.tolist()}.")
        self.tau = _check_real(tau, "tau")
        if self.tau < 0:  # the estimator's logit_adjustment is >= 0 for the same reason
            raise ValueError(f"tau must be >= 0 (a negative tau reverses the adjustment, "
                             f"favouring the frequent classes), got {tau!r}.")
        self.register_buffer("log_prior", torch.log(prior / prior.sum()))
        self.register_buffer("weight", _check_weight(weight))

    @Substitution(sections=_FORWARD_SECTIONS)
    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        {sections}
        """
        target = _check_inputs(logits, target, self.weight)
        if self.log_prior.shape[0] != logits.shape[1]:
            raise ValueError(f"prior has {self.log_prior.shape[0]} classes but logits has "
                             f"{logits.shape[1]} classes (columns); give one frequency per "
                             "class.")
        shifted = logits + self.tau * self.log_prior.to(logits.dtype)
        weight = None if self.weight is None else self.weight.to(logits.dtype)
        return F.cross_entropy(shifted, target, weight=weight,
                               reduction=_check_reduction(self.reduction))
