"""``fit``'s sample weights: validated, zero weights left out, the others scaled to mean 1.

A weight scales its sample's terms in the training loss (the fused head's and every
per-modality head's), and the balanced softmax's class prior is computed from the weighted
class counts, so that weights which balance the classes leave a plain, weighted
cross-entropy instead of correcting the imbalance twice. A sample of weight 0 is left out of
the fit altogether, as scikit-learn's convention has it (weight 0 is the sample's absence).
Equal weights are the unweighted fit, bit for bit. What the weights do not change: the
curriculum's class quotas and each member's draw count samples, and the per-modality
standardization's statistics are those of the samples kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from sklearn.utils.validation import _check_sample_weight

__all__ = ["WEIGHT_KEY", "check_sample_weight", "weighted_rows"]

#: Reserved key under which the scaled weights travel with the training data.
WEIGHT_KEY = "__sample_weight__"


def check_sample_weight(sample_weight: Any, n_samples: int) -> np.ndarray | None:
    """``sample_weight`` as a float64 array of one finite, non-negative weight per sample.

    scikit-learn's own validation (a number stands for that weight on every sample), and an
    error where every weight is zero.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,), float or None
        The weights ``fit`` was given.
    n_samples : int
        The number of training samples.

    Returns
    -------
    weights : numpy.ndarray of shape (n_samples,) or None
        None where ``sample_weight`` is None.

    Raises
    ------
    ValueError
        If the weights are not numbers, not one per sample, not finite, negative, or all
        zero.
    """
    if sample_weight is None:
        return None
    weights = _check_sample_weight(sample_weight, np.empty(n_samples), dtype=np.float64,
                                   ensure_non_negative=True)
    if not weights.any():
        raise ValueError("sample_weight must hold at least one non-zero weight; every weight "
                         "is zero.")
    return weights


def _keep_rows(weights: np.ndarray | None) -> np.ndarray | None:
    """The rows of positive weight, or None where every row is kept.

    Parameters
    ----------
    weights : numpy.ndarray or None
        Validated weights (:func:`check_sample_weight`).

    Returns
    -------
    rows : numpy.ndarray of int or None
        Increasing row indices.
    """
    if weights is None or (weights > 0).all():
        return None
    return np.flatnonzero(weights > 0)


def _scaled_weights(weights: np.ndarray | None) -> np.ndarray | None:
    """Positive weights scaled to mean 1, or None where they are all equal.

    Scaled to mean 1, a weighted fit's loss has the unweighted fit's scale, so the weight
    decay and the learning rate keep their strength against it; equal weights are the
    unweighted fit.

    Parameters
    ----------
    weights : numpy.ndarray or None
        Positive weights of the rows kept.

    Returns
    -------
    scaled : numpy.ndarray of float32 or None
        ``weights / weights.mean()``.
    """
    if weights is None or (weights == weights[0]).all():
        return None
    return (weights / weights.mean()).astype(np.float32)


def _take_present_rows(present: Any, rows: np.ndarray, n_samples: int) -> Any:
    """The presence mask's rows ``rows``; a mask of another length is passed on untouched.

    A mask whose length is not ``n_samples`` is an error that the mask's own validation
    reports, with its message, after this selection.
    """
    if present is None:
        return None
    if isinstance(present, Mapping):
        return {name: (np.asarray(flags)[rows] if len(flags) == n_samples else flags)
                for name, flags in present.items()}
    present = np.asarray(present)
    return present[rows] if present.ndim >= 1 and len(present) == n_samples else present


def weighted_rows(X_dict: dict, y: np.ndarray, present: Any, sample_weight: Any,
                  ) -> tuple[dict, np.ndarray, Any, np.ndarray | None]:
    """The rows of positive weight, and their weights scaled to mean 1.

    Parameters
    ----------
    X_dict : dict of str to numpy.ndarray
        The validated modalities.
    y : numpy.ndarray of shape (n_samples,)
        The labels.
    present : dict, array-like or None
        The presence mask ``fit`` was given.
    sample_weight : array-like of shape (n_samples,) or None
        The weights ``fit`` was given.

    Returns
    -------
    X_dict, y, present
        Their rows of positive weight (all rows without weights).
    weights : numpy.ndarray of float32 or None
        Those rows' weights scaled to mean 1; None without weights or where they are equal.

    Raises
    ------
    ValueError
        From :func:`check_sample_weight`, or where every sample of a class weighs 0.
    """
    weights = check_sample_weight(sample_weight, len(y))
    if weights is not None:
        labels, label_of_row = np.unique(y, return_inverse=True)
        unweighted = labels[np.bincount(label_of_row.ravel(), weights=weights) == 0]
        if unweighted.size:
            raise ValueError(
                f"sample_weight is 0 for every sample of classes {unweighted.tolist()}, so the "
                "fit would not learn them and could never predict them; give them a positive "
                "weight, or drop those samples from X and y."
            )
    rows = _keep_rows(weights)
    if rows is not None:
        present = _take_present_rows(present, rows, len(y))
        X_dict = {name: values[rows] for name, values in X_dict.items()}
        y, weights = y[rows], weights[rows]
    return X_dict, y, present, _scaled_weights(weights)
