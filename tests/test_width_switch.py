"""``linear_path`` and ``heads_in_prediction`` switched on by width (``"auto"``, round 50)."""

import numpy as np
import pytest
import torch
from conftest import FAST, make_multimodal
from sklearn.utils._param_validation import InvalidParameterError

from climd_sklearn import CLIMDClassifier
from climd_sklearn._variants import VARIANT_PARAMS, WIDTH_SWITCHED, resolve_variant
from climd_sklearn.benchmark import _like_for_like_methods as methods
from climd_sklearn.benchmark import _preset_records as presets
from climd_sklearn.modules import EarlyFusionNet

N_SAMPLES = 63  # make_multimodal's default: 40 + 15 + 8 rows


@pytest.mark.parametrize("widest, wide", [(N_SAMPLES - 1, False), (N_SAMPLES, False),
                                          (N_SAMPLES + 1, True)])
def test_auto_is_on_only_where_the_widest_modality_outnumbers_the_samples(widest, wide):
    explicit = {"linear_path": "auto", "heads_in_prediction": "auto"}
    params = resolve_variant("improved", explicit, N_SAMPLES, widths=[3, widest, 5])
    assert params["linear_path"] is wide and params["heads_in_prediction"] is wide
    # before the data are seen the preset keeps "auto" (what the benchmark records store)
    unseen = resolve_variant("improved", explicit, N_SAMPLES)
    assert unseen["linear_path"] == "auto" == unseen["heads_in_prediction"]
    # an explicit bool is never switched
    fixed = resolve_variant("improved", {"linear_path": True}, N_SAMPLES, widths=[1])
    assert fixed["linear_path"] is True and fixed["heads_in_prediction"] is False


@pytest.mark.parametrize("widths, wide", [((N_SAMPLES + 1, 4), True), ((6, 4), False)])
def test_the_fit_builds_what_auto_resolves_to(widths, wide):
    X, y = make_multimodal(widths=widths)
    clf = CLIMDClassifier(linear_path="auto", heads_in_prediction="auto", random_state=0,
                          **FAST).fit(X, y)
    assert clf.variant_params_["linear_path"] is wide
    assert clf.variant_params_["heads_in_prediction"] is wide
    linear = clf.net_.module_.linear
    assert (linear is not None) is wide
    if wide:  # one map per member from every input column to the classes
        assert tuple(linear.weight.shape) == (10, sum(widths), 3)
    # the same fit as the explicit values it resolved to, down to the last bit
    same = CLIMDClassifier(linear_path=wide, heads_in_prediction=wide, random_state=0,
                           **FAST).fit(X, y)
    for a, b in zip(clf.net_.module_.parameters(), same.net_.module_.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    np.testing.assert_array_equal(clf.predict_proba(X), same.predict_proba(X))


def test_a_module_without_a_linear_path():
    X, y = make_multimodal(widths=(N_SAMPLES + 1, 4))
    for value in (True, "auto"):
        with pytest.raises(ValueError, match=(
                rf"linear_path={value!r} adds a linear path \(here\), but the module "
                "'EarlyFusionNet' names no linear_path argument")):
            CLIMDClassifier(module=EarlyFusionNet, linear_path=value, **FAST).fit(X, y)


def test_the_variants_switch_stays_off_where_the_module_has_no_linear_path(monkeypatch):
    monkeypatch.setitem(VARIANT_PARAMS["improved"], "linear_path", "auto")
    X, y = make_multimodal(widths=(N_SAMPLES + 1, 4))
    clf = CLIMDClassifier(module=EarlyFusionNet, random_state=0, **FAST).fit(X, y)
    assert clf.variant_params_["linear_path"] is False
    # where the module has one, the variant's "auto" switches it on
    clf = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    assert clf.variant_params_["linear_path"] is True and clf.net_.module_.linear is not None


def test_linear_path_set_twice():
    X, y = make_multimodal()
    with pytest.raises(ValueError, match=r"linear_path='auto' resolves to False for these "
                       r"data, but module_kwargs sets linear_path=True\. Set it in one place"):
        CLIMDClassifier(linear_path="auto", module_kwargs={"linear_path": True},
                        **FAST).fit(X, y)
    # the same value twice is no conflict; module_kwargs alone is what the fit records
    clf = CLIMDClassifier(linear_path=True, module_kwargs={"linear_path": True},
                          **FAST).fit(X, y)
    assert clf.variant_params_["linear_path"] is True
    clf = CLIMDClassifier(module_kwargs={"linear_path": True}, **FAST).fit(X, y)
    assert clf.variant_params_["linear_path"] is True and clf.net_.module_.linear is not None


def test_auto_heads_where_they_cannot_act_are_an_error():
    X, y = make_multimodal(widths=(N_SAMPLES + 1, 4))
    with pytest.raises(ValueError, match="heads_in_prediction='auto' mixes the per-modality "
                       r"heads into the prediction \(here\), but aux_weight=0"):
        CLIMDClassifier(heads_in_prediction="auto", aux_weight=0.0, **FAST).fit(X, y)


@pytest.mark.parametrize("name", WIDTH_SWITCHED)
def test_other_strings_are_refused(name):
    X, y = make_multimodal()
    with pytest.raises(InvalidParameterError, match=name):
        CLIMDClassifier(**{name: "wide"}, **FAST).fit(X, y)


def test_records_from_before_the_linear_path_key_ran_without_it():
    default_preset = presets.variant_params({"kind": "neural", "overrides": {}}, 100)
    old = {k: v for k, v in default_preset.items() if k != "linear_path"}
    record = {"method": "CLIMD, no width switch", "n_train": 100, "protocol": "full",
              "variant_params": old}
    names = ["CLIMD, no width switch", "CLIMD, linear path and heads where p > n"]
    specs = methods.resolve_methods(names)
    presets._check_variant_params([record], specs)  # no key: no linear path, as pinned
    with pytest.raises(ValueError, match=r"'linear_path': \(False, 'auto'\)"):
        presets._check_variant_params([{**record, "method": names[1]}], specs)
