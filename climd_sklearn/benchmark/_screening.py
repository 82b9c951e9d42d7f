"""Sure independence screening of each modality wider than the training fold.

Where a modality has more features than the training fold has rows, a network fits every
one of them, noise included, and a balanced linear model wins (``docs/research.md``, the
wide set). Sure independence screening (Fan & Lv 2008) first keeps the ``d`` features with
the largest marginal association with the target, ``d = n - 1`` or ``d = n / log n``
(their two recommendations; ``n`` the training fold's size), and then fits the model on
those: under mild conditions the kept set contains every relevant feature with
probability tending to one. For a class label the marginal association is the one-way
ANOVA F statistic (scikit-learn's ``f_classif``; Fan & Fan 2008 use the two-sample t
statistic, whose square it is for two classes). :class:`ModalityScreen` does this per
modality, and only for the modalities wider than the training fold, so that mfeat's and the
synthetic set's modalities pass unchanged. Benchmark code only (the third pilot after round
55).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["SCREEN_SIZES", "ModalityScreen", "screened_layout"]

#: name -> the number of features kept of a modality wider than ``n`` training rows.
SCREEN_SIZES: dict[str, Any] = {
    "n-1": lambda n: n - 1,
    "n/log n": lambda n: int(n / math.log(n)),
}


def screened_layout(layout: Mapping[str, int], n_train: int, size: str) -> dict[str, int]:
    """The modality widths after screening: ``d`` for a modality wider than ``n_train``.

    Parameters
    ----------
    layout : mapping of str to int
        Modality widths in column order.
    n_train : int
        Training-fold size.
    size : {"n-1", "n/log n"}
        The rule for ``d``.

    Returns
    -------
    widths : dict of str to int
        The widths in the same order; a modality no wider than ``n_train`` keeps its own.
    """
    if size not in SCREEN_SIZES:
        raise ValueError(f"size must be one of {list(SCREEN_SIZES)}, got {size!r}")
    if n_train < 3:
        raise ValueError(f"screening needs at least 3 training rows, got {n_train}")
    kept = int(SCREEN_SIZES[size](n_train))
    return {name: kept if width > n_train else int(width) for name, width in layout.items()}


class ModalityScreen(TransformerMixin, BaseEstimator):
    """Keep the features of each modality with the largest ANOVA F on the training labels.

    Parameters
    ----------
    columns : mapping of str to sequence of int
        Column indices of each modality in the concatenated array (as
        :func:`~climd_sklearn.benchmark._methods.modality_columns` gives them).
    keep : mapping of str to int
        Number of features kept of each modality, the same keys; a modality whose ``keep``
        is its width passes unchanged (:func:`screened_layout`).

    Attributes
    ----------
    support_ : ndarray of int
        The kept column indices, modality by modality in the order of ``columns``, and in
        their original order within a modality.
    n_features_in_ : int
        Number of columns seen in :meth:`fit`.
    """

    def __init__(self, columns: Mapping[str, Sequence[int]], keep: Mapping[str, int]) -> None:
        self.columns = columns
        self.keep = keep

    def fit(self, X: Any, y: Any) -> ModalityScreen:
        """Rank each modality's features by their ANOVA F with ``y`` and keep the top ones.

        Per modality, scikit-learn's ``SelectKBest(f_classif)``: a constant feature (F
        undefined) ranks last.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,)
            Training labels.

        Returns
        -------
        self : ModalityScreen
            The fitted transformer.
        """
        X, y = validate_data(self, X, y)
        if set(self.keep) != set(self.columns):
            raise ValueError(f"keep names {sorted(self.keep)}, columns {sorted(self.columns)}")
        support = []
        for name, cols in self.columns.items():
            cols = np.asarray(cols, dtype=int)
            kept = int(self.keep[name])
            if not 1 <= kept <= cols.size:
                raise ValueError(f"keep[{name!r}] must be in [1, {cols.size}], got {kept}")
            if kept == cols.size:
                support.append(cols)
                continue
            with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
                warnings.simplefilter("ignore", UserWarning)  # constant features
                selector = SelectKBest(f_classif, k=kept).fit(X[:, cols], y)
            support.append(cols[selector.get_support()])
        self.support_ = np.concatenate(support)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """The kept columns of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to transform.

        Returns
        -------
        X_kept : ndarray of shape (n_samples, len(support_))
            The kept columns.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return X[:, self.support_]
