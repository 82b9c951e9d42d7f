"""Quantile-normal inputs for the highly skewed features only (the fourth pilot after round 54).

A mean and a standard deviation describe a near-symmetric feature well and a highly skewed
one badly: a few extreme values set its scale and squeeze the rest into a narrow band. The
usual practice is to transform only the skewed features, with the rule of thumb that a
sample skewness beyond +-1 is high (Bulmer 1979). :class:`SkewedQuantileScaler` maps those
through their training quantiles to a standard normal, as scikit-learn's
``QuantileTransformer(output_distribution="normal")`` does, and standardizes every other
feature, as ``StandardScaler`` does. Benchmark code only, until a round keeps it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import QuantileTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["SkewedQuantileScaler"]


class SkewedQuantileScaler(TransformerMixin, BaseEstimator):
    """Quantile-normal map for features with ``|skewness| > threshold``; standardize the rest.

    Parameters
    ----------
    threshold : float, default=1.0
        A feature whose sample skewness (``scipy.stats.skew`` on the training rows) exceeds
        this in absolute value is mapped through its quantiles; a constant feature counts
        as not skewed.
    n_quantiles : int, default=1000
        At most this many quantiles, and at most the number of training rows.
    random_state : int or None, default=None
        Passed to the ``QuantileTransformer`` (its subsampling of large inputs).

    Attributes
    ----------
    skewed_ : ndarray of bool of shape (n_features,)
        The features that go through the quantile map.
    quantile_ : QuantileTransformer or None
        Fitted on the skewed features (None if there is none).
    standard_ : StandardScaler or None
        Fitted on the others (None if every feature is skewed).
    """

    def __init__(self, threshold: float = 1.0, n_quantiles: int = 1000,
                 random_state: int | None = None) -> None:
        self.threshold = threshold
        self.n_quantiles = n_quantiles
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> SkewedQuantileScaler:
        """Find the skewed features and fit a transform to each group.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : None
            Ignored.

        Returns
        -------
        self : SkewedQuantileScaler
        """
        X = validate_data(self, X, dtype=np.float64)
        varies = np.ptp(X, axis=0) > 0
        skewness = np.zeros(X.shape[1])
        skewness[varies] = stats.skew(X[:, varies], axis=0)
        self.skewed_ = np.abs(skewness) > self.threshold
        self.quantile_ = self.standard_ = None
        if self.skewed_.any():
            self.quantile_ = QuantileTransformer(
                output_distribution="normal", n_quantiles=min(self.n_quantiles, len(X)),
                random_state=self.random_state).fit(X[:, self.skewed_])
        if not self.skewed_.all():
            self.standard_ = StandardScaler().fit(X[:, ~self.skewed_])
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Map the skewed features to a normal and standardize the others.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to transform.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features)
            The columns in their input order.
        """
        check_is_fitted(self, "skewed_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        out = np.empty_like(X)
        if self.quantile_ is not None:
            out[:, self.skewed_] = self.quantile_.transform(X[:, self.skewed_])
        if self.standard_ is not None:
            out[:, ~self.skewed_] = self.standard_.transform(X[:, ~self.skewed_])
        return out
