"""skorch's progress bar, sized to the curriculum's subset of each epoch."""

from __future__ import annotations

from typing import Any

from skorch.callbacks import ProgressBar

__all__ = ["CurriculumProgressBar"]


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
