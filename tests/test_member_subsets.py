"""Each ensemble member fills the class quotas on its own (``member_subsets``, rounds 21, 26)."""

import numpy as np
import pytest
import torch
from conftest import FAST, fit_recording_subsets, make_multimodal
from skorch.callbacks import Callback

from climd_sklearn import CLIMDClassifier
from climd_sklearn.losses import BalancedSoftmaxLoss
from climd_sklearn.modules import EnsembleFusionNet
from climd_sklearn.training import CLIMDNet, CurriculumSampler
from climd_sklearn.training._batches import DeviceBatches
from climd_sklearn.training._dataset import MultimodalDataset


def test_each_member_fills_the_same_quotas_with_its_own_draw():
    shared_clf, shared, y = fit_recording_subsets(member_subsets=False, order="random")
    member_clf, member, _ = fit_recording_subsets(member_subsets=True, order="random")
    assert member_clf.variant_params_["member_subsets"] is True
    for epoch, (one, per_member) in enumerate(zip(shared, member), start=1):
        assert one.ndim == 1 and per_member.shape == (10, len(one))
        for row in per_member:  # the quotas: the shared draw's class counts, no repeats
            assert len(np.unique(row)) == len(row)
            np.testing.assert_array_equal(np.bincount(y[row], minlength=3),
                                          np.bincount(y[one], minlength=3))
        if len(one) < len(y):  # a quota cuts a class: the members draw other samples
            assert len({tuple(sorted(row)) for row in per_member}) > 1, epoch
    assert shared_clf.net_.history[:, "class_counts"] == member_clf.net_.history[:, "class_counts"]


def test_member_subsets_fit_is_reproducible_and_differs_from_the_shared_draw():
    X, y = make_multimodal()
    proba = [CLIMDClassifier(random_state=0, member_subsets=m, **FAST).fit(X, y).predict_proba(X)
             for m in (True, True, False)]
    np.testing.assert_array_equal(proba[0], proba[1])
    assert not np.allclose(proba[0], proba[2])


def test_member_subsets_train_with_a_missing_modality():
    X, y = make_multimodal()
    X = {k: v.copy() for k, v in X.items()}
    X["m1"][::3] = np.nan
    clf = CLIMDClassifier(random_state=0, member_subsets=True, **FAST).fit(X, y)
    assert np.isfinite(clf.net_.history[:, "train_loss"]).all()
    assert clf.predict_proba(X).shape == (len(y), 3)


class _NoMemberOutputs(EnsembleFusionNet):
    """An ensemble that cannot return its members' outputs in evaluation mode."""

    def forward(self, X, present=None):
        return super().forward(X, present)


class _ExtraArgument(EnsembleFusionNet):
    """A subclass that adds an argument and passes the parent's on through ``**kwargs``."""

    def __init__(self, modality_dims, n_classes, scale=1.0, **kwargs):
        super().__init__(modality_dims, n_classes, **kwargs)
        self.scale = scale


@pytest.mark.parametrize("params, message", [
    ({"order": "asc", "module": _NoMemberOutputs},
     "order='asc' scores each member by its own outputs.*'_NoMemberOutputs' does not"),
    ({"curriculum": None}, "curriculum=None trains every member on every sample"),
    ({"curriculum": "linear"}, "curriculum='linear' ranks all classes together"),
    ({"module_kwargs": {"n_members": 1}}, "n_members >= 2 .*n_members=1"),
    ({"variant": "paper"}, "n_members >= 2 .*'EarlyFusionNet' has n_members=None"),
])
def test_member_subsets_where_they_cannot_act_are_an_error(params, message):
    X, y = make_multimodal()
    params = {"order": "random", **params} if params.get("variant") else params
    with pytest.raises(ValueError, match=message):
        CLIMDClassifier(member_subsets=True, **{**FAST, **params}).fit(X, y)


def test_sampler_shuffles_each_member_row_on_its_own():
    rows = np.arange(30).reshape(3, 10)
    sampler = CurriculumSampler(rows, seed=4)
    assert len(sampler) == 10
    order = sampler.next_order()
    assert order.shape == (3, 10)
    for shuffled, row in zip(order, rows):
        np.testing.assert_array_equal(np.sort(shuffled), row)
    assert len({tuple(np.argsort(r)) for r in order}) == 3  # not one permutation for all
    with pytest.raises(TypeError, match="only the package's batch iterator"):
        iter(sampler)
    with pytest.raises(ValueError, match=r"got shape \(2, 2, 2\)"):
        sampler.set_indices(np.zeros((2, 2, 2)))


def test_member_wise_batches_hold_each_members_rows():
    X, y = make_multimodal()
    dataset = MultimodalDataset({k: v.astype(np.float32) for k, v in X.items()}, y)
    sampler = CurriculumSampler(np.stack([np.arange(7), np.arange(10, 17)]), shuffle=False)
    batches = list(DeviceBatches(dataset, 4, "cpu", sampler=sampler))
    assert [tuple(b[1].shape) for b in batches] == [(2, 4), (2, 3)]
    first_x, first_y = batches[0]
    assert first_x["m0"].shape == (2, 4, 6)
    np.testing.assert_array_equal(first_x["m0"][1].numpy(), X["m0"][10:14].astype(np.float32))
    np.testing.assert_array_equal(first_y.numpy(), y[[[0, 1, 2, 3], [10, 11, 12, 13]]])


def _ensemble(seed=0):
    torch.manual_seed(seed)
    return EnsembleFusionNet({"a": 3, "b": 2}, n_classes=3, embedding_dim=4, hidden_dims=(5,),
                             dropout=0.0, n_members=2)


def test_member_wise_forward_runs_each_member_on_its_own_rows():
    module = _ensemble().train()
    rng = torch.Generator().manual_seed(0)
    rows = {"a": torch.randn(2, 6, 3, generator=rng), "b": torch.randn(2, 6, 2, generator=rng)}
    present = torch.ones(2, 6, 2, dtype=torch.bool)
    present[0, 1, 1] = present[1, 4, 0] = False
    for mask in (None, present):
        logits, heads, embeddings = module(rows, present=mask)
        for k in range(2):  # member k on its own rows = member k of the shared forward
            shared, shared_heads, shared_embeddings = module(
                {name: x[k] for name, x in rows.items()},
                present=None if mask is None else mask[k])
            torch.testing.assert_close(logits[k], shared[k])
            torch.testing.assert_close(heads[1][k], shared_heads[1][k])
            torch.testing.assert_close(embeddings[0][k], shared_embeddings[0][k])
    assert (embeddings[0][1, 4] == 0).all() and (embeddings[1][0, 1] == 0).all()
    assert (embeddings[0][0, 4] != 0).any()
    with pytest.raises(ValueError, match=r"Modality 'a'.*\(2, batch, features\)"):
        module({"a": torch.zeros(3, 6, 3), "b": torch.zeros(3, 6, 2)})
    with pytest.raises(ValueError, match="evaluation mode"):
        module.eval()(rows)


def test_member_wise_loss_is_the_sum_of_each_members_loss_on_its_rows():
    net = CLIMDNet(EnsembleFusionNet, module__modality_dims={"a": 3, "b": 2},
                   module__n_classes=3, module__n_members=2, criterion=BalancedSoftmaxLoss,
                   criterion__prior=torch.tensor([0.5, 0.3, 0.2]), aux_weight=0.5)
    net.initialize()
    gen = torch.Generator().manual_seed(1)
    fused = torch.randn(2, 5, 3, generator=gen)
    heads = (torch.randn(2, 5, 3, generator=gen), torch.randn(2, 5, 3, generator=gen))
    y = torch.tensor([[0, 1, 2, 0, 1], [2, 2, 1, 0, 0]])
    present = torch.ones(2, 5, 2, dtype=torch.bool)
    present[0, :2, 1] = False
    present[1, :, 1] = False  # member 1 has no row with modality b
    loss = net.get_loss((fused, heads, ()), y, X={"__present__": present})
    criterion = net.criterion_
    expected_fused = criterion(fused[0], y[0]) + criterion(fused[1], y[1])
    expected_a = criterion(heads[0][0], y[0]) + criterion(heads[0][1], y[1])
    expected_b = criterion(heads[1][0][2:], y[0][2:])
    torch.testing.assert_close(loss, expected_fused + 0.5 * (expected_a + expected_b) / 2)


@pytest.mark.parametrize("params, expected", [
    ({}, True),
    ({"order": "random"}, True),
    ({"order": "desc", "module": _NoMemberOutputs}, False),
    ({"curriculum": None}, False),
    ({"curriculum": "root"}, False),
    ({"module_kwargs": {"n_members": 1}}, False),
    ({"variant": "paper", "order": "random", "lr": 1e-2}, False),
    # the parent's ten members, reached through **kwargs (they were once taken for none)
    ({"module": _ExtraArgument}, True),
    ({"module": _ExtraArgument, "module_kwargs": {"n_members": 1}}, False),
])
def test_the_variants_member_subsets_act_only_where_they_can(params, expected):
    X, y = make_multimodal()
    clf = CLIMDClassifier(random_state=0, **{**FAST, **params}).fit(X, y)
    assert clf.member_subsets is None  # fit does not touch the parameter
    assert clf.variant_params_["member_subsets"] is expected
    sampler = clf.net_.get_params_for("iterator_train")["sampler"]
    assert sampler.indices.ndim == (2 if expected else 1)
    if expected:
        assert sampler.indices.shape[0] == clf.net_.module_.n_members


def test_the_callback_checks_its_number_of_subsets():
    from climd_sklearn.curriculum import CLIMDScheduler, LinearScheduler
    from climd_sklearn.training import CurriculumScheduling

    climd = CLIMDScheduler(n_epochs=4)
    with pytest.raises(ValueError, match="n_subsets must be an int >= 1, got 0"):
        CurriculumScheduling(climd, order="random", n_subsets=0).initialize()
    with pytest.raises(ValueError, match="there is no curriculum"):
        CurriculumScheduling(None, order="random", n_subsets=2).initialize()
    y = np.repeat([0, 1, 2], [30, 12, 6])
    callback = CurriculumScheduling(climd, order="random", n_subsets=3, seed=1).initialize()
    subsets = callback._member_subsets(climd, 2, y)
    assert subsets.shape[0] == 3 and len({tuple(sorted(s)) for s in subsets}) == 3
    with pytest.raises(ValueError, match=r"shape \(3, 48\); the scoring pass gave \(2, 48\)"):
        callback._member_subsets(climd, 2, y, np.zeros((2, 48)))
    linear = LinearScheduler(n_epochs=4, min_size=4)
    callback = CurriculumScheduling(linear, order="random", n_subsets=3, seed=1).initialize()
    with pytest.raises(ValueError, match="chose other class counts .* at epoch 1"):
        callback._member_subsets(linear, 1, y)


@pytest.mark.parametrize("member_subsets", [True, False])
def test_recorded_batch_sizes_are_rows_so_train_loss_weights_batches_by_rows(member_subsets):
    clf, subsets, _ = fit_recording_subsets(member_subsets=member_subsets)
    assert clf.variant_params_["member_subsets"] is member_subsets
    for epoch, rows in zip(clf.net_.history, subsets):
        sizes = [b["train_batch_size"] for b in epoch["batches"]]
        n_rows = rows.shape[-1]  # each member's rows this epoch (63 in the last)
        assert sizes == [16] * (n_rows // 16) + ([n_rows % 16] if n_rows % 16 else [])
        losses = [b["train_loss"] for b in epoch["batches"]]
        assert epoch["train_loss"] == pytest.approx(np.average(losses, weights=sizes))
    assert sum(b["train_batch_size"] for b in clf.net_.history[-1]["batches"]) == 63


class RecordScores(Callback):
    """Keep the curriculum callback's scores and the sampler's rows of every epoch."""

    def initialize(self):
        self.scores_, self.subsets_ = [], []
        return self

    def on_epoch_begin(self, net, **kwargs):
        self.scores_.append(dict(net.callbacks_)["curriculum"].scores_.copy())
        self.subsets_.append(net.get_params_for("iterator_train")["sampler"].indices.copy())


def test_each_member_fills_the_quotas_in_the_order_of_its_own_scores():
    X, y = make_multimodal()
    clf = CLIMDClassifier(random_state=0, order="asc", member_subsets=True,
                          callbacks=[("record", RecordScores())], **FAST).fit(X, y)
    assert clf.variant_params_["member_subsets"] is True
    record = dict(clf.net_.callbacks_)["record"]
    scheduler = dict(clf.net_.callbacks_)["curriculum"].scheduler
    cut = 0
    for epoch, (scores, rows) in enumerate(zip(record.scores_, record.subsets_), start=1):
        assert scores.shape == (10, len(y)) and rows.shape[0] == 10
        for member_scores, row in zip(scores, rows):  # lowest of its own scores first
            np.testing.assert_array_equal(np.sort(row),
                                          np.sort(scheduler.select(epoch, -member_scores, y)))
        if len(rows[0]) < len(y):
            cut += 1
            assert len({tuple(sorted(row)) for row in rows}) > 1, epoch
    assert cut > 0
    again = CLIMDClassifier(random_state=0, order="asc", member_subsets=True, **FAST).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), again.predict_proba(X))


def test_per_member_scores_of_a_one_member_ensemble_are_the_ensembles_scores():
    from climd_sklearn.training._callbacks import score_dataset

    X, y = make_multimodal()
    dataset = MultimodalDataset({k: v.astype(np.float32) for k, v in X.items()}, y)
    for n_members in (1, 3):
        net = CLIMDNet(EnsembleFusionNet, module__modality_dims={"m0": 6, "m1": 4},
                       module__n_classes=3, module__n_members=n_members, module__dropout=0.5)
        torch.manual_seed(0)
        net.initialize()
        members = score_dataset(net, dataset, y, per_member=True, batch_size=7)
        assert members.shape == (n_members, len(y))
        if n_members == 1:  # the ensemble of one member is that member
            np.testing.assert_allclose(members[0], score_dataset(net, dataset, y), atol=1e-6)
        else:  # member k's scores are those of a one-member ensemble with its weights
            alone = CLIMDNet(EnsembleFusionNet, module__modality_dims={"m0": 6, "m1": 4},
                             module__n_classes=3, module__n_members=1, module__dropout=0.5)
            alone.initialize()
            for k in range(n_members):
                alone.module_.load_state_dict(
                    {name: w[k:k + 1] for name, w in net.module_.state_dict().items()})
                np.testing.assert_allclose(members[k], score_dataset(alone, dataset, y),
                                           atol=1e-6)
            assert not np.allclose(members[0], members[1])
            np.testing.assert_array_equal(  # no dropout: the batching changes nothing
                members, score_dataset(net, dataset, y, per_member=True, batch_size=100))
    with pytest.raises(ValueError, match="returns no components"):
        score_dataset(net, dataset, y, per_member=True, components=True)
    from climd_sklearn.modules import EarlyFusionNet
    single = CLIMDNet(EarlyFusionNet, module__modality_dims={"m0": 6, "m1": 4},
                      module__n_classes=3).initialize()
    with pytest.raises(ValueError, match="EarlyFusionNet does not"):
        score_dataset(single, dataset, y, per_member=True)


def test_member_outputs_in_evaluation_mode_average_to_the_ensembles():
    module = _ensemble().eval()
    rng = torch.Generator().manual_seed(2)
    X = {"a": torch.randn(6, 3, generator=rng), "b": torch.randn(6, 2, generator=rng)}
    logits, heads, embeddings = module(X, members=True)
    assert logits.shape == (2, 6, 3) and embeddings[0].shape == (2, 6, 4)
    ensemble_logits, ensemble_heads, side_by_side = module(X)
    mean_proba = torch.softmax(logits.double(), -1).mean(0)
    torch.testing.assert_close(torch.softmax(ensemble_logits.double(), -1), mean_proba)
    torch.testing.assert_close(side_by_side[0], torch.cat([embeddings[0][0], embeddings[0][1]],
                                                          dim=1))
    torch.testing.assert_close(module.train()(X)[0], logits)  # dropout 0: the training outputs
