"""A classifier's decision moved toward the training prior by a shift chosen by inner CV.

``CLIMDClassifier()`` trains with a balanced softmax, so its argmax is the rule for a test
whose classes are balanced: each class's log-probability is, up to a constant,
``log p(x | y)``. Where the patients a model meets keep the training prevalence, Bayes' rule
adds ``log pi_y`` (``pi`` the training shares) before the argmax. Menon et al. (2021, *Long-tail
learning via logit adjustment*) add ``tau * log pi_y`` and treat ``tau`` as a knob.
:class:`TunedPriorShiftClassifierCV` chooses ``tau`` on the training data alone: an inner CV
gives every training row an out-of-fold log-probability, each ``tau`` of a grid is scored on
the shifted out-of-fold predictions (so at the training prevalence), and the classifier,
refitted on all rows, predicts with the best ``tau``. It is the many-class counterpart of
scikit-learn's :class:`~sklearn.model_selection.TunedThresholdClassifierCV`, on one
parameter. docs/research.md has its numbers: the test after the decision-shift oracle (where
a severe training imbalance is kept), the screen on real cohorts at their own prevalence
(nothing gained) and the comparison with the tuned threshold after it.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from numbers import Integral
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, _fit_context, clone
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import StratifiedKFold, check_cv
from sklearn.utils import _safe_indexing, check_consistent_length, get_tags, indexable
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _is_arraylike_not_scalar, _num_samples, check_is_fitted

from ._docstring import Substitution

__all__ = ["TAUS", "TunedPriorShiftClassifierCV", "best_tau"]

# The prediction methods' one parameter (see climd_sklearn._docstring).
_PREDICT_X = """X : array-like of shape (n_samples, n_features), or dict of str to array-like
            What the estimator takes.
        **predict_params : dict
            Passed to the estimator's prediction method (such as
            :class:`~climd_sklearn.CLIMDClassifier`'s ``present``)."""

#: The default grid of shifts: from past the balanced rule (tau < 0) to Bayes' rule for a
#: test that keeps the training prior (tau = 1).
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


def _take_rows(X: Any, rows: np.ndarray) -> Any:
    """Rows of an array, a DataFrame or a dict of modalities (each value indexed alike)."""
    if isinstance(X, Mapping):
        return {name: _safe_indexing(values, rows) for name, values in X.items()}
    return _safe_indexing(X, rows)


def _per_row(value: Any, n_samples: int) -> bool:
    """Whether a fit parameter holds one entry per sample (a dict: every value does)."""
    if isinstance(value, Mapping):
        return bool(value) and all(_per_row(v, n_samples) for v in value.values())
    return (sp.issparse(value) or _is_arraylike_not_scalar(value)) and \
        _num_samples(value) == n_samples


def _params_of_rows(params: Mapping[str, Any], rows: np.ndarray,
                    n_samples: int) -> dict[str, Any]:
    """The parameters, each with one entry per sample cut to ``rows``; the others as given."""
    return {key: _take_rows(value, rows) if _per_row(value, n_samples) else value
            for key, value in params.items()}


def _prediction_keys(estimator: Any) -> frozenset[str]:
    """The names of the parameters that the estimator's :func:`_log_proba` method takes."""
    method = getattr(estimator, "predict_log_proba", None) or estimator.predict_proba
    return frozenset(inspect.signature(method).parameters)


def _log_proba(estimator: Any, X: Any, **params: Any) -> np.ndarray:
    """``predict_log_proba`` where the estimator has it, else the log of ``predict_proba``."""
    if hasattr(estimator, "predict_log_proba"):
        return np.asarray(estimator.predict_log_proba(X, **params), dtype=float)
    with np.errstate(divide="ignore"):
        return np.log(np.asarray(estimator.predict_proba(X, **params), dtype=float))


class _ShiftedOutOfFold(ClassifierMixin, BaseEstimator):
    """The out-of-fold log-probabilities at one shift, as a fitted classifier for a scorer.

    A scorer calls ``predict`` (or ``predict_proba``) on what it is given; here that is the
    row numbers, so any scikit-learn scorer scores the shifted out-of-fold predictions.
    """

    def __init__(self, log_proba: np.ndarray, classes: np.ndarray) -> None:
        self.log_proba = log_proba
        self.classes = classes
        self.classes_ = classes

    def predict_log_proba(self, rows: np.ndarray) -> np.ndarray:
        logits = self.log_proba[np.asarray(rows)]
        return logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        return np.exp(self.predict_log_proba(rows))

    def predict(self, rows: np.ndarray) -> np.ndarray:
        return self.classes_[np.argmax(self.log_proba[np.asarray(rows)], axis=1)]


class TunedPriorShiftClassifierCV(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A classifier whose log-probabilities get ``tau * log(training prior)``, tau by inner CV.

    Use it where the training set is severely imbalanced and the patients the model will
    meet keep its class shares. On five real cohorts cross-validated at their own, milder
    imbalance it gained nothing over the default's decision (docs/research.md, the screen
    after the tuned prior shift). :class:`~climd_sklearn.CLIMDClassifier`'s balanced softmax
    targets a balanced test; ``tau = 1`` moves its decision to Bayes' rule at the training
    prior, ``tau = 0`` leaves it, ``tau < 0`` moves it further toward the rare classes. The
    inner CV picks ``tau`` from ``taus`` by ``scoring`` on the out-of-fold predictions of all
    training rows pooled, and the estimator refitted on all rows predicts with it. Where the
    test is more balanced than training, the shift costs what it gains here: the default
    does not shift.

    Parameters
    ----------
    estimator : classifier
        Cloned for each inner fold and for the refit on all rows; needs ``predict_proba``
        (its ``predict_log_proba`` is used where it has one).
    scoring : str or callable, default="f1_macro"
        A scikit-learn scorer name or a scorer ``scorer(estimator, X, y)``, evaluated on the
        pooled out-of-fold predictions at each shift.
    taus : array-like of float, default=TAUS
        The shifts tried: ``(-0.5, -0.25, -0.1, 0, 0.1, 0.25, 0.5, 0.75, 1)``.
    cv : int, cross-validation generator or iterable, default=5
        The inner CV. An int is the number of folds of a shuffled
        :class:`~sklearn.model_selection.StratifiedKFold` seeded by ``random_state``;
        anything else goes through :func:`~sklearn.model_selection.check_cv`.
    random_state : int, RandomState instance or None, default=None
        Seeds the inner CV's shuffle when ``cv`` is an int.

    Attributes
    ----------
    estimator_ : classifier
        The clone fitted on all rows.
    classes_ : numpy.ndarray of shape (n_classes,)
        The classes, sorted.
    log_prior_ : numpy.ndarray of shape (n_classes,)
        ``log`` of each class's share of the training rows.
    inner_scores_ : numpy.ndarray of shape (n_taus,)
        The score of the shifted out-of-fold predictions at each shift.
    best_tau_ : float
        The shift of highest inner score; ties go to the smallest ``|tau|``
        (:func:`best_tau`).
    best_score_ : float
        Its inner score.

    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : The same idea for a binary
        target, on the decision threshold.

    Notes
    -----
    An inner fold whose training rows lack a class cannot predict it: that class's
    out-of-fold log-probability is ``-inf`` on the fold's rows. The fit costs the inner
    folds' fits plus one: about six fits of ``estimator`` at ``cv=5``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from climd_sklearn import TunedPriorShiftClassifierCV
    >>> X, y = make_classification(n_samples=300, n_classes=3, n_informative=4,
    ...                            weights=[0.7, 0.2, 0.1], random_state=0)
    >>> balanced = LogisticRegression(class_weight="balanced")
    >>> tuned = TunedPriorShiftClassifierCV(balanced, random_state=0).fit(X, y)
    >>> tuned.best_tau_ in tuned.taus
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "scoring": [StrOptions(set(get_scorer_names())), callable],
        "taus": ["array-like"],
        "cv": ["cv_object"],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator: Any, scoring: str | Any = "f1_macro",
                 taus: Sequence[float] = TAUS, cv: Any = 5,
                 random_state: int | np.random.RandomState | None = None) -> None:
        self.estimator = estimator
        self.scoring = scoring
        self.taus = taus
        self.cv = cv
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        """The estimator's input tags (sparse input, NaN) and a classifier's own."""
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        return tags

    def _grid(self) -> np.ndarray:
        taus = np.asarray(self.taus, dtype=float)
        if taus.ndim != 1 or taus.size == 0 or not np.isfinite(taus).all():
            raise ValueError(f"taus must be a non-empty 1-D sequence of finite numbers, got "
                             f"{self.taus!r}")
        return taus

    def _inner_cv(self, y: np.ndarray) -> Any:
        if isinstance(self.cv, Integral):
            return StratifiedKFold(int(self.cv), shuffle=True, random_state=self.random_state)
        return check_cv(self.cv, y, classifier=True)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X: Any, y: Any, **fit_params: Any) -> TunedPriorShiftClassifierCV:
        """Choose the shift on out-of-fold log-probabilities, then refit on all rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or dict of str to array-like
            What the estimator takes; a dict of modalities is indexed value by value.
        y : array-like of shape (n_samples,)
            Labels.
        **fit_params : dict
            Passed to every fit of the estimator (``sample_weight``, or
            :class:`~climd_sklearn.CLIMDClassifier`'s ``present``). One with an entry per
            sample (an array, or a dict whose every value is one) is cut to each inner
            fold's rows; those the estimator's prediction method also takes (``present``)
            go, cut to the held-out rows, to the inner folds' predictions.

        Returns
        -------
        self : TunedPriorShiftClassifierCV
        """
        taus = self._grid()
        if y is None:
            raise ValueError("TunedPriorShiftClassifierCV requires y to be passed, but the "
                             "target y is None")
        if sp.issparse(X):
            # COO, DIA and DOK matrices cannot be indexed by rows (and DOK is a dict); CSR can
            X = X.tocsr()
        if isinstance(X, Mapping):
            check_consistent_length(*X.values(), y)
        else:
            X, y = indexable(X, y)
        y = np.asarray(y)
        check_classification_targets(y)
        self.classes_, counts = np.unique(y, return_counts=True)
        if len(self.classes_) < 2:
            raise ValueError(f"TunedPriorShiftClassifierCV needs at least 2 classes; y has "
                             f"1 class: {self.classes_.tolist()}")
        self.log_prior_ = np.log(counts / counts.sum())
        out_of_fold = np.full((len(y), len(self.classes_)), -np.inf)
        predict_keys = _prediction_keys(self.estimator)
        for train, test in self._inner_cv(y).split(np.zeros((len(y), 1)), y):
            inner = clone(self.estimator).fit(
                _take_rows(X, train), y[train], **_params_of_rows(fit_params, train, len(y)))
            held_out = {key: value for key, value
                        in _params_of_rows(fit_params, test, len(y)).items()
                        if key in predict_keys}
            columns = np.searchsorted(self.classes_, inner.classes_)
            out_of_fold[np.ix_(test, columns)] = _log_proba(inner, _take_rows(X, test),
                                                            **held_out)
        scorer = check_scoring(self.estimator, scoring=self.scoring)
        rows = np.arange(len(y))
        self.inner_scores_ = np.array([
            scorer(_ShiftedOutOfFold(out_of_fold + tau * self.log_prior_, self.classes_),
                   rows, y)
            for tau in taus])
        self.best_tau_ = best_tau(self.inner_scores_.tolist(), taus.tolist())
        self.best_score_ = float(self.inner_scores_.max())
        self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        if hasattr(self.estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.estimator_.feature_names_in_
        return self

    @Substitution(predict_x=_PREDICT_X)
    def predict_log_proba(self, X: Any, **predict_params: Any) -> np.ndarray:
        """The refitted estimator's log-probabilities shifted by ``best_tau_``, renormalized.

        Parameters
        ----------
        {predict_x}

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            In the order of ``classes_``.
        """
        check_is_fitted(self)
        logits = (_log_proba(self.estimator_, X, **predict_params)
                  + self.best_tau_ * self.log_prior_)
        return logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)

    @Substitution(predict_x=_PREDICT_X)
    def predict_proba(self, X: Any, **predict_params: Any) -> np.ndarray:
        """``exp`` of :meth:`predict_log_proba`.

        Parameters
        ----------
        {predict_x}

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            In the order of ``classes_``.
        """
        return np.exp(self.predict_log_proba(X, **predict_params))

    @Substitution(predict_x=_PREDICT_X)
    def predict(self, X: Any, **predict_params: Any) -> np.ndarray:
        """The class of highest shifted log-probability.

        Parameters
        ----------
        {predict_x}

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        log_proba = self.predict_log_proba(X, **predict_params)
        return self.classes_[np.argmax(log_proba, axis=1)]
