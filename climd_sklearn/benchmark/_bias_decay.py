"""Weight decay on the weights only, the biases exempt (a pilot after round 57).

The default's ``weight_decay = 5 / n`` reaches every parameter through Adam's coupled L2,
biases included. An L2 penalty is a zero-mean Gaussian prior that limits how steeply the
function can vary with its inputs; a bias only shifts a unit's pre-activation, so it adds
no such capacity, and textbooks leave it unpenalized ("we typically penalize only the
weights of the affine transformation at each layer and leave the biases unregularized",
Goodfellow, Bengio & Courville 2016, section 7.1). The output biases set the class offsets
of the balanced softmax's decision; decaying them pulls those offsets toward zero. Research
round 11 exempted the biases on the one-network default of that time (five splits, level).
Benchmark code only, until a round keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import torch
from torch.optim import Adam

from .._docstring import Substitution
from ._fan_in_decay import GROUPED_ADAM_DOCS, linear_pairs

__all__ = ["free_bias_adam", "free_bias_param_groups"]


def free_bias_param_groups(
    groups: Iterable[Mapping[str, Any]], weight_decay: float,
) -> list[dict[str, Any]]:
    """Split parameter groups into the weights, decayed, and the biases, not decayed.

    Parameters
    ----------
    groups : iterable of mapping
        skorch's parameter groups, as
        :func:`~climd_sklearn.benchmark._fan_in_decay.linear_pairs` takes them.
    weight_decay : float
        The decay of every weight matrix.

    Returns
    -------
    groups : list of dict
        ``{"params": weights, "weight_decay": weight_decay}`` and ``{"params": biases,
        "weight_decay": 0.0}``, each in registration order.
    """
    pairs = linear_pairs(groups, "free_bias_param_groups sets the weights' and the biases' "
                                 "groups")
    return [{"params": [weight for weight, _ in pairs], "weight_decay": weight_decay},
            {"params": [bias for _, bias in pairs], "weight_decay": 0.0}]


@Substitution(**GROUPED_ADAM_DOCS)
def free_bias_adam(
    groups: Iterable[Mapping[str, Any]], lr: float = 1e-3, weight_decay: float = 0.0,
    **kwargs: Any,
) -> torch.optim.Optimizer:
    """:class:`torch.optim.Adam` with the decay on the weights only.

    Passed as ``CLIMDClassifier(optimizer=free_bias_adam)``: skorch calls it with the
    module's parameter groups and the estimator's ``lr`` and resolved ``weight_decay``.

    {head}
    weight_decay : float, default=0.0
        The weights' decay; the biases get none (:func:`free_bias_param_groups`).
    {tail}
    """
    return Adam(free_bias_param_groups(groups, weight_decay), lr=lr, **kwargs)
