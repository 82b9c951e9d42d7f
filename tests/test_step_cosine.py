"""The pilot's learning rate annealed by a cosine over the curriculum's optimizer steps."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.base import clone
from skorch.callbacks import Callback

from climd_sklearn import CLIMDClassifier
from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._step_cosine import CurriculumCosineLR, count_training_batches

LAYOUT = {"a": 4, "b": 3}


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [60, 15, 4])
    return rng.normal(size=(len(y), 7)) + y[:, None], y


class _StepProbe(Callback):
    """Records the optimizer's learning rate at every training batch, and counts them."""

    def initialize(self) -> _StepProbe:
        self.rates_: list[float] = []
        return self

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if training:
            self.rates_.append(net.optimizer_.param_groups[0]["lr"])


def test_count_training_batches():
    # ceil(10/4) + ceil(20/4) + ceil(30/4), then two epochs on all 30 rows
    assert count_training_batches([10, 20, 30], 30, 5, 4) == 3 + 5 + 8 + 8 + 8
    assert count_training_batches([], 9, 3, 32) == 3
    with pytest.raises(ValueError, match="3 curriculum epochs do not fit in max_epochs=2"):
        count_training_batches([1, 2, 3], 3, 2, 4)
    with pytest.raises(ValueError, match="must be positive"):
        count_training_batches([0, 2], 2, 2, 4)


@pytest.mark.parametrize("curriculum", ["climd", None])
def test_every_step_gets_its_cosine_rate(curriculum):
    X, y = _data()
    probe = _StepProbe()
    clf = CLIMDClassifier(max_epochs=6, batch_size=8, random_state=0, curriculum=curriculum,
                          callbacks=[("step_cosine", CurriculumCosineLR()), ("probe", probe)])
    clf.fit(X, y)
    net = clf.net_
    scheduler = dict(net.callbacks_)["step_cosine"]
    rates = dict(net.callbacks_)["probe"].rates_
    batches = [len(row["batches"]) for row in net.history]
    # the count made before training is the number of steps the fit took
    assert scheduler.total_steps_ == len(rates) == sum(batches)
    if curriculum is not None:  # the curriculum's subsets grow: the steps per epoch too
        sizes = net.history[:, "subset_size"]
        assert sizes[0] < sizes[-1] == len(y)
        assert batches == [-(-size // 8) for size in sizes]
    steps = len(rates)
    expected = [1e-3 * (1 + math.cos(math.pi * k / steps)) / 2 for k in range(steps)]
    np.testing.assert_allclose(rates, expected, rtol=1e-12)
    # the history's per-batch record is the rate each batch trained at
    np.testing.assert_allclose([b["event_lr"] for row in net.history for b in row["batches"]],
                               expected, rtol=1e-12)


def test_clones_with_its_one_parameter():
    callback = CurriculumCosineLR(event_name="rate")
    assert callback.get_params() == {"event_name": "rate"}
    assert clone(callback).get_params() == {"event_name": "rate"}


def test_refuses_what_its_count_does_not_follow():
    X, y = _data()
    clf = CLIMDClassifier(max_epochs=3, validation_fraction=0.2, random_state=0,
                          callbacks=[("step_cosine", CurriculumCosineLR())])
    with pytest.raises(ValueError, match="cannot follow a validation split or a warm start"):
        clf.fit(X, y)


def test_candidate_adds_the_callback_to_the_default():
    name = "CLIMD, cosine rate over the steps"
    spec = l4l.resolve_methods([name])[name]
    clf = l4l.build_method(name, spec, LAYOUT, 0, 79).named_steps["clf"]
    assert spec["overrides"] == {"step_cosine": True}  # the spec is not mutated
    [(key, callback)] = clf.callbacks
    assert key == "step_cosine" and isinstance(callback, CurriculumCosineLR)
    default = l4l.build_method("CLIMD (default)", l4l.resolve_methods(["CLIMD (default)"])[
        "CLIMD (default)"], LAYOUT, 0, 79).named_steps["clf"]
    assert {k: v for k, v in clf.get_params(deep=False).items() if k != "callbacks"} == {
        k: v for k, v in default.get_params(deep=False).items() if k != "callbacks"}
