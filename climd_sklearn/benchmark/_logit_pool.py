"""The ensemble's members pooled by their mean logits (a pilot after research round 54).

:class:`~climd_sklearn.modules.EnsembleFusionNet` predicts with the log of its members' mean
probabilities, a linear opinion pool: a few members that are confident about a class can
carry a sample into it against the others. Averaging the members' logits instead gives the
normalized geometric mean of their probabilities, a logarithmic opinion pool (a product of
experts, Hinton 2002): a member confident against a class can veto it, so a sample reaches a
class only where the members agree. docs/research.md puts the default's gap on mfeat rho 100's
long tail in false positives into the classes with one to four training samples; the pilot
asked whether a few confident members carry them. Training is unchanged: each member still
learns on its own loss, and only the prediction pools them differently. The pilot failed its
rule: the two pools named different classes for 3 of 8,000 mfeat predictions, because the
members make those false positives together (``benchmarks/member_agreement.py``). Benchmark
code only.
"""

from __future__ import annotations

import torch

from ..modules import EnsembleFusionNet

__all__ = ["LogitMeanEnsemble", "log_softmax_of_mean_logits"]


def log_softmax_of_mean_logits(member_logits: torch.Tensor) -> torch.Tensor:
    """``log_softmax(mean_k logits_k)`` over the member axis 0.

    Equal to the log of the members' probabilities multiplied together, each to the power
    ``1 / n_members``, and renormalized. Computed in float64 and cast back, as the linear
    pool is.

    Parameters
    ----------
    member_logits : torch.Tensor of shape (n_members, batch, n_classes)
        Each member's logits.

    Returns
    -------
    log_proba : torch.Tensor of shape (batch, n_classes)
        The pooled log probabilities.
    """
    pooled = torch.log_softmax(member_logits.double().mean(dim=0), dim=-1)
    return pooled.to(member_logits.dtype)


class LogitMeanEnsemble(EnsembleFusionNet):
    """An :class:`~climd_sklearn.modules.EnsembleFusionNet` that pools its members' logits.

    Parameters and training are those of the parent; in evaluation mode (without
    ``members``) the fused and per-modality outputs are :func:`log_softmax_of_mean_logits`
    of the members' instead of the log of their mean probabilities. The embeddings are the
    members' side by side, as in the parent.
    """

    _pool = staticmethod(log_softmax_of_mean_logits)
