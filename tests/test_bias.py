import numpy as np
import pytest
from conftest import FAST, make_multimodal
from scipy.special import log_softmax, softmax

from climd_sklearn import CLIMDClassifier
from climd_sklearn._bias import balanced_cross_entropy, fit_balanced_bias


def balanced_mean_proba(log_proba, y, bias):
    """(1/C) sum_c mean_{i in class c} softmax(log_proba + bias)_i, computed here with scipy.

    Its k-th entry minus 1/C is the gradient of the class-balanced cross-entropy in bias_k,
    so at the fitted optimum every entry is 1/C.
    """
    proba = softmax(np.asarray(log_proba, dtype=np.float64) + bias, axis=1)
    return np.mean([proba[y == c].mean(axis=0) for c in np.unique(y)], axis=0)


def balanced_ce(log_proba, y, bias):
    """The class-balanced cross-entropy, computed here with scipy."""
    logp = log_softmax(np.asarray(log_proba, dtype=np.float64) + bias, axis=1)
    return -np.mean([logp[y == c, c].mean() for c in np.unique(y)])


@pytest.mark.parametrize("seed", range(4))
def test_balanced_mean_probability_of_every_class_is_uniform_at_the_fit(seed):
    rng = np.random.default_rng(seed)
    n_classes = 3 + seed % 2
    counts = rng.integers(2, 40, size=n_classes)
    y = np.repeat(np.arange(n_classes), counts)
    log_proba = log_softmax(rng.normal(scale=2.0, size=(len(y), n_classes)), axis=1)
    bias = fit_balanced_bias(log_proba, y)
    assert bias.shape == (n_classes,)
    assert bias.mean() == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(balanced_mean_proba(log_proba, y, bias), 1 / n_classes,
                               atol=1e-6)
    # a minimum: no nearby offset has a smaller balanced cross-entropy
    best = balanced_ce(log_proba, y, bias)
    for step in rng.normal(scale=0.05, size=(10, n_classes)):
        assert balanced_ce(log_proba, y, bias + step) >= best - 1e-12


def test_constant_predictions_are_balanced_by_the_bias():
    # every sample predicted with the same log-probabilities r: the balanced cross-entropy is
    # -(1/C) sum_c log softmax(r + b)_c, minimal at softmax(r + b) = 1/C, i.e. b = -r + const
    row = np.log([0.7, 0.2, 0.1])
    log_proba = np.tile(row, (9, 1))
    y = np.array([0, 0, 0, 0, 0, 0, 1, 1, 2])
    bias = fit_balanced_bias(log_proba, y)
    np.testing.assert_allclose(bias, -(row - row.mean()), atol=1e-6)
    np.testing.assert_allclose(softmax(log_proba + bias, axis=1), 1 / 3, atol=1e-6)
    half = 0.5 * np.log(9.0)  # two classes, (0.9, 0.1)
    bias = fit_balanced_bias(np.log(np.tile([0.9, 0.1], (7, 1))), np.array([0] * 5 + [1] * 2))
    np.testing.assert_allclose(bias, [-half, half], atol=1e-6)


@pytest.mark.parametrize(("u", "v", "counts"), [(-2.0, 1.0, (9, 2)), (0.5, 3.0, (3, 30)),
                                                (-1.0, 1.0, (50, 1))])
def test_two_class_closed_form(u, v, counts):
    # logit difference d = l_1 - l_0 is u on every class-0 sample and v on every class-1 one;
    # with beta = b_1 - b_0 the optimum solves sigma(u + beta) + sigma(v + beta) = 1, i.e.
    # beta = -(u + v) / 2, whatever the class counts
    y = np.repeat([0, 1], counts)
    d = np.where(y == 0, u, v)
    log_proba = log_softmax(np.column_stack([np.zeros_like(d), d]), axis=1)
    bias = fit_balanced_bias(log_proba, y)
    beta = -(u + v) / 2
    np.testing.assert_allclose(bias, [-beta / 2, beta / 2], atol=1e-6)


def test_bias_does_not_depend_on_class_frequencies():
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1, 2], [5, 4, 3])
    log_proba = log_softmax(rng.normal(size=(len(y), 3)), axis=1)
    bias = fit_balanced_bias(log_proba, y)
    # every sample of class 0 ten times: each class still weighs 1/C
    repeat = np.where(y == 0, 10, 1)
    np.testing.assert_allclose(
        fit_balanced_bias(np.repeat(log_proba, repeat, axis=0), np.repeat(y, repeat)), bias,
        atol=1e-6)
    # adding a constant to a row (or using logits instead of log-probabilities) changes nothing
    shifted = log_proba + rng.normal(scale=5.0, size=(len(y), 1))
    np.testing.assert_allclose(fit_balanced_bias(shifted, y), bias, atol=1e-6)


def test_bias_moves_predictions_toward_the_rare_class():
    rng = np.random.default_rng(2)
    y = np.repeat([0, 1, 2], [300, 60, 15])  # class 0 frequent, class 2 rare
    clean = 1.5 * np.eye(3)[y] + rng.normal(size=(len(y), 3))
    bias_clean = fit_balanced_bias(clean, y)
    # a model biased toward the frequent class: +2 on its logit for every sample
    shift = np.array([2.0, 0.0, 0.0])
    biased = clean + shift
    bias = fit_balanced_bias(biased, y)
    # the offsets take the shift back exactly (up to the common mean)
    np.testing.assert_allclose(bias, bias_clean - (shift - shift.mean()), atol=1e-5)
    assert bias[0] < bias[1] and bias[0] < bias[2]

    def recall(logits):
        pred = logits.argmax(axis=1)
        return np.array([np.mean(pred[y == c] == c) for c in range(3)])

    before, after = recall(biased), recall(biased + bias)
    assert after[2] > before[2] + 0.2  # the rare class is found far more often
    assert np.sum((biased + bias).argmax(axis=1) == 2) > np.sum(biased.argmax(axis=1) == 2)
    assert after.mean() > before.mean()  # and the balanced accuracy rises


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
    C = 3
    plain = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    np.testing.assert_array_equal(plain.logit_bias_, 0.0)
    refit = CLIMDClassifier(random_state=0, refit_bias=True, **FAST).fit(X, y)
    bias = refit.logit_bias_
    assert bias.shape == (C,) and bias.mean() == pytest.approx(0.0, abs=1e-9)
    assert np.abs(bias).max() > 1e-3  # the offsets do something here
    p_plain, p_refit = plain.predict_proba(X), refit.predict_proba(X)
    # the same network (same seed) with one additive offset per class on its logits: the
    # log-ratio of the two outputs is bias_k plus a per-sample constant
    ratio = np.log(p_refit) - np.log(p_plain) - bias
    np.testing.assert_allclose(ratio - ratio[:, :1], 0.0, atol=1e-5)
    # fitted on the training data: there the class-balanced mean of each class's predicted
    # probability is 1/C (the balanced cross-entropy's gradient vanishes)
    balanced = np.mean([p_refit[y == c].mean(axis=0) for c in range(C)], axis=0)
    np.testing.assert_allclose(balanced, 1 / C, atol=1e-5)
    assert not np.allclose(np.mean([p_plain[y == c].mean(axis=0) for c in range(C)], axis=0),
                           1 / C, atol=1e-4)


def test_estimator_bias_favours_the_rare_class_of_a_frequency_biased_net():
    # overlapping classes (40 / 15 / 8) and plain cross-entropy: the net leans toward class 0
    X, y = make_multimodal(seed=3)
    X = {k: v + 2.5 * np.random.RandomState(1).randn(*v.shape) for k, v in X.items()}
    kw = dict(FAST, loss="ce", random_state=0)
    plain = CLIMDClassifier(**kw).fit(X, y)
    refit = CLIMDClassifier(refit_bias=True, **kw).fit(X, y)
    pred_plain, pred_refit = plain.predict(X), refit.predict(X)
    assert np.mean(pred_plain == 2) < np.mean(y == 2)  # the precondition: rare under-predicted
    assert refit.logit_bias_[2] > refit.logit_bias_[0]
    assert np.sum(pred_refit == 2) > np.sum(pred_plain == 2)
    assert np.mean(pred_refit[y == 2] == 2) > np.mean(pred_plain[y == 2] == 2)
