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
