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
