"""What a fit resolves ``heads_in_prediction``, ``linear_path`` and ``modality_dropout`` to.

The first two may be True, False, ``"auto"`` (on where the widest modality has more features
than the training set has samples; ``_variants.resolve_variant``) or None (the variant's);
``modality_dropout`` a probability or None. These functions take the fitted values in
``est.variant_params_`` to what the fit can do: an explicit value where it cannot act is an
error, the variant's is switched off there.
"""

from __future__ import annotations

from typing import Any

from ._net_builder import takes_argument

__all__ = ["check_heads", "resolve_heads", "resolve_linear_path", "resolve_modality_dropout"]


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


def resolve_linear_path(est: Any) -> None:
    """``linear_path`` as this fit builds it: one value, for a module that takes it."""
    if _set_by_module_kwargs(est, "linear_path", bool):
        return
    resolved = est.variant_params_["linear_path"]
    module = est.variant_params_["module"]
    if resolved and not takes_argument(module, "linear_path"):
        if est.linear_path:
            raise ValueError(
                f"linear_path={est.linear_path!r} adds a linear path (here), but the "
                f"module {getattr(module, '__name__', module)!r} takes no linear_path "
                "argument. Use EnsembleFusionNet, or linear_path=False.")
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
    elif not takes_argument(module, "modality_dropout"):
        reason = (f"the module {getattr(module, '__name__', module)!r} takes no "
                  "modality_dropout argument. Use EnsembleFusionNet, or modality_dropout=0.")
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
