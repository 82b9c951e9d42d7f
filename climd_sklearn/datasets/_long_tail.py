"""Long-tailed (exponentially imbalanced) subsampling of a multimodal data set."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd
from imblearn.datasets import make_imbalance
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import type_of_target

from ._base import _check_multimodal_rows, _take_rows

__all__ = ["make_long_tailed"]


def _long_tail_counts(n_max: int, imbalance_ratio: float, n_classes: int) -> list[int]:
    """Return ``floor(n_max * rho ** (-r / (C - 1)))`` (at least 1) for ranks ``r = 0..C-1``."""
    counts = []
    for rank in range(n_classes):
        target = n_max * imbalance_ratio ** (-rank / (n_classes - 1))
        # the small tolerance keeps exact products such as 200 * 10**-1 from flooring to 19
        counts.append(max(1, math.floor(target + 1e-9)))
    return counts


def make_long_tailed(
    X: Any,
    y: Any,
    imbalance_ratio: float,
    *,
    random_state: int | np.random.RandomState | None = None,
    class_order: Sequence[Any] | None = None,
) -> tuple[Any, Any]:
    """Subsample a (multimodal) data set into a long-tailed, exponentially imbalanced one.

    The class of rank ``r`` (``r = 0`` is the head class) keeps

    .. math:: n_r = \\max\\left(1, \\left\\lfloor n_{max}\\,
              \\rho^{-r / (C - 1)} \\right\\rfloor\\right)

    randomly chosen samples, where ``rho`` is ``imbalance_ratio``, ``C`` the number of classes
    and ``n_max`` the number of samples of the **head class** (the class of rank 0, which is
    therefore kept whole). This is how CIFAR-10-LT is built; for a balanced input ``n_max`` is
    also the size of every class. The rows are drawn without replacement by
    :func:`imblearn.datasets.make_imbalance` (a random under-sampler) and returned in their
    original order; the same rows are taken from every modality.

    Parameters
    ----------
    X : dict of str to {ndarray, DataFrame}, SliceDict, ndarray or DataFrame
        The data: a mapping from modality name to a 2-D array or DataFrame (all with
        ``n_samples`` rows), or a single 2-D array or DataFrame.
    y : array-like of shape (n_samples,)
        Class labels (integers or strings; ndarray, list or pandas Series).
    imbalance_ratio : float
        ``rho >= 1``, the ratio of the head class size to the tail class size (before the
        flooring). ``1`` keeps every sample of every class.
    random_state : int, RandomState instance or None, default=None
        Seed of the row selection.
    class_order : sequence or None, default=None
        The class labels from head (rank 0) to tail. ``None`` ranks the classes by their sorted
        label values (the smallest label is the head). Must hold every class exactly once.

    Returns
    -------
    X_lt : same type as X
        The selected rows of every modality, in their original order. Arrays stay arrays,
        DataFrames keep their index labels, a ``dict`` or ``SliceDict`` stays one.
    y_lt : same type as y
        The labels of the selected rows (a Series keeps its index; a list becomes an ndarray).

    Raises
    ------
    ValueError
        If ``imbalance_ratio < 1``, ``y`` is not a classification target (it holds missing
        labels such as NaN or None, non-integral floats or mixed types) or holds fewer than
        two classes, ``class_order`` is not a permutation of the classes, a modality's row
        count differs from the length of ``y``, or a class has fewer samples than its target
        count.

    Examples
    --------
    >>> from collections import Counter
    >>> from climd_sklearn.datasets import load_mfeat, make_long_tailed
    >>> X, y = load_mfeat(return_X_y=True)
    >>> X_lt, y_lt = make_long_tailed(X, y, imbalance_ratio=10, random_state=0)
    >>> [Counter(y_lt.tolist())[c] for c in range(10)]
    [200, 154, 119, 92, 71, 55, 43, 33, 25, 20]
    """
    if (
        not isinstance(imbalance_ratio, Real)
        or isinstance(imbalance_ratio, bool)
        or not math.isfinite(float(imbalance_ratio))
        or imbalance_ratio < 1
    ):
        raise ValueError(f"imbalance_ratio must be a finite number >= 1; got {imbalance_ratio!r}.")
    y_array = np.asarray(y)
    if y_array.ndim != 1:
        raise ValueError(f"y must be 1-D; got shape {y_array.shape}.")
    missing = np.flatnonzero(pd.isna(y_array))
    if missing.size:
        raise ValueError(
            f"y holds {missing.size} missing label(s) (NaN or None), the first at position "
            f"{missing[0]}; every sample needs a class label."
        )
    if y_array.size:
        # float labels that are not class codes and mixed types are refused here rather than
        # grouped or sorted wrongly below
        y_type = type_of_target(y_array, input_name="y")
        if y_type not in ("binary", "multiclass"):
            raise ValueError(
                "y must hold class labels (a binary or multiclass target); "
                f"type_of_target(y) is {y_type!r} (non-integral floats or mixed types?)."
            )
    n_samples = y_array.shape[0]
    _check_multimodal_rows(X, n_samples)

    classes, counts = np.unique(y_array, return_counts=True)
    count_of = dict(zip(classes.tolist(), counts.tolist()))
    n_classes = len(classes)
    if n_classes < 2:
        raise ValueError(f"y must hold at least two classes; got {n_classes}.")
    if class_order is None:
        order = classes.tolist()
    else:
        given_order = np.asarray(class_order, dtype=object).ravel().tolist()
        unknown = [c for c in given_order if c not in count_of]
        missing = [c for c in count_of if c not in given_order]
        if unknown or missing or len(given_order) != n_classes:
            raise ValueError(
                "class_order must list every class of y exactly once; "
                f"unknown: {unknown}, missing: {missing}, got {len(given_order)} entries for "
                f"{n_classes} classes."
            )
        # use the label objects of y itself (so that, e.g., np.int64(2) maps to the label 2)
        label_of = {label: label for label in count_of}
        order = [label_of[c] for c in given_order]

    if imbalance_ratio == 1:
        indices = np.arange(n_samples)
    else:
        targets = _long_tail_counts(count_of[order[0]], float(imbalance_ratio), n_classes)
        strategy = dict(zip(order, targets))
        for rank, (label, needed) in enumerate(strategy.items()):
            if count_of[label] < needed:
                raise ValueError(
                    f"Class {label!r} (rank {rank}) has {count_of[label]} samples but needs "
                    f"{needed} for imbalance_ratio={imbalance_ratio}."
                )
        row_ids, _ = make_imbalance(
            np.arange(n_samples).reshape(-1, 1),
            y_array,
            sampling_strategy=strategy,
            random_state=random_state,
        )
        indices = np.sort(row_ids.ravel())

    X_lt = _take_rows(X, indices)
    if isinstance(y, list | tuple):
        y_lt = y_array[indices]
    else:
        y_lt = _safe_indexing(y, indices)
    return X_lt, y_lt
