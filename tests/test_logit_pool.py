"""A pilot after research round 54: the ensemble's members pooled by their mean logits."""

from __future__ import annotations

import numpy as np
import torch

from climd_sklearn._validation import validate_predict_data
from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._logit_pool import LogitMeanEnsemble, log_softmax_of_mean_logits
from climd_sklearn.modules import EnsembleFusionNet

LAYOUT = {"a": 4, "b": 3}


def test_the_pool_is_the_renormalized_geometric_mean_of_the_members_probabilities():
    logits = torch.tensor([[[2.0, 0.0, -1.0]], [[-3.0, 1.0, 0.5]]])
    proba = torch.softmax(logits.double(), dim=-1)[:, 0]
    geometric = (proba[0] * proba[1]).sqrt()
    expected = torch.log(geometric / geometric.sum()).float()
    torch.testing.assert_close(log_softmax_of_mean_logits(logits)[0], expected)
    # a confident member vetoes a class that the mean probability would give the sample
    confident = torch.tensor([[[4.0, 0.0]], [[4.0, 0.0]], [[-9.0, 0.0]]])
    linear = torch.log(torch.softmax(confident, dim=-1).mean(dim=0))
    assert linear.argmax() == 0 and log_softmax_of_mean_logits(confident).argmax() == 1


def test_the_candidate_trains_the_default_s_members_and_pools_their_logits():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [30, 10, 4])
    X = rng.normal(size=(len(y), 7)) + y[:, None]
    fits = {}
    for name in ("CLIMD (default)", "CLIMD, logits averaged"):
        spec = l4l.resolve_methods([name])[name]
        fits[name] = l4l.build_method(name, spec, LAYOUT, 0, len(y), quick=True).fit(X, y)
    default, candidate = (fits[name].named_steps["clf"] for name in fits)
    assert type(default.net_.module_) is EnsembleFusionNet
    assert type(candidate.net_.module_) is LogitMeanEnsemble
    for (key, a), b in zip(default.net_.module_.state_dict().items(),
                           candidate.net_.module_.state_dict().values()):
        assert torch.equal(a, b), key
    pipeline = fits["CLIMD, logits averaged"]
    X_dict = candidate._with_presence(
        validate_predict_data(candidate, pipeline[:-1].transform(X)), None)
    member_logits = candidate.net_.member_step((X_dict, None))[0]
    expected = torch.softmax(member_logits.double().mean(dim=0), dim=-1).numpy()
    np.testing.assert_allclose(fits["CLIMD, logits averaged"].predict_proba(X), expected,
                               rtol=1e-5, atol=1e-6)
    assert not np.allclose(fits["CLIMD (default)"].predict_proba(X), expected, atol=1e-4)
