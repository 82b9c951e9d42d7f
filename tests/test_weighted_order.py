"""``order="weighted"``: the scores as the weights of a random draw (research round 39)."""

import numpy as np
import pytest
from conftest import FAST, fit_recording_subsets, make_multimodal

from climd_sklearn import CLIMDClassifier
from climd_sklearn.training import CurriculumScheduling


def _keys(scores, y, epoch=3, seed=7):
    return CurriculumScheduling(order="weighted", seed=seed)._weighted_draw_keys(
        np.asarray(scores, dtype=float), np.asarray(y), epoch)


def test_weights_are_hardness_ranks_within_each_class():
    # class 0 holds the two lowest scores of the set, class 1 the two highest: ranked within
    # its class, the lower score of each class weighs 2 and the higher 1 (ties averaged)
    scores, y = [0.1, 0.2, 0.9, 0.8, 0.5, 0.5], [0, 0, 1, 1, 2, 2]
    uniform = np.random.default_rng([7, 3]).random(6)
    np.testing.assert_allclose(np.log(uniform) / _keys(scores, y), [2, 1, 1, 2, 1.5, 1.5])


def test_equal_scores_draw_the_random_orders_ranking():
    y = np.repeat([0, 1], 20)
    keys = _keys(np.zeros(40), y)
    random_priority = np.random.default_rng([7, 3]).random(40)  # the random order's
    np.testing.assert_array_equal(np.argsort(-keys), np.argsort(-random_priority))
    member_keys = _keys(np.zeros((3, 40)), y)  # one row per member, seeded per member
    for k in range(3):
        member_priority = np.random.default_rng([7, 3, k]).random(40)
        np.testing.assert_array_equal(np.argsort(-member_keys[k]), np.argsort(-member_priority))


def test_first_draw_picks_each_sample_in_proportion_to_its_weight():
    # three samples of one class, weights 3 (lowest score), 2 and 1: the first of the draw
    # is each with probability 3/6, 2/6, 1/6 (Efraimidis and Spirakis 2006)
    n_epochs = 6000
    first = [np.argmax(_keys([0.1, 0.2, 0.3], [0, 0, 0], epoch=t)) for t in range(n_epochs)]
    frequency = np.bincount(first, minlength=3) / n_epochs
    np.testing.assert_allclose(frequency, [3 / 6, 2 / 6, 1 / 6], atol=0.02)  # 3.3 std


@pytest.mark.parametrize("member_subsets", [True, False])
def test_weighted_order_fills_the_same_quotas_with_other_samples(member_subsets):
    asc_clf, asc, y = fit_recording_subsets(order="asc", member_subsets=member_subsets)
    clf, weighted, _ = fit_recording_subsets(order="weighted", member_subsets=member_subsets)
    assert clf.net_.history[:, "class_counts"] == asc_clf.net_.history[:, "class_counts"]
    assert "score_mean" in clf.net_.history[0]  # the set is scored, as for a score order
    cut = [k for k, subset in enumerate(asc) if subset.shape[-1] < len(y)]  # a quota cuts
    assert cut and any(not np.array_equal(np.sort(asc[k], axis=-1), np.sort(weighted[k], axis=-1))
                       for k in cut)
    again, _, _ = fit_recording_subsets(order="weighted", member_subsets=member_subsets)
    X, _ = make_multimodal()
    np.testing.assert_array_equal(clf.predict_proba(X), again.predict_proba(X))


def test_an_unknown_order_names_the_weighted_one():
    X, y = make_multimodal()
    with pytest.raises(ValueError, match="'weighted'"):
        CLIMDClassifier(order="hardest", **FAST).fit(X, y)
