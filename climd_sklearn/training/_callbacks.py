"""The skorch callback that runs the curriculum: rescore, select, hand the sampler the subset."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import torch
from scipy.stats import rankdata
from skorch.callbacks import Callback
from skorch.utils import data_from_dataset, to_numpy

from .._sample_weight import WEIGHT_KEY
from .._validation import PRESENT_KEY
from ..curriculum import BaseScheduler
from ..measurer import difficulty_score, inter_modal_complementarity, intra_modal_confidence
from ._batches import DeviceBatches
from ._sampler import CurriculumSampler

__all__ = ["ORDERS", "CurriculumScheduling", "score_dataset"]

#: Accepted values of ``order``.
ORDERS = ("desc", "asc", "random", "weighted")


class CurriculumScheduling(Callback):
    """Choose each epoch's training subset and give it to the net's :class:`CurriculumSampler`.

    At the start of every epoch ``t`` (the net's history length, so a resumed fit continues
    the schedule where it stopped) the callback

    1. rescores the whole training set with the current module in eval mode, batched and
       without gradients (every ``rescore_every`` epochs, while the curriculum runs, and
       whenever the training set has changed size, e.g. a warm-start fit on new data),
    2. turns the scores into a priority (``order``),
    3. asks the scheduler for the epoch's indices and sets them on the sampler, and
    4. records the epoch in ``net.history``: ``subset_size``, ``class_counts`` and
       ``n_subsets`` (how many subsets the epoch drew: one per member with member subsets,
       else 1) every epoch, and with sample weights ``weighted_class_counts`` (each
       class's total weight in the epoch's subset, averaged over the members' subsets);
       in curriculum epochs also the scheduler's ``alpha`` and ``exponent`` (CLIMD's
       scheduler only) and, when the set was (re)scored, ``score_mean`` and, with
       ``keep_scores``, ``train_scores``.

    Epochs after the curriculum (every epoch with ``scheduler=None``, the plain baseline)
    use all samples.

    Parameters
    ----------
    scheduler : BaseScheduler or None, default=None
        Decides the subset from the priorities and labels; its ``n_epochs`` must be set.
    measurer : {"both", "intra", "inter"}, default="both"
        Which parts of Eq. 4 make the score.
    order : {"desc", "asc", "random", "weighted"}, default="desc"
        ``"desc"`` takes the highest scores first, ``"asc"`` the lowest, ``"random"`` a
        seeded random ranking (the control that keeps the schedule but drops the score; the
        training set is then not scored at all, and ``score_mean`` is not recorded).
        ``"weighted"`` uses the scores as sampling weights: each quota is a seeded random
        draw without replacement in which a sample's weight is its hardness rank within its
        class (1 for the highest score of the class, ``n_c`` for the lowest), drawn by the
        keys ``log(u) / weight`` of Efraimidis and Spirakis (2006); equal scores give the
        random order's draw (research round 39).
    rescore_every : int, default=1
        Rescore every this many epochs; in between, the last scores are reused.
    seed : int, default=0
        Seed of the random draws of ``order="random"`` and ``order="weighted"``.
    scoring_batch_size : int, default=4096
        Rows scored at a time (independent of the training batch size); the whole set
        when it is smaller.
    n_subsets : int, default=1
        How many subsets to choose in each curriculum epoch: one per member of an ensemble
        module (:class:`~climd_sklearn.modules.EnsembleFusionNet`), each filling the same
        class quotas in its own order, so that every member trains on other samples of the
        classes the quotas cut (as EasyEnsemble, Liu et al. 2009, trains each member on its
        own subsample of the majority). With ``order="random"`` each member draws its own
        seeded random order; with a score order each member is scored by its own heads and
        embeddings (Eq. 1-4 per member, ``score_dataset(per_member=True)``) and takes its
        own lowest or highest scores. The sampler then holds one index row per member and
        the batches are member-wise. 1 chooses one subset for all.
    keep_scores : bool, default=False
        Also record each scoring pass's scores in the history as ``train_scores``: a
        float32 array of length ``len(dataset_train)`` (one row per member when members
        are scored separately), in the order of its rows, computed at the start of the
        epoch (so with the model as it was after the previous epoch).
        Read them with ``net.history[:, "train_scores"]`` (one array per scored epoch;
        ``net.history[:, ("epoch", "train_scores")]`` pairs them with their epochs). False
        stores nothing of the training set's size in the history.

    Attributes
    ----------
    scores_ : numpy.ndarray or None
        The latest scores (Eq. 4) of the training samples, float64; one row per member,
        ``(n_subsets, N)``, when several subsets are chosen in score order.
    """

    def __init__(
        self,
        scheduler: BaseScheduler | None = None,
        measurer: str = "both",
        order: str = "desc",
        rescore_every: int = 1,
        seed: int = 0,
        scoring_batch_size: int = 4096,
        n_subsets: int = 1,
        keep_scores: bool = False,
    ) -> None:
        self.scheduler = scheduler
        self.measurer = measurer
        self.order = order
        self.rescore_every = rescore_every
        self.seed = seed
        self.scoring_batch_size = scoring_batch_size
        self.n_subsets = n_subsets
        self.keep_scores = keep_scores

    def initialize(self) -> CurriculumScheduling:
        """Reset the scores; called by skorch when the net is initialised.

        Returns
        -------
        self : CurriculumScheduling
            The callback, ready for a new fit.
        """
        if self.order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}, got {self.order!r}.")
        if (isinstance(self.n_subsets, bool) or not isinstance(self.n_subsets, int)
                or self.n_subsets < 1):
            raise ValueError(f"n_subsets must be an int >= 1, got {self.n_subsets!r}.")
        if self.n_subsets > 1 and self.scheduler is None:
            raise ValueError(
                f"n_subsets={self.n_subsets} draws one subset per member, but there is no "
                "curriculum (every epoch trains on every sample); several subsets need one."
            )
        if self.scheduler is not None and self.scheduler.n_epochs is None:
            raise ValueError(
                f"The scheduler {self.scheduler!r} has no n_epochs; set the number of "
                "curriculum epochs before training."
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
        epoch = len(net.history)
        X, y = data_from_dataset(dataset_train)
        y = to_numpy(y).astype(np.int64)
        n_samples = len(y)
        scheduler = self.scheduler
        if scheduler is None or epoch > scheduler.n_epochs:
            indices = np.arange(n_samples)
        elif self.order == "random" and self.n_subsets > 1:  # one draw per member
            indices = self._member_subsets(scheduler, epoch, y)
        elif self.order == "random":  # the control ignores the score: nothing to compute
            priority = self._uniforms(epoch, n_samples)
            indices = scheduler.select(epoch, priority, y)
        else:
            stale = self.scores_ is None or self.scores_.shape[-1] != n_samples
            if stale or (epoch - 1) % self.rescore_every == 0:
                present = X.get(PRESENT_KEY) if isinstance(X, dict) else None
                self.scores_ = self._score(net, dataset_train, y, present)
                net.history.record("score_mean", float(self.scores_.mean()))
                if self.keep_scores:
                    net.history.record("train_scores", self.scores_.astype(np.float32))
            if self.order == "weighted":
                priority = self._weighted_draw_keys(self.scores_, y, epoch)
            else:
                priority = self.scores_ if self.order == "desc" else -self.scores_
            if self.n_subsets > 1:  # each member in the order of its own scores
                indices = self._member_subsets(scheduler, epoch, y, priority)
            else:
                indices = scheduler.select(epoch, priority, y)
        if scheduler is not None and epoch <= scheduler.n_epochs:
            facts = scheduler.describe(epoch, y)
            for key in ("alpha", "exponent"):
                if key in facts:
                    net.history.record(key, float(facts[key]))
        indices = np.asarray(indices)
        sampler.set_indices(indices)
        first = indices if indices.ndim == 1 else indices[0]  # every member's counts are equal
        net.history.record("subset_size", len(first))
        net.history.record("class_counts", np.bincount(y[first], minlength=y.max() + 1).tolist())
        net.history.record("n_subsets", 1 if indices.ndim == 1 else len(indices))
        weights = X.get(WEIGHT_KEY) if isinstance(X, dict) else None
        if weights is not None:  # the weighted counts, averaged over the members' draws
            weights = to_numpy(weights).astype(np.float64)
            totals = [np.bincount(y[rows], weights=weights[rows], minlength=y.max() + 1)
                      for rows in np.atleast_2d(indices)]
            net.history.record("weighted_class_counts", np.mean(totals, axis=0).tolist())

    def _uniforms(self, epoch: int, n_samples: int, member: int | None = None) -> np.ndarray:
        """The random order's priorities of an epoch: seeded by ``(seed, epoch)``, and by
        ``(seed, epoch, member)`` for one member's own order."""
        seed = [self.seed, epoch] if member is None else [self.seed, epoch, member]
        return np.random.default_rng(seed).random(n_samples)

    def _weighted_draw_keys(self, scores: np.ndarray, y: np.ndarray, epoch: int) -> np.ndarray:
        """Keys whose largest values are a draw weighted by within-class hardness rank.

        For weights ``w`` and uniforms ``u``, taking the largest ``log(u) / w`` first draws
        without replacement with probability proportional to ``w`` at every step
        (Efraimidis and Spirakis 2006). ``w`` is the rank of ``-score`` within the sample's
        class (ties averaged), so the lowest score of a class weighs ``n_c`` and the highest
        1. The uniforms are the random order's (seeded by ``(seed, epoch)``, and by
        ``(seed, epoch, k)`` for member ``k``), so equal weights give its ranking exactly.
        One row of keys per row of ``scores``.
        """
        rows = np.atleast_2d(scores)
        keys = np.empty_like(rows)
        counts = np.bincount(y)
        class_start = (np.cumsum(counts) - counts)[y]  # samples of lower labels
        for k, row in enumerate(rows):
            uniform = self._uniforms(epoch, len(y), None if scores.ndim == 1 else k)
            # rank within the class in one sort: the labels first, then the hardness rank
            # (exact in float64: ranks are integers or halves, far below 2**52)
            by_class = y * (len(y) + 1.0) + rankdata(-row)
            weight = rankdata(by_class) - class_start
            with np.errstate(divide="ignore"):  # u = 0 (odds 2**-53) is key -inf: drawn last
                keys[k] = np.log(uniform) / weight
        return keys if scores.ndim == 2 else keys[0]

    def _member_subsets(self, scheduler: BaseScheduler, epoch: int, y: np.ndarray,
                        priority: np.ndarray | None = None) -> np.ndarray:
        """One subset per member, ``(n_subsets, L)``: the same quotas, each member's order.

        ``priority`` holds one row per member (its own scores); None draws a seeded random
        order per member.
        """
        if priority is None:
            priority = np.stack([self._uniforms(epoch, len(y), k) for k in range(self.n_subsets)])
        elif priority.shape != (self.n_subsets, len(y)):
            raise ValueError(
                f"n_subsets={self.n_subsets} needs one score per member and sample, shape "
                f"({self.n_subsets}, {len(y)}); the scoring pass gave {priority.shape}."
            )
        subsets = [scheduler.select(epoch, row, y) for row in priority]
        counts = {tuple(np.bincount(y[s], minlength=y.max() + 1)) for s in subsets}
        if len(counts) > 1:
            raise ValueError(
                f"{scheduler!r} chose other class counts for another member's order at epoch "
                f"{epoch} ({sorted(counts)}); member subsets need quotas that depend on the "
                "labels only."
            )
        return np.stack(subsets)

    def _score(self, net: Any, dataset: Any, y: np.ndarray, present: Any = None) -> np.ndarray:
        """Eq. 4 for every training sample: :func:`score_dataset` with this callback's settings.

        With several subsets, each member is scored by its own outputs, ``(n_subsets, N)``.
        """
        return score_dataset(net, dataset, y, present, parts=self.measurer,
                             batch_size=self.scoring_batch_size,
                             per_member=self.n_subsets > 1)


def score_dataset(
    net: Any,
    dataset: Any,
    y: np.ndarray,
    present: Any = None,
    *,
    parts: str = "both",
    batch_size: int = 4096,
    components: bool = False,
    per_member: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score every row of ``dataset`` (Eq. 1-4) with the net's module in eval mode, no gradients.

    The one scoring pass of the package: the curriculum callback rescores the training set
    with it and :meth:`~climd_sklearn.CLIMDClassifier.difficulty` scores any labelled data.
    Streamed: ``batch_size`` rows at a time, and only the per-sample results are kept, so
    memory is O(N) plus one batch's outputs, whatever the number of classes. Each head's
    log-softmax is taken in float32 and the measurer works in float64 (the embeddings too:
    phi's float32 rounding, about 1e-7, would swamp the psi of a confidently wrong sample),
    so such samples keep distinct scores instead of tying at a probability floor. With a
    presence mask, psi averages over the present modalities and phi over the pairs of present
    modalities.

    Parameters
    ----------
    net : CLIMDNet
        An initialised net whose module follows the module protocol.
    dataset : torch.utils.data.Dataset
        Batches of ``({modality: tensor}, labels)`` (a :class:`MultimodalDataset` or a
        subset of one); the presence mask, if any, under the reserved key.
    y : numpy.ndarray of shape (n_samples,)
        Integer-encoded labels of the rows, in dataset order.
    present : array-like of shape (n_samples, n_modalities) or None, default=None
        True where a modality is present; None when every modality is.
    parts : {"both", "intra", "inter"}, default="both"
        Which parts of Eq. 4 make the score.
    batch_size : int, default=4096
        Rows scored at a time.
    components : bool, default=False
        Also return each modality's psi (Eq. 1) and phi (Eq. 3).
    per_member : bool, default=False
        Score each member of an ensemble module by its own heads and embeddings (the
        module is called with ``members=True``); the scores are then of shape
        ``(n_members, n_samples)``. Not with ``components``.

    Returns
    -------
    scores : numpy.ndarray of shape (n_samples,) or (n_members, n_samples)
        The score (float64); alone when ``components`` is False.
    psi : numpy.ndarray of shape (n_samples, n_modalities)
        With ``components``: each modality's confidence, NaN where the modality is absent.
    phi : numpy.ndarray of shape (n_samples,)
        With ``components``: the complementarity over the present pairs.
    """
    if per_member:
        if components:
            raise ValueError("per_member=True scores each member; it returns no components.")
        if "members" not in inspect.signature(net.module_.forward).parameters:
            raise ValueError(
                f"Scoring per member needs an ensemble module whose forward takes "
                f"members=True (such as EnsembleFusionNet); {type(net.module_).__name__} "
                "does not."
            )
    scores = psi = phi = None
    start = 0
    for batch in DeviceBatches(dataset, batch_size, net.device):  # rows on the device once
        if per_member:  # member axis first
            _, modality_logits, modality_embeddings = net.member_step(batch)
            if modality_logits[0].ndim != 3:
                raise ValueError(
                    f"Scoring per member needs an ensemble module whose members=True outputs "
                    f"have a member axis; {type(net.module_).__name__} returned per-modality "
                    f"logits of shape {tuple(modality_logits[0].shape)}."
                )
        else:  # the module's own outputs, as one "member"
            _, modality_logits, modality_embeddings = net.evaluation_step(batch, training=False)
            modality_logits = tuple(lg[None] for lg in modality_logits)
            modality_embeddings = tuple(emb[None] for emb in modality_embeddings)
        n_members, n_rows = modality_logits[0].shape[:2]
        if scores is None:
            scores = np.empty((n_members, len(y)), dtype=np.float64)
        stop = start + n_rows
        device = modality_logits[0].device
        mask = None if present is None else torch.as_tensor(present[start:stop], device=device)
        labels = torch.as_tensor(y[start:stop], device=device)
        with torch.no_grad():
            for k in range(n_members):
                log_probas = [torch.log_softmax(lg[k].float(), dim=1).double()
                              for lg in modality_logits]
                embeddings = [emb[k].double() for emb in modality_embeddings]
                scores[k, start:stop] = to_numpy(difficulty_score(
                    log_probas, embeddings, labels, parts=parts, mask=mask))
            if components:
                if psi is None:
                    psi = np.empty((len(y), len(log_probas)), dtype=np.float64)
                    phi = np.empty(len(y), dtype=np.float64)
                for m, log_proba in enumerate(log_probas):
                    if mask is not None:  # absent rows' logits are ignored (the protocol)
                        log_proba = torch.where(mask[:, m : m + 1], log_proba,
                                                torch.zeros_like(log_proba))
                    psi[start:stop, m] = to_numpy(intra_modal_confidence(log_proba, labels))
                phi[start:stop] = to_numpy(inter_modal_complementarity(embeddings, mask))
        start = stop
    if scores is None:  # no rows
        scores = np.empty((1, 0), dtype=np.float64)
    if not per_member:
        scores = scores[0]
    if not components:
        return scores
    if present is not None:
        psi[~np.asarray(present, dtype=bool)] = np.nan
    return scores, psi, phi
