"""Checks of the shipped fusion nets' constructor arguments and forward inputs.

Private to :mod:`climd_sklearn.modules` and, like it, free of scikit-learn. The constructor
checks raise a TypeError for a wrong type and a ValueError for a wrong value, each naming the
argument and the value. The forward checks run on every training batch, so they read only
shapes, dtypes and keys: nothing that would read a tensor's values (a GPU sync).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import torch

__all__ = ["check_bool", "check_common_args", "check_hidden_dims", "check_inputs", "check_int",
           "check_rate"]


def check_int(value: Any, name: str, minimum: int) -> int:
    """``value`` as an int ``>= minimum``; bool and float are refused."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int >= {minimum}, got {value!r} of type "
                        f"{type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}.")
    return int(value)


def check_rate(value: Any, name: str) -> float:
    """``value`` as a float in ``[0, 1)`` (a dropout probability); bool is refused."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a float in [0, 1), got {value!r} of type "
                        f"{type(value).__name__}.")
    if not (math.isfinite(value) and 0.0 <= value < 1.0):
        raise ValueError(f"{name} must be in [0, 1), got {value!r}"
                         + (" (1 would drop every unit)." if value == 1 else "."))
    return float(value)


def check_bool(value: Any, name: str) -> bool:
    """``value`` if it is a bool; a TypeError naming ``name`` otherwise."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r} of type "
                        f"{type(value).__name__}.")
    return value


def check_hidden_dims(hidden_dims: Any) -> tuple[int, ...]:
    """``hidden_dims`` as a tuple of ints ``>= 1`` (empty: no hidden layer)."""
    if isinstance(hidden_dims, (str, bytes)) or not isinstance(hidden_dims, Sequence):
        raise TypeError(f"hidden_dims must be a tuple or list of ints >= 1 (the hidden layer "
                        f"widths), got {hidden_dims!r} of type {type(hidden_dims).__name__}.")
    return tuple(check_int(width, f"hidden_dims[{i}]", 1) for i, width in enumerate(hidden_dims))


def check_modality_dims(modality_dims: Any) -> dict[str, int]:
    """``modality_dims`` as a non-empty ``{str: int >= 1}`` dict, in its order."""
    if not isinstance(modality_dims, Mapping):
        raise TypeError(f"modality_dims must be a mapping {{modality name: number of "
                        f"features}}, got {modality_dims!r} of type "
                        f"{type(modality_dims).__name__}.")
    if not modality_dims:
        raise ValueError("modality_dims must name at least one modality.")
    checked = {}
    for name, width in modality_dims.items():
        if not isinstance(name, str):
            raise TypeError(f"modality_dims's keys must be str modality names, got {name!r} "
                            f"of type {type(name).__name__}.")
        checked[name] = check_int(width, f"modality_dims[{name!r}]", 1)
    return checked


def check_common_args(
    modality_dims: Any, n_classes: Any, embedding_dim: Any, hidden_dims: Any, dropout: Any,
) -> tuple[dict[str, int], int, int, tuple[int, ...], float]:
    """The fusion nets' shared arguments, checked and normalised, in the order given.

    ``n_classes`` must be at least 2: a classifier of one class has nothing to learn (and
    the estimator refuses such a ``y``).
    """
    return (check_modality_dims(modality_dims), check_int(n_classes, "n_classes", 2),
            check_int(embedding_dim, "embedding_dim", 1), check_hidden_dims(hidden_dims),
            check_rate(dropout, "dropout"))


def _autocast_on(device_type: str) -> bool:
    """Whether autocast is on for ``device_type`` (torch >= 2.4 takes the device type)."""
    try:
        return torch.is_autocast_enabled(device_type)
    except TypeError:  # torch < 2.4
        return (torch.is_autocast_enabled() if device_type == "cuda"
                else torch.is_autocast_cpu_enabled())


def _check_dtype(x: torch.Tensor, name: str, dtype: torch.dtype, owner: str) -> None:
    """``x`` has the parameters' dtype, or another float that autocast will cast."""
    if x.dtype == dtype or (x.is_floating_point() and x.dtype != torch.float64
                            and _autocast_on(x.device.type)):
        return
    hint = f" (or convert the module with .to({x.dtype}))" if x.is_floating_point() else ""
    raise TypeError(f"Modality {name!r}: X[{name!r}] has dtype {x.dtype}, but {owner}'s "
                    f"parameters are {dtype}: pass {dtype} tensors{hint}.")


def check_inputs(
    module: torch.nn.Module, X: Any, present: Any, widths: Mapping[str, int],
    dtype: torch.dtype, n_members: int | None = None,
) -> tuple[int, ...]:
    """Check a forward pass's ``X`` and ``present``; return the batch shape.

    Each modality of ``widths`` must be in ``X`` (and nothing else), a tensor of ``dtype``
    and shape ``(batch, n_features)``, or, for an ensemble of ``n_members`` in training mode,
    ``(n_members, batch, n_features)`` (member-wise batches), the same batch shape for all;
    ``present`` None or a bool tensor of shape ``(*batch shape, n_modalities)``. Cheap: no
    tensor value is read.
    """
    owner = type(module).__name__
    if not isinstance(X, Mapping):
        raise TypeError(f"{owner} takes X as a mapping {{modality name: tensor}}, got "
                        f"{type(X).__name__}.")
    if len(X) != len(widths) or any(name not in X for name in widths):
        missing = [name for name in widths if name not in X]
        extra = [name for name in X if name not in widths]
        raise ValueError(f"X has the modalities {list(X)}, but {owner} was built for "
                         f"{list(widths)}" + (f"; missing: {missing}" if missing else "")
                         + (f"; unknown: {extra}" if extra else "") + ".")
    batch_shape = first = None
    for name, width in widths.items():
        x = X[name]
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"Modality {name!r}: X[{name!r}] must be a torch.Tensor, got "
                            f"{type(x).__name__}.")
        if x.ndim != 2 and not (n_members is not None and module.training and x.ndim == 3
                                and x.shape[0] == n_members):
            expected = "(batch, features)" + (
                "" if n_members is None else " or, in training mode, member-wise batches of "
                f"shape ({n_members}, batch, features)")
            mode = "" if n_members is None else (
                f" in {'training' if module.training else 'evaluation'} mode")
            raise ValueError(f"Modality {name!r}: X[{name!r}] has shape {tuple(x.shape)}{mode}; "
                             f"{owner} expects {expected}.")
        if x.shape[-1] != width:
            raise ValueError(f"Modality {name!r} has {x.shape[-1]} features (X[{name!r}] has "
                             f"shape {tuple(x.shape)}), but {owner} was built for {width} "
                             f"(modality_dims[{name!r}]).")
        if batch_shape is None:
            batch_shape, first = tuple(x.shape[:-1]), name
        elif tuple(x.shape[:-1]) != batch_shape:
            raise ValueError(f"Modality {name!r} has shape {tuple(x.shape)} and modality "
                             f"{first!r} {tuple(X[first].shape)}: every modality must have the "
                             "same batch of rows.")
        _check_dtype(x, name, dtype, owner)
    if present is not None:
        expected = (*batch_shape, len(widths))
        if not isinstance(present, torch.Tensor) or present.dtype != torch.bool:
            got = (f"a tensor of dtype {present.dtype}" if isinstance(present, torch.Tensor)
                   else type(present).__name__)
            raise TypeError(f"present must be a bool tensor of shape {expected} "
                            f"(True where a modality is present), got {got}.")
        if tuple(present.shape) != expected:
            raise ValueError(f"present has shape {tuple(present.shape)}, but {owner} expects "
                             f"{expected}: (batch, n_modalities) for the modalities "
                             f"{list(widths)}.")
    return batch_shape
