"""Training-sample schedulers: CLIMD's class-distribution-guided scheduler and five ablations.

This module is floor 1 of the package: pure numpy, no torch, no scikit-learn.

CLIMD (Han et al. 2025, section 2.2) fits a power law to the class counts (Eq. 5-6), moves the class
distribution of the training subset from uniform to that power law over the curriculum epochs
(Eq. 7), and grows the subset linearly to the whole training set. The ablation schedulers
(section 4) ignore classes and train on the top fraction of all samples (Linear, Root,
Geometric) or on difficulty buckets (Baby Step, One-Pass).

Every scheduler shares the :class:`BaseScheduler` interface: ``select(epoch, priority, y)``
returns the indices of the training samples of a 1-based epoch, where a higher ``priority`` means
"take first". The caller decides what the priority is (the curriculum score, its negation, or
random numbers).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = [
    "SCHEDULER_NAMES",
    "BabyStepScheduler",
    "BaseScheduler",
    "CLIMDScheduler",
    "GeometricScheduler",
    "LinearScheduler",
    "OnePassScheduler",
    "RootScheduler",
    "alpha_at",
    "class_balanced_indices",
    "class_distribution",
    "class_quotas",
    "fit_power_law_alpha",
    "geometric_pacing",
    "linear_pacing",
    "make_scheduler",
    "root_pacing",
]

#: Names accepted by :func:`make_scheduler` and by ``CLIMDClassifier(curriculum=...)``.
SCHEDULER_NAMES: tuple[str, ...] = (
    "climd",
    "linear",
    "root",
    "geometric",
    "baby_step",
    "one_pass",
)

# Absolute tolerance used when turning a pacing fraction into a sample count, so that floating
# error (e.g. 0.6000000000000001 * 10) does not add a sample.
_CEIL_TOL = 1e-9


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _check_int(value: Any, name: str, min_value: int) -> int:
    """Return ``value`` as an int, or raise ValueError if it is not an integer >= min_value."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be an int >= {min_value}, got {value!r}")
    value = int(value)
    if value < min_value:
        raise ValueError(f"{name} must be an int >= {min_value}, got {value}")
    return value


def _check_positive_real(value: Any, name: str) -> float:
    """Return ``value`` as a finite float > 0, or raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number > 0, got {value!r}")
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def _check_gamma(gamma: Any) -> float:
    return _check_positive_real(gamma, "gamma")


def _check_alpha(alpha: Any, name: str = "alpha") -> float:
    """Return ``alpha`` as a float in (0, inf]; NaN, -inf and values <= 0 raise ValueError."""
    if isinstance(alpha, bool) or not isinstance(alpha, Real):
        raise ValueError(f"{name} must be a real number > 0 (or inf), got {alpha!r}")
    alpha = float(alpha)
    if not alpha > 0:  # also catches NaN
        raise ValueError(f"{name} must be > 0 (or inf), got {alpha}")
    return alpha


def _check_fraction(value: Any, name: str) -> float:
    """Return ``value`` as a float in (0, 1], or raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number in (0, 1], got {value!r}")
    value = float(value)
    if not (0 < value <= 1):
        raise ValueError(f"{name} must be in (0, 1], got {value}")
    return value


def _check_epoch_pair(t: Any, T: Any) -> tuple[int, int]:
    """Validate a 1-based curriculum epoch ``t`` and the number of curriculum epochs ``T``."""
    T = _check_int(T, "T", 1)
    t = _check_int(t, "t", 1)
    if t > T:
        raise ValueError(f"t must satisfy 1 <= t <= T, got t={t} and T={T}")
    return t, T


def _check_class_counts(class_counts: Any) -> np.ndarray:
    """Validate per-class sample counts and return them as an int64 array."""
    counts = np.asarray(class_counts)
    if counts.ndim != 1:
        raise ValueError(f"class_counts must be 1-D, got shape {counts.shape}")
    if counts.size < 1:
        raise ValueError("class_counts must contain at least 1 class, got 0")
    if counts.dtype.kind not in "iuf":
        raise ValueError(f"class_counts must be numeric, got dtype {counts.dtype}")
    if counts.dtype.kind == "f":
        if not np.all(np.isfinite(counts)) or np.any(counts != np.round(counts)):
            raise ValueError(f"class_counts must be integers, got {counts.tolist()}")
    if np.any(counts < 1):
        raise ValueError(f"class_counts must all be >= 1, got {counts.tolist()}")
    return counts.astype(np.int64)


def _check_select_inputs(priority: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate the ``priority`` and ``y`` arrays given to :meth:`BaseScheduler.select`."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    if y.size < 1:
        raise ValueError("y must contain at least 1 sample, got 0")
    if y.dtype.kind not in "iu":
        raise ValueError(f"y must hold integer-encoded labels 0..C-1, got dtype {y.dtype}")
    if y.min() < 0:
        raise ValueError(f"y must hold integer-encoded labels 0..C-1, got minimum {y.min()}")
    y = y.astype(np.int64)
    if priority is None:
        return np.zeros(y.shape[0]), y
    priority = np.asarray(priority)
    if priority.ndim != 1:
        raise ValueError(f"priority must be 1-D, got shape {priority.shape}")
    if priority.shape[0] != y.shape[0]:
        raise ValueError(f"priority has {priority.shape[0]} entries but y has {y.shape[0]}")
    if priority.dtype.kind not in "iuf":
        raise ValueError(f"priority must be numeric, got dtype {priority.dtype}")
    priority = priority.astype(np.float64)
    if np.any(np.isnan(priority)):
        raise ValueError("priority must not contain NaN")
    return priority, y


# --------------------------------------------------------------------------------------------
# Eq. 5-7 and the quotas
# --------------------------------------------------------------------------------------------


def fit_power_law_alpha(class_counts: Any, gamma: float = 0.3) -> float:
    """Fit the power-law exponent of the class counts, the paper's Eq. 6.

    ``alpha_hat = (1 / gamma) * (1 + C / (sum_c ln n_c - C * ln n_min))``.

    Parameters
    ----------
    class_counts : array-like of shape (n_classes,)
        Number of training samples of each class; integers >= 1, in any order.
    gamma : float, default=0.3
        Smoothing hyperparameter, > 0.

    Returns
    -------
    alpha : float
        The fitted exponent, ``> 1 / gamma``. ``math.inf`` when all counts are equal (the
        denominator is exactly 0: there is no imbalance to adapt to), including ``C == 1``.

    Raises
    ------
    ValueError
        If ``class_counts`` is not 1-D, is empty, or holds a value that is not an integer >= 1,
        or if ``gamma`` is not > 0.
    """
    counts = _check_class_counts(class_counts)
    gamma = _check_gamma(gamma)
    n_min = int(counts.min())
    if np.all(counts == n_min):
        return math.inf
    # sum_c ln n_c - C ln n_min == sum_c ln(1 + (n_c - n_min) / n_min): every term is >= 0 and
    # the ones with n_c > n_min are > 0, so the sum is exactly positive in floating point.
    denominator = float(np.sum(np.log1p((counts - n_min) / n_min)))
    if not denominator > 0:
        return math.inf
    return (1.0 / gamma) * (1.0 + counts.size / denominator)


def alpha_at(t: int, T: int, alpha_T: float) -> float:
    """Exponent of the power law at curriculum epoch ``t``, used in the paper's Eq. 7.

    ``alpha(t) = 1 + (alpha_T - 1) * w`` with ``w = (t - 1) / (T - 1)`` (``w = 1`` when
    ``T == 1``).

    Parameters
    ----------
    t : int
        Curriculum epoch, ``1 <= t <= T``.
    T : int
        Number of curriculum epochs, >= 1.
    alpha_T : float
        Exponent at the last curriculum epoch, > 0 or ``math.inf``.

    Returns
    -------
    alpha : float
        ``alpha(t)``. An infinite ``alpha_T`` (balanced classes) stays infinite at every epoch.

    Raises
    ------
    ValueError
        If ``t`` or ``T`` is not an int with ``1 <= t <= T``, or ``alpha_T`` is not > 0.
    """
    t, T = _check_epoch_pair(t, T)
    alpha_T = _check_alpha(alpha_T, "alpha_T")
    if math.isinf(alpha_T):
        return math.inf
    w = _progress(t, T)
    return 1.0 + (alpha_T - 1.0) * w


def _progress(t: int, T: int) -> float:
    """``w = (t - 1) / (T - 1)``, and 1 when ``T == 1``."""
    return 1.0 if T == 1 else (t - 1) / (T - 1)


def _power_law(n_classes: int, exponent: float) -> np.ndarray:
    """Normalised ``c ** -exponent`` for ranks ``c = 1..n_classes``, computed in log space.

    The weights are divided by the first (largest, for ``exponent >= 0``) term before
    normalising, so a huge exponent gives ``[1, 0, ..., 0]`` instead of ``0 / 0``.
    """
    if math.isinf(exponent):
        out = np.zeros(n_classes)
        out[0] = 1.0
        return out
    # Overflow to -inf and underflow to 0 are the intended limits here, not errors.
    with np.errstate(over="ignore", under="ignore"):
        log_weights = -exponent * np.log(np.arange(1, n_classes + 1, dtype=np.float64))
        log_weights -= log_weights.max()
        weights = np.exp(log_weights)
        return weights / weights.sum()


def class_distribution(
    t: int, T: int, alpha_T: float, n_classes: int, gamma: float = 0.3
) -> np.ndarray:
    """Class distribution of the training subset at curriculum epoch ``t``, the paper's Eq. 7.

    ``q_t(c) = (1 - w) / C + w * c ** (-gamma * alpha(t)) / sum_i i ** (-gamma * alpha(t))``
    with ``w = (t - 1) / (T - 1)`` (``w = 1`` when ``T == 1``) and ``alpha(t)`` from
    :func:`alpha_at`.

    Parameters
    ----------
    t : int
        Curriculum epoch, ``1 <= t <= T``.
    T : int
        Number of curriculum epochs, >= 1.
    alpha_T : float
        Exponent at the last curriculum epoch (from :func:`fit_power_law_alpha`), > 0 or
        ``math.inf``. An infinite exponent gives the uniform distribution at every epoch.
    n_classes : int
        Number of classes ``C``, >= 1.
    gamma : float, default=0.3
        Smoothing hyperparameter, > 0.

    Returns
    -------
    q : ndarray of shape (n_classes,)
        Probabilities summing to 1, in frequency-rank order: index 0 is the most frequent
        class (rank ``c = 1``).

    Raises
    ------
    ValueError
        If ``t``, ``T`` or ``n_classes`` is not a valid int, ``t`` is outside ``[1, T]``,
        ``alpha_T`` is not > 0, or ``gamma`` is not > 0.
    """
    t, T = _check_epoch_pair(t, T)
    alpha_T = _check_alpha(alpha_T, "alpha_T")
    n_classes = _check_int(n_classes, "n_classes", 1)
    gamma = _check_gamma(gamma)
    uniform = np.full(n_classes, 1.0 / n_classes)
    if math.isinf(alpha_T):
        return uniform
    w = _progress(t, T)
    alpha = alpha_at(t, T, alpha_T)
    with np.errstate(over="ignore", under="ignore"):
        q = (1.0 - w) * uniform + w * _power_law(n_classes, gamma * alpha)
        return q / q.sum()


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


def _subset_size(t: int, T: int, n_samples: int) -> int:
    """``round(t / T * N)`` with halves rounded up, in exact integer arithmetic."""
    return (2 * t * n_samples + T) // (2 * T)


def class_quotas(
    class_counts: Any,
    t: int,
    T: int,
    gamma: float = 0.3,
    alpha: float | None = None,
    subset_size: int | None = None,
) -> np.ndarray:
    """Number of samples each class contributes at curriculum epoch ``t``.

    Steps: classes are ranked by count, descending, ties by label order; ``q_t`` comes from
    :func:`class_distribution` with ``alpha_T = alpha`` (fitted by :func:`fit_power_law_alpha`
    when None); the subset size is ``S = floor(t / T * N + 1/2)`` (round half up, computed in
    exact integer arithmetic); the ideal quotas ``q_t(c) * S`` are turned into integers by
    largest-remainder rounding (ties by rank order); a class whose quota exceeds its count gets
    its count, and the excess goes to the classes with unused samples in proportion to ``q_t``
    (again by largest remainder; equally if their ``q_t`` underflowed to 0), repeated until no
    quota exceeds its count.

    Parameters
    ----------
    class_counts : array-like of shape (n_classes,)
        Number of training samples of each class (integers >= 1), in label order.
    t : int
        Curriculum epoch, ``1 <= t <= T``.
    T : int
        Number of curriculum epochs, >= 1.
    gamma : float, default=0.3
        Smoothing hyperparameter, > 0.
    alpha : float or None, default=None
        Exponent at the last curriculum epoch, > 0 or ``math.inf``. None fits it with
        :func:`fit_power_law_alpha`.
    subset_size : int or None, default=None
        Override of ``S``, between 0 and ``N``; None uses ``floor(t / T * N + 1/2)``. Used to
        enforce a minimum subset size.

    Returns
    -------
    quotas : ndarray of shape (n_classes,), dtype int64
        Per-class sample counts, in the order of ``class_counts``. They sum to ``S``, satisfy
        ``0 <= quotas <= class_counts``, and equal ``class_counts`` at ``t == T``.

    Raises
    ------
    ValueError
        If ``class_counts``, ``t``, ``T``, ``gamma``, ``alpha`` or ``subset_size`` is invalid.
    """
    counts = _check_class_counts(class_counts)
    t, T = _check_epoch_pair(t, T)
    gamma = _check_gamma(gamma)
    alpha = fit_power_law_alpha(counts, gamma) if alpha is None else _check_alpha(alpha)
    n_classes = counts.size
    n_samples = int(counts.sum())
    if subset_size is None:
        total = _subset_size(t, T, n_samples)
    else:
        total = _check_int(subset_size, "subset_size", 0)
        if total > n_samples:
            raise ValueError(
                f"subset_size must be <= the number of samples {n_samples}, got {total}"
            )

    label_of_rank = np.argsort(-counts, kind="stable")
    rank = np.empty(n_classes, dtype=np.int64)
    rank[label_of_rank] = np.arange(n_classes)
    q = class_distribution(t, T, alpha, n_classes, gamma)[rank]  # label order

    quotas = _largest_remainder(q, total, rank)
    # Shortfall: cap at the class counts and hand the excess on. Each pass fills at least one
    # more class, so the loop runs at most C times; it ends because total <= N.
    while True:
        over = quotas > counts
        if not np.any(over):
            break
        excess = int(np.sum(quotas[over] - counts[over]))
        quotas[over] = counts[over]
        has_room = quotas < counts
        weights = np.where(has_room, q, 0.0)
        if not weights.sum() > 0:
            weights = has_room.astype(np.float64)
        quotas += _largest_remainder(weights, excess, rank)
    return quotas


# --------------------------------------------------------------------------------------------
# pacing functions of the ablations
# --------------------------------------------------------------------------------------------


def class_balanced_indices(y: Any, size: int | None = None, seed: Any = 0) -> np.ndarray:
    """Draw a class-balanced multiset of training indices (class-balanced sampling).

    Every class gets an equal share of ``size`` draws (largest-remainder rounding, ties to the
    smaller label). A class with at least its share of samples contributes a random subset
    without replacement; a smaller class contributes all its samples once, topped up with
    draws with replacement. This is the per-epoch class-balanced sampling of Kang et al.
    (2020) used by ``CLIMDClassifier(post_curriculum="balanced")``.

    Parameters
    ----------
    y : array-like of int, shape (n_samples,)
        Encoded labels ``0..C-1``; every label in ``0..max(y)`` that occurs gets a share.
    size : int or None, default=None
        Number of draws; None means ``n_samples``.
    seed : int or sequence of int, default=0
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    indices : numpy.ndarray of int64, shape (size,)
        Indices into ``y``, grouped by class (the sampler shuffles them).

    Raises
    ------
    ValueError
        If ``y`` is empty, not 1-D, or ``size`` is not a positive integer.

    Examples
    --------
    >>> import numpy as np
    >>> from climd_sklearn.schedulers import class_balanced_indices
    >>> idx = class_balanced_indices(np.array([0, 0, 0, 0, 0, 0, 1, 1]), seed=0)
    >>> np.bincount(np.array([0, 0, 0, 0, 0, 0, 1, 1])[idx]).tolist()
    [4, 4]
    """
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] == 0:
        raise ValueError(f"y must be a non-empty 1-D array of labels, got shape {y.shape}.")
    size = y.shape[0] if size is None else _check_int(size, "size", 1)
    classes = np.unique(y)
    shares = _largest_remainder(
        np.ones(classes.shape[0]), size, np.arange(classes.shape[0])
    )
    rng = np.random.default_rng(seed)
    parts = []
    for label, share in zip(classes, shares):
        members = np.flatnonzero(y == label)
        if share <= members.shape[0]:
            parts.append(rng.choice(members, size=share, replace=False))
        else:
            extra = rng.choice(members, size=share - members.shape[0], replace=True)
            parts.append(np.concatenate([members, extra]))
    return np.concatenate(parts).astype(np.int64)


def _check_pacing_args(t: Any, T_grow: Any, initial_fraction: Any) -> tuple[float, float, float]:
    if isinstance(t, bool) or not isinstance(t, Real) or not (float(t) >= 0):
        raise ValueError(f"t must be a real number >= 0, got {t!r}")
    T_grow = _check_positive_real(T_grow, "T_grow")
    initial_fraction = _check_fraction(initial_fraction, "initial_fraction")
    return float(t), T_grow, initial_fraction


def linear_pacing(t: float, T_grow: float, initial_fraction: float = 0.33) -> float:
    """Linear pacing fraction (Platanios et al. 2019).

    ``lambda(t) = min(1, c0 + (1 - c0) * t / T_grow)``.

    Parameters
    ----------
    t : float
        Epoch, >= 0.
    T_grow : float
        Epoch at which the fraction reaches 1, > 0.
    initial_fraction : float, default=0.33
        ``c0``, the fraction at ``t = 0``, in (0, 1].

    Returns
    -------
    fraction : float
        The fraction of the training set to use, in ``[c0, 1]``.

    Raises
    ------
    ValueError
        If ``t < 0``, ``T_grow <= 0`` or ``initial_fraction`` is outside (0, 1].
    """
    t, T_grow, c0 = _check_pacing_args(t, T_grow, initial_fraction)
    return min(1.0, c0 + (1.0 - c0) * t / T_grow)


def root_pacing(t: float, T_grow: float, initial_fraction: float = 0.33) -> float:
    """Root pacing fraction (Platanios et al. 2019).

    ``lambda(t) = min(1, sqrt(c0 ** 2 + (1 - c0 ** 2) * t / T_grow))``.

    Parameters
    ----------
    t : float
        Epoch, >= 0.
    T_grow : float
        Epoch at which the fraction reaches 1, > 0.
    initial_fraction : float, default=0.33
        ``c0``, the fraction at ``t = 0``, in (0, 1].

    Returns
    -------
    fraction : float
        The fraction of the training set to use, in ``[c0, 1]``.

    Raises
    ------
    ValueError
        If ``t < 0``, ``T_grow <= 0`` or ``initial_fraction`` is outside (0, 1].
    """
    t, T_grow, c0 = _check_pacing_args(t, T_grow, initial_fraction)
    return min(1.0, math.sqrt(c0 * c0 + (1.0 - c0 * c0) * t / T_grow))


def geometric_pacing(t: float, T_grow: float, initial_fraction: float = 0.33) -> float:
    """Geometric-progression pacing fraction (Penha & Hauff 2020).

    ``lambda(t) = min(1, c0 * (1 / c0) ** (t / T_grow))``, evaluated as
    ``c0 ** (1 - t / T_grow)`` so that it is exactly 1 at ``t = T_grow``.

    Parameters
    ----------
    t : float
        Epoch, >= 0.
    T_grow : float
        Epoch at which the fraction reaches 1, > 0.
    initial_fraction : float, default=0.33
        ``c0``, the fraction at ``t = 0``, in (0, 1].

    Returns
    -------
    fraction : float
        The fraction of the training set to use, in ``[c0, 1]``.

    Raises
    ------
    ValueError
        If ``t < 0``, ``T_grow <= 0`` or ``initial_fraction`` is outside (0, 1].
    """
    t, T_grow, c0 = _check_pacing_args(t, T_grow, initial_fraction)
    return min(1.0, c0 ** (1.0 - t / T_grow))


def _fraction_to_size(fraction: float, n_samples: int, min_size: int) -> int:
    """``ceil(fraction * n)``, clipped to ``[min(min_size, n), n]``."""
    size = math.ceil(fraction * n_samples - _CEIL_TOL)
    return int(min(n_samples, max(size, min_size)))


# --------------------------------------------------------------------------------------------
# schedulers
# --------------------------------------------------------------------------------------------


class BaseScheduler(ABC):
    """Interface shared by CLIMD's scheduler and the ablation schedulers.

    A scheduler holds only plain attributes (it is picklable) and does not validate them until
    :meth:`select` or :meth:`describe` is called.

    Parameters
    ----------
    n_epochs : int
        ``T``, the number of curriculum epochs (>= 1). Epochs after ``T`` use all samples.
    """

    _param_names: tuple[str, ...] = ("n_epochs",)

    def __init__(self, n_epochs: int) -> None:
        self.n_epochs = n_epochs

    def __repr__(self) -> str:
        params = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._param_names)
        return f"{type(self).__name__}({params})"

    def _check(self) -> None:
        """Validate the constructor arguments; subclasses extend it."""
        _check_int(self.n_epochs, "n_epochs", 1)

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
        ValueError
            If a constructor argument is invalid, ``epoch`` is not an int >= 1, or
            ``priority`` / ``y`` have a wrong shape, dtype or content.
        """
        self._check()
        epoch = _check_int(epoch, "epoch", 1)
        priority, y = _check_select_inputs(priority, y)
        n_samples = y.shape[0]
        if epoch > self.n_epochs:
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
            At least ``{"subset_size": int}``; subclasses add their own keys.

        Raises
        ------
        ValueError
            If a constructor argument, ``epoch`` or ``y`` is invalid.
        """
        self._check()
        epoch = _check_int(epoch, "epoch", 1)
        _, y = _check_select_inputs(None, y)
        if epoch > self.n_epochs:
            return {"subset_size": int(y.shape[0])}
        return self._describe(epoch, y)

    @abstractmethod
    def _select(self, epoch: int, order: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Indices for a curriculum epoch; ``order`` lists samples by priority, descending."""

    @abstractmethod
    def _describe(self, epoch: int, y: np.ndarray) -> dict[str, Any]:
        """Facts for a curriculum epoch (``epoch <= n_epochs``)."""


class CLIMDScheduler(BaseScheduler):
    """CLIMD's class-distribution-guided training sample scheduler.

    At curriculum epoch ``t`` each class contributes ``class_quotas(...)[c]`` samples, its
    highest-priority ones. Classes absent from ``y`` are left out of Eq. 6-7 (Eq. 6 is
    undefined for an empty class), so ``C`` there is the number of classes present.

    Parameters
    ----------
    n_epochs : int
        ``T``, the number of curriculum epochs (>= 1).
    gamma : float, default=0.3
        Smoothing hyperparameter of the power law, > 0.
    alpha : float or None, default=None
        ``alpha(T)``, > 0 or ``math.inf``. None fits it to the class counts of ``y`` (Eq. 6).
    n_classes : int or None, default=None
        Number of classes; None uses ``y.max() + 1``. Only used to check ``y``.
    min_size : int, default=1
        Smallest subset size (e.g. one batch); when ``round(t / T * N)`` is smaller, the
        quotas are computed for ``min(min_size, N)`` samples instead.
    """

    _param_names = ("n_epochs", "gamma", "alpha", "n_classes", "min_size")

    def __init__(
        self,
        n_epochs: int,
        gamma: float = 0.3,
        alpha: float | None = None,
        n_classes: int | None = None,
        min_size: int = 1,
    ) -> None:
        super().__init__(n_epochs)
        self.gamma = gamma
        self.alpha = alpha
        self.n_classes = n_classes
        self.min_size = min_size

    def _check(self) -> None:
        super()._check()
        _check_gamma(self.gamma)
        if self.alpha is not None:
            _check_alpha(self.alpha)
        if self.n_classes is not None:
            _check_int(self.n_classes, "n_classes", 1)
        _check_int(self.min_size, "min_size", 1)

    def _present_classes(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Labels present in ``y`` and their counts."""
        n_classes = int(y.max()) + 1 if self.n_classes is None else int(self.n_classes)
        if y.max() >= n_classes:
            raise ValueError(f"y must hold labels 0..{n_classes - 1}, got label {y.max()}")
        counts = np.bincount(y, minlength=n_classes)
        present = np.flatnonzero(counts)
        return present, counts[present]

    def quotas(self, epoch: int, y: Any) -> np.ndarray:
        """Per-class quotas at ``epoch``, indexed by label (0 for absent classes).

        Parameters
        ----------
        epoch : int
            1-based epoch; after ``n_epochs`` the quotas are the class counts.
        y : array-like of shape (n_samples,)
            Integer-encoded labels ``0..C-1``.

        Returns
        -------
        quotas : ndarray of shape (n_classes,), dtype int64
            Number of samples taken from each class.

        Raises
        ------
        ValueError
            If a constructor argument, ``epoch`` or ``y`` is invalid.
        """
        self._check()
        epoch = _check_int(epoch, "epoch", 1)
        _, y = _check_select_inputs(None, y)
        return self._quotas(min(epoch, int(self.n_epochs)), y)[0]

    def _quotas(self, epoch: int, y: np.ndarray) -> tuple[np.ndarray, float]:
        present, counts = self._present_classes(y)
        alpha = fit_power_law_alpha(counts, self.gamma) if self.alpha is None else self.alpha
        n_samples = int(counts.sum())
        size = max(_subset_size(epoch, self.n_epochs, n_samples), min(self.min_size, n_samples))
        present_quotas = class_quotas(
            counts, epoch, self.n_epochs, self.gamma, alpha, subset_size=size
        )
        n_classes = int(y.max()) + 1 if self.n_classes is None else int(self.n_classes)
        quotas = np.zeros(n_classes, dtype=np.int64)
        quotas[present] = present_quotas
        return quotas, float(alpha)

    def _select(self, epoch: int, order: np.ndarray, y: np.ndarray) -> np.ndarray:
        quotas, _ = self._quotas(epoch, y)
        # group the priority order by class, keeping priority order within each class
        grouped = order[np.argsort(y[order], kind="stable")]
        starts = np.searchsorted(y[grouped], np.arange(quotas.shape[0]), side="left")
        parts = [grouped[start : start + quota] for start, quota in zip(starts, quotas)]
        return np.concatenate(parts)

    def _describe(self, epoch: int, y: np.ndarray) -> dict[str, Any]:
        quotas, alpha = self._quotas(epoch, y)
        return {
            "subset_size": int(quotas.sum()),
            "alpha": alpha_at(epoch, self.n_epochs, alpha),
            "quotas": quotas.tolist(),
        }


class _PacingScheduler(BaseScheduler):
    """Shared code of the Linear, Root and Geometric schedulers."""

    _param_names = ("n_epochs", "initial_fraction", "grow_epochs", "min_size")

    def __init__(
        self,
        n_epochs: int,
        initial_fraction: float = 0.33,
        grow_epochs: int | None = None,
        min_size: int = 1,
    ) -> None:
        super().__init__(n_epochs)
        self.initial_fraction = initial_fraction
        self.grow_epochs = grow_epochs
        self.min_size = min_size

    def _check(self) -> None:
        super()._check()
        _check_fraction(self.initial_fraction, "initial_fraction")
        if self.grow_epochs is not None:
            _check_int(self.grow_epochs, "grow_epochs", 1)
        _check_int(self.min_size, "min_size", 1)

    @abstractmethod
    def _pacing(self, t: float, T_grow: float, initial_fraction: float) -> float:
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
        ValueError
            If a constructor argument or ``epoch`` is invalid.
        """
        self._check()
        epoch = _check_int(epoch, "epoch", 1)
        if epoch > self.n_epochs:
            return 1.0
        T_grow = self.n_epochs if self.grow_epochs is None else self.grow_epochs
        return self._pacing(epoch, T_grow, self.initial_fraction)

    def _size(self, epoch: int, n_samples: int) -> int:
        return _fraction_to_size(self.fraction(epoch), n_samples, self.min_size)

    def _select(self, epoch: int, order: np.ndarray, y: np.ndarray) -> np.ndarray:
        return order[: self._size(epoch, y.shape[0])]

    def _describe(self, epoch: int, y: np.ndarray) -> dict[str, Any]:
        return {"subset_size": self._size(epoch, y.shape[0]), "fraction": self.fraction(epoch)}


class LinearScheduler(_PacingScheduler):
    """Class-blind scheduler with linear pacing (an ablation of the paper's Table 4).

    At epoch ``t`` it takes the ``ceil(lambda(t) * n)`` highest-priority samples (at least
    ``min_size``, at most ``n``), ``lambda`` from :func:`linear_pacing` with ``t`` the 1-based
    epoch.

    Parameters
    ----------
    n_epochs : int
        ``T``, the number of curriculum epochs (>= 1).
    initial_fraction : float, default=0.33
        ``c0``, in (0, 1].
    grow_epochs : int or None, default=None
        ``T_grow``, the epoch at which the fraction reaches 1; None means ``n_epochs``.
    min_size : int, default=1
        Smallest subset size (e.g. one batch).
    """

    def _pacing(self, t: float, T_grow: float, initial_fraction: float) -> float:
        return linear_pacing(t, T_grow, initial_fraction)


class RootScheduler(_PacingScheduler):
    """Class-blind scheduler with root pacing (an ablation of the paper's Table 4).

    At epoch ``t`` it takes the ``ceil(lambda(t) * n)`` highest-priority samples (at least
    ``min_size``, at most ``n``), ``lambda`` from :func:`root_pacing` with ``t`` the 1-based
    epoch.

    Parameters
    ----------
    n_epochs : int
        ``T``, the number of curriculum epochs (>= 1).
    initial_fraction : float, default=0.33
        ``c0``, in (0, 1].
    grow_epochs : int or None, default=None
        ``T_grow``, the epoch at which the fraction reaches 1; None means ``n_epochs``.
    min_size : int, default=1
        Smallest subset size (e.g. one batch).
    """

    def _pacing(self, t: float, T_grow: float, initial_fraction: float) -> float:
        return root_pacing(t, T_grow, initial_fraction)


class GeometricScheduler(_PacingScheduler):
    """Class-blind scheduler with geometric pacing (an ablation of the paper's Table 4).

    At epoch ``t`` it takes the ``ceil(lambda(t) * n)`` highest-priority samples (at least
    ``min_size``, at most ``n``), ``lambda`` from :func:`geometric_pacing` with ``t`` the
    1-based epoch.

    Parameters
    ----------
    n_epochs : int
        ``T``, the number of curriculum epochs (>= 1).
    initial_fraction : float, default=0.33
        ``c0``, in (0, 1].
    grow_epochs : int or None, default=None
        ``T_grow``, the epoch at which the fraction reaches 1; None means ``n_epochs``.
    min_size : int, default=1
        Smallest subset size (e.g. one batch).
    """

    def _pacing(self, t: float, T_grow: float, initial_fraction: float) -> float:
        return geometric_pacing(t, T_grow, initial_fraction)


class _BucketScheduler(BaseScheduler):
    """Shared code of the Baby Step and One-Pass schedulers."""

    _param_names = ("n_epochs", "n_buckets", "min_size")

    def __init__(self, n_epochs: int, n_buckets: int = 5, min_size: int = 1) -> None:
        super().__init__(n_epochs)
        self.n_buckets = n_buckets
        self.min_size = min_size

    def _check(self) -> None:
        super()._check()
        _check_int(self.n_buckets, "n_buckets", 1)
        _check_int(self.min_size, "min_size", 1)

    def stage(self, epoch: int) -> int:
        """Stage ``k = min(K, ceil(epoch * K / T))`` of a curriculum epoch.

        Parameters
        ----------
        epoch : int
            1-based epoch, ``<= n_epochs``.

        Returns
        -------
        stage : int
            The 1-based stage, between 1 and ``n_buckets``.

        Raises
        ------
        ValueError
            If a constructor argument is invalid or ``epoch`` is outside ``[1, n_epochs]``.
        """
        self._check()
        epoch, T = _check_epoch_pair(epoch, self.n_epochs)
        K = int(self.n_buckets)
        return min(K, -(-epoch * K // T))

    def _bounds(self, epoch: int, n_samples: int) -> tuple[int, int]:
        """Start and stop of the epoch's window in the priority order."""
        k = self.stage(epoch)
        sizes = [len(b) for b in np.array_split(np.arange(n_samples), int(self.n_buckets))]
        edges = np.concatenate([[0], np.cumsum(sizes)])
        start, stop = self._window(k, edges)
        size = min(n_samples, max(stop - start, int(self.min_size)))
        start = min(start, n_samples - size)
        return start, start + size

    @abstractmethod
    def _window(self, k: int, edges: np.ndarray) -> tuple[int, int]:
        """Start and stop of stage ``k`` given the bucket edges."""

    def _select(self, epoch: int, order: np.ndarray, y: np.ndarray) -> np.ndarray:
        start, stop = self._bounds(epoch, y.shape[0])
        return order[start:stop]

    def _describe(self, epoch: int, y: np.ndarray) -> dict[str, Any]:
        start, stop = self._bounds(epoch, y.shape[0])
        return {"subset_size": stop - start, "stage": self.stage(epoch)}


class BabyStepScheduler(_BucketScheduler):
    """Baby Step scheduler (an ablation of the paper's Table 4).

    Samples are sorted by priority, descending, and split into ``K`` buckets with
    ``np.array_split`` (bucket 1 = highest priority). Stage ``k = min(K, ceil(t * K / T))``
    trains on buckets ``1..k`` (cumulative); at least ``min_size`` samples, taken in priority
    order.

    Parameters
    ----------
    n_epochs : int
        ``T``, the number of curriculum epochs (>= 1).
    n_buckets : int, default=5
        ``K``, the number of buckets (>= 1).
    min_size : int, default=1
        Smallest subset size (e.g. one batch).
    """

    def _window(self, k: int, edges: np.ndarray) -> tuple[int, int]:
        return 0, int(edges[k])


class OnePassScheduler(_BucketScheduler):
    """One-Pass scheduler (an ablation of the paper's Table 4).

    Same buckets as :class:`BabyStepScheduler`, but stage ``k`` trains on bucket ``k`` alone;
    after ``n_epochs``, on all data. A bucket smaller than ``min_size`` is extended with the
    next samples in priority order (the window is shifted back if it runs past the end).

    Parameters
    ----------
    n_epochs : int
        ``T``, the number of curriculum epochs (>= 1).
    n_buckets : int, default=5
        ``K``, the number of buckets (>= 1).
    min_size : int, default=1
        Smallest subset size (e.g. one batch).
    """

    def _window(self, k: int, edges: np.ndarray) -> tuple[int, int]:
        return int(edges[k - 1]), int(edges[k])


_SCHEDULERS: dict[str, type[BaseScheduler]] = {
    "climd": CLIMDScheduler,
    "linear": LinearScheduler,
    "root": RootScheduler,
    "geometric": GeometricScheduler,
    "baby_step": BabyStepScheduler,
    "one_pass": OnePassScheduler,
}


def make_scheduler(name: str, n_epochs: int, **params: Any) -> BaseScheduler:
    """Build a scheduler by name.

    Parameters
    ----------
    name : str
        One of :data:`SCHEDULER_NAMES`: ``"climd"``, ``"linear"``, ``"root"``,
        ``"geometric"``, ``"baby_step"``, ``"one_pass"``.
    n_epochs : int
        ``T``, the number of curriculum epochs.
    **params : dict
        Further constructor arguments of the scheduler class.

    Returns
    -------
    scheduler : BaseScheduler
        The unvalidated scheduler (it validates itself on first use).

    Raises
    ------
    ValueError
        If ``name`` is not a known scheduler name.
    TypeError
        If ``params`` holds an argument the scheduler class does not accept.
    """
    try:
        cls = _SCHEDULERS[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(n) for n in SCHEDULER_NAMES)
        raise ValueError(f"Unknown scheduler {name!r}; valid names are {valid}") from None
    return cls(n_epochs, **params)
