"""climd_sklearn.curriculum beyond CLIMD's schedule (method.md, section 4).

The pacing functions and schedulers, the buckets, the scheduler API shared by every
scheduler, and the class-balanced sampling.
"""

from __future__ import annotations

import inspect
import math
import pickle

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
    geometric_pacing,
    linear_pacing,
    make_scheduler,
    root_pacing,
)

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
