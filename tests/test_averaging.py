"""WeightAveraging: the fit ends on the mean of its last epochs' weights."""

import copy
import re

import pytest
import torch
from conftest import FAST, make_multimodal
from skorch.callbacks import Callback

from climd_sklearn import CLIMDClassifier
from climd_sklearn.benchmark._like_for_like_methods import build_method, resolve_methods
from climd_sklearn.training import WeightAveraging


class _Snapshots(Callback):
    """Keep a copy of the module's state at the end of every epoch."""

    def initialize(self):
        self.states = []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.states.append(copy.deepcopy(net.module_.state_dict()))


def _fit(start, max_epochs=4, warm_start=False, est=None):
    X, y = make_multimodal()
    if est is None:
        est = CLIMDClassifier(**{**FAST, "max_epochs": max_epochs}, random_state=0,
                              warm_start=warm_start,
                              callbacks=[("snap", _Snapshots()),
                                         ("avg", WeightAveraging(start=start))])
    est.fit(X, y)
    callbacks = dict(est.net_.callbacks_)
    return est, callbacks["snap"].states, callbacks["avg"]


@pytest.mark.parametrize("start, averaged", [(0.5, [2, 3]), (0.0, [0, 1, 2, 3]),
                                             (0.8, [3])])
def test_module_ends_on_the_mean_of_the_epochs_after_start(start, averaged):
    est, states, avg = _fit(start)
    assert avg.n_averaged_ == len(averaged)
    final = est.net_.module_.state_dict()
    for name, value in final.items():
        expected = sum(states[i][name] for i in averaged) / len(averaged)
        torch.testing.assert_close(value, expected, rtol=1e-5, atol=1e-6)
    # the last epoch's own weights are not what is kept (unless only it is averaged)
    if len(averaged) > 1:
        assert any(not torch.equal(final[k], states[-1][k]) for k in final)


def test_warm_start_averages_only_the_epochs_of_its_own_fit():
    est, _, _ = _fit(0.5, warm_start=True)
    est, states, avg = _fit(0.5, est=est)
    # the snapshots of both fits are kept; the second fit's are the last four
    assert len(states) == 8
    assert avg.n_averaged_ == 2
    final = est.net_.module_.state_dict()
    for name, value in final.items():
        torch.testing.assert_close(value, (states[6][name] + states[7][name]) / 2,
                                   rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("start, error", [(1.0, ValueError), (-0.1, ValueError),
                                          ("half", TypeError)])
def test_start_outside_zero_to_one_is_an_error_naming_it(start, error):
    X, y = make_multimodal()
    est = CLIMDClassifier(**FAST, callbacks=[("avg", WeightAveraging(start=start))])
    with pytest.raises(error, match="start"):
        est.fit(X, y)


def test_the_estimator_parameter_is_the_callback_bit_for_bit():
    X, y = make_multimodal()
    by_callback = CLIMDClassifier(**FAST, random_state=0,
                                  callbacks=[("avg", WeightAveraging(start=0.5))]).fit(X, y)
    by_parameter = CLIMDClassifier(**FAST, random_state=0, weight_averaging=0.5).fit(X, y)
    plain = CLIMDClassifier(**FAST, random_state=0).fit(X, y)
    assert by_parameter.variant_params_["weight_averaging"] == 0.5
    assert plain.variant_params_["weight_averaging"] is False  # both variants: off, for now
    assert dict(by_parameter.net_.callbacks_)["weight_averaging"].n_averaged_ == 3
    assert "weight_averaging" not in dict(plain.net_.callbacks_)
    torch.testing.assert_close(by_parameter.predict_proba(X), by_callback.predict_proba(X),
                               rtol=0, atol=0)
    assert not torch.equal(torch.as_tensor(by_parameter.predict_proba(X)),
                           torch.as_tensor(plain.predict_proba(X)))
    every = CLIMDClassifier(**FAST, random_state=0, weight_averaging=0.0).fit(X, y)
    assert dict(every.net_.callbacks_)["weight_averaging"].n_averaged_ == FAST["max_epochs"]
    off = CLIMDClassifier(**FAST, random_state=0, weight_averaging=False).fit(X, y)
    torch.testing.assert_close(off.predict_proba(X), plain.predict_proba(X), rtol=0, atol=0)


@pytest.mark.parametrize("value, error, message", [
    (True, ValueError, r"'weight_averaging' parameter .* bool among \{False\}.* Got True"),
    (1.0, ValueError, r"'weight_averaging' parameter .* range \[0.0, 1.0\)"),
    ("last", ValueError, r"'weight_averaging' parameter"),
])
def test_weight_averaging_values_that_cannot_work_are_errors(value, error, message):
    X, y = make_multimodal()
    with pytest.raises(error, match=message):
        CLIMDClassifier(**FAST, weight_averaging=value).fit(X, y)


def test_weight_averaging_that_averages_one_epoch_is_an_error():
    # floor(0.9 * 2) = 1: only epoch 2 would be averaged, the plain fit's last weights
    X, y = make_multimodal()
    with pytest.raises(ValueError, match=re.escape(
            "weight_averaging=0.9 with max_epochs=2 averages the weights of 1 epoch (epoch 2)")):
        CLIMDClassifier(**dict(FAST, max_epochs=2), weight_averaging=0.9).fit(X, y)
    est = CLIMDClassifier(**dict(FAST, max_epochs=2), weight_averaging=0.4).fit(X, y)
    assert dict(est.net_.callbacks_)["weight_averaging"].n_averaged_ == 2


def test_benchmark_spec_sets_the_estimator_parameter():
    spec = resolve_methods(["SWA"], {"SWA": {"weight_averaging": 0.75}})["SWA"]
    pipe = build_method("SWA", spec, {"a": 3, "b": 2}, seed=0, n_train=50)
    assert pipe[-1].weight_averaging == 0.75 and pipe[-1].callbacks is None
