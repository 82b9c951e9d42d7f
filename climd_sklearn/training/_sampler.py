"""A seeded, picklable torch sampler over an index set that can be replaced between epochs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import torch
from torch.utils.data import Sampler

__all__ = ["CurriculumSampler"]


class CurriculumSampler(Sampler[int]):
    """Yield the current index set in a fresh seeded random order at each pass.

    The index set is one array, or one row per ensemble member (shape ``(n_members, L)``,
    from ``CurriculumScheduling(n_subsets=...)``); each row is then shuffled on its own and
    the batch iterator gives every member its own minibatches.

    The curriculum callback calls :meth:`set_indices` at the start of every epoch; the
    batch iterator that the net builds once per ``fit`` (:class:`DeviceBatches`) then draws
    the new set's order with :meth:`next_order`. The state is plain attributes (no generator
    objects, no closures), so the sampler pickles.

    Parameters
    ----------
    indices : sequence of int, default=()
        The initial index set.
    seed : int, default=0
        Seed of the shuffling. Pass ``k`` of the ``k``-th pass is shuffled with a
        :class:`torch.Generator` seeded from ``(seed, k)``, so a fit is reproducible.
    shuffle : bool, default=True
        Shuffle each pass; if False, yield the indices in the order given.

    Attributes
    ----------
    n_passes : int
        How many times the sampler has been iterated.
    """

    def __init__(self, indices: Sequence[int] = (), seed: int = 0, shuffle: bool = True) -> None:
        self.indices = np.asarray(indices, dtype=np.int64)
        self.seed = int(seed)
        self.shuffle = shuffle
        self.n_passes = 0

    def set_indices(self, indices: Sequence[int]) -> None:
        """Replace the index set used from the next pass on.

        Parameters
        ----------
        indices : sequence of int, or array of shape (n_members, L)
            Indices into the training dataset; one row per member for member subsets.

        Raises
        ------
        ValueError
            If ``indices`` is neither 1-D nor 2-D.
        """
        indices = np.asarray(indices, dtype=np.int64)
        if indices.ndim not in (1, 2):
            raise ValueError(
                f"indices must be 1-D, or 2-D with one row per member; got shape {indices.shape}."
            )
        self.indices = indices

    def __len__(self) -> int:
        return self.indices.shape[-1]

    def next_order(self) -> np.ndarray:
        """The indices of the next pass, in its order, as one array (counts as a pass).

        The batched iterator of :mod:`~climd_sklearn.training._batches` reads this instead
        of iterating index by index; both give the same order.

        Returns
        -------
        indices : numpy.ndarray of int64
            The current index set, shuffled with the pass's seed when ``shuffle`` (each row
            on its own, for member subsets).
        """
        indices = self.indices
        if self.shuffle:
            seed = int(np.random.SeedSequence([self.seed, self.n_passes]).generate_state(1)[0])
            generator = torch.Generator().manual_seed(seed)
            if indices.ndim == 1:
                indices = indices[torch.randperm(len(indices), generator=generator).numpy()]
            else:
                indices = np.stack([row[torch.randperm(len(row), generator=generator).numpy()]
                                    for row in indices])
        self.n_passes += 1
        return indices

    def __iter__(self) -> Iterator[int]:
        if self.indices.ndim != 1:
            raise TypeError(
                "A CurriculumSampler with one index set per member gives each member its own "
                "batches; only the package's batch iterator (DeviceBatches) reads it."
            )
        return iter(self.next_order().tolist())
