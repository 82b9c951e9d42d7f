"""A modality of absence indicators: one column per modality, 1 where the sample lacks it.

The default given a sample's absent modality as a row of NaN gives that modality a zero block
in the sample's fusion, which carries the absence only as far as the modality's usual
embedding differs from zero. Where whether a modality was measured depends on the diagnosis
(informative missingness: patients suspected of the disease are examined more completely),
the absence is itself evidence. :class:`ModalityAbsence` appends one indicator per modality
to the concatenated features, so that a pipeline can hand them to the network as one more
modality (the missing-indicator method, here per modality rather than per feature).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["ModalityAbsence", "absent_modalities"]


def absent_modalities(X: np.ndarray, modalities: Mapping[str, Sequence[int]]) -> np.ndarray:
    """Per sample and modality, True where every one of the modality's cells is NaN.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Concatenated modalities.
    modalities : mapping of str to sequence of int
        The column indices of each modality, in the order of the returned columns.

    Returns
    -------
    absent : ndarray of shape (n_samples, n_modalities), bool
    """
    return np.column_stack([np.isnan(X[:, list(columns)]).all(axis=1)
                            for columns in modalities.values()])


class ModalityAbsence(TransformerMixin, BaseEstimator):
    """Append to the features one column per modality: 1.0 where all its cells are NaN.

    Parameters
    ----------
    modalities : mapping of str to sequence of int
        The column indices of each modality in the concatenated features, in the order of
        the appended columns.
    per_feature : bool, default=False
        Repeat each modality's indicator once per column of the modality, as scikit-learn's
        per-feature missing indicators are where whole modalities go missing (the pilot
        after the regression's indicators were kept once per modality).

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen by :meth:`fit`.
    """

    _parameter_constraints: dict = {}

    def __init__(self, modalities: Mapping[str, Sequence[int]],
                 per_feature: bool = False) -> None:
        self.modalities = modalities
        self.per_feature = per_feature

    def fit(self, X: Any, y: Any = None) -> ModalityAbsence:
        """Check the modalities' columns against ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Concatenated modalities; NaN in every column of a modality marks it absent.
        y : None
            Ignored.

        Returns
        -------
        self : ModalityAbsence

        Raises
        ------
        ValueError
            If a modality has no columns or names a column that ``X`` does not have.
        """
        X = validate_data(self, X, ensure_all_finite="allow-nan")
        for name, columns in self.modalities.items():
            columns = np.asarray(columns)
            if columns.size == 0 or columns.min() < 0 or columns.max() >= X.shape[1]:
                raise ValueError(f"Modality {name!r} must name columns of X in [0, "
                                 f"{X.shape[1]}), got {columns.tolist()}.")
        return self

    def transform(self, X: Any) -> np.ndarray:
        """``X`` with one absence indicator per modality appended.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Concatenated modalities.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features + n_modalities)
            ``X``, then for each modality 1.0 where all its columns are NaN, else 0.0.
        """
        check_is_fitted(self)
        X = validate_data(self, X, ensure_all_finite="allow-nan", reset=False)
        absent = absent_modalities(X, self.modalities).astype(X.dtype)
        if self.per_feature:
            absent = np.repeat(absent, [len(c) for c in self.modalities.values()], axis=1)
        return np.hstack([X, absent])
