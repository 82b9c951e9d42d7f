"""Tests of climd_sklearn.curriculum (method.md, sections 3 and 4)."""

from __future__ import annotations

import inspect
import math
import pickle
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import ParameterGrid

from climd_sklearn._docstring import Substitution
from climd_sklearn.curriculum import (
    SCHEDULER_NAMES,
    BabyStepScheduler,
    BaseScheduler,
    CLIMDScheduler,
    GeometricScheduler,
    LinearScheduler,
    OnePassScheduler,
    RootScheduler,
    alpha_at,
    class_balanced_indices,
    class_distribution,
    class_quotas,
    fit_power_law_alpha,
    geometric_pacing,
    linear_pacing,
    make_scheduler,
    root_pacing,
)

RULES = ["zipf", "eq6"]


def _round_half_up(t: int, T: int, n: int) -> int:
    """floor(t / T * n + 1/2), exactly."""
    return math.floor(Fraction(t * n, T) + Fraction(1, 2))


def _two_class_q(counts: tuple[int, int], t: int, T: int, gamma: float, rule: str) -> list[float]:
    """Closed-form Eq. 7 for two classes, counts[0] >= counts[1], Eq. 6's alpha."""
    big, small = counts
    w = (t - 1) / (T - 1)
    if big == small:
        return [0.5, 0.5]
    log_ratio = math.log(big / small)  # sum_c ln(n_c / n_min) with C = 2
    if rule == "eq6":
        alpha_T = (1 / gamma) * (1 + 2 / log_ratio)
        exponent = gamma * (1 + (alpha_T - 1) * w)
    else:
        exponent = w * log_ratio / 2  # s_T = sum_c ln(n_c / n_min) / C
    second = 2.0**-exponent
    p = [1 / (1 + second), second / (1 + second)]
    return [(1 - w) / 2 + w * p[0], (1 - w) / 2 + w * p[1]]


# ------------------------------------------------------------------------------------------
# Eq. 6
# ------------------------------------------------------------------------------------------


def test_fit_power_law_alpha_brca_counts():
    counts = [305, 103, 92, 80, 32]
    gamma = 0.3
    n_classes = 5
    log_sum = math.log(305) + math.log(103) + math.log(92) + math.log(80) + math.log(32)
    denominator = log_sum - n_classes * math.log(32)
    expected = (1 / gamma) * (1 + n_classes / denominator)
    assert fit_power_law_alpha(counts, gamma) == pytest.approx(expected, rel=1e-12)
    assert fit_power_law_alpha(counts, gamma) == pytest.approx(6.42209, abs=1e-5)


def test_fit_power_law_alpha_order_does_not_matter_and_gamma_scales():
    counts = [32, 305, 80, 103, 92]
    a = fit_power_law_alpha(counts, 0.3)
    assert fit_power_law_alpha(sorted(counts), 0.3) == pytest.approx(a, rel=1e-12)
    assert fit_power_law_alpha(counts, 0.6) == pytest.approx(a / 2, rel=1e-12)


@pytest.mark.parametrize("counts", [[7, 7, 7], [5], [1, 1], np.array([40.0, 40.0])])
def test_fit_power_law_alpha_equal_counts_is_inf(counts):
    with np.errstate(all="raise"):
        assert fit_power_law_alpha(counts) == math.inf


@pytest.mark.parametrize("rule", RULES)
def test_equal_counts_give_uniform_distribution_at_every_epoch(rule):
    alpha = fit_power_law_alpha([10, 10, 10, 10])
    for t in range(1, 8):
        assert alpha_at(t, 7, alpha) == math.inf
        q = class_distribution(t, 7, alpha, 4, exponent_rule=rule)
        np.testing.assert_array_equal(q, np.full(4, 0.25))
        quotas = class_quotas([10, 10, 10, 10], t, 7, exponent_rule=rule)
        assert quotas.sum() == _round_half_up(t, 7, 40)
        assert quotas.max() - quotas.min() <= 1


def test_fit_power_law_alpha_near_balance_is_large_and_finite():
    gamma = 0.3
    expected = (1 / gamma) * (1 + 2 / (math.log(118) + math.log(127) - 2 * math.log(118)))
    with np.errstate(all="raise"):
        alpha = fit_power_law_alpha([118, 127], gamma)
    assert alpha == pytest.approx(expected, rel=1e-12)
    assert alpha == pytest.approx(94.03, abs=0.01)


def test_fit_power_law_alpha_validation():
    with pytest.raises(ValueError, match=r"gamma == -1\.0, must be > 0"):
        fit_power_law_alpha([3, 2], gamma=-1.0)
    with pytest.raises(ValueError, match="gamma == 0, must be > 0"):
        fit_power_law_alpha([3, 2], gamma=0)
    with pytest.raises(ValueError, match="gamma == nan"):
        fit_power_law_alpha([3, 2], gamma=float("nan"))
    with pytest.raises(TypeError, match="gamma must be an instance of"):
        fit_power_law_alpha([3, 2], gamma="0.3")
    with pytest.raises(ValueError, match=r"class_counts must be 1-D, got shape \(1, 2\)"):
        fit_power_law_alpha([[3, 2]])
    with pytest.raises(ValueError, match="at least 1 class"):
        fit_power_law_alpha([])
    with pytest.raises(ValueError, match=r"class_counts must all be >= 1, got \[3, 0\]"):
        fit_power_law_alpha([3, 0])
    with pytest.raises(ValueError, match="class_counts must be integers"):
        fit_power_law_alpha([3, 1.5])
    with pytest.raises(ValueError, match="class_counts must be numeric"):
        fit_power_law_alpha(["a", "b"])


# ------------------------------------------------------------------------------------------
# near balance: the "zipf" rule against the paper's "eq6" (method.md section 3)
# ------------------------------------------------------------------------------------------


def test_near_balance_zipf_quotas_match_the_balanced_ones():
    # counts 127/118, T = 10, t = 7: w = 2/3, s_T = ln(127/118) / 2 = 0.03672, s_7 = 0.02448,
    # q = [0.50283, 0.49717]. S = 7/10 * 245 = 171.5 -> 172, ideal [86.49, 85.51] -> [86, 86].
    # Balanced 118/118: S = 165.2 -> 165, 82.5 each -> [83, 82]; scaled to 172: [86.5, 85.5].
    q = _two_class_q((127, 118), 7, 10, 0.3, "zipf")
    assert q == pytest.approx([0.50283, 0.49717], abs=1e-5)
    alpha = fit_power_law_alpha([127, 118])
    np.testing.assert_allclose(class_distribution(7, 10, alpha, 2), q, rtol=1e-12)
    near = class_quotas([127, 118], 7, 10)
    balanced = class_quotas([118, 118], 7, 10)
    np.testing.assert_array_equal(near, [86, 86])
    np.testing.assert_array_equal(balanced, [83, 82])
    assert np.all(np.abs(near - balanced * 172 / 165) <= 2)
    assert abs(int(near[0]) - int(near[1])) <= 1
    # the default is "zipf"
    np.testing.assert_array_equal(near, class_quotas([127, 118], 7, 10, exponent_rule="zipf"))


def test_near_balance_eq6_keeps_the_papers_jump():
    # alpha_hat = 94.03, alpha(7) = 63.02, exponent 18.9: q = [0.8333, 0.1667]; S = 172,
    # ideal [143.3, 28.7] -> [143, 29]; label 0 holds 127, its excess 16 goes to label 1 -> 45.
    q = _two_class_q((127, 118), 7, 10, 0.3, "eq6")
    assert q == pytest.approx([5 / 6, 1 / 6], abs=1e-5)
    np.testing.assert_array_equal(class_quotas([127, 118], 7, 10, exponent_rule="eq6"), [127, 45])
    np.testing.assert_array_equal(class_quotas([118, 118], 7, 10, exponent_rule="eq6"), [83, 82])
    # a cap on alpha alone does not help (method.md): alpha = 10 still gives 122 / 50
    np.testing.assert_array_equal(
        class_quotas([127, 118], 7, 10, alpha=10.0, exponent_rule="eq6"), [122, 50]
    )


def test_zipf_quotas_are_continuous_in_the_counts_and_tend_to_balance():
    T, t = 10, 7
    zipf = [class_quotas([100 + k, 100], t, T) for k in range(41)]
    for k, quotas in enumerate(zipf):
        size = _round_half_up(t, T, 200 + k)
        ideal = np.array(_two_class_q((100 + k, 100), t, T, 0.3, "zipf")) * size
        assert quotas.sum() == size
        assert np.all(np.abs(quotas - ideal) < 1)  # largest remainder, no shortfall here
    steps = np.abs(np.diff(np.array(zipf), axis=0))
    assert steps.max() <= 1  # one more sample of class 0 moves each quota by at most 1
    # towards balance the imbalance of the ideal split vanishes; at k = 0 it is exactly 0
    gaps = [abs(a - b) * _round_half_up(t, T, 200 + k)
            for k, (a, b) in enumerate(_two_class_q((100 + k, 100), t, T, 0.3, "zipf")
                                       for k in range(41))]
    assert gaps[0] == 0 and gaps[1] < 0.2 and all(np.diff(gaps) > 0)
    np.testing.assert_array_equal(zipf[0], [70, 70])
    # the paper's rule jumps by ~30 samples between 100/100 and 101/100
    eq6 = [class_quotas([100 + k, 100], t, T, exponent_rule="eq6") for k in range(2)]
    assert abs(int(eq6[1][0]) - int(eq6[0][0])) >= 25


@pytest.mark.parametrize("n", [10, 100, 1000, 10**4, 10**6])
def test_zipf_distribution_of_almost_equal_counts_tends_to_uniform(n):
    alpha = fit_power_law_alpha([n + 1, n])
    q = class_distribution(7, 10, alpha, 2)
    expected = _two_class_q((n + 1, n), 7, 10, 0.3, "zipf")
    np.testing.assert_allclose(q, expected, rtol=1e-9)
    # s_7 = (2/3) ln(1 + 1/n) / 2 <= 1 / (3n), and q_0 - 1/2 <= (2/3) s_7 ln(2) / 4
    assert 0 < q[0] - 0.5 <= (2 / 3) * math.log(2) / 4 / (3 * n)


def test_zipf_needs_a_value_exponent_above_one():
    with pytest.raises(ValueError, match=r"needs gamma \* alpha > 1"):
        class_distribution(1, 10, 3.0, 4, gamma=0.3)
    with pytest.raises(ValueError, match=r"gamma \* alpha = 1\.0"):
        class_quotas([3, 1], 1, 2, gamma=1.0, alpha=1.0)
    with pytest.raises(ValueError, match=r"needs gamma \* alpha > 1"):
        CLIMDScheduler(4, alpha=2.0).select(1, np.zeros(4), np.array([0, 0, 1, 1]))
    # the paper's rule accepts it
    assert class_distribution(1, 10, 3.0, 4, gamma=0.3, exponent_rule="eq6").sum() == 1.0


def test_exponent_rule_validation():
    with pytest.raises(ValueError, match="exponent_rule must be 'zipf' or 'eq6', got 'paper'"):
        class_distribution(1, 3, 5.0, 2, exponent_rule="paper")
    with pytest.raises(ValueError, match="exponent_rule must be"):
        class_quotas([3, 1], 1, 3, exponent_rule=None)
    with pytest.raises(ValueError, match="exponent_rule must be"):
        CLIMDScheduler(3, exponent_rule="Zipf").select(1, np.zeros(2), np.array([0, 1]))


# ------------------------------------------------------------------------------------------
# Eq. 7, worked example of method.md section 3 (the paper's rule)
# ------------------------------------------------------------------------------------------

Q5 = [0.1846, 0.1280, 0.1072, 0.0962, 0.0893, 0.0845, 0.0811, 0.0784, 0.0762, 0.0745]
Q10 = [0.5012, 0.1772, 0.0964, 0.0626, 0.0448, 0.0341, 0.0271, 0.0221, 0.0186, 0.0158]


def test_worked_example():
    def q(t: int) -> np.ndarray:
        return class_distribution(t, 10, 5.0, 10, 0.3, exponent_rule="eq6")

    np.testing.assert_allclose(q(1), np.full(10, 0.1))
    np.testing.assert_allclose(q(5), Q5, atol=5e-5)
    np.testing.assert_allclose(q(10), Q10, atol=5e-5)


@pytest.mark.parametrize("rule", RULES)
def test_class_distribution_sums_to_one_and_is_decreasing(rule):
    for t in range(1, 11):
        q = class_distribution(t, 10, 5.0, 10, 0.3, exponent_rule=rule)
        assert q.sum() == pytest.approx(1.0)
        assert np.all(np.diff(q) <= 1e-15)


def test_class_distribution_by_hand_eq6():
    # gamma = 1, alpha(T) = 3, T = 3, t = 2: w = 1/2, alpha(2) = 2, weights 1, 1/4, 1/9.
    p = np.array([1, 1 / 4, 1 / 9]) / (1 + 1 / 4 + 1 / 9)
    expected = 0.5 / 3 + 0.5 * p
    np.testing.assert_allclose(
        class_distribution(2, 3, 3.0, 3, gamma=1.0, exponent_rule="eq6"), expected
    )


def test_class_distribution_by_hand_zipf():
    # gamma = 1, alpha(T) = 3: a_T = 3, s_T = 1 / (3 - 1) = 1/2; T = 3, t = 2: w = 1/2,
    # s_2 = 1/4, weights 1, 2 ** -0.25, 3 ** -0.25.
    weights = np.array([1.0, 2.0**-0.25, 3.0**-0.25])
    expected = 0.5 / 3 + 0.5 * weights / weights.sum()
    np.testing.assert_allclose(class_distribution(2, 3, 3.0, 3, gamma=1.0), expected)
    # T == 1: w = 1 and the exponent is s_T
    weights = np.array([1.0, 2.0**-0.5, 3.0**-0.5])
    np.testing.assert_allclose(class_distribution(1, 1, 3.0, 3, gamma=1.0), weights / weights.sum())


def test_class_distribution_single_epoch_uses_the_power_law():
    # T == 1 -> w = 1 and alpha(1) = alpha_T
    p = np.arange(1, 5, dtype=float) ** (-0.3 * 4.0)
    np.testing.assert_allclose(class_distribution(1, 1, 4.0, 4, 0.3, "eq6"), p / p.sum())


@pytest.mark.parametrize("alpha_T, gamma", [(1e300, 0.3), (1e308, 10.0), (1e12, 0.3)])
def test_class_distribution_huge_alpha_is_safe(alpha_T, gamma):
    with np.errstate(all="raise"):
        q_T = class_distribution(10, 10, alpha_T, 5, gamma, exponent_rule="eq6")
        np.testing.assert_allclose(q_T, [1, 0, 0, 0, 0])
        q_mid = class_distribution(4, 10, alpha_T, 5, gamma, exponent_rule="eq6")
        # under "zipf" a huge value exponent is a rank exponent near 0: near uniform
        q_zipf = class_distribution(10, 10, alpha_T, 5, gamma)
    w = 3 / 9
    np.testing.assert_allclose(q_mid, (1 - w) / 5 + w * np.array([1, 0, 0, 0, 0]))
    np.testing.assert_allclose(q_zipf, np.full(5, 0.2), atol=1e-10)


def test_alpha_at():
    assert alpha_at(1, 10, 5.0) == 1.0
    assert alpha_at(10, 10, 5.0) == 5.0
    assert alpha_at(5, 10, 5.0) == pytest.approx(1 + 4 * 4 / 9)
    assert alpha_at(1, 1, 5.0) == 5.0
    assert alpha_at(1, 10, math.inf) == math.inf


def test_epoch_validation():
    with pytest.raises(ValueError, match="t == 11, must be <= 10"):
        class_distribution(11, 10, 5.0, 4)
    with pytest.raises(ValueError, match="t == 0, must be >= 1"):
        class_distribution(0, 10, 5.0, 4)
    with pytest.raises(TypeError, match="t must be an instance of int, not float"):
        class_distribution(1.0, 10, 5.0, 4)
    with pytest.raises(TypeError, match="T must be an instance of int, not bool"):
        alpha_at(1, True, 5.0)
    with pytest.raises(ValueError, match="T == 0, must be >= 1"):
        alpha_at(1, 0, 5.0)
    with pytest.raises(ValueError, match="n_classes == 0, must be >= 1"):
        class_distribution(1, 10, 5.0, 0)
    with pytest.raises(ValueError, match="alpha_T == nan"):
        class_distribution(1, 10, float("nan"), 3)
    with pytest.raises(ValueError, match=r"alpha == -1\.0, must be > 0"):
        class_quotas([3, 4], 1, 2, alpha=-1.0)


# ------------------------------------------------------------------------------------------
# quotas
# ------------------------------------------------------------------------------------------


def test_quotas_first_epoch_uniform():
    # N = 150, T = 10 -> S = 15, q uniform -> 3 per class; no class is short.
    np.testing.assert_array_equal(class_quotas([50, 40, 30, 20, 10], 1, 10), [3, 3, 3, 3, 3])


def test_quotas_remainders_go_by_rank_order():
    # N = 100, T = 10 -> S = 10, 2.5 each: floors 2, two remaining units go to ranks 1 and 2,
    # i.e. the two most frequent classes (labels 1 and 3), whatever their label order.
    np.testing.assert_array_equal(class_quotas([10, 40, 20, 30], 1, 10), [2, 3, 2, 3])
    # ties in counts are ranked by label order: labels 0 and 1 get the units
    np.testing.assert_array_equal(class_quotas([25, 25, 25, 25], 1, 10), [3, 3, 2, 2])


@pytest.mark.parametrize(
    "counts, t, T, size",
    [
        ([1, 1], 1, 4, 1),  # t / T * N = 0.5 -> 1 (round() gives 0)
        ([5, 5], 1, 4, 3),  # 2.5 -> 3 (round() gives 2)
        ([3, 3], 3, 4, 5),  # 4.5 -> 5 (round() gives 4)
        ([7, 2], 1, 2, 5),  # 4.5 -> 5
        ([3, 2], 3, 10, 2),  # 1.5 -> 2 (0.3 * 5 is not exactly 1.5 in floating point)
        ([3, 2], 1, 4, 1),  # 1.25 -> 1
        ([3, 2], 3, 4, 4),  # 3.75 -> 4
    ],
)
def test_quotas_subset_size_rounds_half_up(counts, t, T, size):
    assert class_quotas(counts, t, T).sum() == size
    assert class_quotas(counts, t, T, exponent_rule="eq6").sum() == size


def test_quotas_exact_halves_are_where_round_half_to_even_differs():
    # the cases above are real halves, and Python's round() would give another answer
    for counts, t, T in [([1, 1], 1, 4), ([5, 5], 1, 4), ([3, 3], 3, 4)]:
        exact = Fraction(t * sum(counts), T)
        assert exact.denominator == 2
        assert round(exact) != math.floor(exact + Fraction(1, 2))


def test_climd_scheduler_subset_size_rounds_half_up():
    # 10 samples, T = 4, t = 1: 2.5 -> 3; 6 samples, T = 4, t = 3: 4.5 -> 5
    y = np.array([0] * 6 + [1] * 4)
    scheduler = CLIMDScheduler(4)
    assert scheduler.select(1, np.zeros(10), y).size == 3
    assert scheduler.describe(1, y)["subset_size"] == 3
    assert CLIMDScheduler(4).select(3, np.zeros(6), np.array([0, 0, 0, 1, 1, 1])).size == 5


def test_quotas_shortfall_uniform():
    # counts [2, 20, 5], T = 2, t = 1: q uniform, S = round(13.5) = 14, ideal 14/3 = 4.67 each:
    # floors 4, 4, 4; two units to ranks 1 and 2 (labels 1, 2) -> [4, 5, 5]. Label 0 holds 2:
    # its excess of 2 goes to the only class with room, label 1 -> [2, 7, 5].
    np.testing.assert_array_equal(class_quotas([2, 20, 5], 1, 2), [2, 7, 5])


def test_quotas_shortfall_power_law():
    # counts [33, 34, 33] -> ranks: label 1, label 0, label 2. gamma = 1, alpha = 3, T = 3,
    # t = 2: w = 1/2, alpha(2) = 2, p = [36, 9, 4] / 49, q = 1/6 + p/2 by rank
    # = [0.5340, 0.2585, 0.2075]. N = 100, S = round(66.67) = 67, ideal = [35.78, 17.32, 13.90]
    # -> floors [35, 17, 13], 2 units to the largest fractions (.90 then .78) -> [36, 17, 14].
    # Rank 1 holds 34: excess 2 split over ranks 2, 3 in proportion 0.2585 : 0.2075
    # -> ideal [1.11, 0.89] -> [1, 1] -> [34, 18, 15] by rank = [18, 34, 15] by label.
    quotas = class_quotas([33, 34, 33], 2, 3, gamma=1.0, alpha=3.0, exponent_rule="eq6")
    np.testing.assert_array_equal(quotas, [18, 34, 15])


def test_quotas_shortfall_is_redistributed_in_proportion_to_q():
    # counts [30, 40, 30] -> ranks: label 1, label 0, label 2. gamma = 0.5, alpha = 5, T = 5,
    # t = 4: w = 3/4, alpha(4) = 4, exponent 2, p = [36, 9, 4] / 49,
    # q = 1/12 + 3/4 p = [373, 130, 85] / 588 by rank. N = 100, S = 80,
    # ideal = [50.748, 17.687, 11.565] -> [50, 17, 11] + 2 units (ranks 1, 2) -> [51, 18, 11].
    # Rank 1 holds 40: excess 11 split 130 : 85 -> [6.651, 4.349] -> [7, 4] -> [40, 25, 15].
    # (An equal split would give [6, 5].)
    quotas = class_quotas([30, 40, 30], 4, 5, gamma=0.5, alpha=5.0, exponent_rule="eq6")
    np.testing.assert_array_equal(quotas, [25, 40, 15])


def test_quotas_huge_alpha_last_epochs():
    # q_T = [1, 0, 0, 0]: everything is first asked of the largest class, then spread.
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(
            class_quotas([10, 10, 10, 1], 5, 5, alpha=1e300, exponent_rule="eq6"), [10] * 3 + [1]
        )
        quotas = class_quotas([10, 10, 10, 1], 4, 5, alpha=1e300, exponent_rule="eq6")
    assert quotas.sum() == 25
    assert np.all(quotas <= [10, 10, 10, 1])
    assert quotas[0] == 10


@pytest.mark.parametrize("rule", RULES)
def test_quotas_last_epoch_is_all_samples(rule):
    counts = [305, 103, 92, 80, 32]
    np.testing.assert_array_equal(class_quotas(counts, 100, 100, exponent_rule=rule), counts)


def test_quotas_subset_size_override():
    np.testing.assert_array_equal(class_quotas([5, 3], 1, 10, subset_size=2), [1, 1])
    with pytest.raises(ValueError, match="subset_size == 9, must be <= 8"):
        class_quotas([5, 3], 1, 10, subset_size=9)


@settings(max_examples=300, deadline=None)
@given(
    counts=st.lists(st.integers(1, 200), min_size=1, max_size=12),
    T=st.integers(1, 30),
    data=st.data(),
    gamma=st.sampled_from([0.1, 0.3, 1.0]),
    rule=st.sampled_from(RULES),
)
def test_quota_invariants(counts, T, data, gamma, rule):
    t = data.draw(st.integers(1, T), label="t")
    counts_arr = np.array(counts)
    n = counts_arr.sum()
    quotas = class_quotas(counts, t, T, gamma, exponent_rule=rule)
    assert quotas.dtype == np.int64
    assert quotas.shape == (len(counts),)
    assert quotas.sum() == _round_half_up(t, T, n)
    assert np.all(quotas >= 0)
    assert np.all(quotas <= counts_arr)
    np.testing.assert_array_equal(class_quotas(counts, T, T, gamma, exponent_rule=rule), counts_arr)
    # without any shortfall, largest-remainder rounding stays within 1 of the ideal quotas
    alpha = fit_power_law_alpha(counts, gamma)
    rank = np.empty(len(counts), dtype=int)
    rank[np.argsort(-counts_arr, kind="stable")] = np.arange(len(counts))
    q = class_distribution(t, T, alpha, len(counts), gamma, exponent_rule=rule)
    ideal = q[rank] * quotas.sum()
    if np.all(np.ceil(ideal - 1e-9) <= counts_arr):
        assert np.all(np.abs(quotas - ideal) < 1 + 1e-9)


# ------------------------------------------------------------------------------------------
# pacing functions
# ------------------------------------------------------------------------------------------


def test_linear_pacing_values():
    assert linear_pacing(0, 10, 0.33) == pytest.approx(0.33)
    assert linear_pacing(5, 10, 0.33) == pytest.approx(0.33 + 0.67 * 0.5)
    assert linear_pacing(10, 10, 0.33) == 1.0
    assert linear_pacing(20, 10, 0.33) == 1.0
    assert linear_pacing(1, 4, 0.2) == pytest.approx(0.4)


def test_root_pacing_values():
    assert root_pacing(0, 10, 0.33) == pytest.approx(0.33)
    assert root_pacing(5, 10, 0.33) == pytest.approx(math.sqrt(0.33**2 + (1 - 0.33**2) * 0.5))
    assert root_pacing(10, 10, 0.33) == pytest.approx(1.0)
    assert root_pacing(30, 10, 0.33) == 1.0
    assert root_pacing(1, 4, 0.5) == pytest.approx(math.sqrt(0.25 + 0.75 / 4))


def test_geometric_pacing_values():
    assert geometric_pacing(0, 10, 0.33) == pytest.approx(0.33)
    assert geometric_pacing(5, 10, 0.25) == pytest.approx(0.5)
    assert geometric_pacing(10, 10, 0.33) == 1.0
    assert geometric_pacing(15, 10, 0.33) == 1.0
    assert geometric_pacing(1, 3, 0.125) == pytest.approx(0.25)


@pytest.mark.parametrize("func", [linear_pacing, root_pacing, geometric_pacing])
def test_pacing_validation(func):
    with pytest.raises(ValueError, match=r"initial_fraction == 0\.0, must be > 0"):
        func(1, 10, 0.0)
    with pytest.raises(ValueError, match=r"initial_fraction == 1\.5, must be <= 1"):
        func(1, 10, 1.5)
    with pytest.raises(ValueError, match="T_grow == 0, must be > 0"):
        func(1, 0, 0.3)
    with pytest.raises(ValueError, match="t == -1, must be >= 0"):
        func(-1, 10, 0.3)
    with pytest.raises(TypeError, match="t must be an instance of"):
        func("1", 10, 0.3)


def test_shared_docstrings_are_filled_in():
    for obj in (linear_pacing, root_pacing, geometric_pacing):
        doc = inspect.getdoc(obj)
        assert "{" not in doc
        assert "T_grow : float\n    Epoch at which the fraction reaches 1, > 0." in doc
    for cls, func in [
        (LinearScheduler, "linear_pacing"),
        (RootScheduler, "root_pacing"),
        (GeometricScheduler, "geometric_pacing"),
    ]:
        doc = inspect.getdoc(cls)
        assert "{" not in doc
        assert f":func:`{func}`" in doc
        assert "Parameters\n----------\nn_epochs : int or None, default=None\n" in doc
        assert "\ninitial_fraction : float, default=0.33\n" in doc
    for cls in (BabyStepScheduler, OnePassScheduler):
        assert "lo_t = min(hi_t, ceil((t - 1) * K / T) + 1)" in inspect.getdoc(cls)
    assert 'exponent_rule : {"zipf", "eq6"}, default="zipf"' in inspect.getdoc(CLIMDScheduler)


def test_substitution_decorator():
    @Substitution(what="world")
    def f() -> None:
        """Hello {what}, {{literal}}."""

    assert f.__doc__ == "Hello world, {literal}."

    def g() -> None:
        pass

    assert Substitution(what="x")(g) is g and g.__doc__ is None


# ------------------------------------------------------------------------------------------
# schedulers
# ------------------------------------------------------------------------------------------


def _top(priority: np.ndarray, k: int) -> np.ndarray:
    return np.sort(np.argsort(-priority, kind="stable")[:k])


@pytest.mark.parametrize(
    "cls, pacing",
    [
        (LinearScheduler, linear_pacing),
        (RootScheduler, root_pacing),
        (GeometricScheduler, geometric_pacing),
    ],
)
def test_pacing_scheduler_selects_top_fraction(cls, pacing):
    rng = np.random.default_rng(0)
    priority = rng.normal(size=100)
    y = rng.integers(0, 3, size=100)
    scheduler = cls(10)
    for epoch in range(1, 11):
        size = math.ceil(pacing(epoch, 10, 0.33) * 100 - 1e-9)
        idx = scheduler.select(epoch, priority, y)
        assert idx.dtype == np.int64
        np.testing.assert_array_equal(idx, _top(priority, size))
        assert scheduler.describe(epoch, y)["subset_size"] == size
    np.testing.assert_array_equal(scheduler.select(10, priority, y), np.arange(100))
    np.testing.assert_array_equal(scheduler.select(11, priority, y), np.arange(100))
    assert scheduler.describe(12, y) == {"subset_size": 100}


def test_linear_scheduler_floating_error_does_not_add_a_sample():
    # 0.1 + 0.9 * 1 / 2 = 0.55, and 0.55 * 100 == 55.00000000000001 in floating point
    scheduler = LinearScheduler(2, initial_fraction=0.1)
    assert scheduler.select(1, np.zeros(100), np.zeros(100, dtype=int)).size == 55


def test_pacing_scheduler_min_size_and_grow_epochs():
    y = np.zeros(10, dtype=int)
    priority = np.arange(10.0)
    scheduler = LinearScheduler(10, initial_fraction=0.01, min_size=4)
    np.testing.assert_array_equal(scheduler.select(1, priority, y), [6, 7, 8, 9])
    scheduler = LinearScheduler(10, initial_fraction=0.01, min_size=50)
    np.testing.assert_array_equal(scheduler.select(1, priority, y), np.arange(10))
    scheduler = GeometricScheduler(10, grow_epochs=5)
    assert scheduler.select(5, priority, y).size == 10
    assert scheduler.select(4, priority, y).size < 10
    # min_size=None (the default) behaves as 1
    assert LinearScheduler(10, initial_fraction=0.01).min_size is None
    np.testing.assert_array_equal(
        LinearScheduler(10, initial_fraction=0.01).select(1, priority, y),
        LinearScheduler(10, initial_fraction=0.01, min_size=1).select(1, priority, y),
    )


def test_ties_in_priority_broken_by_index():
    y = np.zeros(10, dtype=int)
    np.testing.assert_array_equal(LinearScheduler(10, 0.3).select(1, np.ones(10), y), [0, 1, 2, 3])


def test_climd_scheduler_takes_top_priority_within_class():
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1, 2, 3], [60, 25, 10, 5])
    rng.shuffle(y)
    priority = rng.normal(size=y.size)
    scheduler = CLIMDScheduler(10)
    # Eq. 6's alpha and the Zipf rank exponent s_T = sum_c ln(n_c / n_min) / C, by hand
    log_sum = math.log(60 / 5) + math.log(25 / 5) + math.log(10 / 5)
    alpha_T = (1 / 0.3) * (1 + 4 / log_sum)
    previous = 0
    for epoch in range(1, 11):
        idx = scheduler.select(epoch, priority, y)
        quotas = class_quotas(np.bincount(y), epoch, 10)
        assert idx.size == quotas.sum() == _round_half_up(epoch, 10, y.size)
        assert idx.size >= previous
        previous = idx.size
        np.testing.assert_array_equal(np.bincount(y[idx], minlength=4), quotas)
        for c in range(4):
            members = np.flatnonzero(y == c)
            chosen = np.intersect1d(idx, members)
            # every chosen sample has at least the priority of every unchosen one of its class
            unchosen = np.setdiff1d(members, chosen)
            if chosen.size and unchosen.size:
                assert priority[chosen].min() >= priority[unchosen].max()
        info = scheduler.describe(epoch, y)
        w = (epoch - 1) / 9
        assert info["subset_size"] == idx.size
        assert info["alpha"] == pytest.approx(1 + (alpha_T - 1) * w, rel=1e-12)
        assert info["exponent"] == pytest.approx(w * log_sum / 4, rel=1e-9, abs=1e-15)
        assert info["quotas"] == quotas.tolist()
    np.testing.assert_array_equal(scheduler.select(10, priority, y), np.arange(y.size))
    np.testing.assert_array_equal(scheduler.select(11, priority, y), np.arange(y.size))


def test_climd_scheduler_describe_exponent_eq6_and_balanced():
    y = np.repeat([0, 1], [30, 10])
    alpha_T = (1 / 0.3) * (1 + 2 / math.log(3))
    info = CLIMDScheduler(5, exponent_rule="eq6").describe(3, y)
    assert info["alpha"] == pytest.approx(1 + (alpha_T - 1) / 2)
    assert info["exponent"] == pytest.approx(0.3 * (1 + (alpha_T - 1) / 2))
    np.testing.assert_array_equal(
        info["quotas"], class_quotas([30, 10], 3, 5, exponent_rule="eq6")
    )
    # balanced classes: alpha = inf, the uniform distribution, exponent 0 under both rules
    for rule in RULES:
        info = CLIMDScheduler(5, exponent_rule=rule).describe(3, np.repeat([0, 1], 10))
        assert info["alpha"] == math.inf and info["exponent"] == 0.0
        assert info["quotas"] == [6, 6]


def test_climd_scheduler_ties_and_explicit_alpha():
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    scheduler = CLIMDScheduler(4, alpha=2.0, exponent_rule="eq6")
    # t = 1: S = 2, uniform -> one per class; equal priorities -> lowest index per class
    np.testing.assert_array_equal(scheduler.select(1, np.zeros(8), y), [0, 4])
    assert scheduler.describe(1, y)["alpha"] == 1.0
    assert scheduler.describe(4, y)["alpha"] == 2.0


def test_climd_scheduler_absent_classes_and_n_classes():
    y = np.array([0, 0, 0, 2, 2, 2, 2, 2, 2])
    scheduler = CLIMDScheduler(3, n_classes=4)
    quotas = scheduler.quotas(2, y)
    np.testing.assert_array_equal(quotas[[1, 3]], [0, 0])
    np.testing.assert_array_equal(quotas[[0, 2]], class_quotas([3, 6], 2, 3))
    assert scheduler.select(2, np.zeros(9), y).size == 6
    with pytest.raises(ValueError, match="y must hold labels 0..1, got label 2"):
        CLIMDScheduler(3, n_classes=2).select(1, np.zeros(9), y)


def test_climd_scheduler_min_size():
    y = np.array([0, 1, 1])
    # S = round(3 / 10) = 0 -> raised to one sample
    assert CLIMDScheduler(10).select(1, np.zeros(3), y).size == 1
    assert CLIMDScheduler(10, min_size=2).select(1, np.zeros(3), y).size == 2


# ------------------------------------------------------------------------------ buckets


def test_baby_step_is_cumulative():
    n, T, K = 23, 10, 5
    rng = np.random.default_rng(2)
    priority = rng.normal(size=n)
    y = np.zeros(n, dtype=int)
    order = np.argsort(-priority, kind="stable")
    scheduler = BabyStepScheduler(T, n_buckets=K)
    cumulative = np.cumsum([5, 5, 5, 4, 4])
    previous: set[int] = set()
    for epoch in range(1, T + 1):
        stage = math.ceil(epoch * K / T)
        assert scheduler.stage(epoch) == stage
        assert scheduler.stages(epoch) == (stage, stage)
        idx = scheduler.select(epoch, priority, y)
        np.testing.assert_array_equal(idx, np.sort(order[: cumulative[stage - 1]]))
        assert previous <= set(idx.tolist())
        previous = set(idx.tolist())
        assert scheduler.describe(epoch, y) == {
            "subset_size": idx.size, "stage": stage, "stages": [stage]
        }
    assert previous == set(range(n))


def test_one_pass_buckets_are_disjoint_and_cover_everything():
    n, T, K = 23, 5, 5
    rng = np.random.default_rng(3)
    priority = rng.normal(size=n)
    y = np.zeros(n, dtype=int)
    order = np.argsort(-priority, kind="stable")
    scheduler = OnePassScheduler(T, n_buckets=K)
    buckets = [scheduler.select(epoch, priority, y) for epoch in range(1, T + 1)]
    expected = np.array_split(order, K)
    for got, want in zip(buckets, expected):
        np.testing.assert_array_equal(got, np.sort(want))
    assert sum(b.size for b in buckets) == n
    np.testing.assert_array_equal(np.sort(np.concatenate(buckets)), np.arange(n))
    np.testing.assert_array_equal(scheduler.select(T + 1, priority, y), np.arange(n))


def test_one_pass_stages_of_equal_length_and_min_size():
    scheduler = OnePassScheduler(10, n_buckets=5, min_size=3)
    priority = np.arange(10.0)[::-1]  # sample 0 has the highest priority
    y = np.zeros(10, dtype=int)
    # stage k lasts 2 epochs; buckets of 2 samples are extended to 3 by the next samples
    np.testing.assert_array_equal(scheduler.select(1, priority, y), [0, 1, 2])
    np.testing.assert_array_equal(scheduler.select(2, priority, y), [0, 1, 2])
    np.testing.assert_array_equal(scheduler.select(3, priority, y), [2, 3, 4])
    np.testing.assert_array_equal(scheduler.select(10, priority, y), [7, 8, 9])


def test_bucket_min_size_none_is_one_sample():
    # 3 samples in 5 buckets: buckets 4 and 5 are empty and get one sample instead
    scheduler = OnePassScheduler(5)
    priority = np.array([3.0, 2.0, 1.0])
    y = np.zeros(3, dtype=int)
    assert scheduler.min_size is None
    np.testing.assert_array_equal(scheduler.select(1, priority, y), [0])
    np.testing.assert_array_equal(scheduler.select(4, priority, y), [2])
    assert scheduler.describe(5, y)["subset_size"] == 1


def test_fewer_epochs_than_buckets_one_pass_windows():
    # T = 3, K = 5: hi = ceil(5/3), ceil(10/3), 5 = 2, 4, 5 and lo = 1, 3, 5
    n = 23  # buckets of 5, 5, 5, 4, 4 samples (edges 0, 5, 10, 15, 19, 23)
    priority = -np.arange(n, dtype=float)  # sample i is the (i+1)-th in priority order
    y = np.zeros(n, dtype=int)
    scheduler = OnePassScheduler(3, n_buckets=5)
    assert [scheduler.stages(t) for t in (1, 2, 3)] == [(1, 2), (3, 4), (5, 5)]
    assert [scheduler.stage(t) for t in (1, 2, 3)] == [2, 4, 5]
    np.testing.assert_array_equal(scheduler.select(1, priority, y), np.arange(0, 10))
    np.testing.assert_array_equal(scheduler.select(2, priority, y), np.arange(10, 19))
    np.testing.assert_array_equal(scheduler.select(3, priority, y), np.arange(19, 23))
    assert scheduler.describe(1, y) == {"subset_size": 10, "stage": 2, "stages": [1, 2]}
    assert scheduler.describe(2, y) == {"subset_size": 9, "stage": 4, "stages": [3, 4]}
    baby = BabyStepScheduler(3, n_buckets=5)
    for t, stop in [(1, 10), (2, 19), (3, 23)]:
        np.testing.assert_array_equal(baby.select(t, priority, y), np.arange(stop))
        assert baby.describe(t, y)["stages"] == list(range(*scheduler.stages(t))) + [
            scheduler.stages(t)[1]
        ]


@pytest.mark.parametrize("T", range(1, 13))
@pytest.mark.parametrize("K", [1, 2, 3, 5, 7, 12, 13, 20])
def test_every_bucket_is_trained_in_order(T, K):
    scheduler = OnePassScheduler(T, n_buckets=K)
    # the stages covered by the epochs are 1..K, each once, in order
    covered = [k for t in range(1, T + 1) for k in range(scheduler.stages(t)[0],
                                                         scheduler.stages(t)[1] + 1)]
    if T >= K:  # one stage per epoch, as before: stage min(K, ceil(t K / T))
        assert [scheduler.stages(t) for t in range(1, T + 1)] == [
            (math.ceil(t * K / T),) * 2 for t in range(1, T + 1)
        ]
        assert covered == sorted(covered) and set(covered) == set(range(1, K + 1))
    else:
        assert covered == list(range(1, K + 1))
    # the union of One-Pass subsets is every sample; each bucket first appears in order
    n = 3 * K + 2
    priority = -np.arange(n, dtype=float)  # sample i is the (i+1)-th in priority order
    y = np.zeros(n, dtype=int)
    first_epoch = np.full(n, 0)
    for t in range(T, 0, -1):
        first_epoch[scheduler.select(t, priority, y)] = t
    assert np.all(first_epoch >= 1)
    assert np.all(np.diff(first_epoch) >= 0)


def test_bucket_stage_validation():
    with pytest.raises(ValueError, match="t == 4, must be <= 3"):
        OnePassScheduler(3).stages(4)
    with pytest.raises(ValueError, match="set n_epochs"):
        BabyStepScheduler().stage(1)


# --------------------------------------------------------------------- generic behaviour


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(SCHEDULER_NAMES),
    labels=st.lists(st.integers(0, 4), min_size=1, max_size=60),
    T=st.integers(1, 12),
    data=st.data(),
)
def test_select_returns_valid_unique_indices(name, labels, T, data):
    y = np.array(labels)
    epoch = data.draw(st.integers(1, T + 2), label="epoch")
    priority = np.array(data.draw(st.lists(st.floats(-5, 5), min_size=y.size, max_size=y.size)))
    scheduler = make_scheduler(name, T)
    idx = scheduler.select(epoch, priority, y)
    assert idx.dtype == np.int64
    assert np.unique(idx).size == idx.size
    assert 1 <= idx.size <= y.size
    assert idx.min() >= 0 and idx.max() < y.size
    assert scheduler.describe(epoch, y)["subset_size"] == idx.size
    if epoch > T or (epoch == T and name != "one_pass"):
        assert idx.size == y.size


def test_make_scheduler():
    classes = [
        CLIMDScheduler,
        LinearScheduler,
        RootScheduler,
        GeometricScheduler,
        BabyStepScheduler,
        OnePassScheduler,
    ]
    for name, cls in zip(SCHEDULER_NAMES, classes):
        scheduler = make_scheduler(name, 7)
        assert type(scheduler) is cls
        assert isinstance(scheduler, BaseScheduler)
        assert scheduler.n_epochs == 7
        assert make_scheduler(name).n_epochs is None
    assert make_scheduler("linear", 5, initial_fraction=0.5).initial_fraction == 0.5
    assert make_scheduler("climd", 5, gamma=0.5).gamma == 0.5
    assert make_scheduler("climd").exponent_rule == "zipf"
    with pytest.raises(
        ValueError,
        match="Unknown scheduler 'cosine'; valid names are 'climd', "
        "'linear', 'root', 'geometric', 'baby_step', 'one_pass'",
    ):
        make_scheduler("cosine", 5)
    with pytest.raises(TypeError):
        make_scheduler("linear", 5, n_buckets=3)


def test_base_scheduler_is_abstract():
    with pytest.raises(TypeError):
        BaseScheduler(3)


@pytest.mark.parametrize("name", SCHEDULER_NAMES)
def test_n_epochs_none_must_be_set_before_use(name):
    scheduler = make_scheduler(name)
    y = np.array([0, 0, 1, 1])
    for call in (
        lambda: scheduler.select(1, np.zeros(4), y),
        lambda: scheduler.describe(1, y),
    ):
        with pytest.raises(ValueError, match="n_epochs=None: set n_epochs"):
            call()
    assert scheduler.set_params(n_epochs=2) is scheduler
    assert scheduler.select(3, np.zeros(4), y).size == 4  # after the curriculum: all


EXPECTED_PARAMS = {
    CLIMDScheduler: {"n_epochs", "gamma", "alpha", "n_classes", "min_size", "exponent_rule"},
    LinearScheduler: {"n_epochs", "initial_fraction", "grow_epochs", "min_size"},
    RootScheduler: {"n_epochs", "initial_fraction", "grow_epochs", "min_size"},
    GeometricScheduler: {"n_epochs", "initial_fraction", "grow_epochs", "min_size"},
    BabyStepScheduler: {"n_epochs", "n_buckets", "min_size"},
    OnePassScheduler: {"n_epochs", "n_buckets", "min_size"},
}


@pytest.mark.parametrize("cls", list(EXPECTED_PARAMS))
def test_get_params_set_params_and_clone(cls):
    scheduler = cls()
    params = scheduler.get_params()
    assert set(params) == EXPECTED_PARAMS[cls]
    assert params["n_epochs"] is None
    assert list(inspect.signature(cls).parameters)[0] == "n_epochs"
    assert scheduler.set_params(n_epochs=4, min_size=2) is scheduler
    assert (scheduler.n_epochs, scheduler.min_size) == (4, 2)
    copy = clone(scheduler)
    assert copy is not scheduler and type(copy) is cls
    assert copy.get_params() == scheduler.get_params()
    assert repr(copy) == f"{cls.__name__}(min_size=2, n_epochs=4)"
    with pytest.raises(ValueError, match="Invalid parameter"):
        scheduler.set_params(not_a_parameter=1)


def test_constructor_stores_arguments_unchanged():
    # validation happens at use time, so a bad value survives until select / describe
    scheduler = LinearScheduler(n_epochs="ten", initial_fraction=2.0, min_size=np.int64(3))
    assert scheduler.n_epochs == "ten" and scheduler.initial_fraction == 2.0
    assert type(scheduler.min_size) is np.int64
    assert clone(scheduler).get_params() == scheduler.get_params()
    with pytest.raises(TypeError, match="n_epochs must be an instance of int, not str"):
        scheduler.select(1, np.zeros(2), np.array([0, 1]))


class _Holder(BaseEstimator):
    """A stand-in for CLIMDClassifier(curriculum=...)."""

    def __init__(self, curriculum=None, batch_size=16):
        self.curriculum = curriculum
        self.batch_size = batch_size


def test_nested_params_reach_the_scheduler():
    holder = _Holder(curriculum=LinearScheduler(initial_fraction=0.33))
    params = holder.get_params(deep=True)
    assert params["curriculum__initial_fraction"] == 0.33
    assert params["curriculum__n_epochs"] is None
    seen = []
    for grid_point in ParameterGrid({"curriculum__initial_fraction": [0.1, 0.5],
                                     "curriculum__grow_epochs": [None, 3]}):
        candidate = clone(holder).set_params(**grid_point)
        assert candidate.curriculum is not holder.curriculum
        seen.append((candidate.curriculum.initial_fraction, candidate.curriculum.grow_epochs))
    assert sorted(seen, key=str) == sorted(
        [(0.1, None), (0.1, 3), (0.5, None), (0.5, 3)], key=str
    )
    assert holder.curriculum.initial_fraction == 0.33  # the original is untouched
    swapped = clone(holder).set_params(curriculum=CLIMDScheduler(exponent_rule="eq6"))
    assert swapped.get_params()["curriculum__exponent_rule"] == "eq6"


@pytest.mark.parametrize(
    "scheduler, error, message",
    [
        (LinearScheduler(0), ValueError, "n_epochs == 0, must be >= 1"),
        (LinearScheduler(2.5), TypeError, "n_epochs must be an instance of int, not float"),
        (LinearScheduler(True), TypeError, "n_epochs must be an instance of int, not bool"),
        (RootScheduler(5, initial_fraction=0), ValueError, "initial_fraction == 0, must be > 0"),
        (GeometricScheduler(5, grow_epochs=0), ValueError, "grow_epochs == 0, must be >= 1"),
        (LinearScheduler(5, min_size=0), ValueError, "min_size == 0, must be >= 1"),
        (BabyStepScheduler(5, n_buckets=0), ValueError, "n_buckets == 0, must be >= 1"),
        (OnePassScheduler(5, n_buckets=1.5), TypeError, "n_buckets must be an instance of int"),
        (CLIMDScheduler(5, gamma=0), ValueError, "gamma == 0, must be > 0"),
        (CLIMDScheduler(5, alpha=0.0), ValueError, r"alpha == 0\.0, must be > 0"),
        (CLIMDScheduler(5, min_size=0), ValueError, "min_size == 0, must be >= 1"),
        (CLIMDScheduler(5, n_classes=0), ValueError, "n_classes == 0, must be >= 1"),
    ],
)
def test_constructor_arguments_checked_in_select(scheduler, error, message):
    with pytest.raises(error, match=message):
        scheduler.select(1, np.zeros(4), np.zeros(4, dtype=int))


def test_select_input_validation():
    scheduler = LinearScheduler(5)
    with pytest.raises(ValueError, match="priority has 3 entries but y has 4"):
        scheduler.select(1, np.zeros(3), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="priority must not contain NaN"):
        scheduler.select(1, np.array([0.0, np.nan]), np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="epoch == 0, must be >= 1"):
        scheduler.select(0, np.zeros(2), np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="y must hold integer-encoded labels"):
        scheduler.select(1, np.zeros(2), np.array([0.5, 1.0]))
    with pytest.raises(
        ValueError, match="y must hold integer-encoded labels 0..C-1, got minimum -1"
    ):
        scheduler.select(1, np.zeros(2), np.array([0, -1]))
    with pytest.raises(ValueError, match="y must contain at least 1 sample"):
        scheduler.select(1, np.zeros(0), np.zeros(0, dtype=int))


@pytest.mark.parametrize("name", SCHEDULER_NAMES)
def test_pickle_round_trip(name):
    rng = np.random.default_rng(4)
    y = rng.integers(0, 3, size=40)
    priority = rng.normal(size=40)
    scheduler = make_scheduler(name, 6)
    scheduler.select(2, priority, y)
    copy = pickle.loads(pickle.dumps(scheduler))
    assert type(copy) is type(scheduler)
    assert repr(copy) == repr(scheduler)
    assert copy.get_params() == scheduler.get_params()
    for epoch in range(1, 8):
        np.testing.assert_array_equal(
            copy.select(epoch, priority, y), scheduler.select(epoch, priority, y)
        )


# ------------------------------------------------------------------ class-balanced sampling


def test_class_balanced_indices_equal_shares_without_replacement_when_possible():
    y = np.array([0] * 12 + [1] * 5 + [2] * 3)
    idx = class_balanced_indices(y, seed=1)
    assert idx.dtype == np.int64 and idx.shape == (20,)
    # 20 draws over 3 classes: 7 / 7 / 6 by largest remainder, ties to the smaller label
    assert np.bincount(y[idx]).tolist() == [7, 7, 6]
    majority = idx[y[idx] == 0]
    assert len(np.unique(majority)) == 7  # a random subset, no repeats
    # classes 1 and 2 are smaller than their share: all members appear, then repeats
    assert set(idx[y[idx] == 1]) == set(range(12, 17))
    assert set(idx[y[idx] == 2]) == set(range(17, 20))


def test_class_balanced_indices_seeded_and_sized():
    y = np.array([0] * 30 + [1] * 2)
    a = class_balanced_indices(y, size=10, seed=[3, 4])
    np.testing.assert_array_equal(a, class_balanced_indices(y, size=10, seed=[3, 4]))
    assert not np.array_equal(a, class_balanced_indices(y, size=10, seed=[3, 5]))
    assert np.bincount(y[a]).tolist() == [5, 5]


@given(st.lists(st.integers(0, 4), min_size=1, max_size=60), st.integers(1, 200))
@settings(max_examples=60, deadline=None)
def test_class_balanced_indices_shares_differ_by_at_most_one(labels, size):
    y = np.array(labels)
    idx = class_balanced_indices(y, size=size, seed=0)
    counts = np.bincount(y[idx], minlength=y.max() + 1)[np.unique(y)]
    assert counts.sum() == size
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize(("y", "size", "error", "match"), [
    (np.array([]), None, ValueError, "non-empty 1-D"),
    (np.zeros((2, 2)), None, ValueError, "non-empty 1-D"),
    (np.array([0, 1]), 0, ValueError, "size == 0, must be >= 1"),
    (np.array([0, 1]), 2.0, TypeError, "size must be an instance of int"),
])
def test_class_balanced_indices_validation(y, size, error, match):
    with pytest.raises(error, match=match):
        class_balanced_indices(y, size=size)
