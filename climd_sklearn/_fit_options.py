"""What a fit resolves ``heads_in_prediction``, ``linear_path`` and ``modality_dropout`` to.

The first two may be True, False, ``"auto"`` (on where the widest modality has more features
than the training set has samples; ``_variants.resolve_variant``) or None (the variant's);
``modality_dropout`` a probability or None. These functions take the fitted values in
``est.variant_params_`` to what the fit can do: an explicit value where it cannot act is an
error, the variant's is switched off there.
"""

from __future__ import annotations

from typing import Any

from ._module_signature import names_argument

__all__ = [
    "FIT_OPTION_PARAMETERS",
    "check_heads",
    "resolve_heads",
    "resolve_linear_path",
    "resolve_modality_dropout",
]

#: The docs of the three parameters of :class:`~climd_sklearn.CLIMDClassifier` resolved here,
#: filled into its docstring (``{fit_options}``; see :mod:`climd_sklearn._docstring`).
FIT_OPTION_PARAMETERS = """heads_in_prediction : bool, "auto" or None, default=None
        ``predict_proba`` mixes the per-modality heads' probabilities with the fused
        head's, weighted as the training loss weights them: ``(p_fused + aux_weight *
        mean_m p_m) / (1 + aux_weight)``, the mean over the modalities present in each row
        (each member's heads averaged as its fused head is). False predicts with the fused
        head alone, as the paper does. It acts where the heads are trained
        (``aux_weight > 0``) and the module returns them; there None takes the variant's
        (both False) and elsewhere False, and an explicit True where it cannot act is an
        error. ``"auto"``: True where the widest modality has more features than the
        training set has samples, False elsewhere (``docs/research.md``, round 49: the heads
        gained up to 2.7 points on 2,200-feature modalities and tied elsewhere; round 50:
        with ``linear_path="auto"`` beside them, 12.9).
        ``logit_adjustment`` shifts the mixture's log probabilities.
    linear_path : bool, "auto" or None, default=None
        Give the module a linear map from all the (standardized) inputs to the classes,
        added to its fused logits (``module_kwargs={"linear_path": True}`` of
        :class:`~climd_sklearn.modules.EnsembleFusionNet`): a balanced linear model trained
        inside the network, the model that wins where features far outnumber patients
        (``docs/research.md``, rounds 22-23). ``"auto"``: True where the widest modality has
        more features than the training set has samples (round 35), False elsewhere. With
        ``heads_in_prediction="auto"`` (round 50) it gained 12.9 and 6.2 macro-F1 points on
        2,200-feature modalities' untouched folds and lost 4.0 on ROSMAP IR 10's folds that
        keep the training ratio, whose 200-feature modalities are only a little wider than
        its 150 training samples; so it is not the default. None takes the variant's (both
        False). An explicit True, or an ``"auto"`` that resolves
        to True, with a module whose signature names no ``linear_path`` (a bare
        ``**kwargs`` does not count: it might ignore it) is an error; so is a
        ``linear_path`` in ``module_kwargs`` that differs from an explicit value here.
    modality_dropout : float or None, default=None
        In training, each modality's embedding is dropped from the fused classifier's input
        with this probability, per sample and ensemble member, keeping at least one
        (ModDrop, Neverova et al. 2016; ``modality_dropout`` of
        :class:`~climd_sklearn.modules.EnsembleFusionNet`); the per-modality heads still
        see every modality, and prediction fuses all of them. None takes the variant's
        (0.0 in both: ``docs/research.md`` round 53; 0.4 was the improved variant's in
        rounds 51-52, and it helped where modalities carry many noise features, and on
        most data sets whose patients miss modalities: ``docs/research.md``, the
        missing-modality table and the screen after it), which
        resolves to 0 where no modality
        can be dropped (one modality, or a module whose signature names no
        ``modality_dropout``; a bare ``**kwargs`` does not count, since it might ignore
        it). An explicit value above 0 there is an error; so is a
        ``modality_dropout`` in ``module_kwargs`` that differs from an explicit value
        here."""


def resolve_heads(est: Any) -> None:
    """``heads_in_prediction`` where it can act: heads trained by ``aux_weight > 0``."""
    if est.variant_params_["heads_in_prediction"] and not est.aux_weight:
        if est.heads_in_prediction:
            raise ValueError(
                f"heads_in_prediction={est.heads_in_prediction!r} mixes the per-modality "
                "heads into the prediction (here), but aux_weight=0 leaves them untrained. "
                "Set aux_weight > 0, or heads_in_prediction=False.")
        est.variant_params_["heads_in_prediction"] = False  # what this fit does


def _set_by_module_kwargs(est: Any, name: str, convert: Any) -> bool:
    """Whether ``module_kwargs`` sets the module argument ``name``; if so, record its value.

    ``module_kwargs`` builds the module, so the fit records what it says; an explicit
    estimator parameter that resolves to another value is an error.
    """
    given = (est.module_kwargs or {}).get(name)
    if given is None:
        return False
    explicit, resolved = getattr(est, name), est.variant_params_[name]
    if explicit is not None and given != resolved:
        raise ValueError(
            f"{name}={explicit!r} resolves to {resolved} for these data, but module_kwargs "
            f"sets {name}={given!r}. Set it in one place.")
    est.variant_params_[name] = convert(given)
    return True


#: Told where a module must name a lever: ``**kwargs`` would take it and might ignore it.
_KWARGS_HINT = (" (a bare **kwargs is not enough: a module that implements {name} names it, "
                "or gets it through module_kwargs).")


def resolve_linear_path(est: Any) -> None:
    """``linear_path`` as this fit builds it: one value, for a module that takes it."""
    if _set_by_module_kwargs(est, "linear_path", bool):
        return
    resolved = est.variant_params_["linear_path"]
    module = est.variant_params_["module"]
    if resolved and not names_argument(module, "linear_path"):
        if est.linear_path:
            raise ValueError(
                f"linear_path={est.linear_path!r} adds a linear path (here), but the "
                f"module {getattr(module, '__name__', module)!r} names no linear_path "
                f"argument{_KWARGS_HINT.format(name='linear_path')} Use EnsembleFusionNet, "
                "or linear_path=False.")
        est.variant_params_["linear_path"] = False  # what this fit does


def resolve_modality_dropout(est: Any) -> None:
    """``modality_dropout`` as this fit trains it: one value, where modalities can be dropped."""
    if _set_by_module_kwargs(est, "modality_dropout", float):
        return
    if not est.variant_params_["modality_dropout"]:
        return
    module = est.variant_params_["module"]
    if len(est.modality_widths_) < 2:
        reason = (f"X has one modality ({next(iter(est.modality_widths_))!r}), so none can "
                  "be dropped. Set modality_dropout=0.")
    elif not names_argument(module, "modality_dropout"):
        reason = (f"the module {getattr(module, '__name__', module)!r} names no "
                  f"modality_dropout argument{_KWARGS_HINT.format(name='modality_dropout')} "
                  "Use EnsembleFusionNet, or modality_dropout=0.")
    else:
        return
    if est.modality_dropout:
        raise ValueError(
            f"modality_dropout={est.modality_dropout!r} drops modalities from the fused "
            f"input in training, but {reason}")
    est.variant_params_["modality_dropout"] = 0.0  # what this fit does


def check_heads(est: Any, X_dict: dict) -> None:
    """With ``heads_in_prediction``, check on one row that the module returns heads."""
    if not est.variant_params_["heads_in_prediction"]:
        return
    first_row = {name: values[:1] for name, values in X_dict.items()}
    if not est.net_._evaluation_outputs(first_row, with_heads=True)[1]:
        if est.heads_in_prediction:
            raise ValueError(
                f"heads_in_prediction={est.heads_in_prediction!r} mixes the per-modality "
                "heads into the prediction (here), but the module "
                f"{type(est.net_.module_).__name__} returns none. Use a module with heads, "
                "or heads_in_prediction=False.")
        est.variant_params_["heads_in_prediction"] = False
