"""Class-balanced sampling, used after the curriculum by ``post_curriculum="balanced"``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import _largest_remainder
from ._validation import check_int


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
        Number of draws, >= 1; None means ``n_samples``.
    seed : int or sequence of int, default=0
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    indices : numpy.ndarray of int64, shape (size,)
        Indices into ``y``, grouped by class (the sampler shuffles them).

    Raises
    ------
    TypeError
        If ``size`` is not an int.
    ValueError
        If ``y`` is empty or not 1-D, or ``size`` is < 1.

    Examples
    --------
    >>> import numpy as np
    >>> from climd_sklearn.curriculum import class_balanced_indices
    >>> idx = class_balanced_indices(np.array([0, 0, 0, 0, 0, 0, 1, 1]), seed=0)
    >>> np.bincount(np.array([0, 0, 0, 0, 0, 0, 1, 1])[idx]).tolist()
    [4, 4]
    """
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] == 0:
        raise ValueError(f"y must be a non-empty 1-D array of labels, got shape {y.shape}.")
    size = y.shape[0] if size is None else check_int(size, "size", 1)
    classes = np.unique(y)
    shares = _largest_remainder(np.ones(classes.shape[0]), size, np.arange(classes.shape[0]))
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
