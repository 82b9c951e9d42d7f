"""The missing-modality mask ``present=`` through pipelines and searches (metadata routing)."""

import numpy as np
import pytest
import sklearn
from conftest import FAST
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from climd_sklearn import CLIMDClassifier, SliceDict
from climd_sklearn.modules import EarlyFusionNet

KW = dict(FAST, max_epochs=3, random_state=0)


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


@pytest.fixture
def masked(data):
    """Data whose modality m1 is absent for a third of the samples, marked only by a mask.

    The absent rows hold garbage (1e6), which would dominate a fit that used them.
    """
    X, y = data
    X = {k: v.copy() for k, v in X.items()}
    present = np.ones((len(y), 2), dtype=bool)
    present[::3, 1] = False
    X["m1"][~present[:, 1]] = 1e6
    return X, y, present


def _flat(X):
    return np.hstack([X["m0"], X["m1"]]), {"m0": list(range(6)), "m1": list(range(6, 10))}


def _nan_rows(X2, present, modalities):
    """The same data with the masked rows as NaN rows: the form that needs no mask."""
    out = X2.copy()
    for m, columns in enumerate(modalities.values()):
        out[np.ix_(~present[:, m], columns)] = np.nan
    return out


def _routed(clf):
    return clf.set_fit_request(present=True).set_predict_request(present=True) \
        .set_predict_proba_request(present=True)


def test_present_reaches_the_classifier_through_a_pipeline(routing, masked):
    X, y, present = masked
    X2, modalities = _flat(X)
    pipe = Pipeline([("scale", StandardScaler()),
                     ("clf", _routed(CLIMDClassifier(modalities=modalities, **KW)))])
    pipe.fit(X2, y, present=present)
    proba = pipe.predict_proba(X2, present=present)
    # the classifier saw the mask: it equals a fit on the scaled data with NaN rows there
    scaled = _nan_rows(pipe["scale"].transform(X2), present, modalities)
    reference = CLIMDClassifier(modalities=modalities, **KW).fit(scaled, y)
    np.testing.assert_allclose(proba, reference.predict_proba(scaled))
    # without the mask the garbage rows are used, and the predictions change
    unmasked = CLIMDClassifier(modalities=modalities, **KW).fit(pipe["scale"].transform(X2), y)
    assert not np.allclose(unmasked.predict_proba(scaled), proba)


def test_an_unrequested_present_is_an_error_under_routing(routing, masked):
    X, y, present = masked
    X2, modalities = _flat(X)
    pipe = Pipeline([("clf", CLIMDClassifier(modalities=modalities, **KW))])
    with pytest.raises(ValueError, match="present"):
        pipe.fit(X2, y, present=present)


def test_present_is_split_with_the_rows_in_grid_search_and_cross_validate(routing, masked):
    X, y, present = masked
    X2, modalities = _flat(X)
    pipe = Pipeline([("scale", StandardScaler()),
                     ("clf", _routed(CLIMDClassifier(modalities=modalities, **KW)))])
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    result = cross_validate(pipe, X2, y, cv=cv, params={"present": present},
                            scoring="f1_macro", error_score="raise")
    assert np.all(np.isfinite(result["test_score"]))
    # the first fold by hand: the routed mask must be the fold's rows of the mask in the fit;
    # the scorer predicts the test fold without it, garbage rows included (see
    # test_grid_search_routes_the_mask_to_fit_but_its_scorer_predicts_without_it)
    train, test = next(cv.split(X2, y))
    scaler = StandardScaler().fit(X2[train])
    X_train = _nan_rows(scaler.transform(X2[train]), present[train], modalities)
    by_hand = CLIMDClassifier(modalities=modalities, **KW).fit(X_train, y[train])
    expected = f1_score(y[test], by_hand.predict(scaler.transform(X2[test])), average="macro")
    assert result["test_score"][0] == pytest.approx(expected)

    grid = GridSearchCV(pipe, {"clf__order": ["asc", "random"]}, cv=cv, scoring="f1_macro",
                        error_score="raise").fit(X2, y, present=present)
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    # GridSearchCV.predict forwards no metadata: predict with the refitted best pipeline
    with pytest.raises(TypeError, match="present"):
        grid.predict(X2, present=present)
    assert grid.best_estimator_.predict(X2, present=present).shape == y.shape


def test_present_with_the_dict_form_behind_a_passthrough_step(routing, masked):
    X, y, present = masked
    pipe = Pipeline([("passthrough", FunctionTransformer(None)),
                     ("clf", _routed(CLIMDClassifier(**KW)))])
    Xs = SliceDict(**X)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    result = cross_validate(pipe, Xs, y, cv=cv, params={"present": present},
                            scoring="f1_macro", error_score="raise")
    assert np.all(np.isfinite(result["test_score"]))
    X_nan = {k: v.copy() for k, v in X.items()}
    X_nan["m1"][~present[:, 1]] = np.nan
    reference = CLIMDClassifier(**KW).fit(X_nan, y)
    pipe.fit(Xs, y, present=present)
    np.testing.assert_allclose(pipe.predict_proba(Xs, present=present),
                               reference.predict_proba(X_nan))


def test_grid_search_routes_the_mask_to_fit_but_its_scorer_predicts_without_it(routing, masked):
    """The dict form in GridSearchCV: each fit gets its fold's rows of ``present``, but
    scikit-learn's scorers call ``predict`` without metadata, so the held-out fold is predicted
    from X alone (here its garbage rows). NaN rows travel with X and hold in both."""
    X, y, present = masked
    kw = dict(KW, module=EarlyFusionNet, order="asc", rescore_every=1)
    pipe = Pipeline([("passthrough", FunctionTransformer(None)),
                     ("clf", _routed(CLIMDClassifier(**kw)))])
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    grid = GridSearchCV(pipe, {"clf__rescore_every": [1, 2]}, cv=cv, scoring="f1_macro",
                        error_score="raise").fit(SliceDict(**X), y, present=present)
    # the first fold of the first candidate by hand: fitted with the mask (as NaN rows) ...
    train, test = next(cv.split(np.zeros(len(y)), y))
    X_nan = {k: v.copy() for k, v in X.items()}
    X_nan["m1"][~present[:, 1]] = np.nan
    by_hand = CLIMDClassifier(**kw).fit({k: v[train] for k, v in X_nan.items()}, y[train])
    masked_f1 = f1_score(y[test], by_hand.predict({k: v[test] for k, v in X_nan.items()}),
                         average="macro")
    blind_f1 = f1_score(y[test], by_hand.predict({k: v[test] for k, v in X.items()}),
                        average="macro")
    assert masked_f1 != pytest.approx(blind_f1)
    # ... and scored on the test fold without it
    assert grid.cv_results_["split0_test_score"][0] == pytest.approx(blind_f1)
    # the NaN-row form is respected in the fit and in the scorer's predict
    grid_nan = GridSearchCV(pipe, {"clf__rescore_every": [1, 2]}, cv=cv, scoring="f1_macro",
                            error_score="raise").fit(SliceDict(**X_nan), y)
    assert grid_nan.cv_results_["split0_test_score"][0] == pytest.approx(masked_f1)
    best = grid.best_estimator_
    np.testing.assert_array_equal(best.predict(SliceDict(**X), present=present),
                                  best.predict(SliceDict(**X_nan)))


def test_nan_rows_need_no_routing(data):
    X, y = data
    X = {k: v.copy() for k, v in X.items()}
    X["m1"][::3] = np.nan
    X2, modalities = _flat(X)
    pipe = Pipeline([("scale", StandardScaler()),
                     ("clf", CLIMDClassifier(modalities=modalities, **KW))])
    proba = pipe.fit(X2, y).predict_proba(X2)  # StandardScaler keeps NaN rows NaN
    assert np.all(np.isfinite(proba))
