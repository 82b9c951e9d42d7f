import numpy as np
import pytest
from conftest import FAST

from climd_sklearn import CLIMDClassifier
from climd_sklearn._bias import balanced_cross_entropy, fit_balanced_bias


def test_constant_predictions_are_balanced_by_the_bias():
    # every sample predicted (0.9, 0.1): the balanced optimum is softmax(log p + b) = (.5, .5)
    log_proba = np.log(np.tile([0.9, 0.1], (7, 1)))
    y = np.array([0, 0, 0, 0, 0, 1, 1])
    bias = fit_balanced_bias(log_proba, y)
    half = 0.5 * np.log(9.0)
    np.testing.assert_allclose(bias, [-half, half], atol=1e-6)
    assert bias.mean() == pytest.approx(0.0, abs=1e-12)


def test_gradient_matches_finite_differences_and_vanishes_at_the_fit():
    rng = np.random.default_rng(0)
    log_proba = rng.normal(size=(40, 3))
    y = rng.integers(0, 3, size=40)
    b = rng.normal(size=3)
    loss, grad = balanced_cross_entropy(b, log_proba, y)
    eps = 1e-6
    numeric = [(balanced_cross_entropy(b + eps * e, log_proba, y)[0]
                - balanced_cross_entropy(b - eps * e, log_proba, y)[0]) / (2 * eps)
               for e in np.eye(3)]
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)
    fitted = fit_balanced_bias(log_proba, y)
    assert np.abs(balanced_cross_entropy(fitted, log_proba, y)[1]).max() < 1e-6
    assert balanced_cross_entropy(fitted, log_proba, y)[0] <= loss


def test_every_class_weighs_the_same():
    log_proba = np.log(np.array([[0.8, 0.2]] * 9 + [[0.3, 0.7]]))
    y = np.array([0] * 9 + [1])
    loss, _ = balanced_cross_entropy(np.zeros(2), log_proba, y)
    assert loss == pytest.approx(0.5 * -np.log(0.8) + 0.5 * -np.log(0.7))


@pytest.mark.parametrize(("log_proba", "y", "match"), [
    (np.zeros(3), np.zeros(3), "must be 2-D"),
    (np.zeros((3, 2)), np.zeros(2), "must be 2-D"),
    (np.array([[0.0, -np.inf]]), np.zeros(1), "finite"),
])
def test_bad_input(log_proba, y, match):
    with pytest.raises(ValueError, match=match):
        fit_balanced_bias(log_proba, y)


def test_estimator_refits_the_bias_on_the_training_data(data):
    X, y = data
    plain = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    np.testing.assert_array_equal(plain.logit_bias_, 0.0)
    refit = CLIMDClassifier(random_state=0, refit_bias=True, **FAST).fit(X, y)
    proba = plain.predict_proba(X)  # same seed: the same network
    expected = fit_balanced_bias(np.log(np.clip(proba, 1e-12, None)), y)
    np.testing.assert_allclose(refit.logit_bias_, expected, rtol=1e-5, atol=1e-7)
    adjusted = proba * np.exp(expected)
    adjusted /= adjusted.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(refit.predict_proba(X), adjusted, rtol=1e-5, atol=1e-7)
