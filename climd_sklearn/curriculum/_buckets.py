"""Difficulty buckets: the Baby Step and One-Pass schedulers (ablations of the paper's Table 4)."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

import numpy as np

from .._docstring import Substitution
from ._base import BaseScheduler
from ._docstrings import BUCKET_SCHEDULER_PARAMETERS, BUCKET_STAGES
from ._validation import check_epoch_pair, check_int


class _BucketScheduler(BaseScheduler):
    """Shared code of the Baby Step and One-Pass schedulers."""

    def __init__(
        self, n_epochs: int | None = None, n_buckets: int = 5, min_size: int | None = None
    ) -> None:
        super().__init__(n_epochs)
        self.n_buckets = n_buckets
        self.min_size = min_size

    def _check(self) -> int:
        n_epochs = super()._check()
        check_int(self.n_buckets, "n_buckets", 1)
        if self.min_size is not None:
            check_int(self.min_size, "min_size", 1)
        return n_epochs

    def stages(self, epoch: int) -> tuple[int, int]:
        """First and last stage ``(lo_t, hi_t)`` covered by a curriculum epoch.

        Epoch ``t`` reaches stage ``hi_t = ceil(t * K / T)`` and covers the stages it reaches
        for the first time: ``lo_t..hi_t`` with ``lo_t = min(hi_t, ceil((t - 1) * K / T) + 1)``.
        One stage per epoch when ``T >= K``, several when ``T < K``; no stage is skipped.

        Parameters
        ----------
        epoch : int
            1-based epoch ``t``, ``<= n_epochs``.

        Returns
        -------
        lo : int
            The first stage the epoch reaches, between 1 and ``n_buckets``.
        hi : int
            The last stage the epoch reaches, between ``lo`` and ``n_buckets``.

        Raises
        ------
        TypeError
            If a constructor argument or ``epoch`` has a wrong type.
        ValueError
            If ``n_epochs`` is None, a constructor argument has a bad value, or ``epoch`` is
            outside ``[1, n_epochs]``.
        """
        epoch, T = check_epoch_pair(epoch, self._check())
        K = int(self.n_buckets)
        hi = -(-epoch * K // T)  # ceil(t * K / T) <= K since t <= T
        lo = min(hi, -(-(epoch - 1) * K // T) + 1)
        return lo, hi

    def stage(self, epoch: int) -> int:
        """Last stage ``hi_t = ceil(t * K / T)`` reached by a curriculum epoch.

        Parameters
        ----------
        epoch : int
            1-based epoch ``t``, ``<= n_epochs``.

        Returns
        -------
        stage : int
            The 1-based stage, between 1 and ``n_buckets``; see :meth:`stages` for the first.

        Raises
        ------
        TypeError
            If a constructor argument or ``epoch`` has a wrong type.
        ValueError
            If ``n_epochs`` is None, a constructor argument has a bad value, or ``epoch`` is
            outside ``[1, n_epochs]``.
        """
        return self.stages(epoch)[1]

    def _bounds(self, epoch: int, n_samples: int) -> tuple[int, int]:
        """Start and stop of the epoch's window in the priority order."""
        lo, hi = self.stages(epoch)
        sizes = [len(b) for b in np.array_split(np.arange(n_samples), int(self.n_buckets))]
        edges = np.concatenate([[0], np.cumsum(sizes)])
        start, stop = self._window(lo, hi, edges)
        min_size = 1 if self.min_size is None else int(self.min_size)
        size = min(n_samples, max(stop - start, min_size))
        start = min(start, n_samples - size)
        return start, start + size

    @abstractmethod
    def _window(self, lo: int, hi: int, edges: np.ndarray) -> tuple[int, int]:
        """Start and stop of stages ``lo..hi`` given the bucket edges."""

    def _select(self, epoch: int, order: np.ndarray, y: np.ndarray) -> np.ndarray:
        start, stop = self._bounds(epoch, y.shape[0])
        return order[start:stop]

    def _describe(self, epoch: int, y: np.ndarray) -> dict[str, Any]:
        start, stop = self._bounds(epoch, y.shape[0])
        lo, hi = self.stages(epoch)
        return {"subset_size": stop - start, "stage": hi, "stages": list(range(lo, hi + 1))}


@Substitution(stages=BUCKET_STAGES, parameters=BUCKET_SCHEDULER_PARAMETERS)
class BabyStepScheduler(_BucketScheduler):
    """Baby Step scheduler (an ablation of the paper's Table 4).

    Samples are sorted by priority, descending, and split into ``K`` buckets with
    ``np.array_split`` (bucket 1 = highest priority). Stage ``k`` trains on buckets ``1..k``
    (cumulative), and an epoch trains on buckets ``1..hi_t``, the last stage it reaches; at
    least ``min_size`` samples, taken in priority order. After ``n_epochs``, all data.

    {stages}

    {parameters}
    """

    def _window(self, lo: int, hi: int, edges: np.ndarray) -> tuple[int, int]:
        return 0, int(edges[hi])


@Substitution(stages=BUCKET_STAGES, parameters=BUCKET_SCHEDULER_PARAMETERS)
class OnePassScheduler(_BucketScheduler):
    """One-Pass scheduler (an ablation of the paper's Table 4).

    Same buckets as :class:`BabyStepScheduler`, but stage ``k`` trains on bucket ``k`` alone,
    and an epoch on the union of the buckets of the stages it covers, ``lo_t..hi_t``; after
    ``n_epochs``, on all data. A window smaller than ``min_size`` is extended with the next
    samples in priority order (and shifted back if it runs past the end).

    {stages}

    {parameters}
    """

    def _window(self, lo: int, hi: int, edges: np.ndarray) -> tuple[int, int]:
        return int(edges[lo - 1]), int(edges[hi])
