"""The benchmark's input dropout (the fourth pilot after round 55)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._input_dropout import InputDropoutEnsemble
from climd_sklearn.modules import EnsembleFusionNet


def test_input_dropout_drops_each_members_inputs_with_its_own_mask_in_training_only():
    torch.manual_seed(0)
    net = InputDropoutEnsemble({"a": 400, "b": 3}, 2, input_dropout=0.25, n_members=3)
    first = net.encoders[0][0]
    assert isinstance(first, torch.nn.Dropout) and first.p == 0.25
    seen = []
    first.register_forward_hook(lambda module, args, out: seen.append(out.detach()))
    x = {"a": torch.ones(5, 400), "b": torch.ones(5, 3)}
    net.train()(x)
    dropped = seen[-1] == 0
    assert dropped.shape == (3, 5, 400)
    assert 0.2 < dropped.float().mean().item() < 0.3
    assert not torch.equal(dropped[0], dropped[1])  # each member its own mask
    assert torch.allclose(seen[-1][~dropped], torch.tensor(1 / 0.75))  # inverted dropout
    net.eval()(x)
    assert torch.equal(seen[-1], torch.ones(3, 5, 400))  # nothing dropped in evaluation
    with pytest.raises(ValueError, match=r"input_dropout must be in \[0, 1\), got 1.0"):
        InputDropoutEnsemble({"a": 4}, 2, input_dropout=1.0)


def test_input_dropout_at_zero_is_the_parent_network():
    torch.manual_seed(0)
    parent = EnsembleFusionNet({"a": 6, "b": 3}, 2, n_members=2)
    torch.manual_seed(0)
    child = InputDropoutEnsemble({"a": 6, "b": 3}, 2, input_dropout=0.0, n_members=2)
    x = {"a": torch.randn(4, 6), "b": torch.randn(4, 3)}
    torch.manual_seed(1)
    out_parent = parent.train()(x)[0]
    torch.manual_seed(1)
    assert torch.equal(child.train()(x)[0], out_parent)


def test_input_dropout_candidate_fits_through_the_estimator():
    name = "CLIMD, input dropout 0.2"
    spec = l4l.resolve_methods([name])[name]
    clf = l4l.build_method(name, spec, {"a": 6, "b": 3}, 0, 40).named_steps["clf"]
    assert clf.module is InputDropoutEnsemble and clf.module_kwargs == {"input_dropout": 0.2}
    rng = np.random.default_rng(0)
    clf.set_params(max_epochs=1, module_kwargs={"input_dropout": 0.2, "n_members": 2})
    clf.fit(rng.normal(size=(40, 9)), np.arange(40) % 3 == 0)
    assert clf.net_.module_.encoders[1][0].p == 0.2
