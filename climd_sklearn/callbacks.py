"""The skorch callback that runs the curriculum: rescore, select, hand the sampler the subset."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from skorch.callbacks import Callback, ProgressBar
from skorch.utils import data_from_dataset, to_numpy

from ._validation import PRESENT_KEY
from .measurer import difficulty_score
from .sampler import CurriculumSampler
from .schedulers import BaseScheduler, class_balanced_indices

__all__ = ["CurriculumProgressBar", "CurriculumScheduling"]

ORDERS = ("desc", "asc", "random")
POST_CURRICULUM = ("all", "balanced")


class CurriculumScheduling(Callback):
    """Choose each epoch's training subset and give it to the net's :class:`CurriculumSampler`.

    At the start of every epoch ``t`` (the net's history length, so a resumed fit continues
    the schedule where it stopped) the callback

    1. rescores the whole training set with the current module in eval mode, batched and
       without gradients (every ``rescore_every`` epochs, while the curriculum runs),
    2. turns the scores into a priority (``order``),
    3. asks the scheduler for the epoch's indices and sets them on the sampler, and
    4. records ``subset_size``, ``class_counts``, ``alpha`` (CLIMD's alpha(t)) and
       ``score_mean`` in ``net.history``.

    Epochs after the curriculum (every epoch with ``scheduler=None``, the plain baseline)
    use all samples, or a class-balanced draw with ``post_curriculum="balanced"``.

    Parameters
    ----------
    scheduler : BaseScheduler or None, default=None
        Decides the subset from the priorities and labels.
    measurer : {"both", "intra", "inter"}, default="both"
        Which parts of Eq. 4 make the score.
    order : {"desc", "asc", "random"}, default="desc"
        ``"desc"`` takes the highest scores first, ``"asc"`` the lowest, ``"random"`` a
        seeded random ranking (the control that keeps the schedule but drops the score).
    rescore_every : int, default=1
        Rescore every this many epochs; in between, the last scores are reused.
    seed : int, default=0
        Seed of the random ranking when ``order="random"``.
    warmup_epochs : int, default=0
        Epochs trained on all samples, without scoring, before the curriculum starts; the
        curriculum's epoch ``t`` is then the net's epoch ``warmup_epochs + t``.
    score_momentum : float, default=0.0
        Exponential moving average of the scores across rescorings:
        ``scores = momentum * previous + (1 - momentum) * new``; 0 uses each rescoring alone.
    post_curriculum : {"all", "balanced"}, default="all"
        The samples of the epochs after the curriculum: every sample once (the paper), or
        :func:`~climd_sklearn.schedulers.class_balanced_indices` (as many draws as samples,
        an equal share per class), seeded by ``(seed, epoch)``. Warm-up epochs always use
        all samples.

    Attributes
    ----------
    scores_ : numpy.ndarray or None
        The latest (averaged) scores of the training samples.
    """

    def __init__(
        self,
        scheduler: BaseScheduler | None = None,
        measurer: str = "both",
        order: str = "desc",
        rescore_every: int = 1,
        seed: int = 0,
        warmup_epochs: int = 0,
        score_momentum: float = 0.0,
        post_curriculum: str = "all",
    ) -> None:
        self.scheduler = scheduler
        self.measurer = measurer
        self.order = order
        self.rescore_every = rescore_every
        self.seed = seed
        self.warmup_epochs = warmup_epochs
        self.score_momentum = score_momentum
        self.post_curriculum = post_curriculum

    def initialize(self) -> CurriculumScheduling:
        """Reset the scores; called by skorch when the net is initialised.

        Returns
        -------
        self : CurriculumScheduling
            The callback, ready for a new fit.
        """
        if self.order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}, got {self.order!r}.")
        if self.post_curriculum not in POST_CURRICULUM:
            raise ValueError(
                f"post_curriculum must be one of {POST_CURRICULUM}, "
                f"got {self.post_curriculum!r}."
            )
        self.scores_ = None
        return self

    def on_epoch_begin(self, net: Any, dataset_train: Any = None, **kwargs: Any) -> None:
        """Select this epoch's subset and record the curriculum in the history.

        Parameters
        ----------
        net : skorch.NeuralNet
            The net being trained.
        dataset_train : torch.utils.data.Dataset
            The training dataset (a Subset when a validation split is used).
        **kwargs : dict
            Other skorch callback arguments, unused.
        """
        sampler = net.get_params_for("iterator_train").get("sampler")
        if not isinstance(sampler, CurriculumSampler):
            raise TypeError(
                "CurriculumScheduling needs the net's iterator_train__sampler to be a "
                f"CurriculumSampler, got {type(sampler).__name__}."
            )
        epoch = len(net.history) - self.warmup_epochs
        X, y = data_from_dataset(dataset_train)
        y = to_numpy(y).astype(np.int64)
        n_samples = len(y)
        scheduler = self.scheduler
        if epoch < 1 or scheduler is None or epoch > scheduler.n_epochs:
            net.history.record("subset_size", n_samples)
            if epoch < 1 or self.post_curriculum == "all":
                sampler.set_indices(np.arange(n_samples))
                return
            indices = class_balanced_indices(y, n_samples, seed=[self.seed, epoch])
            sampler.set_indices(indices)
            net.history.record(
                "class_counts", np.bincount(y[indices], minlength=y.max() + 1).tolist()
            )
            return
        if self.scores_ is None or (epoch - 1) % self.rescore_every == 0:
            present = X.get(PRESENT_KEY) if isinstance(X, dict) else None
            new = self._score(net, dataset_train, y, present)
            if self.scores_ is not None and self.score_momentum:
                new = self.score_momentum * self.scores_ + (1.0 - self.score_momentum) * new
            self.scores_ = new
            net.history.record("score_mean", float(self.scores_.mean()))
        indices = scheduler.select(epoch, self._priority(epoch, self.scores_), y)
        sampler.set_indices(indices)
        facts = scheduler.describe(epoch, y)
        net.history.record("subset_size", len(indices))
        net.history.record("class_counts", np.bincount(y[indices], minlength=y.max() + 1).tolist())
        if "alpha" in facts:
            net.history.record("alpha", float(facts["alpha"]))

    def _priority(self, epoch: int, scores: np.ndarray) -> np.ndarray:
        if self.order == "desc":
            return scores
        if self.order == "asc":
            return -scores
        return np.random.default_rng([self.seed, epoch]).random(len(scores))

    def _score(self, net: Any, dataset: Any, y: np.ndarray, present: Any = None) -> np.ndarray:
        """Eq. 4 for every training sample with the module in eval mode, no gradients.

        With a presence mask, psi averages over the present modalities and phi over the
        pairs of present modalities.
        """
        probas: list[list[torch.Tensor]] = []
        embeddings: list[list[torch.Tensor]] = []
        for _, modality_logits, modality_embeddings in net.forward_iter(
            dataset, training=False, device=net.device
        ):
            if not probas:
                probas = [[] for _ in modality_logits]
                embeddings = [[] for _ in modality_embeddings]
            for store, logits in zip(probas, modality_logits):
                store.append(torch.softmax(logits.float(), dim=1))
            for store, emb in zip(embeddings, modality_embeddings):
                store.append(emb.float())
        device = probas[0][0].device
        y_t = torch.as_tensor(y, device=device)
        mask = None if present is None else torch.as_tensor(present, device=device)
        scores = difficulty_score(
            [torch.cat(p) for p in probas],
            [torch.cat(e) for e in embeddings],
            y_t,
            parts=self.measurer,
            mask=mask,
        )
        return to_numpy(scores).astype(np.float64)


class CurriculumProgressBar(ProgressBar):
    """skorch's progress bar, sized to the epoch's curriculum subset.

    skorch's own bar counts the batches of the whole training set; under a curriculum an
    epoch trains on fewer. Placed after :class:`CurriculumScheduling`, this bar reads the
    sampler's current length at each epoch start.

    Parameters
    ----------
    batches_per_epoch : int or str, default="auto"
        Overwritten at each epoch start with the epoch's number of batches.
    detect_notebook : bool, default=True
        Use a notebook progress bar inside Jupyter.
    postfix_keys : list of str or None, default=None
        Batch-level history keys shown next to the bar (skorch's default: the losses).
    """

    def on_epoch_begin(
        self, net: Any, dataset_train: Any = None, dataset_valid: Any = None, **kwargs: Any
    ) -> None:
        """Size the bar to this epoch's batches, then start it.

        Parameters
        ----------
        net : skorch.NeuralNet
            The net being trained.
        dataset_train : torch.utils.data.Dataset
            The training dataset.
        dataset_valid : torch.utils.data.Dataset or None
            The validation dataset, if any.
        **kwargs : dict
            Other skorch callback arguments.
        """
        train = net.get_params_for("iterator_train")
        valid = net.get_params_for("iterator_valid")
        sampler = train.get("sampler")
        n_train = len(sampler) if sampler is not None else len(dataset_train)
        n_valid = 0 if dataset_valid is None else len(dataset_valid)
        self.batches_per_epoch = -(-n_train // train.get("batch_size", net.batch_size)) + (
            -(-n_valid // valid.get("batch_size", net.batch_size))
        )
        super().on_epoch_begin(net, dataset_train, dataset_valid, **kwargs)
