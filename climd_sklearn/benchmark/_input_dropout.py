"""Dropout on each modality's input features (the fourth pilot after research round 55).

:class:`~climd_sklearn.modules.EnsembleFusionNet` drops hidden units (``dropout``) but
feeds every input feature to every step. Srivastava et al. (2014) drop input units too,
with a retention of 0.8 for real-valued inputs against 0.5 for hidden units, and Wager,
Wang & Liang (2013) showed that input dropout in a generalized linear model is, to first
order, an L2 penalty on the weights scaled by an estimate of each feature's Fisher
information: the adaptive ridge that a balanced linear model, the anchor on wide data,
uses in its plain form. Dropping inputs also keeps a member from resting its fit on a few
features that happen to separate the training labels, the failure of the screening pilot.
:class:`InputDropoutEnsemble` puts an ``nn.Dropout`` in front of each modality's encoder;
every member draws its own mask. The per-modality heads read the encoders' embeddings, so
they see the dropped inputs too; the linear path, if on, reads the inputs undropped.
Benchmark code only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from torch import nn

from .._docstring import Substitution
from ..modules import _PROTOCOL_PARAMETERS, EnsembleFusionNet

__all__ = ["InputDropoutEnsemble"]


@Substitution(protocol=_PROTOCOL_PARAMETERS)
class InputDropoutEnsemble(EnsembleFusionNet):
    """An :class:`~climd_sklearn.modules.EnsembleFusionNet` that also drops input features.

    Parameters
    ----------
    {protocol}
    input_dropout : float, default=0.2
        Probability of dropping each input feature in training, per sample and member
        (Srivastava et al. 2014's 0.2 for real-valued inputs).
    **kwargs
        The parent's other parameters.
    """

    def __init__(self, modality_dims: Mapping[str, int], n_classes: int,
                 input_dropout: float = 0.2, **kwargs: Any) -> None:
        super().__init__(modality_dims, n_classes, **kwargs)
        if not 0.0 <= input_dropout < 1.0:
            raise ValueError(f"input_dropout must be in [0, 1), got {input_dropout!r}.")
        self.input_dropout = float(input_dropout)
        for m, encoder in enumerate(self.encoders):
            self.encoders[m] = nn.Sequential(nn.Dropout(self.input_dropout), *encoder)
