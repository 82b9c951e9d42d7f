"""Batched torch dataset over a validated ``{modality: array}`` dict.

skorch's own :class:`skorch.dataset.Dataset` fetches one row at a time, which dominates the
cost on small tabular data. This dataset holds one tensor per modality; :func:`dataset_tensors`
hands them (or a subset's rows) to the device once per fit, where
:class:`~climd_sklearn.training._batches.DeviceBatches` indexes the minibatches. For a plain
DataLoader it also implements ``__getitems__`` (a whole minibatch with one indexing operation
per modality), and :func:`collate_batch` passes that ready batch through.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch.utils.data import Dataset, Subset

__all__ = ["MultimodalDataset", "collate_batch", "dataset_tensors"]

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


def dataset_tensors(dataset: Dataset, device: str | torch.device) -> Batch | None:
    """All rows of a :class:`MultimodalDataset` (or a ``Subset`` of one) as tensors on ``device``.

    Built on the first call and cached on the dataset object, so the rows move to the device
    once per fit (on the CPU the modality tensors are shared, not copied; a subset's rows
    are gathered once). skorch's datasets live for one ``fit``, and so does the cache.

    Parameters
    ----------
    dataset : torch.utils.data.Dataset
        A :class:`MultimodalDataset`, or a (nested) ``Subset`` of one, such as the training
        part of skorch's validation split.
    device : str or torch.device
        Where the tensors go.

    Returns
    -------
    tensors : tuple or None
        ``({modality: tensor}, labels)`` with every row, in dataset order (labels are the
        zero placeholder at prediction time); None for any other dataset.
    """
    key = str(device)
    cache = getattr(dataset, "_climd_tensors", None)
    if cache is not None and cache[0] == key:
        return cache[1]
    if isinstance(dataset, MultimodalDataset):
        X = dataset.X
        y = dataset.y if dataset.y is not None else dataset._placeholder
    elif isinstance(dataset, Subset):
        parent = dataset_tensors(dataset.dataset, "cpu")
        if parent is None:
            return None
        rows = torch.as_tensor(np.asarray(dataset.indices), dtype=torch.long)
        X = {name: values[rows] for name, values in parent[0].items()}
        y = parent[1][rows]
    else:
        return None
    tensors = ({name: values.to(device) for name, values in X.items()}, y.to(device))
    dataset._climd_tensors = (key, tensors)
    return tensors
