"""The skorch callback that ends a fit on the average of its last epochs' weights (SWA).

``CLIMDClassifier(weight_averaging=start)`` adds it (research rounds 28 and 32-33).
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

from sklearn.utils import check_scalar
from skorch.callbacks import Callback
from torch.optim.swa_utils import AveragedModel

__all__ = ["WeightAveraging"]


class WeightAveraging(Callback):
    """Replace the trained weights by their average over the fit's last epochs (SWA).

    Stochastic weight averaging (Izmailov et al., 2018, "Averaging Weights Leads to Wider
    Optima and Better Generalization") takes the equally weighted mean of the weights that
    training visits late in a fit instead of its last point. At the end of every epoch
    after the first ``start`` fraction of ``max_epochs`` (counted within each call to
    ``fit``), the module's parameters and buffers are added to a running mean
    (:class:`torch.optim.swa_utils.AveragedModel`); when training ends the module gets the
    mean. With ``start=0.75`` and 30 epochs, epochs 23 to 30 are averaged. An ensemble's
    stacked member weights are averaged member by member, as every tensor is averaged
    entry by entry. The network has no batch normalization, so no statistics need
    recomputing after the swap.

    Parameters
    ----------
    start : float, default=0.75
        The fraction of ``max_epochs`` after which the epochs' weights are averaged, in
        ``[0, 1)``; 0 averages every epoch.

    Attributes
    ----------
    n_averaged_ : int
        How many epochs' weights the last fit averaged.
    """

    def __init__(self, start: float = 0.75) -> None:
        self.start = start

    def initialize(self) -> WeightAveraging:
        """Check ``start``; the average itself starts in :meth:`on_train_begin`.

        Returns
        -------
        self : WeightAveraging
            The callback.

        Raises
        ------
        ValueError
            If ``start`` is not in ``[0, 1)``.
        TypeError
            If ``start`` is not a real number.
        """
        check_scalar(self.start, "start", Real, min_val=0.0, max_val=1.0,
                     include_boundaries="left")
        return self

    def on_train_begin(self, net: Any, **kwargs: Any) -> None:
        """Start a new average at the first epoch of this fit.

        Parameters
        ----------
        net : skorch.NeuralNet
            The net being trained.
        **kwargs : dict
            Other skorch callback arguments, unused.
        """
        self._averaged: AveragedModel | None = None
        self.n_averaged_ = 0
        self._first_epoch = len(net.history)

    def on_epoch_end(self, net: Any, **kwargs: Any) -> None:
        """Add this epoch's weights to the average once past the ``start`` fraction.

        Parameters
        ----------
        net : skorch.NeuralNet
            The net being trained.
        **kwargs : dict
            Other skorch callback arguments, unused.
        """
        epoch = len(net.history) - self._first_epoch  # 1-based within this fit
        if epoch <= math.floor(self.start * net.max_epochs):
            return
        if self._averaged is None:
            self._averaged = AveragedModel(net.module_, use_buffers=True)
        self._averaged.update_parameters(net.module_)
        self.n_averaged_ += 1

    def on_train_end(self, net: Any, **kwargs: Any) -> None:
        """Load the averaged weights into the module.

        A fit stopped before any epoch past ``start`` (for example by early stopping) keeps
        its last weights.

        Parameters
        ----------
        net : skorch.NeuralNet
            The net being trained.
        **kwargs : dict
            Other skorch callback arguments, unused.
        """
        if self._averaged is not None:
            net.module_.load_state_dict(self._averaged.module.state_dict())
            self._averaged = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(start={self.start!r})"
