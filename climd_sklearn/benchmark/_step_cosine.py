"""The learning rate annealed by a cosine over the curriculum's optimizer steps (a pilot).

The pilots after research round 48 annealed the default's learning rate by a cosine over its
30 *epochs* (skorch's ``LRScheduler(policy="CosineAnnealingLR", T_max=30)``). Under CLIMD's
curriculum the epochs are not equal: epoch ``t`` of ``T`` trains on ``t / T`` of the set, so
its optimizer steps grow with ``t``, and the late epochs, which hold most of the steps and
the whole training ratio, got nearly no learning rate. The network was then shaped by the
early, class-balanced subsets, and predicted the rare class for a quarter of ROSMAP's
matched folds where 9 % have it (docs/research.md). Loshchilov & Hutter's schedule (2017)
anneals per *iteration*. :class:`CurriculumCosineLR` does that: before training it counts
the optimizer steps of the whole run from the curriculum's subset sizes and the batch size,
and steps a cosine from the net's ``lr`` to 0 over them, once per training batch, so that
each step gets the rate of its place in the run, whatever epoch it falls in. Benchmark code
only: the pilot failed its rule (mean -0.62 points; ROSMAP's decision still moved toward the
rare class, and its ranking got worse, docs/research.md), so the default keeps Adam's
constant rate.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from skorch.callbacks import LRScheduler
from skorch.utils import to_numpy
from torch.optim.lr_scheduler import CosineAnnealingLR

__all__ = ["CurriculumCosineLR", "count_training_batches"]


def count_training_batches(
    subset_sizes: Any, n_samples: int, max_epochs: int, batch_size: int
) -> int:
    """The optimizer steps of one fit: ``ceil(size / batch_size)`` summed over its epochs.

    Parameters
    ----------
    subset_sizes : sequence of int
        The training subset's size in each curriculum epoch ``1..T`` (empty without a
        curriculum).
    n_samples : int
        Training-set size, the subset of every epoch after the curriculum.
    max_epochs : int
        Epochs of the fit, at least ``len(subset_sizes)``.
    batch_size : int
        Rows per batch (the last batch of an epoch is shorter), positive.

    Returns
    -------
    n_batches : int
        The number of training batches, so of optimizer steps.

    Raises
    ------
    ValueError
        If the curriculum is longer than the fit, or a size or the batch size is not positive.
    """
    sizes = [int(size) for size in subset_sizes]
    if len(sizes) > max_epochs:
        raise ValueError(f"{len(sizes)} curriculum epochs do not fit in max_epochs={max_epochs}.")
    if batch_size < 1 or n_samples < 1 or any(size < 1 for size in sizes):
        raise ValueError(f"Sizes and batch_size must be positive, got subsets {sizes}, "
                         f"n_samples={n_samples}, batch_size={batch_size}.")
    sizes += [int(n_samples)] * (max_epochs - len(sizes))
    return sum(-(-size // batch_size) for size in sizes)


class CurriculumCosineLR(LRScheduler):
    """Anneal the learning rate by a cosine over every optimizer step of the fit.

    A skorch :class:`~skorch.callbacks.LRScheduler` with PyTorch's
    :class:`~torch.optim.lr_scheduler.CosineAnnealingLR` stepped after every training batch,
    whose ``T_max`` is the fit's number of training batches, counted when training begins
    from the subsets the net's ``"curriculum"`` callback will draw
    (:func:`count_training_batches`). Step ``k`` of ``K`` trains at
    ``lr * (1 + cos(pi * k / K)) / 2``: the net's ``lr`` at the first step, near 0 at the last.

    Parameters
    ----------
    event_name : str or None, default="event_lr"
        The history key of each batch's learning rate, as skorch's.

    Attributes
    ----------
    total_steps_ : int
        ``T_max``, the training batches of the fit.
    """

    #: The parent's settings, fixed here (class attributes, so that skorch's ``get_params``,
    #: which lists the instance's attributes, and so ``clone``, see only ``event_name``).
    policy = CosineAnnealingLR
    step_every = "batch"
    monitor = None

    def __init__(self, event_name: str | None = "event_lr") -> None:
        self.event_name = event_name

    def on_train_begin(self, net: Any, X: Any = None, y: Any = None, **kwargs: Any) -> None:
        """Count the fit's steps and build the cosine over them.

        Parameters
        ----------
        net : CLIMDNet
            The net being trained; its ``"curriculum"`` callback's scheduler gives the subset
            sizes.
        X : dict
            The training data, unused.
        y : array-like of shape (n_samples,)
            Integer-encoded training labels.
        **kwargs : dict
            Other skorch callback arguments, unused.

        Raises
        ------
        ValueError
            If the net holds a validation split or a history (a warm start), whose steps
            this count does not follow, or has no labels.
        """
        if net.train_split is not None or len(net.history):
            raise ValueError("CurriculumCosineLR counts the steps of one cold fit on the whole "
                             "training set; it cannot follow a validation split or a warm "
                             "start.")
        if y is None:
            raise ValueError("CurriculumCosineLR needs the training labels to count the steps.")
        labels = to_numpy(y).astype(np.int64)
        scheduler = dict(net.callbacks_)["curriculum"].scheduler
        sizes = ([] if scheduler is None else
                 [len(scheduler.select(epoch, np.zeros(len(labels)), labels))
                  for epoch in range(1, scheduler.n_epochs + 1)])
        self.total_steps_ = count_training_batches(sizes, len(labels), net.max_epochs,
                                                   net.batch_size)
        super().on_train_begin(net, X=X, y=y, **kwargs)

    def _get_scheduler(self, net: Any, policy: Any, **scheduler_kwargs: Any) -> Any:
        # T_max is counted per fit; no constructor argument reaches the policy
        return policy(net.optimizer_, T_max=self.total_steps_)
