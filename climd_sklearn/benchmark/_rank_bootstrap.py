"""How settled a first place on mean rank is: the splits drawn again, the ranks recounted.

A mean rank over N blocks is one draw of splits. Drawing each setting's splits again with
replacement (a split's evaluations together, since they score the same fitted models) and
recounting which method has the lowest mean rank says how often the table's first place would
change hands. The splits of repeated k-fold CV share training data, so the resampled splits
vary less than fresh ones would, and the shares read more settled than they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["first_place_shares"]


def first_place_shares(
    block_ranks: Any,
    units: Sequence[Any],
    strata: Sequence[Any],
    n_resamples: int = 2000,
    random_state: int = 0,
) -> np.ndarray:
    """Share of split resamples in which each method has the lowest mean rank.

    Each resample draws, within every stratum, as many units as the stratum has, uniformly
    with replacement; a unit's blocks enter together, so every stratum keeps its number of
    blocks. The mean ranks are recomputed over the drawn blocks, and the resample goes to the
    method with the lowest one (split evenly between methods tied for it).

    Parameters
    ----------
    block_ranks : array-like of shape (n_blocks, n_methods)
        Rank of each method within each block (1 = best).
    units : sequence of hashable, of length n_blocks
        The resampling unit of each block (a setting's split: its evaluations share one fit).
    strata : sequence of hashable, of length n_blocks
        The stratum of each block (its setting); every block of one unit is in one stratum.
    n_resamples : int, default=2000
        Number of resamples, >= 1.
    random_state : int, default=0
        Seed of the draws.

    Returns
    -------
    shares : ndarray of shape (n_methods,)
        Non-negative, summing to 1.

    Raises
    ------
    ValueError
        If ``block_ranks`` is not a non-empty finite 2-D array, ``units`` or ``strata`` does
        not have one entry per block, a unit spans two strata, or ``n_resamples`` < 1.
    """
    ranks = np.asarray(block_ranks, dtype=np.float64)
    if ranks.ndim != 2 or ranks.size == 0 or not np.all(np.isfinite(ranks)):
        raise ValueError("block_ranks must be a non-empty, finite 2-D array (blocks x methods), "
                         f"got shape {ranks.shape}")
    n_blocks = ranks.shape[0]
    if len(units) != n_blocks or len(strata) != n_blocks:
        raise ValueError(f"units and strata need one entry per block ({n_blocks}), got "
                         f"{len(units)} and {len(strata)}")
    if int(n_resamples) < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    unit_ids = list(dict.fromkeys(units))
    index = {u: i for i, u in enumerate(unit_ids)}
    stratum_of: dict[Any, Any] = {}
    for unit, stratum in zip(units, strata):
        if stratum_of.setdefault(unit, stratum) != stratum:
            raise ValueError(f"unit {unit!r} spans strata {stratum_of[unit]!r} and {stratum!r}")
    # per unit: the sum of its blocks' ranks and its number of blocks
    rank_sums = np.zeros((len(unit_ids), ranks.shape[1]))
    sizes = np.zeros(len(unit_ids))
    for unit, row in zip(units, ranks):
        rank_sums[index[unit]] += row
        sizes[index[unit]] += 1
    rng = np.random.default_rng(random_state)
    counts = np.zeros((int(n_resamples), len(unit_ids)))
    for stratum in dict.fromkeys(strata):
        members = [index[u] for u in unit_ids if stratum_of[u] == stratum]
        counts[:, members] = rng.multinomial(
            len(members), np.full(len(members), 1.0 / len(members)), size=int(n_resamples))
    mean_ranks = (counts @ rank_sums) / (counts @ sizes)[:, None]
    # mean ranks are ratios of sums of half-integers: a tie is exact up to rounding
    best = np.isclose(mean_ranks, mean_ranks.min(axis=1, keepdims=True), rtol=0.0, atol=1e-9)
    return (best / best.sum(axis=1, keepdims=True)).mean(axis=0)
