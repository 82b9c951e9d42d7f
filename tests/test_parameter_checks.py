"""Parameters that cannot work are an error at fit, before any training, naming the fault."""

import collections
import functools
import re

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback
from torch import nn

from climd_sklearn import CLIMDClassifier
from climd_sklearn.modules import EarlyFusionNet, EnsembleFusionNet, LateFusionNet

#: One epoch of a small net: the checks under test come before any training.
TINY = dict(max_epochs=1, hidden_dims=(8,), embedding_dim=4, random_state=0)


def _data():
    rng = np.random.RandomState(0)
    X = {"a": rng.randn(40, 4), "b": rng.randn(40, 3)}
    y = np.r_[np.zeros(28), np.ones(12)].astype(int)
    return X, y


class _NoTraining(Callback):
    """Fails the test if a training batch starts: the error must come first."""

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        raise AssertionError("a training batch ran before the error")


def _fit(**params):
    X, y = _data()
    return CLIMDClassifier(**{**TINY, **params}).fit(X, y)


# ----------------------------------------------------------------------------- hidden_dims
@pytest.mark.parametrize("hidden_dims, error, message", [
    ((0,), ValueError, "hidden_dims=(0,): entry 0 is 0;"),
    ((8, -4), ValueError, "hidden_dims=(8, -4): entry 1 is -4;"),
    ((8.5,), TypeError, "hidden_dims=(8.5,): entry 0 is 8.5 of type float;"),
    (("8",), TypeError, "hidden_dims=('8',): entry 0 is '8' of type str;"),
    ([True], TypeError, "hidden_dims=[True]: entry 0 is True of type bool;"),
])
def test_hidden_dims_entries_must_be_positive_ints(hidden_dims, error, message):
    with pytest.raises(error, match=re.escape(message) + ".*ints > 0"):
        _fit(hidden_dims=hidden_dims, callbacks=[_NoTraining()])


@pytest.mark.parametrize("module", [EarlyFusionNet, LateFusionNet, EnsembleFusionNet])
@pytest.mark.parametrize("hidden_dims", [(), [8, 4], (np.int64(8),)])
def test_hidden_dims_of_positive_ints_or_empty_train(module, hidden_dims):
    # () is meaningful: a single linear map per encoder
    clf = _fit(module=module, hidden_dims=hidden_dims)
    assert clf.predict_proba(_data()[0]).shape == (40, 2)


# ----------------------------------------------------------------------------------- device
@pytest.mark.parametrize("device", ["mps", "meta", "xpu"])
def test_a_device_of_another_type_than_cpu_or_cuda_is_an_error(device):
    pattern = (re.escape(f"device={device!r} is a torch device of type {device!r}, but ")
               + r".*use 'cpu', 'cuda', 'cuda:N' or 'auto'")
    with pytest.raises(ValueError, match=pattern):
        _fit(device=device, callbacks=[_NoTraining()])


@pytest.mark.parametrize("device", ["cpu", "cpu:0", "auto"])
def test_cpu_devices_still_train(device):
    if device == "auto" and torch.cuda.is_available():
        pytest.skip("'auto' is CUDA here")
    assert _fit(device=device).predict(_data()[0]).shape == (40,)


# -------------------------------------------------------------------------- module, optimizer
class _NotAModule:
    def __init__(self, modality_dims, n_classes):
        pass


@pytest.mark.parametrize("param, value", [
    ("module", int), ("module", _NotAModule), ("module", EarlyFusionNet({"a": 4}, 2)),
    ("optimizer", dict), ("optimizer", nn.Linear), ("optimizer", functools.partial(dict)),
])
def test_module_and_optimizer_must_be_torch_classes(param, value):
    what = ("a subclass of torch.nn.Module" if param == "module"
            else "a subclass of torch.optim.Optimizer, or a function")
    pattern = (rf"The '{param}' parameter of CLIMDClassifier must be {re.escape(what)}.*"
               rf"Got {re.escape(repr(value))} instead")
    with pytest.raises(TypeError, match=pattern):  # sklearn's InvalidParameterError
        _fit(**{param: value})


def test_an_optimizer_function_that_builds_no_optimizer_is_an_error():
    def not_an_optimizer(params, **kwargs):
        return list(params)

    with pytest.raises(TypeError, match=r"optimizer=<function .*not_an_optimizer.*> returned "
                                        r"list, not a torch.optim.Optimizer"):
        _fit(optimizer=not_an_optimizer, callbacks=[_NoTraining()])


@pytest.mark.parametrize("params", [
    dict(module=functools.partial(EnsembleFusionNet, n_members=2)),
    dict(optimizer=torch.optim.SGD),
    dict(optimizer=functools.partial(torch.optim.SGD, momentum=0.9)),
    dict(optimizer=lambda params, **kwargs: torch.optim.Adam(params, **kwargs)),
])
def test_torch_classes_partials_and_optimizer_functions_train(params):
    clf = _fit(**params)
    assert isinstance(clf.net_.optimizer_, torch.optim.Optimizer)


# ------------------------------------------------------------------------ the module's output
def _returning(name, change):
    """An EarlyFusionNet whose output goes through ``change``."""

    def forward(self, X, present=None):
        return change(EarlyFusionNet.forward(self, X, present))

    return type(name, (EarlyFusionNet,), {"forward": forward})


_ONE_LOGIT = _returning("OneLogit", lambda o: (o[0][:, :1], tuple(h[:, :1] for h in o[1]),
                                               o[2]))
_EXTRA_LOGIT = _returning("ExtraLogit", lambda o: (torch.cat([o[0], o[0][:, :1]], 1),
                                                   o[1], o[2]))
_BARE = _returning("Bare", lambda o: o[0])
_BAD_HEAD = _returning("BadHead", lambda o: (o[0], (o[1][0], o[1][1][:, :1]), o[2]))
_ONE_HEAD = _returning("OneHead", lambda o: (o[0], o[1][:1], o[2]))
_Output = collections.namedtuple("_Output", "logits modality_logits embeddings")
_NAMED = _returning("Named", lambda o: _Output(*o))


@pytest.mark.parametrize("module, message", [
    (_ONE_LOGIT, r"OneLogit returned tuple of 3 \(Tensor\(\d+, 1\), .*its logits have shape "
                 r"\(\d+, 1\) for a batch of \d+ rows and 2 classes"),
    (_EXTRA_LOGIT, r"ExtraLogit returned tuple of 3 \(Tensor\(\d+, 3\), .*its logits have "
                   r"shape \(\d+, 3\) for a batch of \d+ rows and 2 classes"),
    (_BARE, r"Bare returned Tensor\(\d+, 2\): not the tuple \(logits, modality_logits, "
            r"embeddings\)"),
    (_BAD_HEAD, r"BadHead returned .*modality 1's logits have shape \(\d+, 1\), not that of "
                r"the fused logits, \(\d+, 2\)"),
    (_ONE_HEAD, r"OneHead returned .*1 modality logits for 2 modalities"),
    (_NAMED, r"Named returned _Output of 3 .*: a NamedTuple, which skorch cannot move"),
])
def test_a_module_output_against_the_protocol_is_an_error(module, message):
    # raised on the first batch's forward pass, before its loss and optimizer step
    with pytest.raises(ValueError, match="The module " + message
                       + r".*The module protocol \(climd_sklearn.modules\)"):
        _fit(module=module)


class _LossSpy(Callback):
    """Counts the training batches (the module's output was accepted)."""

    def initialize(self):
        self.batches_ = 0
        return self

    def on_batch_end(self, net, batch=None, training=False, **kwargs):
        self.batches_ += training


@pytest.mark.parametrize("params", [
    dict(module=EarlyFusionNet), dict(module=LateFusionNet),
    dict(module=EnsembleFusionNet),  # members in training, pooled in evaluation
    dict(module=EnsembleFusionNet, order="asc"),  # each member scored by its own outputs
    dict(module=EnsembleFusionNet, member_subsets=False, curriculum=None),
    dict(module=_returning("Headless", lambda o: (o[0], (), o[2])), aux_weight=0.0),
    dict(precision="bfloat16"),
])
def test_the_shipped_modules_follow_the_protocol(params):
    clf = _fit(callbacks=[("spy", _LossSpy())], **params)
    assert dict(clf.net_.callbacks_)["spy"].batches_ > 0
    proba = clf.predict_proba(_data()[0])
    assert proba.shape == (40, 2) and np.isfinite(proba).all()


# ------------------------------------------------------------------------------ class_weight
@pytest.mark.parametrize("class_weight, error, message", [
    ({0: -1.0, 1: 2.0}, ValueError, "gives class 0 the weight -1.0; class weights must be "
                                    "finite and > 0 (a negative weight"),
    ({0: float("nan"), 1: 1.0}, ValueError, "gives class 0 the weight nan; class weights "
                                            "must be finite and > 0"),
    ({0: 1.0, 1: float("inf")}, ValueError, "gives class 1 the weight inf;"),
    ({0: 1.0, 1: 0.0}, ValueError, "gives class 1 the weight 0.0; class weights must be "
                                   "finite and > 0 (a batch of only classes of weight 0"),
    ({0: "2"}, TypeError, "gives class 0 the weight '2' of type str;"),
    ({0: 1, 9: 2}, ValueError, "class_weight has labels that are not in y: [9]"),
])
def test_class_weights_must_be_finite_positive_numbers_of_labels_in_y(
        class_weight, error, message):
    with pytest.raises(error, match=re.escape(message)):
        _fit(class_weight=class_weight, callbacks=[_NoTraining()])


def test_positive_class_weights_train():
    clf = _fit(class_weight={0: 1, 1: 2.5}, loss="ce")
    np.testing.assert_allclose(clf.net_.criterion_.weight.numpy(), [1.0, 2.5])


def test_why_a_zero_class_weight_is_refused():
    # a batch of only the classes weighted 0 has the loss 0 / 0 (the fit diverged on the first
    # such batch); any weight > 0, however small, trains
    loss = nn.CrossEntropyLoss(weight=torch.tensor([0.0, 1.0]))
    assert torch.isnan(loss(torch.randn(4, 2), torch.zeros(4, dtype=torch.long)))
    X, y = _data()
    clf = CLIMDClassifier(**TINY, batch_size=4, loss="ce", class_weight={0: 1e-30, 1: 1.0})
    assert np.isfinite(clf.fit(X, y).net_.history[:, "train_loss"]).all()


# ------------------------------------------------------------------------------- focal_gamma
@pytest.mark.parametrize("params, shown", [
    (dict(focal_gamma=1.0), "loss='balanced_softmax' (the variant's)"),
    (dict(focal_gamma=0.0, loss="ce"), "loss='ce':"),
    (dict(focal_gamma=3.0, variant="paper"), "loss='ce' (the variant's)"),
])
def test_focal_gamma_without_the_focal_loss_is_an_error(params, shown):
    pattern = (rf"focal_gamma={params['focal_gamma']!r} has no effect with "
               + re.escape(shown) + r".*Leave focal_gamma at its default \(2.0\), or use "
               r"loss='focal'")
    with pytest.raises(ValueError, match=pattern):
        _fit(callbacks=[_NoTraining()], **params)


def test_focal_gamma_with_the_focal_loss_trains():
    assert _fit(loss="focal", focal_gamma=0.5).net_.criterion_.gamma == 0.5
    assert _fit(loss="ce", focal_gamma=2.0).variant_params_["loss"] == "ce"  # the default


# ------------------------------------------- embedding_dim, hidden_dims, dropout a module lacks
class _Linear(nn.Module):
    """A protocol module whose __init__ takes none of the estimator's shared arguments."""

    def __init__(self, modality_dims, n_classes):
        super().__init__()
        self.names = list(modality_dims)
        self.lin = nn.Linear(sum(modality_dims.values()), n_classes)

    def forward(self, X):
        return self.lin(torch.cat([X[name] for name in self.names], 1)), (), ()


class _Kwargs(_Linear):
    def __init__(self, modality_dims, n_classes, **kwargs):
        super().__init__(modality_dims, n_classes)
        self.received = kwargs


@pytest.mark.parametrize("param, value", [
    ("embedding_dim", 4), ("hidden_dims", (8,)), ("hidden_dims", []), ("dropout", 0.1),
    ("dropout", 0.5),  # the variant's value, but set: it would still be dropped
])
def test_a_shared_argument_the_module_does_not_take_is_an_error(param, value):
    params = {"embedding_dim": 128, "hidden_dims": (256,), param: value}
    pattern = (re.escape(f"{param}={value!r} has no effect with the module '_Linear', whose "
                         f"__init__ takes no {param} argument. Leave {param} at its default"))
    with pytest.raises(ValueError, match=pattern):
        _fit(module=_Linear, callbacks=[_NoTraining()], **params)


def test_shared_arguments_left_unset_or_taken_by_kwargs_train():
    unset = dict(embedding_dim=128, hidden_dims=[256], dropout=None)  # None: the variant's
    assert _fit(module=_Linear, **unset).predict(_data()[0]).shape == (40,)
    taken = _fit(module=_Kwargs, dropout=0.1).net_.module_.received
    assert taken == {"embedding_dim": 4, "hidden_dims": (8,), "dropout": 0.1}
