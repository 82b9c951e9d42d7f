"""The one batching path: minibatches indexed on the fit's device, for every device.

skorch iterates a :class:`torch.utils.data.DataLoader` per epoch, which on small tabular
batches costs more than the step itself: a sampler yielding Python ints, a batch sampler
grouping them, a fetcher, a collate function, and (on a GPU) one host-to-device copy per
batch. :class:`DeviceBatches` replaces it for the package's datasets. The rows go to the
device once per fit (:func:`~climd_sklearn.training._dataset.dataset_tensors`), the pass's
order is one index tensor there, and each minibatch is one indexing operation per modality.
The CPU runs exactly this code, so the CPU tests exercise what a GPU runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

from ._dataset import Batch, dataset_tensors

__all__ = ["DeviceBatches"]


class DeviceBatches:
    """Minibatches of a dataset's rows, indexed where the rows already are.

    Each pass (``iter``) takes its order from the sampler (its :meth:`next_order`, or the
    sampler's iteration for another sampler) or, without one, the rows in order, and yields
    ``({modality: tensor}, labels)`` slices of ``batch_size`` rows, the last one shorter.
    An order with one row per ensemble member (member subsets) yields member-wise batches:
    tensors of shape ``(n_members, batch, ...)`` and labels ``(n_members, batch)``.

    Like the DataLoader it replaces, each pass draws one number from torch's global random
    generator (the DataLoader's per-pass worker seed). Dropout draws from the same
    generator, so keeping that draw keeps a seeded fit's results the same as with the
    DataLoader.

    Parameters
    ----------
    dataset : torch.utils.data.Dataset
        A :class:`MultimodalDataset` or a ``Subset`` of one (see :func:`dataset_tensors`).
    batch_size : int
        Rows per batch; -1 or more than the rows means one batch of every row.
    device : str or torch.device
        The device of the fit; the rows move there once.
    sampler : torch.utils.data.Sampler or None, default=None
        The order of each pass; None keeps the dataset's order.

    Raises
    ------
    TypeError
        If ``dataset`` is not one of the package's datasets.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int,
        device: str | torch.device,
        sampler: Any = None,
    ) -> None:
        tensors = dataset_tensors(dataset, device)
        if tensors is None:
            raise TypeError(
                "DeviceBatches needs a MultimodalDataset or a Subset of one, got "
                f"{type(dataset).__name__}."
            )
        self.X, self.y = tensors
        self.n_rows = len(self.y)
        self.batch_size = max(1, self.n_rows if batch_size == -1 else int(batch_size))
        self.device = device
        self.sampler = sampler

    def _order(self) -> torch.Tensor | None:
        """This pass's row order on the device, or None for the rows in order."""
        if self.sampler is None:
            return None
        if hasattr(self.sampler, "next_order"):
            order = self.sampler.next_order()
        else:
            order = np.fromiter(iter(self.sampler), dtype=np.int64)
        return torch.as_tensor(order, dtype=torch.long).to(self.y.device)

    def __len__(self) -> int:
        n = self.n_rows if self.sampler is None else len(self.sampler)
        return -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Batch]:
        # the DataLoader's per-pass base seed, drawn from the global generator (see above)
        torch.empty((), dtype=torch.int64).random_()
        order = self._order()
        n = self.n_rows if order is None else order.shape[-1]
        X, y, size = self.X, self.y, self.batch_size
        for start in range(0, n, size):
            if order is None:
                stop = min(start + size, n)
                yield {name: values[start:stop] for name, values in X.items()}, y[start:stop]
            else:
                rows = order[..., start:start + size]
                yield {name: values[rows] for name, values in X.items()}, y[rows]
