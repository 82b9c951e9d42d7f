import pytest
import torch

from climd_sklearn.modules import EarlyFusionNet, LateFusionNet


@pytest.mark.parametrize("cls", [EarlyFusionNet, LateFusionNet])
def test_forward_follows_the_protocol(cls):
    net = cls({"a.b": 5, "c": 3}, n_classes=4, embedding_dim=6, hidden_dims=(7,), dropout=0.0)
    X = {"a.b": torch.randn(9, 5), "c": torch.randn(9, 3)}
    out = net(X)
    assert type(out) is tuple and len(out) == 3
    logits, modality_logits, embeddings = out
    assert logits.shape == (9, 4)
    assert [t.shape for t in modality_logits] == [(9, 4), (9, 4)]
    assert [t.shape for t in embeddings] == [(9, 6), (9, 6)]


def test_late_fusion_starts_as_the_mean_of_the_heads():
    net = LateFusionNet({"a": 3, "b": 2}, n_classes=2, embedding_dim=4, dropout=0.0).eval()
    logits, per_modality, _ = net({"a": torch.randn(5, 3), "b": torch.randn(5, 2)})
    torch.testing.assert_close(logits, (per_modality[0] + per_modality[1]) / 2)


def test_early_fusion_needs_a_modality():
    with pytest.raises(ValueError, match="at least one modality"):
        EarlyFusionNet({}, n_classes=2)


# ------------------------------------------------------------------ the ensemble module
from climd_sklearn.modules import EnsembleFusionNet  # noqa: E402


def _ensemble(**kw):
    params = dict(embedding_dim=6, hidden_dims=(7,), dropout=0.0, n_members=3)
    params.update(kw)
    return EnsembleFusionNet({"a": 5, "b": 3}, n_classes=4, **params)


def test_ensemble_returns_members_in_training_and_their_mean_in_evaluation():
    torch.manual_seed(0)
    net = _ensemble()
    X = {"a": torch.randn(9, 5), "b": torch.randn(9, 3)}
    logits, per_modality, embeddings = net.train()(X)
    assert logits.shape == (3, 9, 4)
    assert [t.shape for t in per_modality] == [(3, 9, 4)] * 2
    assert [t.shape for t in embeddings] == [(3, 9, 6)] * 2
    fused, heads, side_by_side = net.eval()(X)  # dropout 0: the same members
    expected = torch.log(torch.softmax(logits, dim=-1).mean(dim=0))
    torch.testing.assert_close(fused, expected)
    torch.testing.assert_close(heads[1], torch.log(torch.softmax(per_modality[1], -1).mean(0)))
    torch.testing.assert_close(side_by_side[0][:, 6:12], embeddings[0][1])
    assert side_by_side[0].shape == (9, 18)


def test_ensemble_members_are_independent():
    torch.manual_seed(0)
    net = _ensemble().train()
    X = {"a": torch.randn(9, 5), "b": torch.randn(9, 3)}
    logits, _, _ = net(X)
    logits[0].sum().backward()  # a loss on member 0 alone
    weight = net.encoders[0][0].weight.grad
    assert weight[0].abs().sum() > 0
    assert torch.all(weight[1:] == 0)
    # members start from different weights
    assert not torch.equal(net.classifier.weight[0], net.classifier.weight[1])


def test_ensemble_fuses_only_present_modalities():
    torch.manual_seed(0)
    net = _ensemble().eval()
    X = {"a": torch.randn(4, 5), "b": torch.randn(4, 3)}
    present = torch.tensor([[True, True], [True, False], [True, True], [True, False]])
    _, _, embeddings = net(X, present=present)
    assert torch.all(embeddings[1][~present[:, 1]] == 0)
    changed = dict(X, b=X["b"] + 100.0)
    torch.testing.assert_close(net(changed, present=present)[0][1], net(X, present=present)[0][1])


def test_ensemble_rejects_a_bad_member_count():
    with pytest.raises(ValueError, match="n_members must be an int >= 1, got 0"):
        _ensemble(n_members=0)


def test_ensemble_output_of_a_row_does_not_depend_on_its_position_in_the_batch():
    """Eval mode: permuting the rows permutes the outputs bit for bit (float32 ``exp``
    rounds differently in a tensor's vectorized body and its scalar tail)."""
    torch.manual_seed(0)
    net = EnsembleFusionNet({"a": 2, "b": 3}, 3, embedding_dim=16, hidden_dims=(16,)).eval()
    X = {"a": torch.randn(30, 2), "b": torch.randn(30, 3)}
    with torch.no_grad():
        fused, heads, _ = net(X)
        for seed in range(20):
            idx = torch.randperm(30, generator=torch.Generator().manual_seed(seed))
            fused_p, heads_p, _ = net({k: v[idx] for k, v in X.items()})
            assert torch.equal(fused_p, fused[idx])
            assert all(torch.equal(hp, h[idx]) for hp, h in zip(heads_p, heads))
    assert fused.dtype == torch.float32


def test_linear_path_adds_a_linear_model_of_all_inputs_to_each_members_logits():
    torch.manual_seed(0)
    dims = {"a": 3, "b": 2}
    wide = EnsembleFusionNet(dims, n_classes=4, embedding_dim=5, hidden_dims=(6,), dropout=0.0,
                             n_members=2, linear_path=True).train()
    assert EnsembleFusionNet(dims, n_classes=4).linear is None  # off by default
    assert wide.linear.weight.shape == (2, 5, 4)
    gen = torch.Generator().manual_seed(1)
    X = {"a": torch.randn(7, 3, generator=gen), "b": torch.randn(7, 2, generator=gen)}
    logits = wide(X)[0]
    linear, wide.linear = wide.linear, None  # the same network without its linear path
    deep = wide(X)[0]
    inputs = torch.cat([X["a"], X["b"]], dim=1)  # modality order, as the encoders see them
    for k in range(2):
        expected = deep[k] + inputs @ linear.weight[k] + linear.bias[k]
        torch.testing.assert_close(logits[k], expected)


# ------------------------------------------------ argument and input checks (modules audit)
import re  # noqa: E402

import numpy as np  # noqa: E402

from climd_sklearn.modules import MLPEncoder  # noqa: E402

DIMS = {"a": 4, "b": 3}
NETS = [EarlyFusionNet, LateFusionNet, EnsembleFusionNet]


@pytest.mark.parametrize("cls", NETS)
@pytest.mark.parametrize("kwargs, error, message", [
    ({"n_classes": 0}, ValueError, "n_classes must be an int >= 2, got 0"),
    ({"n_classes": 1}, ValueError, "n_classes must be an int >= 2, got 1"),
    ({"n_classes": -2}, ValueError, "n_classes must be an int >= 2, got -2"),
    ({"n_classes": 2.5}, TypeError, "n_classes must be an int >= 2, got 2.5 of type float"),
    ({"n_classes": True}, TypeError, "n_classes .* got True of type bool"),
    ({"modality_dims": {"a": 0}}, ValueError, r"modality_dims\['a'\] must be an int >= 1, got 0"),
    ({"modality_dims": {"a": 2.7}}, TypeError, r"modality_dims\['a'\] .* got 2.7 of type float"),
    ({"modality_dims": {"a": True}}, TypeError, r"modality_dims\['a'\] .* of type bool"),
    ({"modality_dims": ["a", "b"]}, TypeError, r"modality_dims must be a mapping .* list"),
    ({"modality_dims": {1: 3}}, TypeError, r"modality_dims's keys must be str .* got 1"),
    ({"modality_dims": {}}, ValueError, "modality_dims must name at least one modality"),
    ({"hidden_dims": (0,)}, ValueError, r"hidden_dims\[0\] must be an int >= 1, got 0"),
    ({"hidden_dims": (8, 2.0)}, TypeError, r"hidden_dims\[1\] .* got 2.0 of type float"),
    ({"hidden_dims": 64}, TypeError, "hidden_dims must be a tuple or list of ints .* got 64"),
    ({"hidden_dims": "64"}, TypeError, "hidden_dims must be a tuple or list .* of type str"),
    ({"embedding_dim": 0}, ValueError, "embedding_dim must be an int >= 1, got 0"),
    ({"embedding_dim": 8.0}, TypeError, "embedding_dim .* got 8.0 of type float"),
    ({"dropout": 1.0}, ValueError, r"dropout must be in \[0, 1\), got 1.0"),
    ({"dropout": 1.5}, ValueError, r"dropout must be in \[0, 1\), got 1.5"),
    ({"dropout": -0.1}, ValueError, r"dropout must be in \[0, 1\), got -0.1"),
    ({"dropout": float("nan")}, ValueError, r"dropout must be in \[0, 1\), got nan"),
    ({"dropout": "0.1"}, TypeError, r"dropout must be a float in \[0, 1\), got '0.1' of type str"),
])
def test_nets_reject_bad_common_arguments(cls, kwargs, error, message):
    params = {"modality_dims": DIMS, "n_classes": 2, **kwargs}
    with pytest.raises(error, match=message):
        cls(**params)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"n_members": 0}, ValueError, "n_members must be an int >= 1, got 0"),
    ({"n_members": 2.0}, TypeError, "n_members must be an int >= 1, got 2.0 of type float"),
    ({"modality_dropout": "0.1"}, TypeError, r"modality_dropout must be a float .* '0.1'"),
    ({"modality_dropout": 1.0}, ValueError, r"modality_dropout must be in \[0, 1\), got 1.0"),
    ({"linear_path": 1}, TypeError, "linear_path must be True or False, got 1 of type int"),
    ({"linear_path": "yes"}, TypeError, "linear_path must be True or False, got 'yes'"),
])
def test_ensemble_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        EnsembleFusionNet(DIMS, 2, **kwargs)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"n_features": 0}, ValueError, "n_features must be an int >= 1, got 0"),
    ({"embedding_dim": 2.5}, TypeError, "embedding_dim .* got 2.5 of type float"),
    ({"hidden_dims": 8}, TypeError, "hidden_dims must be a tuple or list"),
    ({"dropout": 1.0}, ValueError, r"dropout must be in \[0, 1\), got 1.0"),
])
def test_encoder_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        MLPEncoder(**{"n_features": 4, "embedding_dim": 3, **kwargs})


@pytest.mark.parametrize("cls", NETS)
def test_nets_build_at_the_edges_of_their_arguments(cls):
    """The valid neighbours: two classes, no hidden layer, NumPy ints, a dropout just under 1."""
    net = cls({"a": np.int64(4), "b": 1}, np.int64(2), embedding_dim=1, hidden_dims=[],
              dropout=0.999)
    assert net.modality_dims == {"a": 4, "b": 1}
    assert all(type(w) is int for w in net.modality_dims.values())
    assert net(X := {"a": torch.randn(3, 4), "b": torch.randn(3, 1)})[0].shape[-1] == 2
    assert cls(DIMS, 2, hidden_dims=(5, 6), dropout=0)(dict(X, b=torch.randn(3, 3)))
    ensemble = EnsembleFusionNet(DIMS, 2, n_members=1, modality_dropout=0.0, linear_path=False)
    assert ensemble.n_members == 1 and ensemble.linear is None


def test_benchmark_subclasses_still_build():
    from climd_sklearn.benchmark._hidden_fusion import HiddenFusionEnsemble
    from climd_sklearn.benchmark._input_dropout import InputDropoutEnsemble
    from climd_sklearn.benchmark._logit_pool import LogitMeanEnsemble
    X = {"a": torch.randn(5, 4), "b": torch.randn(5, 3)}
    for cls in (HiddenFusionEnsemble, InputDropoutEnsemble, LogitMeanEnsemble):
        net = cls(DIMS, 3, n_members=2, hidden_dims=(6,), embedding_dim=4).eval()
        assert net(X)[0].shape == (5, 3)
    with pytest.raises(ValueError, match="n_classes must be an int >= 2, got 0"):
        InputDropoutEnsemble(DIMS, 0)


def _inputs(rows=3):
    return {"a": torch.randn(rows, 4), "b": torch.randn(rows, 3)}


@pytest.mark.parametrize("cls", NETS)
@pytest.mark.parametrize("present, error, message", [
    (torch.ones(3, 5, dtype=torch.bool), ValueError,
     r"present has shape \(3, 5\), but \w+ expects \(3, 2\): \(batch, n_modalities\)"),
    (torch.ones(3, dtype=torch.bool), ValueError, r"present has shape \(3,\), .* \(3, 2\)"),
    (torch.ones(2, 3, 2, dtype=torch.bool), ValueError, r"present has shape \(2, 3, 2\)"),
    (torch.ones(3, 2), TypeError,
     r"present must be a bool tensor of shape \(3, 2\) .* dtype torch.float32"),
    ([[True, True]] * 3, TypeError, "present must be a bool tensor .* got list"),
])
def test_forward_checks_the_presence_mask(cls, present, error, message):
    net = cls(DIMS, 2, hidden_dims=(), embedding_dim=4, n_members=2) if cls is \
        EnsembleFusionNet else cls(DIMS, 2, hidden_dims=(), embedding_dim=4)
    X = _inputs()
    with pytest.raises(error, match=message):
        net.eval()(X, present=present)
    # the valid neighbour: a bool (batch, n_modalities) mask
    net(X, present=torch.tensor([[True, True], [True, False], [False, True]]))


def test_ensemble_takes_a_member_wise_mask_with_member_wise_batches():
    net = EnsembleFusionNet(DIMS, 2, n_members=2, hidden_dims=()).train()
    X = {"a": torch.randn(2, 3, 4), "b": torch.randn(2, 3, 3)}
    assert net(X, present=torch.ones(2, 3, 2, dtype=torch.bool))[0].shape == (2, 3, 2)
    with pytest.raises(ValueError, match=r"present has shape \(3, 2\), .* expects \(2, 3, 2\)"):
        net(X, present=torch.ones(3, 2, dtype=torch.bool))


@pytest.mark.parametrize("cls", NETS)
@pytest.mark.parametrize("change, error, message", [
    (lambda X: {"a": X["a"]}, ValueError,
     re.escape("X has the modalities ['a'], but CLS was built for ['a', 'b']; "
               "missing: ['b'].")),
    (lambda X: {**X, "c": X["b"]}, ValueError, re.escape("; unknown: ['c'].")),
    (lambda X: {**X, "a": torch.randn(3, 5)}, ValueError,
     re.escape("Modality 'a' has 5 features (X['a'] has shape (3, 5)), but CLS was built for "
               "4 (modality_dims['a']).")),
    (lambda X: {**X, "b": torch.randn(4, 3)}, ValueError,
     re.escape("Modality 'b' has shape (4, 3) and modality 'a' (3, 4): every modality must "
               "have the same batch of rows.")),
    (lambda X: {**X, "b": X["b"].double()}, TypeError,
     re.escape("Modality 'b': X['b'] has dtype torch.float64, but CLS's parameters are "
               "torch.float32: pass torch.float32 tensors (or convert the module with "
               ".to(torch.float64)).")),
    (lambda X: {**X, "a": X["a"].long()}, TypeError,
     r"Modality 'a': X\['a'\] has dtype torch.int64"),
    (lambda X: {**X, "a": X["a"][0]}, ValueError,
     r"Modality 'a': X\['a'\] has shape \(4,\).*CLS expects"),
    (lambda X: {**X, "a": X["a"].numpy()}, TypeError,
     r"Modality 'a': X\['a'\] must be a torch.Tensor, got ndarray"),
    (lambda X: [X["a"], X["b"]], TypeError, "CLS takes X as a mapping .* got list"),
])
def test_forward_errors_name_the_modality(cls, change, error, message):
    net = cls(DIMS, 2, embedding_dim=4, hidden_dims=(5,))
    X = _inputs()
    for mode in (net.train, net.eval):
        mode()
        with pytest.raises(error, match=message.replace("CLS", cls.__name__)):
            net(change(X))
        net(X)  # the valid neighbour


def test_single_nets_refuse_member_wise_batches_and_the_ensemble_in_evaluation():
    X = {"a": torch.randn(2, 3, 4), "b": torch.randn(2, 3, 3)}
    with pytest.raises(ValueError, match=r"Modality 'a': X\['a'\] has shape \(2, 3, 4\); "
                                         r"EarlyFusionNet expects \(batch, features\)\."):
        EarlyFusionNet(DIMS, 2)(X)
    ensemble = EnsembleFusionNet(DIMS, 2, n_members=2)
    with pytest.raises(ValueError, match=r"X\['a'\] has shape \(2, 3, 4\) in evaluation mode"):
        ensemble.eval()(X)
    with pytest.raises(ValueError, match=r"X\['a'\] has shape \(3, 3, 4\) in training mode.*"
                                         r"member-wise batches of shape \(2, batch, features\)"):
        ensemble.train()({"a": torch.randn(3, 3, 4), "b": torch.randn(3, 3, 3)})
    assert ensemble.train()(X)[0].shape == (2, 3, 2)  # the valid neighbour


@pytest.mark.parametrize("cls", NETS)
def test_lower_precision_inputs_pass_under_autocast(cls):
    """bfloat16 inputs to a float32 net are what autocast casts to anyway; float64 is not."""
    net = cls(DIMS, 2).eval()
    X = {k: v.bfloat16() for k, v in _inputs().items()}
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert net(X)[0].shape == (3, 2)
        with pytest.raises(TypeError, match=r"X\['a'\] has dtype torch.float64"):
            net({k: v.double() for k, v in _inputs().items()})
    with pytest.raises(TypeError, match=r"X\['a'\] has dtype torch.bfloat16"):
        net(X)
