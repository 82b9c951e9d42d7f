"""Standardized inputs, with each test row projected onto its modality's training span.

Where a modality has at least as many features as the training fold has rows, its
standardized training rows span a subspace of rank at most ``n_train - 1``. No gradient
ever carries information about the directions outside it: what the first layer does
there is its random initialization, moved only by the optimizer's per-coordinate scaling
and the weight decay. A test row's component along those directions therefore adds noise
that no training sample constrained to the hidden units. A ridge or balanced logistic
regression is blind to it, since its weights lie in the training span (the representer
theorem). :class:`SpanProjectedScaler` standardizes like ``StandardScaler`` and, in
:meth:`~SpanProjectedScaler.transform`, replaces each modality's block of a row by its
orthogonal projection onto the span of that block's standardized training rows. The
training rows lie in that span already, so :meth:`~SpanProjectedScaler.fit_transform`
returns them exactly as ``StandardScaler`` does and the network trains on the same
numbers as without the projection; a modality of full column rank is left as it is.
Benchmark code only (the first pilot after round 55). The pilot found no gain: the
default's weight decay already shrinks the first layer's weights outside the span tenfold
during training, so the network reads almost nothing there (``docs/research.md``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["SpanProjectedScaler"]


def _span_basis(block: np.ndarray) -> np.ndarray | None:
    """An orthonormal basis (columns) of the row space of ``block``; None at full rank.

    The rank is NumPy's ``matrix_rank`` rule: singular values above
    ``s_max * max(block.shape) * eps``.
    """
    _, singular, right = np.linalg.svd(block, full_matrices=False)
    # an all-zero block (every column constant in training) has tol 0 and rank 0
    tol = singular[0] * max(block.shape) * np.finfo(block.dtype).eps
    rank = int(np.count_nonzero(singular > tol))
    if rank == block.shape[1]:
        return None
    return right[:rank].T


class SpanProjectedScaler(TransformerMixin, BaseEstimator):
    """Standardize; project each rank-deficient modality of a new row onto its training span.

    Parameters
    ----------
    columns : mapping of str to sequence of int
        Column indices of each modality in the concatenated array (as
        :func:`~climd_sklearn.benchmark._methods.modality_columns` gives them). Every column
        must belong to exactly one modality.

    Attributes
    ----------
    scaler_ : StandardScaler
        Fitted on the training rows.
    bases_ : dict of str to ndarray or None
        For each modality, an orthonormal basis (columns, shape ``(width, rank)``) of the
        span of its standardized training rows, or None where that block has full column
        rank (nothing to project).
    """

    def __init__(self, columns: Mapping[str, Sequence[int]]) -> None:
        self.columns = columns

    def fit(self, X: Any, y: Any = None) -> SpanProjectedScaler:
        """Fit the scaler and find each modality's training span.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : None
            Ignored.

        Returns
        -------
        self : SpanProjectedScaler

        Raises
        ------
        ValueError
            If ``columns`` does not cover every column of ``X`` exactly once.
        """
        self._fit(X)
        return self

    def fit_transform(self, X: Any, y: Any = None, **fit_params: Any) -> np.ndarray:
        """Fit, and return the training rows standardized (they lie in their own span).

        ``X`` and ``y`` as in :meth:`fit`; ``fit_params`` are ignored.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features)
            Exactly ``StandardScaler().fit_transform(X)``.
        """
        return self._fit(X)

    def _fit(self, X: Any) -> np.ndarray:
        X = validate_data(self, X, dtype=np.float64)
        covered = np.sort(np.concatenate([np.asarray(cols, dtype=int)
                                          for cols in self.columns.values()]))
        if not np.array_equal(covered, np.arange(X.shape[1])):
            raise ValueError(f"columns must cover each of the {X.shape[1]} columns exactly "
                             f"once; they cover {covered.size} indices "
                             f"({np.unique(covered).size} distinct)")
        self.scaler_ = StandardScaler().fit(X)
        standardized = self.scaler_.transform(X)
        self.bases_ = {name: _span_basis(standardized[:, list(cols)])
                       for name, cols in self.columns.items()}
        return standardized

    def transform(self, X: Any) -> np.ndarray:
        """Standardize, then project each rank-deficient modality onto its training span.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to transform.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features)
            The columns in their input order.
        """
        check_is_fitted(self, "bases_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        out = self.scaler_.transform(X)
        for name, basis in self.bases_.items():
            if basis is not None:
                cols = list(self.columns[name])
                out[:, cols] = (out[:, cols] @ basis) @ basis.T
        return out
