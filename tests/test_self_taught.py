"""The self-taught order of research round 18 (benchmark code): fixed scores fill the quotas."""

import numpy as np
import pytest
from conftest import FAST, make_multimodal
from skorch.callbacks import Callback

from climd_sklearn import CLIMDClassifier
from climd_sklearn.benchmark._self_taught import FixedScores, SelfTaughtOrder


class RecordSubsets(Callback):
    """Keep each epoch's training indices (runs after the curriculum callback)."""

    def initialize(self):
        self.subsets_ = []
        return self

    def on_epoch_begin(self, net, **kwargs):
        sampler = net.get_params_for("iterator_train")["sampler"]
        self.subsets_.append(np.array(sampler.indices))


def test_fixed_scores_fill_each_class_quota_highest_score_first():
    X, y = make_multimodal()
    scores = np.random.RandomState(3).rand(len(y))
    recorder = RecordSubsets()
    clf = CLIMDClassifier(order="desc", member_subsets=False, random_state=0,
                          callbacks=[("fixed", FixedScores(scores)), ("recorder", recorder)],
                          **FAST).fit(X, y)
    recorder = dict(clf.net_.callbacks_)["recorder"]
    first = recorder.subsets_[0]
    counts = clf.net_.history[0, "class_counts"]
    for label, count in enumerate(counts):
        rows = np.flatnonzero(y == label)
        expected = rows[np.argsort(-scores[rows], kind="stable")[:count]]
        assert sorted(first[y[first] == label]) == sorted(expected)
    # every curriculum epoch used the fixed scores, not a rescoring of the model
    np.testing.assert_allclose(clf.net_.history[:, "score_mean"], scores.mean())


def test_fixed_scores_errors_name_the_problem():
    X, y = make_multimodal()
    with pytest.raises(ValueError, match="3 scores for 63 training rows"):
        CLIMDClassifier(order="desc", member_subsets=False,
                        callbacks=[("fixed", FixedScores(np.ones(3)))], **FAST).fit(X, y)
    with pytest.raises(ValueError, match="chooses 10 subsets, one per member.*member_subsets"):
        CLIMDClassifier(order="desc", callbacks=[("fixed", FixedScores(np.ones(len(y))))],
                        **FAST).fit(X, y)
    with pytest.raises(ValueError, match="needs a curriculum"):
        CLIMDClassifier(curriculum=None, callbacks=[("fixed", FixedScores(np.ones(len(y))))],
                        **FAST).fit(X, y)


def test_self_taught_order_scores_once_with_the_reference_and_predicts_with_the_curriculum():
    X, y = make_multimodal()
    model = SelfTaughtOrder(CLIMDClassifier(random_state=0, **FAST)).fit(X, y)
    assert model.reference_.curriculum is None and model.estimator_.order == "desc"
    np.testing.assert_array_equal(model.scores_, model.reference_.difficulty(X, y)["score"])
    history = model.estimator_.net_.history
    np.testing.assert_allclose(history[:, "score_mean"], model.scores_.mean())
    assert history[0, "subset_size"] < history[-1, "subset_size"] == len(y)
    np.testing.assert_array_equal(model.predict_proba(X), model.estimator_.predict_proba(X))
    np.testing.assert_array_equal(model.classes_, np.unique(y))
    # the configuration given is not mutated by fit
    assert model.estimator.order is None and model.estimator.callbacks is None
