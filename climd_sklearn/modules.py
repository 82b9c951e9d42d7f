"""Torch fusion networks that expose what CLIMD's measurer needs.

Module protocol
---------------
Any :class:`torch.nn.Module` can be trained by :class:`~climd_sklearn.CLIMDClassifier`
if it follows this small protocol:

* ``__init__`` takes ``modality_dims`` (an ordered ``{name: n_features}`` mapping) and
  ``n_classes``; it may also take ``embedding_dim``, ``hidden_dims`` and ``dropout``, which
  the estimator passes when the signature accepts them, and anything given in the
  estimator's ``module_kwargs``.
* ``forward(X)`` takes one ``{name: float tensor of shape (batch, n_features)}`` dict and
  returns the plain tuple ``(logits, modality_logits, embeddings)``: the fused logits of
  shape ``(batch, n_classes)``, a tuple with each modality's logits ``(batch, n_classes)``
  and a tuple with each modality's embedding ``(batch, d)``, both in the order of
  ``modality_dims``. The per-modality logits give Eq. 1's ``p^(m)`` and are trained with
  the auxiliary loss; the embeddings give Eq. 2's cosine similarities.

Ensembles: in training mode a module may return every output with a leading member axis,
``(n_members, batch, ...)``; each member is then trained on its own loss (the loss is the
sum of the members' losses, so each member's gradient, and hence the balance between its data
term and the weight decay, is that of the same net trained alone). In evaluation mode it
returns the ensemble as above: the log of the members' mean probabilities as logits (fused
and per modality) and each modality's embeddings of all members side by side, unless it is
called with ``members=True``, which returns the members' outputs in evaluation mode too (so
that each member can be scored by its own heads and embeddings).
:class:`EnsembleFusionNet` does this.

A plain tuple is required (not a ``NamedTuple``) because skorch moves outputs between
devices by rebuilding tuples from iterables.

Missing modalities: when some samples lack a modality, the estimator calls
``forward(X, present=mask)`` with a boolean ``(batch, n_modalities)`` mask (True = present)
and zeros in the absent rows of ``X``. A module that should support missing modalities
accepts that keyword; the shipped nets fuse only the present modalities. The per-modality
logits and embeddings of absent rows are ignored by the loss and the measurer. Every row needs
at least one present modality: the estimator refuses a sample with none, and the shipped nets
do not check it (that would read the mask's values, a GPU sync on every batch): such a row
gets the fused logits of no input (NaN from :class:`LateFusionNet`).

The shipped nets check their constructor arguments, and in ``forward`` the keys, shapes and
dtypes of ``X`` and ``present`` (not their values), with errors naming the argument or the
modality at fault.

This module knows nothing of scikit-learn or skorch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import torch
from torch import nn

from ._docstring import Substitution
from ._module_checks import (
    check_bool,
    check_common_args,
    check_hidden_dims,
    check_inputs,
    check_int,
    check_rate,
)

__all__ = ["EarlyFusionNet", "EnsembleFusionNet", "LateFusionNet", "MLPEncoder"]

ModuleOutput = tuple[torch.Tensor, tuple[torch.Tensor, ...], tuple[torch.Tensor, ...]]

# Docstring texts shared by the fusion nets (see climd_sklearn._docstring): parameters of their
# classes, then the sections of the early- and late-fusion nets' ``forward``, whose ``{absent}``
# (filled with str.format) ends the sentence on ``present``: what the net does without a modality.
_PROTOCOL_PARAMETERS = """modality_dims : mapping of str to int
        Ordered ``{modality name: number of features}``.
    n_classes : int
        Number of classes."""
_HIDDEN_DIMS = """hidden_dims : sequence of int, default=(256,)
        Hidden layer widths of each encoder."""
_DROPOUT = """dropout : float, default=0.25
        Dropout probability in the encoders and before the heads."""
_FORWARD_SECTIONS = """Parameters
        ----------
        X : mapping of str to torch.Tensor
            One ``(batch, n_features)`` tensor per modality.
        present : torch.Tensor of shape (batch, n_modalities) or None, default=None
            Bool, True where a modality is present{absent} Every row needs a
            present modality (not checked).

        Returns
        -------
        output : tuple
            ``(logits, modality_logits, embeddings)`` as the module protocol states.

        Raises
        ------
        TypeError, ValueError
            As :meth:`encode` does, naming the modality or ``present``."""


def _mask_absent(embedding: torch.Tensor, present: torch.Tensor, m: int) -> torch.Tensor:
    """Zero the rows of modality ``m``'s embedding ``(..., batch, d)`` where it is absent.

    ``present`` is ``(batch, n_modalities)``, or ``(n_members, batch, n_modalities)`` for
    member-wise batches.
    """
    return embedding * present[..., m].to(embedding.dtype)[..., None]


def _fuse(embeddings: Sequence[torch.Tensor], present: torch.Tensor | None) -> torch.Tensor:
    """Concatenate embeddings ``(..., batch, d)``, rescaled by ``M / n_present`` per sample."""
    fused = torch.cat(tuple(embeddings), dim=-1)
    if present is None:
        return fused
    n_present = present.sum(dim=-1).clamp(min=1).to(fused.dtype)
    return fused * (len(embeddings) / n_present)[..., None]


def _drop_modalities(
    present: torch.Tensor | None, shape: tuple[int, ...], rate: float, device: torch.device,
) -> torch.Tensor:
    """A presence mask of ``shape`` (``(..., batch, n_modalities)``) for modality dropout.

    Each present modality is dropped with probability ``rate``, independently per row (and
    per member), and every row keeps at least one of its present modalities: where all of
    them would be dropped, the one with the largest draw (a uniform choice among them) stays.
    ``present`` (None: all present) broadcasts to ``shape``.
    """
    draws = torch.rand(shape, device=device)
    present = (torch.ones(shape, dtype=torch.bool, device=device) if present is None
               else present.to(device=device, dtype=torch.bool).expand(shape))
    keep = (draws >= rate) & present
    fallback = torch.nn.functional.one_hot(
        draws.masked_fill(~present, -1.0).argmax(dim=-1), shape[-1]).bool() & present
    return torch.where(keep.any(dim=-1, keepdim=True), keep, fallback)


class MLPEncoder(nn.Sequential):
    """Map one modality to an embedding: ``[Linear, ReLU, Dropout] * k, Linear, ReLU``.

    Parameters
    ----------
    n_features : int
        Width of the modality.
    embedding_dim : int
        Size of the output embedding.
    hidden_dims : sequence of int
        Widths of the hidden layers; empty for a single linear map.
    dropout : float
        Dropout probability after each hidden layer.
    """

    def __init__(
        self,
        n_features: int,
        embedding_dim: int,
        hidden_dims: Sequence[int] = (),
        dropout: float = 0.0,
    ) -> None:
        width = check_int(n_features, "n_features", 1)
        embedding_dim = check_int(embedding_dim, "embedding_dim", 1)
        hidden_dims, dropout = check_hidden_dims(hidden_dims), check_rate(dropout, "dropout")
        layers: list[nn.Module] = []
        for hidden in hidden_dims:
            layers += [nn.Linear(width, hidden), nn.ReLU(), nn.Dropout(dropout)]
            width = hidden
        layers += [nn.Linear(width, embedding_dim), nn.ReLU()]
        super().__init__(*layers)


class _PerModalityNet(nn.Module):
    """Encoders and per-modality linear heads shared by the fusion nets.

    A subclass adds its fusion layers in :meth:`_build_fusion`, which ``__init__`` calls last.
    """

    def __init__(
        self,
        modality_dims: Mapping[str, int],
        n_classes: int,
        embedding_dim: int = 128,
        hidden_dims: Sequence[int] = (256,),
        dropout: float = 0.25,
    ) -> None:
        super().__init__()
        modality_dims, n_classes, embedding_dim, hidden_dims, dropout = check_common_args(
            modality_dims, n_classes, embedding_dim, hidden_dims, dropout)
        self.modality_dims = modality_dims
        self.modality_names = list(modality_dims)
        # ModuleList rather than ModuleDict: modality names may contain dots.
        self.encoders = nn.ModuleList(
            MLPEncoder(width, embedding_dim, hidden_dims, dropout)
            for width in modality_dims.values()
        )
        self.heads = nn.ModuleList(
            nn.Linear(embedding_dim, n_classes) for _ in self.modality_names
        )
        self.dropout = nn.Dropout(dropout)
        self._build_fusion(n_classes, embedding_dim)

    def _build_fusion(self, n_classes: int, embedding_dim: int) -> None:
        """Add the layers that fuse the modalities; the encoders and heads exist by then."""
        raise NotImplementedError

    def encode(
        self, X: Mapping[str, torch.Tensor], present: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, ...]:
        """Embed each modality, in the order of ``modality_dims``.

        Parameters
        ----------
        X : mapping of str to torch.Tensor
            One ``(batch, n_features)`` tensor per modality.
        present : torch.Tensor of shape (batch, n_modalities) or None, default=None
            Bool, True where a modality is present; absent modalities get a zero embedding.

        Returns
        -------
        embeddings : tuple of torch.Tensor
            One ``(batch, embedding_dim)`` tensor per modality.

        Raises
        ------
        TypeError, ValueError
            If ``X`` lacks a modality or has another, or a tensor of ``X`` or ``present`` has
            the wrong shape or dtype; the error names the modality.
        """
        check_inputs(self, X, present, self.modality_dims, self.heads[0].weight.dtype)
        embeddings = tuple(enc(X[name]) for name, enc in zip(self.modality_names, self.encoders))
        if present is None:
            return embeddings
        return tuple(_mask_absent(e, present, m) for m, e in enumerate(embeddings))

    def modality_logits(self, embeddings: Sequence[torch.Tensor]) -> tuple[torch.Tensor, ...]:
        """Apply each modality's linear head to its embedding.

        Parameters
        ----------
        embeddings : sequence of torch.Tensor
            The output of :meth:`encode`.

        Returns
        -------
        logits : tuple of torch.Tensor
            One ``(batch, n_classes)`` tensor per modality.
        """
        return tuple(head(self.dropout(e)) for head, e in zip(self.heads, embeddings))


@Substitution(protocol=_PROTOCOL_PARAMETERS, hidden_dims=_HIDDEN_DIMS, dropout=_DROPOUT)
class EarlyFusionNet(_PerModalityNet):
    """The paper's baseline: per-modality MLP encoders, concatenation, a linear classifier.

    Each modality also has a linear head on its embedding (our choice where the paper leaves
    the model open), used for Eq. 1's intra-modal confidence and trained with the auxiliary
    loss.

    Parameters
    ----------
    {protocol}
    embedding_dim : int, default=128
        Common embedding size of every modality, so embeddings are comparable.
    {hidden_dims}
    {dropout}
    """

    def _build_fusion(self, n_classes: int, embedding_dim: int) -> None:
        self.classifier = nn.Linear(embedding_dim * len(self.modality_names), n_classes)

    @Substitution(sections=_FORWARD_SECTIONS.format(
        absent=""". Absent embeddings are zero and the
            concatenation is rescaled by ``M / n_present`` so its scale does not depend on
            how many modalities a sample has."""))
    def forward(
        self, X: Mapping[str, torch.Tensor], present: torch.Tensor | None = None
    ) -> ModuleOutput:
        """Fused logits, per-modality logits and per-modality embeddings.

        {sections}
        """
        embeddings = self.encode(X, present)
        fused = self.dropout(_fuse(embeddings, present))
        return self.classifier(fused), self.modality_logits(embeddings), embeddings


@Substitution(protocol=_PROTOCOL_PARAMETERS, hidden_dims=_HIDDEN_DIMS, dropout=_DROPOUT)
class LateFusionNet(_PerModalityNet):
    """Late fusion: the fused logits are a learned convex mix of the modality heads' logits.

    The mixing weights are ``softmax(w)`` over modalities, ``w`` initialised to zero
    (a plain average), and learned with the rest of the network.

    Parameters
    ----------
    {protocol}
    embedding_dim : int, default=128
        Embedding size of every modality.
    {hidden_dims}
    {dropout}
    """

    def _build_fusion(self, n_classes: int, embedding_dim: int) -> None:
        self.mix_logits = nn.Parameter(torch.zeros(len(self.modality_names)))

    @Substitution(sections=_FORWARD_SECTIONS.format(
        absent="""; the mixing weights are renormalised over the
            present modalities of each sample."""))
    def forward(
        self, X: Mapping[str, torch.Tensor], present: torch.Tensor | None = None
    ) -> ModuleOutput:
        """Fused logits, per-modality logits and per-modality embeddings.

        {sections}
        """
        embeddings = self.encode(X, present)
        per_modality = self.modality_logits(embeddings)
        mix = self.mix_logits.expand(embeddings[0].shape[0], -1)
        if present is not None:
            mix = mix.masked_fill(~present, float("-inf"))
        weights = torch.softmax(mix, dim=1)
        fused = torch.einsum("bm,mbc->bc", weights, torch.stack(per_modality))
        return fused, per_modality, embeddings


class _MemberLinear(nn.Module):
    """``n_members`` independent linear maps applied at once: ``(K, B, in) -> (K, B, out)``.

    Each member is initialised like :class:`torch.nn.Linear` (uniform in
    ``[-1/sqrt(in), 1/sqrt(in)]`` for weights and biases).
    """

    def __init__(self, n_members: int, in_features: int, out_features: int) -> None:
        super().__init__()
        bound = in_features**-0.5
        self.weight = nn.Parameter(
            torch.empty(n_members, in_features, out_features).uniform_(-bound, bound)
        )
        self.bias = nn.Parameter(torch.empty(n_members, 1, out_features).uniform_(-bound, bound))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.baddbmm(self.bias, x, self.weight)


def _log_mean_softmax(member_logits: torch.Tensor) -> torch.Tensor:
    """``log(mean_k softmax(logits_k))`` over the member axis 0, computed in log space.

    In float64, then cast back: float32 ``exp`` rounds differently in the vectorized body and
    the scalar tail of a tensor, which made a row's output depend on its position in the
    batch; float64 keeps that below float32's resolution.
    """
    n_members = member_logits.shape[0]
    log_proba = torch.log_softmax(member_logits.double(), dim=-1)
    return (torch.logsumexp(log_proba, dim=0) - math.log(n_members)).to(member_logits.dtype)


@Substitution(protocol=_PROTOCOL_PARAMETERS, dropout=_DROPOUT)
class EnsembleFusionNet(nn.Module):
    """An ensemble of independently trained :class:`EarlyFusionNet` members, run as one module.

    Every member has its own encoders, heads and classifier, initialised and trained
    independently (each on its own loss; the dropout masks differ). All members see the
    same minibatches, or each its own (member-wise batches, below), and are computed
    together with batched matrix products, so an ensemble of ``n_members`` small nets costs
    far less than ``n_members`` separate fits. Averaging members lowers the variance of a
    network fitted on few samples. In evaluation mode the fused and per-modality outputs are
    the log of the members' mean probabilities, and the embeddings of a modality are the
    members' embeddings side by side (so Eq. 2's cosine is taken over all members at once).

    Parameters
    ----------
    {protocol}
    embedding_dim : int, default=128
        Embedding size of every modality, per member.
    hidden_dims : sequence of int, default=(256,)
        Hidden layer widths of each member's encoders.
    {dropout}
    n_members : int, default=10
        Number of members (``docs/research.md``, round 28: 10 passed the round's rule against
        5, level in every setting; on the like-for-like rerun the two tie on mean rank, and
        10 take about twice the fit time).
    linear_path : bool, default=False
        Give every member a linear map from the concatenated inputs (all modalities) to the
        classes, added to its fused logits: a linear model beside the encoders ("wide and
        deep", Cheng et al. 2016), the model that wins on few samples with many features
        (``docs/research.md``, round 22). Absent modalities are zero-filled inputs and add
        nothing to it.
    modality_dropout : float, default=0.0
        In training, drop each modality's embedding from each member's fused input with this
        probability, independently per sample and member, keeping at least one modality per
        sample; the concatenation is rescaled by ``M / n_kept`` as for a missing modality
        (ModDrop, Neverova et al. 2016). The per-modality heads and the linear path still
        see every modality; evaluation fuses all of them. It trains the classifier to use
        each modality, not only the one that fits the training set first. Nothing is
        dropped with one modality.
    """

    #: How evaluation mode pools the members' ``(n_members, batch, n_classes)`` logits into
    #: the ensemble's log probabilities: the log of their mean probabilities.
    _pool = staticmethod(_log_mean_softmax)

    def __init__(
        self, modality_dims: Mapping[str, int], n_classes: int, embedding_dim: int = 128,
        hidden_dims: Sequence[int] = (256,), dropout: float = 0.25, n_members: int = 10,
        linear_path: bool = False, modality_dropout: float = 0.0,
    ) -> None:
        super().__init__()
        modality_dims, n_classes, embedding_dim, hidden_dims, dropout = check_common_args(
            modality_dims, n_classes, embedding_dim, hidden_dims, dropout)
        n_members = check_int(n_members, "n_members", 1)
        self.modality_dropout = check_rate(modality_dropout, "modality_dropout")
        linear_path = check_bool(linear_path, "linear_path")
        self.modality_dims = modality_dims
        self.modality_names = list(modality_dims)
        self.n_members = n_members
        self.encoders = nn.ModuleList()
        for width in modality_dims.values():
            layers: list[nn.Module] = []
            for hidden in hidden_dims:
                layers += [_MemberLinear(n_members, width, hidden), nn.ReLU(),
                           nn.Dropout(dropout)]
                width = hidden
            layers += [_MemberLinear(n_members, width, embedding_dim), nn.ReLU()]
            self.encoders.append(nn.Sequential(*layers))
        self.heads = nn.ModuleList(
            _MemberLinear(n_members, embedding_dim, n_classes) for _ in self.modality_names
        )
        self.classifier = _MemberLinear(
            n_members, embedding_dim * len(self.modality_names), n_classes
        )
        self.dropout = nn.Dropout(dropout)
        self.linear = (_MemberLinear(n_members, sum(modality_dims.values()), n_classes)
                       if linear_path else None)

    def forward(
        self, X: Mapping[str, torch.Tensor], present: torch.Tensor | None = None,
        members: bool = False,
    ) -> ModuleOutput:
        """Member outputs in training mode (or with ``members``), else the ensemble's.

        Parameters
        ----------
        X : mapping of str to torch.Tensor
            One ``(batch, n_features)`` tensor per modality, which every member sees, or one
            ``(n_members, batch, n_features)`` tensor per modality: member-wise batches,
            each member its own rows (training with member subsets).
        present : torch.Tensor of shape (batch, n_modalities) or None, default=None
            Bool, True where a modality is present; absent embeddings are zero and the
            concatenation is rescaled by ``M / n_present``, as in :class:`EarlyFusionNet`.
            ``(n_members, batch, n_modalities)`` with member-wise batches. Every row needs a
            present modality (not checked).
        members : bool, default=False
            In evaluation mode, return every member's outputs (as in training mode, without
            dropout) instead of the ensemble's: what scoring each member by its own outputs
            needs (``member_subsets`` with a score order).

        Returns
        -------
        output : tuple
            ``(logits, modality_logits, embeddings)``. Training mode or ``members``: shapes
            ``(n_members, batch, n_classes)`` and ``(n_members, batch, embedding_dim)``.
            Otherwise: ``(batch, n_classes)`` log mean probabilities and
            ``(batch, n_members * embedding_dim)`` embeddings.

        Raises
        ------
        TypeError, ValueError
            If ``X`` lacks a modality or has another, or a tensor of ``X`` or ``present`` has
            the wrong shape or dtype; the error names the modality.
        """
        k = self.n_members
        check_inputs(self, X, present, self.modality_dims, self.heads[0].weight.dtype, k)
        embeddings, inputs = [], []
        for m, (name, encoder) in enumerate(zip(self.modality_names, self.encoders)):
            x = X[name]
            if x.ndim == 2:  # one batch for every member
                x = x.unsqueeze(0).expand(k, *x.shape)
            emb = encoder(x)
            inputs.append(x)
            embeddings.append(emb if present is None else _mask_absent(emb, present, m))
        fused_embeddings, fused_present = embeddings, present
        if self.training and self.modality_dropout > 0 and len(embeddings) > 1:
            shape = (*embeddings[0].shape[:-1], len(embeddings))
            fused_present = _drop_modalities(present, shape, self.modality_dropout,
                                             embeddings[0].device)
            fused_embeddings = [_mask_absent(e, fused_present, m)
                                for m, e in enumerate(embeddings)]
        logits = self.classifier(self.dropout(_fuse(fused_embeddings, fused_present)))
        if self.linear is not None:
            logits = logits + self.linear(torch.cat(inputs, dim=-1))
        per_modality = tuple(head(self.dropout(e)) for head, e in zip(self.heads, embeddings))
        if self.training or members:
            return logits, per_modality, tuple(embeddings)
        side_by_side = tuple(e.permute(1, 0, 2).reshape(e.shape[1], -1) for e in embeddings)
        return (self._pool(logits), tuple(self._pool(lg) for lg in per_modality),
                side_by_side)
