"""Predictions of a benchmark wrapper whose last fit, ``estimator_``, is what predicts."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["PredictsWithFinalFit"]


class PredictsWithFinalFit:
    """Mixin: ``predict_proba`` and ``predict`` are those of the fitted ``estimator_``.

    For the benchmark's wrappers that fit a model more than once (a reference or a probe,
    then the final fit), such as :class:`~climd_sklearn.benchmark._self_taught.SelfTaughtOrder`
    and :class:`~climd_sklearn.benchmark._gradient_blend.GradientBlendedHeads`.
    """

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities of the final fit.

        Parameters
        ----------
        X : dict of array-like, DataFrame or array-like
            Samples.

        Returns
        -------
        proba : numpy.ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    def predict(self, X: Any) -> np.ndarray:
        """Labels predicted by the final fit.

        Parameters
        ----------
        X : dict of array-like, DataFrame or array-like
            Samples.

        Returns
        -------
        labels : numpy.ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict(X)
