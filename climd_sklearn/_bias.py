"""Post-hoc logit bias for the balanced error: the network frozen, one offset per class."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import log_softmax

__all__ = ["balanced_cross_entropy", "fit_balanced_bias"]


def _check(log_proba: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    log_proba = np.asarray(log_proba, dtype=np.float64)
    y = np.asarray(y)
    if log_proba.ndim != 2 or y.shape != (log_proba.shape[0],):
        raise ValueError(
            "log_proba must be 2-D (n_samples, n_classes) and y 1-D with n_samples labels, "
            f"got shapes {log_proba.shape} and {y.shape}."
        )
    if not np.all(np.isfinite(log_proba)):
        raise ValueError("log_proba must be finite (clip probabilities before the log).")
    return log_proba, y.astype(np.int64)


def balanced_cross_entropy(bias: Any, log_proba: Any, y: Any) -> tuple[float, np.ndarray]:
    """Class-balanced cross-entropy of ``softmax(log_proba + bias)`` and its gradient.

    Every class present in ``y`` weighs the same: the loss is the mean over those classes of
    the mean negative log-likelihood of their samples.

    Parameters
    ----------
    bias : array-like of shape (n_classes,)
        Additive logit offsets.
    log_proba : array-like of shape (n_samples, n_classes)
        Log class probabilities (or any logits) of the frozen model.
    y : array-like of shape (n_samples,)
        Encoded labels ``0..n_classes-1``.

    Returns
    -------
    loss : float
        The balanced cross-entropy.
    grad : numpy.ndarray of shape (n_classes,)
        Its gradient with respect to ``bias``.
    """
    log_proba, y = _check(log_proba, y)
    bias = np.asarray(bias, dtype=np.float64)
    n_classes = log_proba.shape[1]
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    present = counts > 0
    weights = np.where(present, 1.0 / np.maximum(counts, 1.0), 0.0) / present.sum()
    w = weights[y]
    logp = log_softmax(log_proba + bias, axis=1)
    loss = -float(np.sum(w * logp[np.arange(len(y)), y]))
    onehot = np.zeros_like(logp)
    onehot[np.arange(len(y)), y] = 1.0
    grad = np.sum(w[:, None] * (np.exp(logp) - onehot), axis=0)
    return loss, grad


def fit_balanced_bias(log_proba: Any, y: Any) -> np.ndarray:
    """The logit offsets that minimise the class-balanced cross-entropy on ``(log_proba, y)``.

    A convex problem in ``n_classes`` variables (solved by L-BFGS); the solution is returned
    with zero mean, since a common shift does not change the softmax. Classes absent from
    ``y`` keep an offset of 0 relative to the mean.

    Parameters
    ----------
    log_proba : array-like of shape (n_samples, n_classes)
        Log class probabilities (or logits) of the frozen model on the training data.
    y : array-like of shape (n_samples,)
        Encoded labels ``0..n_classes-1``.

    Returns
    -------
    bias : numpy.ndarray of shape (n_classes,)
        Offsets to add to the logits before the softmax.

    Raises
    ------
    ValueError
        If the shapes do not match or ``log_proba`` is not finite.
    """
    log_proba, y = _check(log_proba, y)
    n_classes = log_proba.shape[1]
    result = minimize(
        balanced_cross_entropy, np.zeros(n_classes), args=(log_proba, y), jac=True,
        method="L-BFGS-B", options={"maxiter": 500, "gtol": 1e-10},
    )
    bias = np.asarray(result.x, dtype=np.float64)
    return bias - bias.mean()
