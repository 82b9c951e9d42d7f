"""A hidden layer in each member's fusion head (a pilot after research round 58).

The paper's early fusion, which :class:`~climd_sklearn.modules.EnsembleFusionNet` keeps in
every member, puts one linear classifier on the concatenated modality embeddings. Its
logits are therefore a sum of one term per modality, ``sum_m W_m e_m(x_m)``: each encoder is
free to be as nonlinear as it likes in its own modality, but no modality can change how
another one's evidence is read. Gradient boosting, random forests and an MLP on the
concatenated features (the anchors that lead the Knight ADRC table, where a genotype sits
in one modality and the CSF markers it modulates in another) all model such interactions.
:class:`HiddenFusionEnsemble` replaces each member's linear classifier by a one-hidden-layer
MLP on the same concatenation (``Linear, ReLU, Dropout, Linear``), so the fused logits can
depend on products of modalities. The per-modality heads, the encoders and the linear path
are the parent's. Benchmark code only: the pilot lost 0.97 points on average and changed
nothing on the Knight ADRC cohort (docs/research.md), so the paper's linear fusion stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from torch import nn

from .._docstring import Substitution
from ..modules import _PROTOCOL_PARAMETERS, EnsembleFusionNet, _MemberLinear

__all__ = ["HiddenFusionEnsemble"]


@Substitution(protocol=_PROTOCOL_PARAMETERS)
class HiddenFusionEnsemble(EnsembleFusionNet):
    """An :class:`~climd_sklearn.modules.EnsembleFusionNet` whose fusion head has a hidden layer.

    Parameters
    ----------
    {protocol}
    fusion_hidden : int or None, default=None
        Width of the fusion head's hidden layer, per member; None takes the embedding size
        (``embedding_dim``), so that the head maps the modalities' embeddings to one joint
        embedding of the same size before the classifier.
    **kwargs
        The parent's other parameters.
    """

    def __init__(self, modality_dims: Mapping[str, int], n_classes: int,
                 fusion_hidden: int | None = None, **kwargs: Any) -> None:
        super().__init__(modality_dims, n_classes, **kwargs)
        n_members, fused_width, _ = self.classifier.weight.shape
        hidden = fused_width // len(self.modality_names) if fusion_hidden is None else fusion_hidden
        if isinstance(hidden, bool) or not isinstance(hidden, int) or hidden < 1:
            raise ValueError(f"fusion_hidden must be an int >= 1 or None, got {fusion_hidden!r}.")
        self.fusion_hidden = hidden
        self.classifier = nn.Sequential(
            _MemberLinear(n_members, fused_width, hidden), nn.ReLU(), nn.Dropout(self.dropout.p),
            _MemberLinear(n_members, hidden, n_classes),
        )
