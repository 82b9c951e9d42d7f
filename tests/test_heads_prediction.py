"""The per-modality heads mixed into the prediction (``heads_in_prediction``, round 49)."""

import numpy as np
import pytest
import torch
from conftest import FAST, make_multimodal

from climd_sklearn import CLIMDClassifier
from climd_sklearn._validation import PRESENT_KEY, validate_predict_data
from climd_sklearn._variants import VARIANT_PARAMS
from climd_sklearn.benchmark import _like_for_like_methods as methods
from climd_sklearn.benchmark import _preset_records as presets
from climd_sklearn.modules import EarlyFusionNet


def _with_missing_rows():
    X, y = make_multimodal()
    X = {k: v.copy() for k, v in X.items()}
    X["m1"][::4] = np.nan  # every fourth row lacks modality m1
    return X, y


def _by_hand(clf, X):
    """The fused and the per-modality heads' probabilities, straight from the module."""
    X_dict = clf._with_presence(validate_predict_data(clf, X), None)
    n_rows = len(next(iter(X_dict.values())))
    present = torch.as_tensor(X_dict.pop(PRESENT_KEY, np.ones((n_rows, 2), dtype=bool)))
    module = clf.net_.module_.eval()
    with torch.no_grad():
        fused, heads, _ = module({k: torch.as_tensor(v, dtype=torch.float32)
                                  for k, v in X_dict.items()}, present=present)
    proba = [torch.softmax(t.double(), dim=1).numpy() for t in (fused, *heads)]
    return proba[0], proba[1:], present.numpy()


@pytest.mark.parametrize("aux_weight", [1.0, 0.5])
def test_the_mixture_weights_the_heads_as_the_loss_does(aux_weight):
    X, y = _with_missing_rows()
    params = dict(random_state=0, aux_weight=aux_weight, logit_adjustment=0.5, **FAST)
    mixed = CLIMDClassifier(heads_in_prediction=True, **params).fit(X, y)
    fused_only = CLIMDClassifier(heads_in_prediction=False, **params).fit(X, y)
    assert mixed.variant_params_["heads_in_prediction"] is True
    assert fused_only.variant_params_["heads_in_prediction"] is False
    # the fit is the same; only the prediction differs
    for a, b in zip(mixed.net_.module_.parameters(), fused_only.net_.module_.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    p_fused, p_heads, present = _by_hand(mixed, X)
    assert not present.all() and present.any(axis=1).all()
    mean_heads = sum(p * present[:, [m]] for m, p in enumerate(p_heads)) / present.sum(
        1, keepdims=True)
    mixture = (p_fused + aux_weight * mean_heads) / (1 + aux_weight)
    # the post-hoc adjustment shifts the mixture's log probabilities
    shift = -0.5 * np.log(mixed.class_prior_)
    expected = np.exp(np.log(mixture) + shift)
    expected /= expected.sum(1, keepdims=True)
    np.testing.assert_allclose(mixed.predict_proba(X), expected, rtol=1e-5, atol=1e-6)
    fused_expected = np.exp(np.log(p_fused) - 0.5 * np.log(fused_only.class_prior_))
    fused_expected /= fused_expected.sum(1, keepdims=True)
    np.testing.assert_allclose(fused_only.predict_proba(X), fused_expected, rtol=1e-5,
                               atol=1e-6)
    assert not np.allclose(mixed.predict_proba(X), fused_only.predict_proba(X))


def test_the_ensemble_mixes_each_heads_member_average():
    X, y = make_multimodal()
    clf = CLIMDClassifier(random_state=0, heads_in_prediction=True, **FAST).fit(X, y)
    p_fused, p_heads, _ = _by_hand(clf, X)  # evaluation mode: members already averaged
    np.testing.assert_allclose(clf.predict_proba(X), (p_fused + np.mean(p_heads, 0)) / 2,
                               rtol=1e-5, atol=1e-6)


class _Headless(EarlyFusionNet):
    """A module that returns no per-modality heads."""

    def forward(self, X, present=None):
        logits, _, embeddings = super().forward(X, present)
        return logits, (), embeddings


@pytest.mark.parametrize("params, message", [
    ({"aux_weight": 0.0}, "aux_weight=0 leaves them untrained"),
    ({"module": _Headless}, "the module _Headless returns none"),
])
def test_heads_where_they_cannot_act_are_an_error(params, message):
    X, y = make_multimodal()
    with pytest.raises(ValueError, match=message):
        CLIMDClassifier(heads_in_prediction=True, **{**FAST, **params}).fit(X, y)


@pytest.mark.parametrize("params", [{"aux_weight": 0.0}, {"module": _Headless}])
def test_the_variants_heads_act_only_where_they_can(params, monkeypatch):
    monkeypatch.setitem(VARIANT_PARAMS["improved"], "heads_in_prediction", True)
    X, y = make_multimodal()
    fit = CLIMDClassifier(random_state=0, **{**FAST, **params}).fit(X, y)
    assert fit.variant_params_["heads_in_prediction"] is False
    fused_only = CLIMDClassifier(random_state=0, heads_in_prediction=False,
                                 **{**FAST, **params}).fit(X, y)
    np.testing.assert_array_equal(fit.predict_proba(X), fused_only.predict_proba(X))


def test_both_variants_resolve_the_parameter():
    X, y = make_multimodal()
    for variant in ("paper", "improved"):
        clf = CLIMDClassifier(variant=variant, **FAST)
        assert clf._variant_params(len(y))["heads_in_prediction"] is False
    assert CLIMDClassifier(heads_in_prediction=True)._variant_params(10)[
        "heads_in_prediction"] is True


def test_records_from_before_the_parameter_ran_the_fused_head():
    default_preset = presets.variant_params({"kind": "neural", "overrides": {}}, 100)
    old = {k: v for k, v in default_preset.items() if k != "heads_in_prediction"}
    record = {"method": "CLIMD, fused head only", "n_train": 100, "protocol": "full",
              "variant_params": old}
    specs = methods.resolve_methods(["CLIMD, fused head only", "CLIMD, heads in prediction"])
    presets._check_variant_params([record], specs)  # no key: the fused head, as pinned
    with pytest.raises(ValueError, match=r"'heads_in_prediction': \(False, True\)"):
        presets._check_variant_params([{**record, "method": "CLIMD, heads in prediction"}],
                                      specs)
