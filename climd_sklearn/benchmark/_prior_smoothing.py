"""The balanced softmax's class prior estimated with add-one smoothing (research round 48).

The balanced softmax trains on ``CE(logits + log prior, y)``: the network's raw logits then
estimate the class-balanced posterior, provided the prior is the label distribution the
batches are drawn from. That distribution is estimated from counts (the whole training set's,
or under a curriculum the epoch's subset's: :class:`~climd_sklearn.training.EpochClassPrior`),
and the plain frequency ``n_c / N`` is least certain where it matters most: a class seen once
gets a log prior five nats below a class seen 160 times, and its one sample's logit is pushed
up by those five nats, into the space around it (docs/research.md, the diagnostic after round
46: the default's gap on mfeat rho 100's long tail is false positives into the three classes
with 1, 2 and 4 training samples). The posterior mean of the class distribution under a
uniform Dirichlet prior, ``(n_c + 1) / (N + K)`` (Laplace's rule of succession, and the
``alpha=1`` that scikit-learn's naive Bayes smooths its counts with), shrinks that estimate
by ``log 2`` for a class seen once and by less than 0.07 nats for a class seen 14 times or
more. Benchmark code only, until a round keeps it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..training import EpochClassPrior

__all__ = ["SmoothedClassPrior", "smoothed_log_prior"]


def smoothed_log_prior(counts: Any, alpha: float = 1.0) -> np.ndarray:
    """The log of the class prior estimated as ``(counts + alpha) / (N + K * alpha)``.

    Parameters
    ----------
    counts : array-like of shape (n_classes,)
        Class counts, non-negative.
    alpha : float, default=1.0
        The pseudo-count added to every class, positive (1: the posterior mean under a
        uniform Dirichlet prior).

    Returns
    -------
    log_prior : ndarray of shape (n_classes,)
        Natural logs; their exponentials sum to 1.

    Raises
    ------
    ValueError
        If ``alpha`` is not positive or a count is negative.
    """
    if not alpha > 0:
        raise ValueError(f"alpha must be positive, got {alpha!r}.")
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or bool((counts < 0).any()):
        raise ValueError(f"counts must be a 1-D array of non-negative counts, got {counts}.")
    smoothed = counts + alpha
    return np.log(smoothed / smoothed.sum())


class SmoothedClassPrior(EpochClassPrior):
    """Set the balanced softmax's prior to add-one smoothed class frequencies every epoch.

    :class:`~climd_sklearn.training.EpochClassPrior` with :func:`smoothed_log_prior` in place
    of the plain frequencies. Added as a user callback, it runs after the estimator's own
    ``EpochClassPrior`` and overwrites what that set: at the start of every epoch the
    criterion's ``log_prior`` becomes :func:`smoothed_log_prior` of the epoch's
    ``class_counts``, which :class:`~climd_sklearn.training.CurriculumScheduling` records in
    every epoch of a :class:`~climd_sklearn.CLIMDClassifier` fit (the whole training set's
    counts without a curriculum). Passed as
    ``CLIMDClassifier(callbacks=[("prior_smoothing", SmoothedClassPrior())])``.

    Parameters
    ----------
    alpha : float, default=1.0
        The pseudo-count; see :func:`smoothed_log_prior`.

    Raises
    ------
    ValueError
        At the start of training, if the criterion has no ``log_prior`` (the loss is not the
        balanced softmax), where smoothing its prior could do nothing.
    """

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def on_train_begin(self, net: Any, **kwargs: Any) -> None:
        """Check that the criterion has a prior to smooth.

        Parameters
        ----------
        net : skorch.NeuralNet
            The net being trained.
        **kwargs : dict
            Other skorch callback arguments, unused.
        """
        criterion = getattr(net, "criterion_", None)
        if not hasattr(criterion, "log_prior"):
            raise ValueError(
                "SmoothedClassPrior smooths the balanced softmax's prior, but the criterion "
                f"{type(criterion).__name__} has no log_prior; use loss='balanced_softmax'.")

    def _log_prior(self, class_counts: list[int]) -> np.ndarray:
        return smoothed_log_prior(class_counts, self.alpha)
