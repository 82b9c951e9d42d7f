"""The decision shifted toward the training prior by a tau chosen by inner CV (benchmark code)."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from test_like_for_like import rosmap_like_setting

from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._prior_shift import TAUS, TunedPriorShift, best_tau


def _three_classes(seed=0, sizes=(40, 12, 5)):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(sizes)), sizes)
    X = rng.normal(size=(len(y), 4)) + 0.9 * np.eye(len(sizes), 4)[y]
    return X, y


def test_best_tau_takes_the_highest_score_and_breaks_ties_toward_the_balanced_rule():
    assert best_tau([0.1, 0.3, 0.2], [-0.5, 0.25, 1.0]) == 0.25
    # a flat grid leaves the decision as it is: tau = 0
    assert best_tau([0.5] * len(TAUS), TAUS) == 0.0
    # equal scores at -0.25 and 0.5: the smaller |tau|; at -0.1 and 0.1: the positive one
    assert best_tau([0.7, 0.2, 0.7], [-0.25, 0.0, 0.5]) == -0.25
    assert best_tau([0.7, 0.7], [-0.1, 0.1]) == 0.1
    with pytest.raises(ValueError, match="need one score per shift, got 2 scores for 3"):
        best_tau([0.1, 0.2], [0.0, 0.5, 1.0])


def test_the_inner_scores_are_the_macro_f1_of_the_shifted_out_of_fold_predictions():
    X, y = _three_classes()
    shift = TunedPriorShift(LogisticRegression(), cv=4, random_state=3).fit(X, y)
    log_prior = np.log(np.bincount(y) / len(y))
    np.testing.assert_allclose(shift.log_prior_, log_prior)
    oof = np.empty((len(y), 3))
    for train, test in StratifiedKFold(4, shuffle=True, random_state=3).split(X, y):
        oof[test] = LogisticRegression().fit(X[train], y[train]).predict_log_proba(X[test])
    expected = [f1_score(y, np.argmax(oof + tau * log_prior, axis=1), average="macro")
                for tau in TAUS]
    np.testing.assert_allclose(shift.inner_scores_, expected)
    assert shift.best_tau_ == best_tau(expected, TAUS)
    assert len(set(np.round(expected, 6))) > 1  # the grid is not flat on these data


def test_it_predicts_the_refit_s_argmax_after_the_chosen_shift():
    X, y = _three_classes(seed=1)
    shift = TunedPriorShift(LogisticRegression(), taus=(0.0, 1.0), cv=3, random_state=0)
    shift.fit(X, y)
    refit = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(shift.estimator_.coef_, refit.coef_)
    shifted = refit.predict_log_proba(X) + shift.best_tau_ * shift.log_prior_
    np.testing.assert_array_equal(shift.predict(X), np.argmax(shifted, axis=1))
    np.testing.assert_allclose(shift.predict_proba(X).sum(axis=1), 1.0)
    np.testing.assert_allclose(np.log(shift.predict_proba(X)),
                               shifted - np.logaddexp.reduce(shifted, axis=1, keepdims=True))
    # tau = 1 is Bayes' rule at the training prior: it predicts the head class more often
    at_one = shift.set_params(taus=(1.0,)).fit(X, y)
    at_zero = TunedPriorShift(LogisticRegression(), taus=(0.0,), cv=3).fit(X, y)
    assert (at_one.predict(X) == 0).sum() > (at_zero.predict(X) == 0).sum()


@pytest.mark.filterwarnings("ignore:The least populated class")
def test_a_class_absent_from_an_inner_fit_gets_no_out_of_fold_prediction():
    # one sample of class 2: the inner fit of the fold that holds it out never saw the class
    X, y = _three_classes(seed=2, sizes=(20, 10, 1))
    shift = TunedPriorShift(LogisticRegression(), taus=(0.0,), cv=5, random_state=0).fit(X, y)
    oof = np.full((len(y), 3), -np.inf)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(X, y):
        inner = LogisticRegression().fit(X[train], y[train])
        oof[np.ix_(test, inner.classes_)] = inner.predict_log_proba(X[test])
    assert np.isinf(oof[y == 2, 2]).all()
    np.testing.assert_allclose(shift.inner_scores_, [
        f1_score(y, np.argmax(oof, axis=1), average="macro", zero_division=0)])
    assert list(shift.classes_) == [0, 1, 2]


def test_the_registry_wraps_the_default_and_records_the_chosen_tau(tmp_path):
    name = "CLIMD, tuned prior shift"
    specs = l4l.resolve_methods([name, "CLIMD (default)"])
    assert specs[name]["overrides"] == {"tuned_prior_shift": True}
    est = l4l.build_method(name, specs[name], {"a": 3, "b": 2}, 7, 40, quick=True)
    assert isinstance(est, TunedPriorShift) and est.cv == 5 and est.random_state == 7
    assert tuple(est.taus) == TAUS
    for other in ({"tuned_threshold": "f1_macro"}, {"width_by_inner_cv": True},
                  {"aux_by_inner_cv": True}):
        with pytest.raises(ValueError, match="cannot be combined"):
            l4l.build_method(name, {"kind": "neural", "overrides": {
                "tuned_prior_shift": True, **other}}, {"a": 3}, 0, 40)
    setting = rosmap_like_setting()
    split = list(setting.splits(2))[1]
    shifted, default = l4l.run_split(setting.name, split, setting.layout, specs,
                                     str(tmp_path / "r.jsonl"), "quick", True,
                                     store_log_proba=True)
    # the preset and the refit are the default's: the wrapper changes the decision alone
    assert shifted["variant_params"] == default["variant_params"]
    assert shifted["n_subsets"] == default["n_subsets"] == 10
    assert shifted["tau"] in TAUS and len(shifted["inner_scores"]) == len(TAUS)
    assert shifted["tau"] == best_tau(shifted["inner_scores"], TAUS)
    assert "tau" not in default
    # its predictions are the default's log-probabilities shifted by the chosen tau
    log_prior = np.log(np.bincount(split.y_train) / len(split.y_train))
    for ev, rows in default["log_proba"].items():
        np.testing.assert_array_equal(
            shifted["predictions"][ev],
            np.argmax(np.array(rows) + shifted["tau"] * log_prior, axis=1))
