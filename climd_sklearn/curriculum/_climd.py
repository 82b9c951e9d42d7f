"""CLIMD's class-distribution-guided scheduler: Eq. 5-7, the class quotas, :class:`CLIMDScheduler`.

Eq. 6 fits a power-law exponent ``alpha(T)`` to the class counts; Eq. 7 moves the class
distribution of the training subset from uniform to a power law over the frequency ranks;
the subset grows linearly to the whole training set. ``exponent_rule`` picks the rank exponent
of Eq. 7: ``"eq6"`` is the paper's ``gamma * alpha(t)``, ``"zipf"`` (the default, our rule)
converts Eq. 6's value exponent into the rank exponent of a Zipf law, which keeps the schedule
continuous in the counts near balance (method.md, section 3).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._docstring import Substitution
from ._base import BaseScheduler, _largest_remainder
from ._docstrings import N_EPOCHS
from ._validation import (
    check_alpha,
    check_class_counts,
    check_epoch_pair,
    check_exponent_rule,
    check_gamma,
    check_int,
    check_select_inputs,
)

# The two rules of Eq. 7's exponent, for the docstrings below.
_EXPONENT_RULE_DOC = """exponent_rule : {"zipf", "eq6"}, default="zipf"
        Rank exponent of Eq. 7 at epoch ``t``, with ``w = (t - 1) / (T - 1)``:

        - ``"eq6"``, the paper: ``gamma * alpha(t)``, ``alpha(t) = 1 + (alpha(T) - 1) * w``.
          Near balance Eq. 6's ``alpha`` blows up and so does the schedule.
        - ``"zipf"``, our rule: ``a_T = gamma * alpha(T)`` is a power-law exponent of the count
          *values* (Eq. 6 is Clauset's estimator of it) and a Zipf law over *ranks* has the
          exponent ``s_T = 1 / (a_T - 1)`` (0 when ``alpha(T)`` is infinite); the exponent
          at epoch ``t`` is ``s_t = w * s_T``. For Eq. 6's own ``alpha`` that is
          ``s_T = sum_c ln(n_c / n_min) / C``, continuous in the counts and 0 at balance.
          An ``alpha`` with ``a_T <= 1`` raises a ValueError."""


def fit_power_law_alpha(class_counts: Any, gamma: float = 0.3) -> float:
    """Fit the power-law exponent of the class counts, the paper's Eq. 6.

    ``alpha_hat = (1 / gamma) * (1 + C / (sum_c ln n_c - C * ln n_min))``, i.e.
    ``gamma * alpha_hat`` is Clauset et al.'s maximum-likelihood exponent of a power law over
    the count values. This is Eq. 6 exactly, whatever ``exponent_rule`` the schedule uses.

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
    TypeError
        If ``gamma`` is not a real number.
    ValueError
        If ``class_counts`` is not 1-D, is empty, or holds a value that is not an integer >= 1,
        or if ``gamma`` is not > 0.
    """
    counts = check_class_counts(class_counts)
    gamma = check_gamma(gamma)
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
    TypeError
        If ``t`` or ``T`` is not an int, or ``alpha_T`` is not a real number.
    ValueError
        If not ``1 <= t <= T``, or ``alpha_T`` is not > 0.
    """
    t, T = check_epoch_pair(t, T)
    alpha_T = check_alpha(alpha_T, "alpha_T")
    if math.isinf(alpha_T):
        return math.inf
    return 1.0 + (alpha_T - 1.0) * _progress(t, T)


def _progress(t: int, T: int) -> float:
    """``w = (t - 1) / (T - 1)``, and 1 when ``T == 1``."""
    return 1.0 if T == 1 else (t - 1) / (T - 1)


def _rank_exponent(t: int, T: int, alpha_T: float, gamma: float, exponent_rule: str) -> float:
    """The rank exponent of Eq. 7 at epoch ``t`` (arguments already validated).

    0 (the uniform distribution) when ``alpha_T`` is infinite, under either rule.
    """
    if math.isinf(alpha_T):
        return 0.0
    if exponent_rule == "eq6":
        return gamma * alpha_at(t, T, alpha_T)
    value_exponent = gamma * alpha_T
    if not value_exponent > 1:
        raise ValueError(
            f'exponent_rule="zipf" needs gamma * alpha > 1 (a power law over the count values '
            f"with a finite Zipf rank exponent 1 / (gamma * alpha - 1)), got gamma={gamma} and "
            f"alpha={alpha_T}: gamma * alpha = {value_exponent}. Eq. 6 always gives more than 1; "
            'pass a larger alpha, or exponent_rule="eq6".'
        )
    return _progress(t, T) / (value_exponent - 1.0)


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


@Substitution(exponent_rule=_EXPONENT_RULE_DOC)
def class_distribution(
    t: int,
    T: int,
    alpha_T: float,
    n_classes: int,
    gamma: float = 0.3,
    exponent_rule: str = "zipf",
) -> np.ndarray:
    """Class distribution of the training subset at curriculum epoch ``t``, the paper's Eq. 7.

    ``q_t(c) = (1 - w) / C + w * c ** (-e_t) / sum_i i ** (-e_t)`` with
    ``w = (t - 1) / (T - 1)`` (``w = 1`` when ``T == 1``) and the rank exponent ``e_t`` of
    ``exponent_rule``: ``gamma * alpha(t)`` (the paper, ``alpha(t)`` from :func:`alpha_at`)
    or ``w / (gamma * alpha_T - 1)`` (Zipf).

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
    {exponent_rule}

    Returns
    -------
    q : ndarray of shape (n_classes,)
        Probabilities summing to 1, in frequency-rank order: index 0 is the most frequent
        class (rank ``c = 1``).

    Raises
    ------
    TypeError
        If an argument has a wrong type.
    ValueError
        If ``t`` is outside ``[1, T]``, ``T`` or ``n_classes`` is < 1, ``alpha_T`` or
        ``gamma`` is not > 0, ``exponent_rule`` is unknown, or ``gamma * alpha_T <= 1``
        under ``"zipf"``.
    """
    t, T = check_epoch_pair(t, T)
    alpha_T = check_alpha(alpha_T, "alpha_T")
    n_classes = check_int(n_classes, "n_classes", 1)
    gamma = check_gamma(gamma)
    exponent = _rank_exponent(t, T, alpha_T, gamma, check_exponent_rule(exponent_rule))
    w = _progress(t, T)
    with np.errstate(over="ignore", under="ignore"):
        q = (1.0 - w) / n_classes + w * _power_law(n_classes, exponent)
        return q / q.sum()


def _subset_size(t: int, T: int, n_samples: int) -> int:
    """``S_t = round(t / T * N)`` with halves rounded up, in exact integer arithmetic."""
    return (2 * t * n_samples + T) // (2 * T)


@Substitution(exponent_rule=_EXPONENT_RULE_DOC)
def class_quotas(
    class_counts: Any,
    t: int,
    T: int,
    gamma: float = 0.3,
    alpha: float | None = None,
    subset_size: int | None = None,
    exponent_rule: str = "zipf",
) -> np.ndarray:
    """Number of samples each class contributes at curriculum epoch ``t``.

    Steps: classes are ranked by count, descending, ties by label order; ``q_t`` comes from
    :func:`class_distribution` with ``alpha_T = alpha`` (fitted by :func:`fit_power_law_alpha`
    when None); the subset size is ``S_t = t / T * N`` rounded half up,
    ``floor((2 * t * N + T) / (2 * T))`` in exact integer arithmetic (so ``0.5 -> 1`` and
    ``2.5 -> 3``, where Python's ``round`` would give 0 and 2); the ideal quotas
    ``q_t(c) * S_t`` are turned into integers by largest-remainder rounding (ties by rank
    order); a class whose quota exceeds its count gets its count, and the excess goes to the
    classes with unused samples in proportion to ``q_t`` (again by largest remainder; equally
    if their ``q_t`` underflowed to 0), repeated until no quota exceeds its count.

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
        Override of ``S_t``, between 0 and ``N``; None uses ``S_t`` rounded half up. Used to
        enforce a minimum subset size.
    {exponent_rule}

    Returns
    -------
    quotas : ndarray of shape (n_classes,), dtype int64
        Per-class sample counts, in the order of ``class_counts``. They sum to ``S_t``,
        satisfy ``0 <= quotas <= class_counts``, and equal ``class_counts`` at ``t == T``.

    Raises
    ------
    TypeError
        If an argument has a wrong type.
    ValueError
        If ``class_counts``, ``t``, ``T``, ``gamma``, ``alpha``, ``subset_size`` or
        ``exponent_rule`` has a bad value.
    """
    counts = check_class_counts(class_counts)
    t, T = check_epoch_pair(t, T)
    gamma = check_gamma(gamma)
    alpha = fit_power_law_alpha(counts, gamma) if alpha is None else check_alpha(alpha)
    n_classes = counts.size
    n_samples = int(counts.sum())
    if subset_size is None:
        total = _subset_size(t, T, n_samples)
    else:
        total = check_int(subset_size, "subset_size", 0, max_val=n_samples)

    label_of_rank = np.argsort(-counts, kind="stable")
    rank = np.empty(n_classes, dtype=np.int64)
    rank[label_of_rank] = np.arange(n_classes)
    q = class_distribution(t, T, alpha, n_classes, gamma, exponent_rule)[rank]  # label order

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


@Substitution(n_epochs=N_EPOCHS, exponent_rule=_EXPONENT_RULE_DOC)
class CLIMDScheduler(BaseScheduler):
    """CLIMD's class-distribution-guided training sample scheduler.

    At curriculum epoch ``t`` each class contributes ``class_quotas(...)[c]`` samples, its
    highest-priority ones: ``S_t = t / T * N`` samples in all, rounded half up (in exact
    integer arithmetic; at least ``min(min_size, N)``), split by the class distribution of
    Eq. 7. Classes absent from ``y`` are left out of Eq. 6-7 (Eq. 6 is undefined for an empty
    class), so ``C`` there is the number of classes present.

    Parameters
    ----------
    {n_epochs}
    gamma : float, default=0.3
        Smoothing hyperparameter of the power law, > 0.
    alpha : float or None, default=None
        ``alpha(T)``, > 0 or ``math.inf``. None fits it to the class counts of ``y`` (Eq. 6).
    n_classes : int or None, default=None
        Number of classes; None uses ``y.max() + 1``. Only used to check ``y``.
    min_size : int, default=1
        Smallest subset size (e.g. one batch), >= 1; when ``S_t`` is smaller, the quotas are
        computed for ``min(min_size, N)`` samples instead.
    {exponent_rule}
    """

    def __init__(
        self,
        n_epochs: int | None = None,
        gamma: float = 0.3,
        alpha: float | None = None,
        n_classes: int | None = None,
        min_size: int = 1,
        exponent_rule: str = "zipf",
    ) -> None:
        super().__init__(n_epochs)
        self.gamma = gamma
        self.alpha = alpha
        self.n_classes = n_classes
        self.min_size = min_size
        self.exponent_rule = exponent_rule

    def _check(self) -> int:
        n_epochs = super()._check()
        check_gamma(self.gamma)
        if self.alpha is not None:
            check_alpha(self.alpha)
        if self.n_classes is not None:
            check_int(self.n_classes, "n_classes", 1)
        check_int(self.min_size, "min_size", 1)
        check_exponent_rule(self.exponent_rule)
        return n_epochs

    def _present_classes(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        """Labels present in ``y``, their counts, and the number of classes."""
        n_classes = int(y.max()) + 1 if self.n_classes is None else int(self.n_classes)
        if y.max() >= n_classes:
            raise ValueError(f"y must hold labels 0..{n_classes - 1}, got label {y.max()}")
        counts = np.bincount(y, minlength=n_classes)
        present = np.flatnonzero(counts)
        return present, counts[present], n_classes

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
        TypeError
            If a constructor argument or ``epoch`` has a wrong type.
        ValueError
            If ``n_epochs`` is None, or a constructor argument, ``epoch`` or ``y`` is invalid.
        """
        n_epochs = self._check()
        epoch = check_int(epoch, "epoch", 1)
        _, y = check_select_inputs(None, y)
        return self._quotas(min(epoch, n_epochs), y)[0]

    def _quotas(self, epoch: int, y: np.ndarray) -> tuple[np.ndarray, float, float]:
        """Quotas by label, ``alpha(T)`` and the rank exponent of Eq. 7 at ``epoch``."""
        present, counts, n_classes = self._present_classes(y)
        alpha = fit_power_law_alpha(counts, self.gamma) if self.alpha is None else self.alpha
        alpha = float(alpha)
        T = int(self.n_epochs)
        n_samples = int(counts.sum())
        size = max(_subset_size(epoch, T, n_samples), min(self.min_size, n_samples))
        present_quotas = class_quotas(
            counts, epoch, T, self.gamma, alpha, subset_size=size,
            exponent_rule=self.exponent_rule,
        )
        quotas = np.zeros(n_classes, dtype=np.int64)
        quotas[present] = present_quotas
        exponent = _rank_exponent(epoch, T, alpha, float(self.gamma), self.exponent_rule)
        return quotas, alpha, exponent

    def _select(self, epoch: int, order: np.ndarray, y: np.ndarray) -> np.ndarray:
        quotas = self._quotas(epoch, y)[0]
        # group the priority order by class, keeping priority order within each class
        grouped = order[np.argsort(y[order], kind="stable")]
        starts = np.searchsorted(y[grouped], np.arange(quotas.shape[0]), side="left")
        parts = [grouped[start : start + quota] for start, quota in zip(starts, quotas)]
        return np.concatenate(parts)

    def _describe(self, epoch: int, y: np.ndarray) -> dict[str, Any]:
        quotas, alpha, exponent = self._quotas(epoch, y)
        return {
            "subset_size": int(quotas.sum()),
            "alpha": alpha_at(epoch, int(self.n_epochs), alpha),
            "exponent": exponent,
            "quotas": quotas.tolist(),
        }
