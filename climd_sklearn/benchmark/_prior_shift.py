"""A classifier's decision moved toward the training prior by a shift chosen by inner CV.

The default's balanced softmax makes its argmax the rule for a balanced test: each class's
log-probability is, up to a constant, ``log p(x | y)``. Where the patients a model meets keep
the training prevalence, Bayes' rule adds ``log pi_y`` (``pi`` the training shares) before
the argmax. Menon et al. (2021) add ``tau * log pi_y`` and treat ``tau`` as a knob; the
decision-shift oracle (``benchmarks/decision_shift.py``) found the best ``tau`` on the test
folds to differ between data sets and to lie between 0 and 1 where the test keeps the
training ratio. :class:`TunedPriorShift` chooses ``tau`` without the test folds: a stratified
inner CV on the training rows gives every row an out-of-fold log-probability, each ``tau`` of
a grid is scored by the macro F1 of the shifted out-of-fold predictions (so at the training
prevalence), and the wrapped classifier, refitted on all rows, predicts with the best ``tau``.

It is the many-class counterpart of scikit-learn's ``TunedThresholdClassifierCV`` on one
parameter. Benchmark code, not part of the public API, until its test in docs/research.md
(the round after the decision-shift oracle) says whether it earns a place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_is_fitted

__all__ = ["TAUS", "TunedPriorShift", "best_tau"]

#: The grid of shifts, the oracle's: from past the balanced rule (tau < 0) to Bayes' rule for
#: a test that keeps the training prior (tau = 1).
TAUS = (-0.5, -0.25, -0.1, 0.0, 0.1, 0.25, 0.5, 0.75, 1.0)


def best_tau(scores: Sequence[float], taus: Sequence[float]) -> float:
    """The shift of highest score; among ties the one nearest 0, then the larger.

    Parameters
    ----------
    scores : sequence of float
        One score per shift.
    taus : sequence of float
        The shifts, in the order of ``scores``.

    Returns
    -------
    tau : float
        Ties go to the balanced rule's side (the smallest ``|tau|``), so that a grid whose
        scores are all equal leaves the wrapped classifier's decision as it is.
    """
    if len(scores) != len(taus) or not len(taus):
        raise ValueError(f"need one score per shift, got {len(scores)} scores for "
                         f"{len(taus)} shifts")
    best = max(range(len(taus)), key=lambda i: (scores[i], -abs(taus[i]), taus[i]))
    return float(taus[best])


class TunedPriorShift(ClassifierMixin, BaseEstimator):
    """A classifier whose log-probabilities get ``tau * log(training prior)``, tau by inner CV.

    Parameters
    ----------
    estimator : classifier
        Cloned for each inner fold and for the refit on all rows; needs
        ``predict_log_proba``.
    taus : sequence of float, default=TAUS
        The shifts tried.
    cv : int, default=5
        Folds of the stratified, shuffled inner CV.
    random_state : int or None, default=None
        Seeds the inner CV's shuffle.

    Attributes
    ----------
    estimator_ : classifier
        The clone fitted on all rows.
    classes_ : numpy.ndarray
        The classes, sorted.
    log_prior_ : numpy.ndarray of shape (n_classes,)
        ``log`` of each class's share of the training rows.
    inner_scores_ : numpy.ndarray of shape (len(taus),)
        Macro F1 of the shifted out-of-fold predictions at each shift.
    best_tau_ : float
        The shift of highest inner score (:func:`best_tau`).
    """

    def __init__(self, estimator: Any, taus: Sequence[float] = TAUS, cv: int = 5,
                 random_state: int | None = None) -> None:
        self.estimator = estimator
        self.taus = taus
        self.cv = cv
        self.random_state = random_state

    def fit(self, X: Any, y: Any) -> TunedPriorShift:
        """Choose the shift on out-of-fold log-probabilities, then refit on all rows.

        An inner fold whose training rows lack a class leaves that class's out-of-fold
        log-probability at ``-inf``: the fold's fit cannot predict it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            What the estimator takes.
        y : array-like of shape (n_samples,)
            Labels.

        Returns
        -------
        self : TunedPriorShift
        """
        y = np.asarray(y)
        self.classes_, counts = np.unique(y, return_counts=True)
        self.log_prior_ = np.log(counts / counts.sum())
        folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
        oof = np.full((len(y), len(self.classes_)), -np.inf)
        for train, test in folds.split(np.zeros(len(y)), y):
            inner = clone(self.estimator).fit(_safe_indexing(X, train), y[train])
            columns = np.searchsorted(self.classes_, inner.classes_)
            oof[np.ix_(test, columns)] = inner.predict_log_proba(_safe_indexing(X, test))
        self.inner_scores_ = np.array([
            f1_score(y, self.classes_[np.argmax(oof + tau * self.log_prior_, axis=1)],
                     average="macro", zero_division=0)
            for tau in self.taus])
        self.best_tau_ = best_tau(self.inner_scores_.tolist(), list(self.taus))
        self.estimator_ = clone(self.estimator).fit(X, y)
        return self

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """The refitted estimator's log-probabilities shifted by ``best_tau_``, renormalized.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            What the estimator takes.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            In the order of ``classes_``.
        """
        check_is_fitted(self)
        logits = self.estimator_.predict_log_proba(X) + self.best_tau_ * self.log_prior_
        return logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)

    def predict_proba(self, X: Any) -> np.ndarray:
        """``exp`` of :meth:`predict_log_proba`."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """The class of highest shifted log-probability."""
        return self.classes_[np.argmax(self.predict_log_proba(X), axis=1)]
