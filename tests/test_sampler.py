import pickle

import numpy as np

from climd_sklearn.training import CurriculumSampler


def test_yields_a_permutation_of_the_current_set():
    s = CurriculumSampler(range(10), seed=3)
    assert sorted(s) == list(range(10))
    s.set_indices([7, 2, 5])
    assert len(s) == 3
    assert sorted(s) == [2, 5, 7]


def test_same_seed_same_orders_and_passes_differ():
    a, b = CurriculumSampler(range(50), seed=1), CurriculumSampler(range(50), seed=1)
    first_a, first_b = list(a), list(b)
    assert first_a == first_b
    assert list(a) != first_a  # the second pass is reshuffled
    assert list(CurriculumSampler(range(50), seed=2)) != first_b


def test_no_shuffle_keeps_order():
    assert list(CurriculumSampler([4, 1, 3], shuffle=False)) == [4, 1, 3]


def test_pickle_round_trip_continues_the_same_sequence():
    s = CurriculumSampler(np.arange(30), seed=5)
    list(s)
    clone = pickle.loads(pickle.dumps(s))
    assert list(clone) == list(s)
