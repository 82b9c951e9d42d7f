"""Quantile bins that keep NaN: the gradient-boosting anchor's binning on missing modalities.

The like-for-like protocol's ``"HGB (balanced)"`` cuts the features into 255 quantile bins
with scikit-learn's ``KBinsDiscretizer`` before ``HistGradientBoostingClassifier``, because
with class weights HGB's own binner computes weighted percentiles and a fit on mfeat ran five
times slower (:func:`~climd_sklearn.benchmark._methods._anchor_pipeline`). ``KBinsDiscretizer``
refuses NaN, while HGB handles it natively: a missing value gets its own bin and each split
learns which side it goes to. :class:`NaNQuantileBinner` bins the observed values the same way
and leaves NaN as NaN, so that HGB can be run on data with absent modalities as a user would
run it, without an imputer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["NaNQuantileBinner"]


class NaNQuantileBinner(TransformerMixin, BaseEstimator):
    """Replace each observed value by the index of its quantile bin; keep NaN.

    Parameters
    ----------
    n_bins : int, default=255
        Bins per feature at most (fewer where a feature has fewer distinct observed values).

    Attributes
    ----------
    bin_edges_ : list of ndarray
        Per feature, the sorted inner edges: the observed values' quantiles at
        ``1 / n_bins, ..., (n_bins - 1) / n_bins``, duplicates removed. A value ``x`` goes to
        bin ``sum(edges <= x)``; a feature never observed has no edges.
    n_features_in_ : int
        Number of features seen by :meth:`fit`.
    """

    _parameter_constraints: dict = {}

    def __init__(self, n_bins: int = 255) -> None:
        self.n_bins = n_bins

    def fit(self, X: Any, y: Any = None) -> NaNQuantileBinner:
        """Compute each feature's bin edges from its observed (non-NaN) values.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features; NaN marks a missing value.
        y : None
            Ignored.

        Returns
        -------
        self : NaNQuantileBinner

        Raises
        ------
        ValueError
            If ``n_bins`` is not an int >= 2, or ``X`` holds an infinite value.
        """
        if isinstance(self.n_bins, bool) or not isinstance(self.n_bins, (int, np.integer)) \
                or self.n_bins < 2:
            raise ValueError(f"n_bins must be an int >= 2, got {self.n_bins!r}.")
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan")
        levels = np.linspace(0.0, 1.0, self.n_bins + 1)[1:-1]
        self.bin_edges_ = []
        for column in X.T:
            observed = column[~np.isnan(column)]
            edges = np.quantile(observed, levels) if observed.size else np.empty(0)
            self.bin_edges_.append(np.unique(edges))
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Bin every observed value; NaN stays NaN.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features, as many as in :meth:`fit`.

        Returns
        -------
        X_binned : ndarray of shape (n_samples, n_features)
            Float bin indices in ``0 .. n_bins - 1``, NaN where ``X`` is NaN.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=False)
        binned = np.empty_like(X)
        for j, edges in enumerate(self.bin_edges_):
            binned[:, j] = np.searchsorted(edges, X[:, j], side="right")
        binned[np.isnan(X)] = np.nan
        return binned
