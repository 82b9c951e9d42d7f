"""Tests of climd_sklearn.schedulers (method.md, sections 3 and 4)."""

from __future__ import annotations

import math
import pickle
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from climd_sklearn.schedulers import (
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


def _round_half_up(t: int, T: int, n: int) -> int:
    """floor(t / T * n + 1/2), exactly."""
    return math.floor(Fraction(t * n, T) + Fraction(1, 2))


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


def test_equal_counts_give_uniform_distribution_at_every_epoch():
    alpha = fit_power_law_alpha([10, 10, 10, 10])
    for t in range(1, 8):
        assert alpha_at(t, 7, alpha) == math.inf
        np.testing.assert_array_equal(class_distribution(t, 7, alpha, 4), np.full(4, 0.25))
        quotas = class_quotas([10, 10, 10, 10], t, 7)
        assert quotas.sum() == _round_half_up(t, 7, 40)
        assert quotas.max() - quotas.min() <= 1


def test_near_equal_counts_give_large_finite_alpha():
    gamma = 0.3
    expected = (1 / gamma) * (1 + 2 / (math.log(118) + math.log(127) - 2 * math.log(118)))
    with np.errstate(all="raise"):
        alpha = fit_power_law_alpha([118, 127], gamma)
        assert math.isfinite(alpha)
        assert alpha == pytest.approx(expected, rel=1e-12)
        assert alpha == pytest.approx(94.03, abs=0.01)
        for t in range(1, 11):
            q = class_distribution(t, 10, alpha, 2, gamma)
            assert np.all(np.isfinite(q))
            assert q.sum() == pytest.approx(1.0)
            quotas = class_quotas([118, 127], t, 10, gamma)
            assert quotas.sum() == _round_half_up(t, 10, 245)


def test_fit_power_law_alpha_validation():
    with pytest.raises(ValueError, match=r"gamma must be > 0, got -1\.0"):
        fit_power_law_alpha([3, 2], gamma=-1.0)
    with pytest.raises(ValueError, match="gamma must be > 0, got 0.0"):
        fit_power_law_alpha([3, 2], gamma=0)
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
# Eq. 7, worked example of method.md section 3
# ------------------------------------------------------------------------------------------

Q5 = [0.1846, 0.1280, 0.1072, 0.0962, 0.0893, 0.0845, 0.0811, 0.0784, 0.0762, 0.0745]
Q10 = [0.5012, 0.1772, 0.0964, 0.0626, 0.0448, 0.0341, 0.0271, 0.0221, 0.0186, 0.0158]


def test_worked_example():
    np.testing.assert_allclose(class_distribution(1, 10, 5.0, 10, 0.3), np.full(10, 0.1))
    np.testing.assert_allclose(class_distribution(5, 10, 5.0, 10, 0.3), Q5, atol=5e-5)
    np.testing.assert_allclose(class_distribution(10, 10, 5.0, 10, 0.3), Q10, atol=5e-5)


def test_class_distribution_sums_to_one_and_is_decreasing():
    for t in range(1, 11):
        q = class_distribution(t, 10, 5.0, 10, 0.3)
        assert q.sum() == pytest.approx(1.0)
        assert np.all(np.diff(q) <= 1e-15)


def test_class_distribution_by_hand():
    # gamma = 1, alpha(T) = 3, T = 3, t = 2: w = 1/2, alpha(2) = 2, weights 1, 1/4, 1/9.
    p = np.array([1, 1 / 4, 1 / 9]) / (1 + 1 / 4 + 1 / 9)
    expected = 0.5 / 3 + 0.5 * p
    np.testing.assert_allclose(class_distribution(2, 3, 3.0, 3, gamma=1.0), expected)


def test_class_distribution_single_epoch_uses_the_power_law():
    # T == 1 -> w = 1 and alpha(1) = alpha_T
    p = np.arange(1, 5, dtype=float) ** (-0.3 * 4.0)
    np.testing.assert_allclose(class_distribution(1, 1, 4.0, 4, 0.3), p / p.sum())


@pytest.mark.parametrize("alpha_T, gamma", [(1e300, 0.3), (1e308, 10.0), (1e12, 0.3)])
def test_class_distribution_huge_alpha_is_safe(alpha_T, gamma):
    with np.errstate(all="raise"):
        q_T = class_distribution(10, 10, alpha_T, 5, gamma)
        np.testing.assert_allclose(q_T, [1, 0, 0, 0, 0])
        q_mid = class_distribution(4, 10, alpha_T, 5, gamma)
    w = 3 / 9
    np.testing.assert_allclose(q_mid, (1 - w) / 5 + w * np.array([1, 0, 0, 0, 0]))


def test_alpha_at():
    assert alpha_at(1, 10, 5.0) == 1.0
    assert alpha_at(10, 10, 5.0) == 5.0
    assert alpha_at(5, 10, 5.0) == pytest.approx(1 + 4 * 4 / 9)
    assert alpha_at(1, 1, 5.0) == 5.0
    assert alpha_at(1, 10, math.inf) == math.inf


def test_epoch_validation():
    with pytest.raises(ValueError, match="t must satisfy 1 <= t <= T, got t=11 and T=10"):
        class_distribution(11, 10, 5.0, 4)
    with pytest.raises(ValueError, match="t must be an int >= 1, got 0"):
        class_distribution(0, 10, 5.0, 4)
    with pytest.raises(ValueError, match="T must be an int >= 1"):
        alpha_at(1, 0, 5.0)
    with pytest.raises(ValueError, match="n_classes must be an int >= 1"):
        class_distribution(1, 10, 5.0, 0)
    with pytest.raises(ValueError, match="alpha_T must be > 0"):
        class_distribution(1, 10, float("nan"), 3)
    with pytest.raises(ValueError, match="alpha must be > 0"):
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


def test_quotas_subset_size_rounds_half_up():
    # t / T * N = 2.5 -> 3
    assert class_quotas([5, 5], 1, 4).sum() == 3
    # t / T * N = 1.5 -> 2 (0.3 * 5 is not exactly 1.5 in floating point)
    assert class_quotas([3, 2], 3, 10).sum() == 2


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
    quotas = class_quotas([33, 34, 33], 2, 3, gamma=1.0, alpha=3.0)
    np.testing.assert_array_equal(quotas, [18, 34, 15])


def test_quotas_shortfall_is_redistributed_in_proportion_to_q():
    # counts [30, 40, 30] -> ranks: label 1, label 0, label 2. gamma = 0.5, alpha = 5, T = 5,
    # t = 4: w = 3/4, alpha(4) = 4, exponent 2, p = [36, 9, 4] / 49,
    # q = 1/12 + 3/4 p = [373, 130, 85] / 588 by rank. N = 100, S = 80,
    # ideal = [50.748, 17.687, 11.565] -> [50, 17, 11] + 2 units (ranks 1, 2) -> [51, 18, 11].
    # Rank 1 holds 40: excess 11 split 130 : 85 -> [6.651, 4.349] -> [7, 4] -> [40, 25, 15].
    # (An equal split would give [6, 5].)
    quotas = class_quotas([30, 40, 30], 4, 5, gamma=0.5, alpha=5.0)
    np.testing.assert_array_equal(quotas, [25, 40, 15])


def test_quotas_huge_alpha_last_epochs():
    # q_T = [1, 0, 0, 0]: everything is first asked of the largest class, then spread.
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(
            class_quotas([10, 10, 10, 1], 5, 5, alpha=1e300), [10] * 3 + [1]
        )
        quotas = class_quotas([10, 10, 10, 1], 4, 5, alpha=1e300)
    assert quotas.sum() == 25
    assert np.all(quotas <= [10, 10, 10, 1])
    assert quotas[0] == 10


def test_quotas_last_epoch_is_all_samples():
    counts = [305, 103, 92, 80, 32]
    np.testing.assert_array_equal(class_quotas(counts, 100, 100), counts)


def test_quotas_subset_size_override():
    np.testing.assert_array_equal(class_quotas([5, 3], 1, 10, subset_size=2), [1, 1])
    with pytest.raises(ValueError, match="subset_size must be <= the number of samples 8"):
        class_quotas([5, 3], 1, 10, subset_size=9)


@settings(max_examples=300, deadline=None)
@given(
    counts=st.lists(st.integers(1, 200), min_size=1, max_size=12),
    T=st.integers(1, 30),
    data=st.data(),
    gamma=st.sampled_from([0.1, 0.3, 1.0]),
)
def test_quota_invariants(counts, T, data, gamma):
    t = data.draw(st.integers(1, T), label="t")
    counts_arr = np.array(counts)
    n = counts_arr.sum()
    quotas = class_quotas(counts, t, T, gamma)
    assert quotas.dtype == np.int64
    assert quotas.shape == (len(counts),)
    assert quotas.sum() == _round_half_up(t, T, n)
    assert np.all(quotas >= 0)
    assert np.all(quotas <= counts_arr)
    np.testing.assert_array_equal(class_quotas(counts, T, T, gamma), counts_arr)
    # without any shortfall, largest-remainder rounding stays within 1 of the ideal quotas
    alpha = fit_power_law_alpha(counts, gamma)
    rank = np.empty(len(counts), dtype=int)
    rank[np.argsort(-counts_arr, kind="stable")] = np.arange(len(counts))
    ideal = class_distribution(t, T, alpha, len(counts), gamma)[rank] * quotas.sum()
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
    with pytest.raises(ValueError, match=r"initial_fraction must be in \(0, 1\], got 0.0"):
        func(1, 10, 0.0)
    with pytest.raises(ValueError, match="initial_fraction must be in"):
        func(1, 10, 1.5)
    with pytest.raises(ValueError, match="T_grow must be > 0"):
        func(1, 0, 0.3)
    with pytest.raises(ValueError, match="t must be a real number >= 0"):
        func(-1, 10, 0.3)


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


def test_ties_in_priority_broken_by_index():
    y = np.zeros(10, dtype=int)
    np.testing.assert_array_equal(LinearScheduler(10, 0.3).select(1, np.ones(10), y), [0, 1, 2, 3])


def test_climd_scheduler_takes_top_priority_within_class():
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1, 2, 3], [60, 25, 10, 5])
    rng.shuffle(y)
    priority = rng.normal(size=y.size)
    scheduler = CLIMDScheduler(10)
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
        assert info["subset_size"] == idx.size
        assert info["alpha"] == pytest.approx(
            alpha_at(epoch, 10, fit_power_law_alpha([60, 25, 10, 5]))
        )
        assert info["quotas"] == quotas.tolist()
    np.testing.assert_array_equal(scheduler.select(10, priority, y), np.arange(y.size))
    np.testing.assert_array_equal(scheduler.select(11, priority, y), np.arange(y.size))


def test_climd_scheduler_ties_and_explicit_alpha():
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    scheduler = CLIMDScheduler(4, alpha=2.0)
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
        idx = scheduler.select(epoch, priority, y)
        np.testing.assert_array_equal(idx, np.sort(order[: cumulative[stage - 1]]))
        assert previous <= set(idx.tolist())
        previous = set(idx.tolist())
        assert scheduler.describe(epoch, y) == {"subset_size": idx.size, "stage": stage}
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
    assert make_scheduler("linear", 5, initial_fraction=0.5).initial_fraction == 0.5
    assert make_scheduler("climd", 5, gamma=0.5).gamma == 0.5
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


@pytest.mark.parametrize(
    "scheduler, message",
    [
        (LinearScheduler(0), "n_epochs must be an int >= 1, got 0"),
        (LinearScheduler(2.5), "n_epochs must be an int >= 1, got 2.5"),
        (RootScheduler(5, initial_fraction=0), r"initial_fraction must be in \(0, 1\], got 0.0"),
        (GeometricScheduler(5, grow_epochs=0), "grow_epochs must be an int >= 1, got 0"),
        (LinearScheduler(5, min_size=0), "min_size must be an int >= 1, got 0"),
        (BabyStepScheduler(5, n_buckets=0), "n_buckets must be an int >= 1, got 0"),
        (OnePassScheduler(5, n_buckets=1.5), "n_buckets must be an int >= 1, got 1.5"),
        (CLIMDScheduler(5, gamma=0), "gamma must be > 0, got 0"),
        (CLIMDScheduler(5, alpha=0.0), r"alpha must be > 0 \(or inf\), got 0.0"),
    ],
)
def test_constructor_arguments_checked_in_select(scheduler, message):
    with pytest.raises(ValueError, match=message):
        scheduler.select(1, np.zeros(4), np.zeros(4, dtype=int))


def test_select_input_validation():
    scheduler = LinearScheduler(5)
    with pytest.raises(ValueError, match="priority has 3 entries but y has 4"):
        scheduler.select(1, np.zeros(3), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="priority must not contain NaN"):
        scheduler.select(1, np.array([0.0, np.nan]), np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="epoch must be an int >= 1, got 0"):
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
    clone = pickle.loads(pickle.dumps(scheduler))
    assert type(clone) is type(scheduler)
    assert repr(clone) == repr(scheduler)
    assert vars(clone) == vars(scheduler)
    for epoch in range(1, 8):
        np.testing.assert_array_equal(
            clone.select(epoch, priority, y), scheduler.select(epoch, priority, y)
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


@pytest.mark.parametrize(("y", "size", "match"), [
    (np.array([]), None, "non-empty 1-D"),
    (np.zeros((2, 2)), None, "non-empty 1-D"),
    (np.array([0, 1]), 0, "size must be an int >= 1"),
])
def test_class_balanced_indices_validation(y, size, match):
    with pytest.raises(ValueError, match=match):
        class_balanced_indices(y, size=size)
