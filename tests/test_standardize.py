"""Per-modality standardization (``standardize``): what is fitted, on which rows, and why."""

import numpy as np
import pytest
from conftest import FAST, make_multimodal

from climd_sklearn import CLIMDClassifier
from climd_sklearn._standardize import fit_modality_scalers, scale_modalities


def test_scalers_are_fitted_per_modality_on_the_training_data():
    X, y = make_multimodal()
    X = {"m0": X["m0"] * 300 + 40, "m1": X["m1"] * 0.01}
    clf = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    assert clf.variant_params_["standardize"] is True
    assert set(clf.modality_scalers_) == {"m0", "m1"}
    for name, values in X.items():
        np.testing.assert_allclose(clf.modality_scalers_[name].mean_, values.mean(axis=0))
        np.testing.assert_allclose(clf.modality_scalers_[name].scale_, values.std(axis=0))
    scaled = scale_modalities({k: v.astype(np.float32) for k, v in X.items()},
                              clf.modality_scalers_, None)
    for values in scaled.values():
        assert values.dtype == np.float32
        np.testing.assert_allclose(values.mean(axis=0), 0, atol=1e-5)
        np.testing.assert_allclose(values.std(axis=0), 1, atol=1e-5)


@pytest.mark.parametrize("factor", [2.0**-7, 2.0**9])
def test_predictions_do_not_depend_on_the_units_of_a_modality(factor):
    # a power of two rescales means and standard deviations exactly, so the standardized
    # inputs, and hence the whole fit, are the same to the last bit
    X, y = make_multimodal()
    rescaled = {"m0": X["m0"] * factor, "m1": X["m1"]}
    proba = CLIMDClassifier(random_state=0, **FAST).fit(X, y).predict_proba(X)
    clf = CLIMDClassifier(random_state=0, **FAST).fit(rescaled, y)
    np.testing.assert_array_equal(clf.predict_proba(rescaled), proba)
    raw = CLIMDClassifier(random_state=0, standardize=False, **FAST).fit(rescaled, y)
    assert not np.allclose(raw.predict_proba(rescaled), proba)


def test_absent_rows_are_ignored_by_the_fit_and_stay_at_zero():
    X, y = make_multimodal()
    X = {k: v.copy() for k, v in X.items()}
    absent = np.zeros(len(y), dtype=bool)
    absent[::4] = True
    X["m1"][absent] = np.nan
    clf = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    present_rows = X["m1"][~absent]
    np.testing.assert_allclose(clf.modality_scalers_["m1"].mean_, present_rows.mean(axis=0))
    np.testing.assert_allclose(clf.modality_scalers_["m1"].scale_, present_rows.std(axis=0))
    mask = np.column_stack([np.ones(len(y), dtype=bool), ~absent])
    filled = {"m0": X["m0"], "m1": np.where(absent[:, None], 0.0, X["m1"])}
    scaled = scale_modalities(filled, fit_modality_scalers(filled, mask), mask)
    np.testing.assert_array_equal(scaled["m1"][absent], 0.0)
    np.testing.assert_allclose(scaled["m1"][~absent].mean(axis=0), 0, atol=1e-12)


def test_paper_variant_and_standardize_false_see_the_data_as_given():
    X, y = make_multimodal()
    paper = CLIMDClassifier(variant="paper", random_state=0, **FAST).fit(X, y)
    assert paper.variant_params_["standardize"] is False and paper.modality_scalers_ == {}
    off = CLIMDClassifier(standardize=False, random_state=0, **FAST).fit(X, y)
    assert off.modality_scalers_ == {}
    assert CLIMDClassifier(variant="paper", standardize=True, **FAST).fit(
        X, y).variant_params_["standardize"] is True


def test_fit_leaves_the_input_alone_and_warm_start_keeps_the_first_scaling():
    X, y = make_multimodal()
    copies = {k: v.copy() for k, v in X.items()}
    clf = CLIMDClassifier(random_state=0, warm_start=True, **FAST).fit(X, y)
    for name in X:
        np.testing.assert_array_equal(X[name], copies[name])
    means = {k: s.mean_.copy() for k, s in clf.modality_scalers_.items()}
    clf.fit({k: v * 3 + 1 for k, v in X.items()}, y)
    for name, scaler in clf.modality_scalers_.items():
        np.testing.assert_array_equal(scaler.mean_, means[name])


def test_constant_feature_becomes_zero_not_nan():
    X, y = make_multimodal()
    X = {"m0": np.column_stack([X["m0"], np.full(len(y), 7.0)]), "m1": X["m1"]}
    clf = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    scaled = scale_modalities(X, clf.modality_scalers_, None)
    np.testing.assert_array_equal(scaled["m0"][:, -1], 0.0)
    assert np.isfinite(clf.predict_proba(X)).all()


def test_invalid_standardize_is_rejected():
    X, y = make_multimodal()
    with pytest.raises(ValueError, match="'standardize' parameter of CLIMDClassifier"):
        CLIMDClassifier(standardize="yes", **FAST).fit(X, y)
