"""Each ensemble member its own weight decay, spread around the default's (research round 45).

One fixed prior strength cannot serve every data set: a stronger decay ranks ROSMAP better and
costs mfeat (research rounds 7-13), and issue 11 judges the default on data sets nobody here
has seen. An ensemble whose members span a range of strengths hedges that choice at no extra
cost (a hyperparameter ensemble; Wenzel et al., 2020): the members differ in more than their
initialization and their quota draws, and the ensemble does not bet on one strength. Member
``k`` of ``M`` gets the decay ``weight_decay * 2 ** (OCTAVES * (2k / (M - 1) - 1))``: from
half the default's decay to twice it, evenly spaced in log, so their geometric mean is the
default's. Benchmark code only: it passed round 45's screen, and round 46's like-for-like
decision rejected it as a default (the default ranked behind its control without it); it
stays as the recipe of those rounds' records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import torch
from torch.optim import Adam

from ._fan_in_decay import reject_group_options

__all__ = ["OCTAVES", "MemberSpreadAdam", "member_decay_factors"]

#: How far the members' decays reach either side of the default's, in factors of 2.
OCTAVES = 1.0


def member_decay_factors(n_members: int, octaves: float = OCTAVES) -> np.ndarray:
    """Each member's decay relative to the given one, evenly spaced in log.

    Parameters
    ----------
    n_members : int
        Ensemble size.
    octaves : float, default=OCTAVES
        The first member's factor is ``2 ** -octaves``, the last one's ``2 ** octaves``.

    Returns
    -------
    factors : ndarray of shape (n_members,)
        Their geometric mean is 1; one member gets 1.
    """
    if n_members < 1:
        raise ValueError(f"n_members must be at least 1, got {n_members}.")
    if n_members == 1:
        return np.ones(1)
    return 2.0 ** np.linspace(-octaves, octaves, n_members)


class MemberSpreadAdam(Adam):
    """:class:`torch.optim.Adam` whose coupled L2 decay differs per ensemble member.

    Every parameter is member-wise, its leading axis the ensemble's members (as in
    :class:`~climd_sklearn.modules.EnsembleFusionNet`). Before each Adam step the gradient
    of member ``k``'s slice gets ``weight_decay * factors[k]`` times that slice, which is
    what ``Adam(weight_decay=...)`` adds with one decay for every member. Adam works element
    by element, so each member is updated as by its own Adam with its own decay. Passed as
    ``CLIMDClassifier(optimizer=MemberSpreadAdam)``: skorch calls it with the module's
    parameter groups and the estimator's ``lr`` and resolved ``weight_decay``.

    Parameters
    ----------
    params : iterable
        skorch's parameter groups (no options of their own) or tensors.
    lr : float, default=1e-3
        Learning rate.
    weight_decay : float, default=0.0
        The decay whose factors :func:`member_decay_factors` spreads over the members.
    octaves : float, default=OCTAVES
        See :func:`member_decay_factors`.
    **kwargs
        Passed to :class:`torch.optim.Adam`.

    Raises
    ------
    ValueError
        If a parameter group carries its own options, or the parameters do not share one
        leading member axis.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, weight_decay: float = 0.0,
                 octaves: float = OCTAVES, **kwargs: Any) -> None:
        groups = list(params)
        reject_group_options(groups, "MemberSpreadAdam sets the decay itself")
        super().__init__(groups, lr=lr, weight_decay=0.0, **kwargs)
        tensors = [p for group in self.param_groups for p in group["params"]]
        members = {p.shape[0] if p.ndim >= 2 else None for p in tensors}
        if len(members) != 1 or None in members:
            raise ValueError(
                "MemberSpreadAdam needs member-wise parameters that share their leading "
                f"axis (n_members, ...); got shapes {[tuple(p.shape) for p in tensors]}.")
        self.member_weight_decay = float(weight_decay)
        self.member_factors = member_decay_factors(members.pop(), octaves)
        self._decays: dict[tuple[torch.dtype, torch.device], torch.Tensor] = {}

    def _member_decays(self, param: torch.Tensor) -> torch.Tensor:
        # the members' decays, one per member, on the parameter's dtype and device; made once
        key = (param.dtype, param.device)
        if key not in self._decays:
            self._decays[key] = torch.as_tensor(
                self.member_weight_decay * self.member_factors, dtype=param.dtype,
                device=param.device)
        return self._decays[key]

    @torch.no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Evaluate ``closure`` (if given), add each member's decay, then take Adam's step.

        Parameters
        ----------
        closure : callable or None, default=None
            Recomputes the loss and its gradients, as skorch's training step passes it.

        Returns
        -------
        loss : Any
            What ``closure`` returned, or None.
        """
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                decay = self._member_decays(param).view(-1, *([1] * (param.ndim - 1)))
                param.grad.add_(param * decay)
        super().step()
        return loss
