"""TunedPriorShiftClassifierCV: the decision shifted toward the training prior by a tau chosen
by inner CV, and its entry in the like-for-like registry."""

import numpy as np
import pytest
from conftest import FAST, make_multimodal
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, f1_score, make_scorer
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks
from test_like_for_like import rosmap_like_setting

from climd_sklearn import CLIMDClassifier, SliceDict, TunedPriorShiftClassifierCV
from climd_sklearn._prior_shift import TAUS, best_tau
from climd_sklearn.benchmark import _like_for_like as l4l


def _three_classes(seed=0, sizes=(40, 12, 5)):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(sizes)), sizes)
    X = rng.normal(size=(len(y), 4)) + 0.9 * np.eye(len(sizes), 4)[y]
    return X, y


def _out_of_fold(X, y, folds, make=LogisticRegression):
    oof = np.full((len(y), len(np.unique(y))), -np.inf)
    for train, test in folds.split(X, y):
        inner = make().fit(X[train], y[train])
        oof[np.ix_(test, inner.classes_)] = inner.predict_log_proba(X[test])
    return oof


@parametrize_with_checks([TunedPriorShiftClassifierCV(LogisticRegression(), cv=3)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


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
    shift = TunedPriorShiftClassifierCV(LogisticRegression(), cv=4, random_state=3).fit(X, y)
    log_prior = np.log(np.bincount(y) / len(y))
    np.testing.assert_allclose(shift.log_prior_, log_prior)
    oof = _out_of_fold(X, y, StratifiedKFold(4, shuffle=True, random_state=3))
    expected = [f1_score(y, np.argmax(oof + tau * log_prior, axis=1), average="macro")
                for tau in TAUS]
    np.testing.assert_allclose(shift.inner_scores_, expected)
    assert shift.best_tau_ == best_tau(expected, TAUS)
    assert shift.best_score_ == max(expected)
    assert len(set(np.round(expected, 6))) > 1  # the grid is not flat on these data


def test_any_scorer_and_any_splitter_can_choose_the_shift():
    X, y = _three_classes(seed=4)
    folds = KFold(3, shuffle=True, random_state=1)
    oof = _out_of_fold(X, y, folds)
    log_prior = np.log(np.bincount(y) / len(y))
    expected = [balanced_accuracy_score(y, np.argmax(oof + tau * log_prior, axis=1))
                for tau in TAUS]
    for scoring in ("balanced_accuracy", make_scorer(balanced_accuracy_score)):
        shift = TunedPriorShiftClassifierCV(LogisticRegression(), scoring=scoring, cv=folds)
        np.testing.assert_allclose(shift.fit(X, y).inner_scores_, expected)


def test_it_predicts_the_refit_s_argmax_after_the_chosen_shift():
    X, y = _three_classes(seed=1)
    shift = TunedPriorShiftClassifierCV(LogisticRegression(), taus=(0.0, 1.0), cv=3,
                                        random_state=0).fit(X, y)
    refit = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(shift.estimator_.coef_, refit.coef_)
    shifted = refit.predict_log_proba(X) + shift.best_tau_ * shift.log_prior_
    np.testing.assert_array_equal(shift.predict(X), np.argmax(shifted, axis=1))
    np.testing.assert_allclose(shift.predict_proba(X).sum(axis=1), 1.0)
    np.testing.assert_allclose(np.log(shift.predict_proba(X)),
                               shifted - np.logaddexp.reduce(shifted, axis=1, keepdims=True))
    # tau = 1 is Bayes' rule at the training prior: it predicts the head class more often
    at_one = clone(shift).set_params(taus=(1.0,)).fit(X, y)
    at_zero = clone(shift).set_params(taus=(0.0,)).fit(X, y)
    assert (at_one.predict(X) == 0).sum() > (at_zero.predict(X) == 0).sum()


@pytest.mark.filterwarnings("ignore:The least populated class")
def test_a_class_absent_from_an_inner_fit_gets_no_out_of_fold_prediction():
    # one sample of class 2: the inner fit of the fold that holds it out never saw the class
    X, y = _three_classes(seed=2, sizes=(20, 10, 1))
    shift = TunedPriorShiftClassifierCV(LogisticRegression(), taus=(0.0,), random_state=0)
    shift.fit(X, y)
    oof = _out_of_fold(X, y, StratifiedKFold(5, shuffle=True, random_state=0))
    assert np.isinf(oof[y == 2, 2]).all()
    np.testing.assert_allclose(shift.inner_scores_, [
        f1_score(y, np.argmax(oof, axis=1), average="macro", zero_division=0)])
    assert list(shift.classes_) == [0, 1, 2]


def test_an_estimator_without_predict_log_proba_is_shifted_through_its_probabilities():
    X, y = _three_classes(seed=3)
    shift = TunedPriorShiftClassifierCV(KNeighborsClassifier(7), random_state=0).fit(X, y)
    with np.errstate(divide="ignore"):
        shifted = (np.log(KNeighborsClassifier(7).fit(X, y).predict_proba(X))
                   + shift.best_tau_ * shift.log_prior_)
    np.testing.assert_array_equal(shift.predict(X), np.argmax(shifted, axis=1))


def test_a_dict_of_modalities_reaches_every_fit_row_aligned():
    X, y = make_multimodal()
    clf = CLIMDClassifier(random_state=0, **FAST)
    shift = TunedPriorShiftClassifierCV(clf, cv=3, random_state=0).fit(X, y)
    refit = clone(clf).fit(X, y)
    shifted = refit.predict_log_proba(X) + shift.best_tau_ * shift.log_prior_
    np.testing.assert_array_equal(shift.predict(X), np.argmax(shifted, axis=1))
    assert shift.n_features_in_ == refit.n_features_in_
    # inside scikit-learn's CV the modalities travel as a SliceDict, as for the estimator
    scores = cross_val_score(shift, SliceDict(**X), y, cv=StratifiedKFold(2),
                             scoring="f1_macro")
    assert scores.shape == (2,) and np.isfinite(scores).all()


def test_bad_grids_and_single_class_targets_are_refused_by_name():
    X, y = _three_classes()
    for taus in ((), (0.0, np.nan), [[0.0, 1.0]]):
        with pytest.raises(ValueError, match="taus must be a non-empty 1-D sequence of finite"):
            TunedPriorShiftClassifierCV(LogisticRegression(), taus=taus).fit(X, y)
    with pytest.raises(ValueError, match="needs at least 2 classes; y has 1 class: \\[0\\]"):
        TunedPriorShiftClassifierCV(LogisticRegression()).fit(X[y == 0], y[y == 0])
    with pytest.raises(InvalidParameterError, match="'estimator' parameter"):
        TunedPriorShiftClassifierCV(object()).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'scoring' parameter"):
        TunedPriorShiftClassifierCV(LogisticRegression(), scoring="f1_sideways").fit(X, y)


def test_the_registry_wraps_the_default_and_records_the_chosen_tau(tmp_path):
    name = "CLIMD, tuned prior shift"
    specs = l4l.resolve_methods([name, "CLIMD (default)"])
    assert specs[name]["overrides"] == {"tuned_prior_shift": True}
    est = l4l.build_method(name, specs[name], {"a": 3, "b": 2}, 7, 40, quick=True)
    assert isinstance(est, TunedPriorShiftClassifierCV)
    assert est.cv == 5 and est.random_state == 7 and est.scoring == "f1_macro"
    assert tuple(est.taus) == TAUS
    for other in ({"tuned_threshold": "f1_macro"}, {"width_by_inner_cv": True},
                  {"aux_by_inner_cv": True}):
        with pytest.raises(ValueError, match="cannot be combined"):
            l4l.build_method(name, {"kind": "neural", "overrides": {
                "tuned_prior_shift": True, **other}}, {"a": 3}, 0, 40)
    # a scorer name in place of True scores the shifts by it
    balanced = "CLIMD, tuned prior shift, balanced accuracy"
    spec = l4l.resolve_methods([balanced])[balanced]
    est = l4l.build_method(balanced, spec, {"a": 3, "b": 2}, 7, 40, quick=True)
    assert est.scoring == "balanced_accuracy" and est.random_state == 7
    with pytest.raises(ValueError, match="tuned_prior_shift must be True, False or a "
                                         "scikit-learn scorer name, got 'f1_sideways'"):
        l4l.build_method(name, {"kind": "neural", "overrides": {
            "tuned_prior_shift": "f1_sideways"}}, {"a": 3}, 0, 40)
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


def test_sample_weight_is_cut_to_each_inner_fold_and_given_whole_to_the_refit():
    X, y = _three_classes(seed=5)
    weight = np.random.default_rng(5).uniform(0.2, 3.0, size=len(y))
    shift = TunedPriorShiftClassifierCV(LogisticRegression(), cv=3, random_state=2)
    shift.fit(X, y, sample_weight=weight)
    oof = np.empty((len(y), 3))
    for train, test in StratifiedKFold(3, shuffle=True, random_state=2).split(X, y):
        inner = LogisticRegression().fit(X[train], y[train], sample_weight=weight[train])
        oof[test] = inner.predict_log_proba(X[test])
    log_prior = np.log(np.bincount(y) / len(y))
    np.testing.assert_allclose(shift.inner_scores_, [
        f1_score(y, np.argmax(oof + tau * log_prior, axis=1), average="macro")
        for tau in TAUS])
    np.testing.assert_allclose(shift.estimator_.coef_, LogisticRegression().fit(
        X, y, sample_weight=weight).coef_)


class _Spy(LogisticRegression):
    """Records the ``present`` its fits and predictions get (as CLIMDClassifier takes it)."""

    calls = []

    def fit(self, X, y, present=None):
        _Spy.calls.append(("fit", len(y), present))
        return super().fit(X, y)

    def predict_log_proba(self, X, present=None):
        _Spy.calls.append(("predict", len(X), present))
        return super().predict_log_proba(X)


def test_a_per_sample_fit_parameter_reaches_the_inner_predictions_row_for_row():
    X, y = _three_classes(seed=6)
    present = {"a": np.arange(len(y)), "b": -np.arange(len(y))}  # one entry per sample
    _Spy.calls = []
    shift = TunedPriorShiftClassifierCV(_Spy(), taus=(0.0,), cv=3, random_state=0)
    shift.fit(X, y, present=present)
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    for k, (train, test) in enumerate(folds):
        kind, n, got = _Spy.calls[2 * k]
        assert kind == "fit" and n == len(train)
        np.testing.assert_array_equal(got["a"], train)
        np.testing.assert_array_equal(got["b"], -train)
        kind, n, got = _Spy.calls[2 * k + 1]
        assert kind == "predict" and n == len(test)
        np.testing.assert_array_equal(got["a"], test)
    kind, n, got = _Spy.calls[6]  # the refit: every row
    assert kind == "fit" and got is present
    # a parameter that is not per sample passes as given; predict forwards its own
    _Spy.calls = []
    shift.fit(X, y, present="all")
    assert [c[2] for c in _Spy.calls] == ["all"] * 7
    shift.predict(X[:4], present="mask")
    assert _Spy.calls[-1] == ("predict", 4, "mask")
