"""CLIMD's class schedule (method.md, section 3): Eq. 5-7, the quotas, CLIMDScheduler."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from climd_sklearn.curriculum import (
    CLIMDScheduler,
    alpha_at,
    class_distribution,
    class_quotas,
    fit_power_law_alpha,
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
# CLIMDScheduler: the quotas filled in priority order within each class
# ------------------------------------------------------------------------------------------


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
