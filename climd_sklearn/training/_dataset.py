"""Batched torch dataset over a validated ``{modality: array}`` dict.

skorch's own :class:`skorch.dataset.Dataset` fetches one row at a time, which dominates the
cost on small tabular data. This dataset implements ``__getitems__`` so the DataLoader fetches
a whole minibatch with one indexing operation per modality; :func:`collate_batch` then passes
the ready batch through.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch.utils.data import Dataset

__all__ = ["MultimodalDataset", "collate_batch"]

Batch = tuple[dict[str, torch.Tensor], torch.Tensor]


class MultimodalDataset(Dataset):
    """Rows of several modalities and their labels, as tensors.

    Parameters
    ----------
    X : mapping of str to numpy.ndarray
        Validated float arrays with the same number of rows.
    y : numpy.ndarray or None, default=None
        Integer-encoded labels; None at prediction time (a zero placeholder is served).
    """

    def __init__(self, X: Mapping[str, np.ndarray], y: np.ndarray | None = None) -> None:
        self.X = {name: torch.as_tensor(values) for name, values in X.items()}
        self._n = len(next(iter(self.X.values())))
        self.y = None if y is None else torch.as_tensor(np.asarray(y), dtype=torch.long)
        self._placeholder = torch.zeros(self._n, dtype=torch.long)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int) -> Batch:
        y = self.y if self.y is not None else self._placeholder
        return {name: values[i] for name, values in self.X.items()}, y[i]

    def __getitems__(self, indices: Sequence[int]) -> Batch:
        index = torch.as_tensor(indices, dtype=torch.long)
        y = self.y if self.y is not None else self._placeholder
        return {name: values[index] for name, values in self.X.items()}, y[index]


def collate_batch(batch: Batch) -> Batch:
    """Pass a batch built by :meth:`MultimodalDataset.__getitems__` through unchanged.

    Parameters
    ----------
    batch : tuple
        ``({modality: tensor}, labels)`` for one minibatch.

    Returns
    -------
    batch : tuple
        The same object.
    """
    return batch
