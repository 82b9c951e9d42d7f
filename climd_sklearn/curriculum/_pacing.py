"""Class-blind pacing: the Linear, Root and Geometric pacing functions and their schedulers.

These ablations of the paper's Table 4 rank all samples by priority, ignoring classes, and
train on the top fraction ``lambda(t)`` of the training set.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from typing import Any

import numpy as np

from .._docstring import Substitution
from ._base import BaseScheduler
from ._docstrings import (
    PACING_FUNCTION_SECTIONS,
    PACING_SCHEDULER_PARAMETERS,
    PACING_SCHEDULER_SUMMARY,
)
from ._validation import check_int, check_real

# Absolute tolerance used when turning a pacing fraction into a sample count, so that floating
# error (e.g. 0.6000000000000001 * 10) does not add a sample.
_CEIL_TOL = 1e-9


def _check_initial_fraction(initial_fraction: Any) -> float:
    return check_real(
        initial_fraction, "initial_fraction", min_val=0, max_val=1, include_boundaries="right"
    )


def _check_pacing_args(t: Any, T_grow: Any, initial_fraction: Any) -> tuple[float, float, float]:
    t = check_real(t, "t", min_val=0, allow_inf=True)
    T_grow = check_real(T_grow, "T_grow", min_val=0, include_boundaries="neither")
    return t, T_grow, _check_initial_fraction(initial_fraction)


@Substitution(sections=PACING_FUNCTION_SECTIONS)
def linear_pacing(t: float, T_grow: float, initial_fraction: float = 0.33) -> float:
    """Linear pacing fraction (Platanios et al. 2019).

    ``lambda(t) = min(1, c0 + (1 - c0) * t / T_grow)``.

    {sections}
    """
    t, T_grow, c0 = _check_pacing_args(t, T_grow, initial_fraction)
    return min(1.0, c0 + (1.0 - c0) * t / T_grow)


@Substitution(sections=PACING_FUNCTION_SECTIONS)
def root_pacing(t: float, T_grow: float, initial_fraction: float = 0.33) -> float:
    """Root pacing fraction (Platanios et al. 2019).

    ``lambda(t) = min(1, sqrt(c0 ** 2 + (1 - c0 ** 2) * t / T_grow))``.

    {sections}
    """
    t, T_grow, c0 = _check_pacing_args(t, T_grow, initial_fraction)
    return min(1.0, math.sqrt(c0 * c0 + (1.0 - c0 * c0) * t / T_grow))


@Substitution(sections=PACING_FUNCTION_SECTIONS)
def geometric_pacing(t: float, T_grow: float, initial_fraction: float = 0.33) -> float:
    """Geometric-progression pacing fraction (Penha & Hauff 2020).

    ``lambda(t) = min(1, c0 * (1 / c0) ** (t / T_grow))``, evaluated as
    ``c0 ** (1 - t / T_grow)`` so that it is exactly 1 at ``t = T_grow``.

    {sections}
    """
    t, T_grow, c0 = _check_pacing_args(t, T_grow, initial_fraction)
    return min(1.0, c0 ** (1.0 - t / T_grow))


def _fraction_to_size(fraction: float, n_samples: int, min_size: int) -> int:
    """``ceil(fraction * n)``, clipped to ``[min(min_size, n), n]``."""
    size = math.ceil(fraction * n_samples - _CEIL_TOL)
    return int(min(n_samples, max(size, min_size)))


class _PacingScheduler(BaseScheduler):
    """Shared code of the Linear, Root and Geometric schedulers."""

    def __init__(
        self,
        n_epochs: int | None = None,
        initial_fraction: float = 0.33,
        grow_epochs: int | None = None,
        min_size: int | None = None,
    ) -> None:
        super().__init__(n_epochs)
        self.initial_fraction = initial_fraction
        self.grow_epochs = grow_epochs
        self.min_size = min_size

    def _check(self) -> int:
        n_epochs = super()._check()
        _check_initial_fraction(self.initial_fraction)
        if self.grow_epochs is not None:
            check_int(self.grow_epochs, "grow_epochs", 1)
        if self.min_size is not None:
            check_int(self.min_size, "min_size", 1)
        return n_epochs

    @staticmethod
    @abstractmethod
    def _pacing(t: float, T_grow: float, initial_fraction: float) -> float:
        """The pacing function."""

    def fraction(self, epoch: int) -> float:
        """Pacing fraction ``lambda(epoch)``, 1 after ``n_epochs``.

        Parameters
        ----------
        epoch : int
            1-based epoch.

        Returns
        -------
        fraction : float
            Fraction of the training set used at ``epoch``, in (0, 1].

        Raises
        ------
        TypeError
            If a constructor argument or ``epoch`` has a wrong type.
        ValueError
            If ``n_epochs`` is None, or a constructor argument or ``epoch`` has a bad value.
        """
        n_epochs = self._check()
        epoch = check_int(epoch, "epoch", 1)
        if epoch > n_epochs:
            return 1.0
        T_grow = n_epochs if self.grow_epochs is None else int(self.grow_epochs)
        return self._pacing(epoch, T_grow, float(self.initial_fraction))

    def _size(self, epoch: int, n_samples: int) -> int:
        min_size = 1 if self.min_size is None else int(self.min_size)
        return _fraction_to_size(self.fraction(epoch), n_samples, min_size)

    def _select(self, epoch: int, order: np.ndarray, y: np.ndarray) -> np.ndarray:
        return order[: self._size(epoch, y.shape[0])]

    def _describe(self, epoch: int, y: np.ndarray) -> dict[str, Any]:
        return {"subset_size": self._size(epoch, y.shape[0]), "fraction": self.fraction(epoch)}


@Substitution(
    summary=PACING_SCHEDULER_SUMMARY.format(pacing="linear_pacing"),
    parameters=PACING_SCHEDULER_PARAMETERS,
)
class LinearScheduler(_PacingScheduler):
    """Class-blind scheduler with linear pacing (an ablation of the paper's Table 4).

    {summary}

    {parameters}
    """

    _pacing = staticmethod(linear_pacing)


@Substitution(
    summary=PACING_SCHEDULER_SUMMARY.format(pacing="root_pacing"),
    parameters=PACING_SCHEDULER_PARAMETERS,
)
class RootScheduler(_PacingScheduler):
    """Class-blind scheduler with root pacing (an ablation of the paper's Table 4).

    {summary}

    {parameters}
    """

    _pacing = staticmethod(root_pacing)


@Substitution(
    summary=PACING_SCHEDULER_SUMMARY.format(pacing="geometric_pacing"),
    parameters=PACING_SCHEDULER_PARAMETERS,
)
class GeometricScheduler(_PacingScheduler):
    """Class-blind scheduler with geometric pacing (an ablation of the paper's Table 4).

    {summary}

    {parameters}
    """

    _pacing = staticmethod(geometric_pacing)
