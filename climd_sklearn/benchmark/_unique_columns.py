"""Identical columns kept once: missing indicators one per pattern rather than per feature.

scikit-learn's ``SimpleImputer(add_indicator=True)`` appends one indicator per feature
missing in training. Where whole modalities go missing, every feature of a modality has the
same indicator, so a modality of 200 features gets 200 identical columns, and an L2-penalized
model that splits a weight evenly over k identical columns pays ``1 / k`` of the penalty on
their sum. :class:`UniqueColumns` keeps the first of each group of columns identical on the
training rows, so that behind scikit-learn's ``MissingIndicator`` there is one indicator per
missingness pattern: per modality here. Benchmark code, for the diagnostic after the
absence-modality check (``docs/research.md``), not part of the public API.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["UniqueColumns"]


class UniqueColumns(TransformerMixin, BaseEstimator):
    """Keep the first of each group of columns that are identical on the training rows.

    Attributes
    ----------
    columns_ : numpy.ndarray of int
        The kept columns, in their original order.
    n_features_in_ : int
        Number of features seen by :meth:`fit`.
    """

    _parameter_constraints: dict = {}

    def fit(self, X: Any, y: Any = None) -> UniqueColumns:
        """Find the first column of each group of identical columns.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric or boolean columns (missing indicators, say); no NaN.
        y : None
            Ignored.

        Returns
        -------
        self : UniqueColumns
        """
        X = validate_data(self, X, dtype=np.float64)
        if X.shape[1] == 0:
            self.columns_ = np.arange(0)
            return self
        _, first = np.unique(X, axis=1, return_index=True)
        self.columns_ = np.sort(first)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """The kept columns of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The columns :meth:`fit` saw.

        Returns
        -------
        X_kept : ndarray of shape (n_samples, len(columns_))
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X[:, self.columns_]
