"""Weight decay proportional to each layer's fan-in (research round 44, a screen).

The default's weight decay ``5 / n`` is one Gaussian prior of the same variance on every
weight. A layer's pre-activation then has a prior variance that grows with its number of
inputs: a 2,200-feature modality's first layer gets a prior 8.6 times vaguer than the hidden
layer's 256 inputs, a 6-feature modality's one 43 times tighter. Scaling the prior's variance
as ``1 / fan_in`` (the scaling every standard initialization uses, and the one under which a
wide network's prior over functions does not depend on its widths; Neal 1996) makes the
decay of a weight matrix ``weight_decay * fan_in / REFERENCE_FAN_IN``. The reference is the
default hidden width, so the hidden layer keeps today's decay; biases keep it too (their
prior does not scale with the inputs). Benchmark code only, until a round keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import torch
from torch.optim import Adam

from .._docstring import Substitution

__all__ = ["GROUPED_ADAM_DOCS", "REFERENCE_FAN_IN", "fan_in_adam", "fan_in_param_groups",
           "linear_pairs",
           "reject_group_options"]

#: The fan-in whose weight matrices keep the given decay: the default ``hidden_dims=(256,)``.
REFERENCE_FAN_IN = 256


def reject_group_options(groups: Iterable[Any], owner: str) -> None:
    """Refuse parameter groups with options of their own, which an optimizer here would drop.

    Parameters
    ----------
    groups : iterable
        Parameter groups (mappings) or tensors; tensors carry no options.
    owner : str
        Who sets the options instead, the start of the error message.

    Raises
    ------
    ValueError
        If a group has a key other than ``"params"``.
    """
    options = sorted({key for group in groups if isinstance(group, Mapping)
                      for key in group if key != "params"})
    if options:
        raise ValueError(f"{owner}; parameter groups with their own options ({options}) are "
                         "not supported.")


def linear_pairs(
    groups: Iterable[Mapping[str, Any]], owner: str,
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Pair the tensors of parameter groups as member-wise linear maps' weights and biases.

    Parameters
    ----------
    groups : iterable of mapping
        skorch's parameter groups (``{"params": [...]}``, no other options), each tensor in
        registration order: an :class:`~climd_sklearn.modules.EnsembleFusionNet`'s
        member-wise linear maps, a ``(n_members, fan_in, fan_out)`` weight followed by its
        ``(n_members, 1, fan_out)`` bias.
    owner : str
        Who sets each tensor's options, the start of the error for a group with its own.

    Returns
    -------
    pairs : list of (weight, bias)
        In registration order.

    Raises
    ------
    ValueError
        If a group has options of its own, or the tensors are not such pairs.
    """
    groups = list(groups)
    reject_group_options(groups, owner)
    tensors = [p for group in groups for p in group["params"]]
    if len(tensors) % 2:
        raise ValueError(f"Expected (weight, bias) pairs of member-wise linear maps, got "
                         f"{len(tensors)} tensors.")
    pairs = list(zip(tensors[::2], tensors[1::2]))
    for weight, bias in pairs:
        if (weight.ndim != 3 or bias.ndim != 3 or bias.shape[1] != 1
                or bias.shape[::2] != weight.shape[::2]):
            raise ValueError(
                "Expected a (n_members, fan_in, fan_out) weight followed by its "
                f"(n_members, 1, fan_out) bias, got {tuple(weight.shape)} and "
                f"{tuple(bias.shape)}.")
    return pairs


def fan_in_param_groups(
    groups: Iterable[Mapping[str, Any]], weight_decay: float,
    reference: int = REFERENCE_FAN_IN,
) -> list[dict[str, Any]]:
    """Split parameter groups into one group per tensor with its fan-in-scaled decay.

    Parameters
    ----------
    groups : iterable of mapping
        skorch's parameter groups, as :func:`linear_pairs` takes them.
    weight_decay : float
        The decay of a weight matrix with ``reference`` inputs, and of every bias.
    reference : int, default=REFERENCE_FAN_IN
        The fan-in that keeps ``weight_decay``.

    Returns
    -------
    groups : list of dict
        ``{"params": [tensor], "weight_decay": ...}`` for every tensor, in order.
    """
    out: list[dict[str, Any]] = []
    for weight, bias in linear_pairs(groups, "fan_in_param_groups sets each tensor's own "
                                             "group"):
        out.append({"params": [weight],
                    "weight_decay": weight_decay * weight.shape[1] / reference})
        out.append({"params": [bias], "weight_decay": weight_decay})
    return out


#: The parameters an Adam factory of per-tensor groups shares up to ``weight_decay``, and
#: those after it (:class:`~climd_sklearn._docstring.Substitution` fields ``head``, ``tail``).
GROUPED_ADAM_DOCS = {
    "head": """Parameters
    ----------
    groups : iterable of mapping
        skorch's parameter groups.
    lr : float, default=1e-3
        Learning rate.""",
    "tail": """**kwargs
        Passed to :class:`torch.optim.Adam`.

    Returns
    -------
    optimizer : torch.optim.Adam""",
}


@Substitution(**GROUPED_ADAM_DOCS)
def fan_in_adam(
    groups: Iterable[Mapping[str, Any]], lr: float = 1e-3, weight_decay: float = 0.0,
    **kwargs: Any,
) -> torch.optim.Optimizer:
    """:class:`torch.optim.Adam` with :func:`fan_in_param_groups`' decays.

    Passed as ``CLIMDClassifier(optimizer=fan_in_adam)``: skorch calls it with the module's
    parameter groups and the estimator's ``lr`` and resolved ``weight_decay``.

    {head}
    weight_decay : float, default=0.0
        See :func:`fan_in_param_groups`.
    {tail}
    """
    return Adam(fan_in_param_groups(groups, weight_decay), lr=lr, **kwargs)
