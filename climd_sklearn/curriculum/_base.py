"""The scheduler interface :class:`BaseScheduler`, and the integer splitting schedulers share."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from .._docstring import Substitution
from ._docstrings import N_EPOCHS
from ._validation import check_int, check_select_inputs


@Substitution(n_epochs=N_EPOCHS)
class BaseScheduler(BaseEstimator, metaclass=ABCMeta):
    """Interface shared by CLIMD's scheduler and the ablation schedulers.

    ``select(epoch, priority, y)`` returns the indices of the training samples of a 1-based
    epoch, where a higher ``priority`` means "take first"; the caller decides what the
    priority is (the curriculum score, its negation, or random numbers).

    A scheduler is a scikit-learn estimator without ``fit``: the constructor stores its
    arguments unchanged, ``get_params`` / ``set_params`` / ``repr`` / :func:`sklearn.base.clone`
    come from :class:`sklearn.base.BaseEstimator` (so a grid search reaches them as nested
    parameters, ``curriculum__initial_fraction``), and the arguments are validated when
    :meth:`select` or :meth:`describe` is called. It holds no other state and is picklable.

    Parameters
    ----------
    {n_epochs}
    """

    def __init__(self, n_epochs: int | None = None) -> None:
        self.n_epochs = n_epochs

    def _check(self) -> int:
        """Validate the constructor arguments and return ``n_epochs``; subclasses extend it."""
        if self.n_epochs is None:
            raise ValueError(
                f"{type(self).__name__} has n_epochs=None: set n_epochs, the number of "
                f"curriculum epochs T, e.g. {type(self).__name__}(n_epochs=10) or "
                "scheduler.set_params(n_epochs=10). (CLIMDClassifier sets it itself.)"
            )
        return check_int(self.n_epochs, "n_epochs", 1)

    def select(self, epoch: int, priority: Any, y: Any) -> np.ndarray:
        """Indices of the training samples to use at ``epoch``.

        Parameters
        ----------
        epoch : int
            1-based epoch. For ``epoch > n_epochs`` all samples are returned.
        priority : array-like of shape (n_samples,)
            Higher priority is taken first; ties are broken by index order (stable sort of
            ``-priority``). NaN is not allowed.
        y : array-like of shape (n_samples,)
            Integer-encoded labels ``0..C-1``.

        Returns
        -------
        indices : ndarray of shape (subset_size,), dtype int64
            The selected sample indices, sorted ascending (the sampler shuffles them).

        Raises
        ------
        TypeError
            If a constructor argument or ``epoch`` has a wrong type.
        ValueError
            If ``n_epochs`` is None, a constructor argument has a bad value, ``epoch`` is
            < 1, or ``priority`` / ``y`` have a wrong shape, dtype or content.
        """
        n_epochs = self._check()
        epoch = check_int(epoch, "epoch", 1)
        priority, y = check_select_inputs(priority, y)
        n_samples = y.shape[0]
        if epoch > n_epochs:
            return np.arange(n_samples, dtype=np.int64)
        order = np.argsort(-priority, kind="stable")
        selected = self._select(epoch, order, y)
        return np.sort(selected).astype(np.int64)

    def describe(self, epoch: int, y: Any) -> dict[str, Any]:
        """Loggable facts about ``epoch``.

        Parameters
        ----------
        epoch : int
            1-based epoch.
        y : array-like of shape (n_samples,)
            Integer-encoded labels ``0..C-1``.

        Returns
        -------
        info : dict
            At least ``{"subset_size": int}``; during the curriculum, subclasses add their
            own keys.

        Raises
        ------
        TypeError
            If a constructor argument or ``epoch`` has a wrong type.
        ValueError
            If ``n_epochs`` is None, a constructor argument has a bad value, ``epoch`` is
            < 1, or ``y`` is invalid.
        """
        n_epochs = self._check()
        epoch = check_int(epoch, "epoch", 1)
        _, y = check_select_inputs(None, y)
        if epoch > n_epochs:
            return {"subset_size": int(y.shape[0])}
        return self._describe(epoch, y)

    @abstractmethod
    def _select(self, epoch: int, order: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Indices for a curriculum epoch; ``order`` lists samples by priority, descending."""

    @abstractmethod
    def _describe(self, epoch: int, y: np.ndarray) -> dict[str, Any]:
        """Facts for a curriculum epoch (``epoch <= n_epochs``)."""


def _largest_remainder(weights: np.ndarray, total: int, rank: np.ndarray) -> np.ndarray:
    """Split the integer ``total`` in proportion to ``weights`` by largest-remainder rounding.

    Every entry gets ``floor(ideal)``; the units left over go to the largest fractional parts,
    ties broken by ``rank`` (smaller rank first). The result sums exactly to ``total``.
    """
    out = np.zeros(weights.shape[0], dtype=np.int64)
    if total <= 0:
        return out
    ideal = weights / weights.sum() * total
    floors = np.floor(ideal).astype(np.int64)
    fractions = ideal - floors
    remaining = int(total - floors.sum())
    order = np.lexsort((rank, -fractions))  # largest fraction first, then by rank
    out += floors
    if remaining > 0:
        out[order[:remaining]] += 1
    elif remaining < 0:  # only possible through floating error on enormous totals
        for i in order[::-1]:
            if remaining == 0:
                break
            if out[i] > 0:
                out[i] -= 1
                remaining += 1
    return out
