"""Shared docstring texts: the Substitution decorator's contract and where its texts end up.

A text shared through :class:`climd_sklearn._docstring.Substitution` must appear exactly once
in every docstring that asks for it, and no ``{field}`` may be left unfilled in the docstring
of anything the package defines.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import climd_sklearn
from climd_sklearn import CLIMDClassifier, curriculum, estimator, losses, modules
from climd_sklearn._docstring import Substitution, join_blocks
from climd_sklearn.curriculum import _docstrings as curriculum_docs

# ------------------------------------------------------------------------------------------
# the decorator
# ------------------------------------------------------------------------------------------


def test_substitution_fills_fields_and_keeps_the_texts_verbatim():
    @Substitution(what="a {dict} text", where="here")
    def f() -> None:
        """Put {what} {where}, {{literal}}."""

    assert f.__doc__ == "Put a {dict} text here, {literal}."


def test_substitution_raises_on_a_field_without_a_text():
    with pytest.raises(KeyError, match=r"fields without a text: \['where'\]"):

        @Substitution(what="x")
        def f() -> None:
            """{what} {where}"""


def test_substitution_raises_on_a_text_without_a_field():
    with pytest.raises(ValueError, match=r"no field for the texts \['unused'\]"):

        @Substitution(what="x", unused="y")
        def f() -> None:
            """{what}"""


def test_substitution_takes_keyword_texts_only():
    with pytest.raises(TypeError):
        Substitution("x")
    with pytest.raises(TypeError):
        Substitution("x", what="y")


def test_substitution_leaves_an_object_without_docstring_alone():
    class NoDoc:
        pass

    assert Substitution(what="x")(NoDoc) is NoDoc and NoDoc.__doc__ is None


def test_join_blocks_drops_trailing_white_space():
    assert join_blocks("a  \n", "    b\n    c   ", "d") == "a\n    b\n    c\nd"


# ------------------------------------------------------------------------------------------
# where the shared texts end up
# ------------------------------------------------------------------------------------------

_FUSION_FORWARD_HEAD, _FUSION_FORWARD_TAIL = modules._FORWARD_SECTIONS.split("{absent}")
_PACING_SCHEDULERS = [
    curriculum.LinearScheduler, curriculum.RootScheduler, curriculum.GeometricScheduler]
_BUCKET_SCHEDULERS = [curriculum.BabyStepScheduler, curriculum.OnePassScheduler]

#: ``(shared text, the objects whose docstring must hold it exactly once)``.
SHARED = {
    "modules protocol": (modules._PROTOCOL_PARAMETERS, [
        modules.EarlyFusionNet, modules.LateFusionNet, modules.EnsembleFusionNet]),
    "modules hidden_dims": (modules._HIDDEN_DIMS, [
        modules.EarlyFusionNet, modules.LateFusionNet]),
    "modules dropout": (modules._DROPOUT, [
        modules.EarlyFusionNet, modules.LateFusionNet, modules.EnsembleFusionNet]),
    "modules forward head": (_FUSION_FORWARD_HEAD, [
        modules.EarlyFusionNet.forward, modules.LateFusionNet.forward]),
    "modules forward tail": (_FUSION_FORWARD_TAIL, [
        modules.EarlyFusionNet.forward, modules.LateFusionNet.forward]),
    "losses forward": (losses._FORWARD_SECTIONS, [
        losses.FocalLoss.forward, losses.BalancedSoftmaxLoss.forward]),
    "estimator predict": (estimator._PREDICT_PARAMETERS, [
        CLIMDClassifier.predict, CLIMDClassifier.predict_proba,
        CLIMDClassifier.predict_log_proba]),
    "curriculum n_epochs": (curriculum_docs.N_EPOCHS, [
        curriculum.BaseScheduler, curriculum.CLIMDScheduler, *_PACING_SCHEDULERS,
        *_BUCKET_SCHEDULERS]),
    "curriculum pacing parameters": (curriculum_docs.PACING_SCHEDULER_PARAMETERS,
                                     _PACING_SCHEDULERS),
    "curriculum pacing sections": (curriculum_docs.PACING_FUNCTION_SECTIONS, [
        curriculum.linear_pacing, curriculum.root_pacing, curriculum.geometric_pacing]),
    "curriculum bucket parameters": (curriculum_docs.BUCKET_SCHEDULER_PARAMETERS,
                                     _BUCKET_SCHEDULERS),
    "curriculum bucket stages": (curriculum_docs.BUCKET_STAGES, _BUCKET_SCHEDULERS),
}


@pytest.mark.parametrize("key", sorted(SHARED))
def test_each_shared_text_stands_once_in_each_docstring_that_uses_it(key):
    text, users = SHARED[key]
    assert text.strip()
    for obj in users:
        assert obj.__doc__.count(text) == 1, f"{key} in {obj.__qualname__}"


def test_fusion_nets_keep_their_own_note_on_absent_modalities():
    early, late = modules.EarlyFusionNet.forward.__doc__, modules.LateFusionNet.forward.__doc__
    assert "present. Absent embeddings are zero and the\n" in early
    assert "present; the mixing weights are renormalised over the\n" in late
    assert "mixing weights" not in early and "rescaled" not in late


def test_fusion_nets_keep_the_protocol_constructor():
    expected = ["modality_dims", "n_classes", "embedding_dim", "hidden_dims", "dropout"]
    defaults = {"embedding_dim": 128, "hidden_dims": (256,), "dropout": 0.25}
    for cls in (modules.EarlyFusionNet, modules.LateFusionNet, modules.EnsembleFusionNet):
        params = inspect.signature(cls).parameters
        assert list(params)[:5] == expected, cls.__name__
        assert {k: params[k].default for k in defaults} == defaults, cls.__name__


# ------------------------------------------------------------------------------------------
# nothing left unfilled
# ------------------------------------------------------------------------------------------

# A ``{name}`` field, but not one quoted in ``...`` (the docs of the mechanism itself) nor a
# LaTeX subscript such as ``n_{max}``; and imbalanced-learn's older ``%(name)s`` placeholders.
_FIELD = re.compile(r"(?<![_\\`])\{[A-Za-z_]\w*\}(?!`)|%\([A-Za-z_]\w*\)[sdr]")


def _documented_objects() -> dict[str, object]:
    """Every class, function, method and property that a module of the package defines."""
    found: dict[str, object] = {}
    names = [m.name for m in pkgutil.walk_packages(climd_sklearn.__path__, "climd_sklearn.")]
    for module_name in ["climd_sklearn", *names]:
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if getattr(obj, "__module__", None) != module_name:
                continue
            if inspect.isclass(obj) or inspect.isfunction(obj):
                found[f"{module_name}.{name}"] = obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    member = getattr(member, "__func__", member)
                    if inspect.isfunction(member) or isinstance(member, property):
                        found[f"{module_name}.{name}.{attr}"] = member
    return found


DOCUMENTED = _documented_objects()


def test_the_field_pattern_finds_a_forgotten_field():
    assert _FIELD.search("Parameters\n    ----------\n    {parameters}\n")
    assert _FIELD.search("present{absent}") and _FIELD.search("%(random_state)s")
    assert not _FIELD.search("``{name: n_features}`` and n_{max} and ``{name}``")


def test_no_docstring_keeps_an_unfilled_field():
    assert any(name.endswith("EarlyFusionNet") for name in DOCUMENTED)
    left = {
        name: _FIELD.findall(obj.__doc__)
        for name, obj in DOCUMENTED.items()
        if obj.__doc__ and _FIELD.search(obj.__doc__)
    }
    assert not left
