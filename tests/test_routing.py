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
    # the same as scaling by hand and passing the mask directly
    scaled = StandardScaler().fit_transform(X2)
    direct = CLIMDClassifier(modalities=modalities, **KW).fit(scaled, y, present=present)
    np.testing.assert_allclose(proba, direct.predict_proba(scaled, present=present))
    # without the mask the garbage rows are used, and the predictions change
    unmasked = CLIMDClassifier(modalities=modalities, **KW).fit(scaled, y)
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
    # the first fold by hand: the routed mask must be the fold's rows of the mask
    train, test = next(cv.split(X2, y))
    by_hand = Pipeline([("scale", StandardScaler()),
                        ("clf", _routed(CLIMDClassifier(modalities=modalities, **KW)))])
    by_hand.fit(X2[train], y[train], present=present[train])
    expected = f1_score(y[test], by_hand.predict(X2[test], present=present[test]),
                        average="macro")
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
    direct = CLIMDClassifier(**KW).fit(X, y, present=present)
    pipe.fit(Xs, y, present=present)
    np.testing.assert_allclose(pipe.predict_proba(Xs, present=present),
                               direct.predict_proba(X, present=present))


def test_nan_rows_need_no_routing(data):
    X, y = data
    X = {k: v.copy() for k, v in X.items()}
    X["m1"][::3] = np.nan
    X2, modalities = _flat(X)
    pipe = Pipeline([("scale", StandardScaler()),
                     ("clf", CLIMDClassifier(modalities=modalities, **KW))])
    proba = pipe.fit(X2, y).predict_proba(X2)  # StandardScaler keeps NaN rows NaN
    assert np.all(np.isfinite(proba))
