"""Which modalities a sample lacks, added to the network's logits as Bayes' evidence.

The default skips an absent modality: its part of the fusion is zero, so the network's
logits estimate ``log p(x_obs | y)`` (balanced softmax: class-conditional, up to a constant)
and say nothing of *whether* each modality was measured. Where that depends on the
diagnosis, the absence is evidence (the informative-missingness tables). If the absence
pattern ``R`` is independent of the features given the class, as in those tables' removals,
Bayes' rule gives the class-conditional of everything seen as a sum,
``log p(x_obs, R | y) = log p(x_obs | y) + sum_m log p(R_m | y)``, so the evidence is one
term per modality, estimated by counting: no parameter is trained and none is tuned.

:class:`AbsenceEvidence` counts, on the training rows, how often each modality is absent in
each class, shrinks each class's rate toward the pooled rate with two pseudo-observations
(Laplace's rule, centred on the pooled rate instead of on 1/2), and adds
``log p(R_m | y) - log p(R_m)`` to the wrapped classifier's log-probabilities before the
argmax. With the modalities missing at random the class rates differ only by sampling
noise and the term is nearly constant over the classes; a modality never absent (or never
present) in training adds nothing. Benchmark code, not part of the public API: it failed its
pilot after the imputation test (+0.95 points where missingness was informative, −0.74 at
random, every random column negative), where the absence modality, which learns the
evidence's weight on the network's own scale, gave +1.59 and −0.19 (``docs/research.md``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from ._absence import absent_modalities

__all__ = ["AbsenceEvidence", "absence_log_ratios"]

#: Pseudo-observations of the Beta prior that shrinks each class's absence rate toward the
#: pooled one (Laplace's two, centred on the pooled rate).
PRIOR_STRENGTH = 2.0


def absence_log_ratios(absent: np.ndarray, y: np.ndarray, classes: np.ndarray,
                       strength: float = PRIOR_STRENGTH) -> tuple[np.ndarray, np.ndarray]:
    """Per modality and class, ``log p(R_m | y) - log p(R_m)`` for R_m absent and present.

    Parameters
    ----------
    absent : ndarray of shape (n_samples, n_modalities), bool
        True where the sample lacks the modality.
    y : ndarray of shape (n_samples,)
        Labels.
    classes : ndarray of shape (n_classes,)
        The classes, in the order of the returned columns.
    strength : float, default=PRIOR_STRENGTH
        Pseudo-observations of the prior on each class's rate, centred on the pooled rate.

    Returns
    -------
    if_absent, if_present : ndarray of shape (n_modalities, n_classes)
        The evidence of an absent and of a present modality. Both are 0 for a modality
        whose pooled rate is 0 or 1 (no evidence either way).
    """
    absent = np.asarray(absent, dtype=bool)
    pooled = absent.mean(axis=0)                                     # (M,)
    counts = np.array([absent[y == c].sum(axis=0) for c in classes]).T  # (M, K)
    sizes = np.array([(y == c).sum() for c in classes], dtype=float)    # (K,)
    rate = (counts + strength * pooled[:, None]) / (sizes + strength)
    informative = ((pooled > 0) & (pooled < 1))[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        if_absent = np.where(informative, np.log(rate) - np.log(pooled)[:, None], 0.0)
        if_present = np.where(informative, np.log1p(-rate) - np.log1p(-pooled)[:, None],
                              0.0)
    return if_absent, if_present


class AbsenceEvidence(ClassifierMixin, BaseEstimator):
    """A classifier whose log-probabilities get the evidence of each modality's absence.

    Parameters
    ----------
    estimator : classifier
        Fitted on the same rows (cloned); needs ``predict_log_proba``. It receives the
        concatenated modalities with an absent modality's cells NaN.
    modalities : mapping of str to sequence of int
        The column indices of each modality in the concatenated features.

    Attributes
    ----------
    estimator_ : classifier
        The fitted clone.
    classes_ : numpy.ndarray
        The estimator's classes.
    if_absent_, if_present_ : numpy.ndarray of shape (n_modalities, n_classes)
        :func:`absence_log_ratios` of the training rows.
    """

    def __init__(self, estimator: Any, modalities: Mapping[str, Sequence[int]]) -> None:
        self.estimator = estimator
        self.modalities = modalities

    def _absent(self, X: Any) -> np.ndarray:
        return absent_modalities(np.asarray(X, dtype=float), self.modalities)

    def fit(self, X: Any, y: Any) -> AbsenceEvidence:
        """Fit the estimator and count each modality's absences per class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Concatenated modalities, NaN in every cell of an absent modality.
        y : array-like of shape (n_samples,)
            Labels.

        Returns
        -------
        self : AbsenceEvidence
        """
        self.estimator_ = clone(self.estimator).fit(X, y)
        self.classes_ = self.estimator_.classes_
        self.if_absent_, self.if_present_ = absence_log_ratios(
            self._absent(X), np.asarray(y), self.classes_)
        return self

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """The estimator's log-probabilities plus the evidence, renormalized.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Concatenated modalities as in :meth:`fit`; the absent ones are read from it.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Normalized over the classes, in the order of ``classes_``.
        """
        check_is_fitted(self)
        absent = self._absent(X).astype(float)
        logits = (self.estimator_.predict_log_proba(X) + absent @ self.if_absent_
                  + (1.0 - absent) @ self.if_present_)
        return logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)

    def predict_proba(self, X: Any) -> np.ndarray:
        """``exp`` of :meth:`predict_log_proba`."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """The class of highest evidence-adjusted log-probability."""
        return self.classes_[np.argmax(self.predict_log_proba(X), axis=1)]
