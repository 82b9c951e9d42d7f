"""The self-taught order of research round 18: class quotas filled by a trained model's scores.

Hacohen & Weinshall (2019) order a curriculum by the scores of a model trained once without
one ("self-taught"), instead of the learner's own scores, which at the first epochs are those
of its random initialisation. :class:`SelfTaughtOrder` does that for CLIMD: it fits the
estimator without a curriculum, scores every training sample once with it (Eq. 1-4,
:meth:`~climd_sklearn.CLIMDClassifier.difficulty`), and fits the estimator again with the class
quotas of Eq. 5-7 filled in the order of those fixed scores. Benchmark code: it is a candidate
lever of ``benchmarks/like_for_like.py``, not part of the public API.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from skorch.callbacks import Callback

from ..estimator import CLIMDClassifier
from ._final_fit import PredictsWithFinalFit

__all__ = ["FixedScores", "SelfTaughtOrder"]


class FixedScores(Callback):
    """Make the curriculum callback use fixed per-sample scores instead of rescoring.

    At the start of training it replaces the scoring pass of the net's ``"curriculum"``
    callback (:class:`~climd_sklearn.training.CurriculumScheduling`) by these scores, so every
    epoch's quotas are filled in their order (``order="desc"``: highest first).

    Parameters
    ----------
    scores : array-like of shape (n_samples,)
        One score per training row, in the order of the rows passed to ``fit``.
    """

    def __init__(self, scores: Any = None) -> None:
        self.scores = scores

    def on_train_begin(self, net: Any, X: Any = None, y: Any = None, **kwargs: Any) -> None:
        """Hand the curriculum callback the fixed scores.

        Parameters
        ----------
        net : skorch.NeuralNet
            The net about to train.
        X, y : object
            The training data (``y`` gives the number of rows).
        **kwargs : dict
            Other skorch arguments, unused.

        Raises
        ------
        ValueError
            If the net trains without a curriculum or with one subset per member, or the
            number of scores is not the number of training rows.
        """
        curriculum = dict(net.callbacks_).get("curriculum")
        if curriculum is None or curriculum.scheduler is None:
            raise ValueError("FixedScores needs a curriculum; the net has no 'curriculum' "
                             "callback (curriculum=None?).")
        if curriculum.n_subsets > 1:
            raise ValueError(
                f"FixedScores gives one score per sample, but the curriculum chooses "
                f"{curriculum.n_subsets} subsets, one per member in its own order; set "
                "member_subsets=False."
            )
        scores = np.asarray(self.scores, dtype=np.float64)
        if y is not None and scores.shape != (len(y),):
            raise ValueError(f"FixedScores got {scores.shape[0]} scores for {len(y)} "
                             "training rows; give one score per row passed to fit.")
        curriculum._score = lambda *args, **kwargs: scores


class SelfTaughtOrder(PredictsWithFinalFit, ClassifierMixin, BaseEstimator):
    """A CLIMD fit whose class quotas are filled in the order of a trained model's scores.

    Parameters
    ----------
    estimator : CLIMDClassifier or None, default=None
        The configuration of both fits (None: ``CLIMDClassifier()``). The reference fit is
        this estimator with ``curriculum=None``; the final fit is this estimator with
        ``order="desc"`` and the reference's scores in place of its own.

    Attributes
    ----------
    reference_ : CLIMDClassifier
        The fit without a curriculum that scored the training set.
    scores_ : numpy.ndarray of shape (n_samples,)
        Its Eq. 4 score of every training row (higher: trained on earlier).
    estimator_ : CLIMDClassifier
        The curriculum fit that predicts.
    classes_ : numpy.ndarray
        The class labels.
    """

    #: What the final fit sets on top of ``estimator``: one order for all members, since the
    #: fixed scores are one per sample (round 18), set at every epoch, as in round 18.
    CURRICULUM_PARAMS: dict[str, Any] = {"order": "desc", "member_subsets": False,
                                         "rescore_every": 1}

    def __init__(self, estimator: CLIMDClassifier | None = None) -> None:
        self.estimator = estimator

    def fit(self, X: Any, y: Any) -> SelfTaughtOrder:
        """Fit the reference, score the training set with it, then fit the curriculum.

        Parameters
        ----------
        X : dict of array-like, DataFrame or array-like
            Training data, as :meth:`CLIMDClassifier.fit` takes it.
        y : array-like of shape (n_samples,)
            Labels.

        Returns
        -------
        self : SelfTaughtOrder
            The fitted estimator.
        """
        base = CLIMDClassifier() if self.estimator is None else self.estimator
        self.reference_ = clone(base).set_params(curriculum=None).fit(X, y)
        self.scores_ = self.reference_.difficulty(X, y)["score"].to_numpy()
        callbacks = [*(base.callbacks or []), ("fixed_scores", FixedScores(self.scores_))]
        self.estimator_ = clone(base).set_params(**self.CURRICULUM_PARAMS,
                                                 callbacks=callbacks).fit(X, y)
        self.classes_ = self.estimator_.classes_
        return self
