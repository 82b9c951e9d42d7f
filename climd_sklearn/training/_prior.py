"""The skorch callback that keeps the balanced softmax's prior on the classes an epoch trains on."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from skorch.callbacks import Callback

__all__ = ["EpochClassPrior"]


class EpochClassPrior(Callback):
    """Set the loss's class prior to the class frequencies of the epoch's training subset.

    The balanced softmax (:class:`~climd_sklearn.losses.BalancedSoftmaxLoss`) trains on
    ``CE(logits + log prior, y)`` so that the raw logits estimate the class-balanced posterior,
    where the prior is the label distribution the training batches are drawn from. A
    curriculum that fills class quotas changes that distribution every epoch (its first
    epochs are close to class-balanced), so a prior fixed to the whole training set
    corrects the imbalance twice; Ren et al. (2020, "Balanced Meta-Softmax") report the same
    over-balancing when a class-balanced sampler is put in front of the balanced softmax.
    At the start of every epoch this callback reads the epoch's ``class_counts`` (recorded
    by :class:`CurriculumScheduling`, which must come first; with sample weights its
    ``weighted_class_counts``) and sets the criterion's ``log_prior`` to their log
    frequencies. A class absent from the subset gets a count of one half, so its log prior
    stays finite.

    Only a criterion with a ``log_prior`` buffer is touched; an epoch without
    ``class_counts`` keeps the prior it has.
    """

    def on_epoch_begin(self, net: Any, **kwargs: Any) -> None:
        """Point the criterion's ``log_prior`` at this epoch's class frequencies.

        Parameters
        ----------
        net : skorch.NeuralNet
            The net being trained.
        **kwargs : dict
            Other skorch callback arguments, unused.
        """
        criterion = getattr(net, "criterion_", None)
        row = net.history[-1] if len(net.history) else {}
        if criterion is None or "class_counts" not in row or not hasattr(criterion, "log_prior"):
            return
        log_prior = self._log_prior(row.get("weighted_class_counts", row["class_counts"]))
        criterion.log_prior = torch.as_tensor(log_prior, dtype=criterion.log_prior.dtype,
                                              device=criterion.log_prior.device)

    def _log_prior(self, class_counts: list[float]) -> np.ndarray:
        """The log class frequencies of an epoch's counts, an absent class counted as 1/2."""
        counts = np.maximum(np.asarray(class_counts, dtype=np.float64), 0.5)
        return np.log(counts / counts.sum())

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in sorted(self.get_params().items()))
        return f"{type(self).__name__}({params})"
