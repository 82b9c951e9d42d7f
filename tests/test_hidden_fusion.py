"""The hidden-layer fusion head and the one-modality key (benchmark code; after round 58)."""

import numpy as np
import pytest
import torch

from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._hidden_fusion import HiddenFusionEnsemble
from climd_sklearn.modules import EnsembleFusionNet


def _logits(net, x):
    return net.eval()(x, members=True)[0]


def test_the_papers_linear_fusion_adds_one_term_per_modality_and_the_hidden_layer_does_not():
    # f(a, b) - f(a', b) - f(a, b') + f(a', b') is zero for any function additive over the
    # modalities, whatever the encoders; the hidden layer makes it nonzero.
    torch.manual_seed(0)
    a, a2, b, b2 = (torch.randn(4, n) for n in (5, 5, 3, 3))
    for cls, additive in ((EnsembleFusionNet, True), (HiddenFusionEnsemble, False)):
        net = cls({"a": 5, "b": 3}, 3, n_members=2, dropout=0.0)
        cross = (_logits(net, {"a": a, "b": b}) - _logits(net, {"a": a2, "b": b})
                 - _logits(net, {"a": a, "b": b2}) + _logits(net, {"a": a2, "b": b2}))
        assert torch.allclose(cross, torch.zeros_like(cross), atol=1e-5) is additive


def test_hidden_fusion_layer_shapes_and_its_errors():
    net = HiddenFusionEnsemble({"a": 5, "b": 3, "c": 2}, 4, n_members=3, embedding_dim=16,
                               dropout=0.3)
    first, relu, drop, last = net.classifier
    assert first.weight.shape == (3, 48, 16) and last.weight.shape == (3, 16, 4)
    assert isinstance(relu, torch.nn.ReLU) and drop.p == 0.3 and net.fusion_hidden == 16
    narrow = HiddenFusionEnsemble({"a": 5}, 2, n_members=2, fusion_hidden=7)
    assert narrow.classifier[0].weight.shape[-1] == 7
    logits, per_modality, _ = net.train()({"a": torch.randn(6, 5), "b": torch.randn(6, 3),
                                           "c": torch.randn(6, 2)})
    assert logits.shape == (3, 6, 4) and len(per_modality) == 3
    for bad in (0, 2.0, True):
        with pytest.raises(ValueError, match=rf"fusion_hidden must be an int >= 1 or None, "
                                             rf"got {bad!r}"):
            HiddenFusionEnsemble({"a": 4}, 2, fusion_hidden=bad)


def test_hidden_fusion_candidate_fits_through_the_estimator():
    name = "CLIMD, hidden fusion layer"
    spec = l4l.resolve_methods([name])[name]
    clf = l4l.build_method(name, spec, {"a": 6, "b": 3}, 0, 40).named_steps["clf"]
    assert clf.module is HiddenFusionEnsemble and clf.module_kwargs is None
    rng = np.random.default_rng(0)
    clf.set_params(max_epochs=1, module_kwargs={"n_members": 2})
    clf.fit(rng.normal(size=(40, 9)), np.arange(40) % 3 == 0)
    assert isinstance(clf.net_.module_.classifier, torch.nn.Sequential)
    assert clf.predict_proba(rng.normal(size=(5, 9))).shape == (5, 2)


def test_one_modality_candidate_gives_the_network_every_column_as_one_modality():
    name = "CLIMD, one modality"
    spec = l4l.resolve_methods([name])[name]
    clf = l4l.build_method(name, spec, {"a": 6, "b": 3}, 0, 40).named_steps["clf"]
    assert clf.modalities == {"all": list(range(9))}
    rng = np.random.default_rng(0)
    clf.set_params(max_epochs=1, module_kwargs={"n_members": 2})
    clf.fit(rng.normal(size=(40, 9)), np.arange(40) % 3 == 0)
    assert clf.modality_widths_ == {"all": 9} and len(clf.net_.module_.encoders) == 1
    with pytest.raises(ValueError, match="'screen' screens each modality; it cannot be "
                                         "combined with 'one_modality'"):
        l4l.build_method("both", {"kind": "neural",
                                  "overrides": {"one_modality": True, "screen": "n-1"}},
                         {"a": 60, "b": 3}, 0, 40)
