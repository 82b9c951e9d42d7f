"""Timing: CLIMD vs plain fit, skorch overhead, scheduler and measurer scaling."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["DEFAULT_ORDERS", "default_fit_ratios", "fit_time_ratios", "measurer_scaling",
           "scheduler_scaling", "torch_loop_fit"]


def _median_time(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def torch_loop_fit(
    X: dict[str, np.ndarray],
    y: np.ndarray,
    *,
    max_epochs: int,
    lr: float,
    batch_size: int = 32,
    aux_weight: float = 1.0,
    seed: int = 0,
) -> Any:
    """A hand-written PyTorch training loop of the same EarlyFusionNet over pre-built tensors.

    Same module, optimizer (Adam), loss (CE on the fused logits plus ``aux_weight`` times the
    mean CE of the modality heads), batch size and epochs as the estimator's plain fit.

    Parameters
    ----------
    X : dict of str to ndarray
        Training modalities.
    y : ndarray
        Integer labels ``0..C-1``.
    max_epochs, lr, batch_size, aux_weight, seed
        Training settings.

    Returns
    -------
    module : torch.nn.Module
        The trained module.
    """
    import torch

    from ..modules import EarlyFusionNet

    torch.manual_seed(seed)
    tensors = {k: torch.as_tensor(v, dtype=torch.float32) for k, v in X.items()}
    target = torch.as_tensor(y, dtype=torch.long)
    n_classes = int(target.max()) + 1
    module = EarlyFusionNet({k: v.shape[1] for k, v in tensors.items()}, n_classes)
    opt = torch.optim.Adam(module.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = len(target)
    module.train()
    for _ in range(max_epochs):
        perm = torch.randperm(n)
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            logits, heads, _ = module({k: v[idx] for k, v in tensors.items()})
            yb = target[idx]
            loss = loss_fn(logits, yb)
            if aux_weight:
                loss = loss + aux_weight * torch.stack([loss_fn(h, yb) for h in heads]).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return module


def _interleaved_medians(fits: dict[str, Callable[[], Any]], *, warm_up: str,
                         repeats: int) -> dict[str, float]:
    """Median seconds of each fit, the fits interleaved in every repeat after one warm-up."""
    fits[warm_up]()
    times: dict[str, list[float]] = {name: [] for name in fits}
    for _ in range(repeats):
        for name, fn in fits.items():
            times[name].append(_median_time(fn, 1))
    return {name: float(np.median(t)) for name, t in times.items()}


def fit_time_ratios(
    X: dict[str, np.ndarray],
    y: np.ndarray,
    *,
    max_epochs: int = 30,
    lr: float = 1e-3,
    repeats: int = 5,
) -> dict[str, float]:
    """Median fit times of CLIMD, the plain estimator and a raw torch loop, and their ratios.

    The three fits are interleaved within each repeat so that machine load affects them alike.

    Parameters
    ----------
    X : dict of str to ndarray
        Training modalities (already scaled).
    y : ndarray
        Integer labels.
    max_epochs : int, default=30
        Epochs of every fit (CLIMD's curriculum spans all of them).
    lr : float, default=1e-3
        Learning rate.
    repeats : int, default=5
        Repeats; medians are reported.

    Returns
    -------
    result : dict
        ``climd_s``, ``plain_s``, ``torch_s`` (medians), ``climd_over_plain`` and
        ``plain_over_torch``.
    """
    from ..estimator import CLIMDClassifier

    # the paper's preset: cross-entropy and no weight decay, like the hand-written loop
    common = {"variant": "paper", "max_epochs": max_epochs, "lr": lr, "aux_weight": 1.0,
              "random_state": 0}
    med = _interleaved_medians({
        "climd": lambda: CLIMDClassifier(curriculum="climd", **common).fit(X, y),
        "plain": lambda: CLIMDClassifier(curriculum=None, **common).fit(X, y),
        "torch": lambda: torch_loop_fit(X, y, max_epochs=max_epochs, lr=lr),
    }, warm_up="plain", repeats=repeats)
    return {"climd_s": med["climd"], "plain_s": med["plain"], "torch_s": med["torch"],
            "climd_over_plain": med["climd"] / med["plain"],
            "plain_over_torch": med["plain"] / med["torch"],
            "n_samples": int(len(y)), "max_epochs": max_epochs, "repeats": repeats}


#: The default's curriculum and the settings it is timed against: name -> overrides of
#: ``CLIMDClassifier()`` (research rounds 21, 26-28 and 39-43). ``weighted_draw`` is the
#: default of round 42, ``every_5_epochs`` that of rounds 39-41, ``lowest_first`` that of
#: rounds 26-38, ``one_draw`` (one random draw for all members) that of rounds 16-20 and
#: ``five_members`` the ensemble size before round 28; ``modality_dropout`` is the default of
#: rounds 51-52 (round 53 returned the preset to 0).
DEFAULT_ORDERS: dict[str, dict[str, Any]] = {
    "default": {},
    "weighted_draw": {"order": "weighted", "rescore_every": 1},
    "every_5_epochs": {"order": "weighted", "rescore_every": 5},
    "lowest_first": {"order": "asc", "rescore_every": 5},
    "one_draw": {"member_subsets": False},
    "no_curriculum": {"curriculum": None},
    "five_members": {"module_kwargs": {"n_members": 5}},
    "modality_dropout": {"modality_dropout": 0.4},
}


def default_fit_ratios(
    X: dict[str, np.ndarray],
    y: np.ndarray,
    *,
    max_epochs: int = 30,
    repeats: int = 5,
) -> dict[str, float]:
    """Median fit times of the default ``CLIMDClassifier()`` and of its curriculum's controls.

    The default fills each member's class quotas with its own random draw, with no scoring
    pass (research round 43). The controls are the same estimator: with a draw weighted by
    each member's own scores, rescored every epoch (the default of round 42) or every 5
    epochs (rounds 39-41); taking the lowest scores first, rescored every 5 epochs (rounds
    26-38); with one random draw for all members (rounds 16-20); without a curriculum;
    with 5 members instead of 10 (rounds 16-27); and with modality dropout 0.4 (the default of
    rounds 51-52) (:data:`DEFAULT_ORDERS`).
    The fits are interleaved within each repeat so that machine load affects them alike.

    Parameters
    ----------
    X : dict of str to ndarray
        Training modalities.
    y : ndarray
        Integer labels.
    max_epochs : int, default=30
        Epochs of every fit (the curriculum spans all of them).
    repeats : int, default=5
        Repeats; medians are reported.

    Returns
    -------
    result : dict
        ``<name>_s`` (medians) for every name of :data:`DEFAULT_ORDERS`, the ratios
        ``default_over_<name>`` for every other name, ``n_samples``, ``max_epochs`` and
        ``repeats``.
    """
    from ..estimator import CLIMDClassifier

    med = _interleaved_medians(
        {name: (lambda o=overrides: CLIMDClassifier(
            max_epochs=max_epochs, random_state=0, **o).fit(X, y))
         for name, overrides in DEFAULT_ORDERS.items()},
        warm_up="no_curriculum", repeats=repeats)
    result = {f"{name}_s": t for name, t in med.items()}
    for name in med:
        if name != "default":
            result[f"default_over_{name}"] = med["default"] / med[name]
    return {**result, "n_samples": int(len(y)), "max_epochs": max_epochs, "repeats": repeats}


def _lt_labels(n: int, n_classes: int, rng: np.random.Generator) -> np.ndarray:
    weights = 100.0 ** (-np.arange(n_classes) / max(1, n_classes - 1))
    y = rng.choice(n_classes, size=n, p=weights / weights.sum())
    y[:n_classes] = np.arange(n_classes)  # every class present
    return y


def _sweep(sizes: Sequence[int], classes: Sequence[int], base_n: int,
           base_c: int) -> list[tuple[int, int]]:
    """(N, C) pairs: N grows at C = base_c, then C grows at N = base_n."""
    return [(n, base_c) for n in sizes] + [(base_n, c) for c in classes if c != base_c]


def scheduler_scaling(
    sizes: Sequence[int] = (1_000, 10_000, 100_000, 1_000_000),
    classes: Sequence[int] = (10, 100, 1000),
    *,
    n_epochs: int = 100,
    repeats: int = 3,
    base_n: int = 100_000,
    base_c: int = 10,
) -> list[dict[str, Any]]:
    """Time one ``select`` call of each scheduler at mid-curriculum as N and C grow.

    Parameters
    ----------
    sizes : sequence of int
        Values of N (with ``C = base_c``).
    classes : sequence of int
        Values of C (with ``N = base_n``).
    n_epochs : int, default=100
        T; the call is made at epoch T / 2.
    repeats : int, default=3
        Median over this many calls.
    base_n, base_c : int
        The fixed N and C of the other sweep.

    Returns
    -------
    rows : list of dict
        ``{"scheduler", "n_samples", "n_classes", "seconds"}``.
    """
    from ..curriculum import make_scheduler

    rng = np.random.default_rng(0)
    rows = []
    grid = _sweep(sizes, classes, base_n, base_c)
    for n, c in grid:
        y = _lt_labels(n, c, rng)
        priority = rng.random(n)
        for name in ("climd", "linear", "baby_step"):
            sched = make_scheduler(name, n_epochs)
            sec = _median_time(
                lambda s=sched, p=priority, t=y: s.select(n_epochs // 2, p, t), repeats)
            rows.append({"scheduler": name, "n_samples": n, "n_classes": c, "seconds": sec})
    return rows


def measurer_scaling(
    sizes: Sequence[int] = (1_000, 10_000, 100_000, 1_000_000),
    classes: Sequence[int] = (10, 100, 1000),
    *,
    n_modalities: int = 3,
    dim: int = 32,
    repeats: int = 3,
    base_n: int = 100_000,
    base_c: int = 10,
) -> list[dict[str, Any]]:
    """Time Eq. 1-4 (``difficulty_score``) on torch tensors as N and C grow.

    Parameters
    ----------
    sizes : sequence of int
        Values of N (with ``C = base_c``).
    classes : sequence of int
        Values of C (with ``N = base_n``).
    n_modalities : int, default=3
        M.
    dim : int, default=32
        Embedding size (kept small so that N = 10^6 fits in memory).
    repeats : int, default=3
        Median over this many calls.
    base_n, base_c : int
        The fixed N and C of the other sweep.

    Returns
    -------
    rows : list of dict
        ``{"n_samples", "n_classes", "seconds"}``.
    """
    import torch

    from ..measurer import difficulty_score

    gen = torch.Generator().manual_seed(0)
    rows = []
    grid = _sweep(sizes, classes, base_n, base_c)
    for n, c in grid:
        log_probas = [torch.log_softmax(torch.randn(n, c, generator=gen), dim=1)
                      for _ in range(n_modalities)]
        embs = [torch.randn(n, dim, generator=gen) for _ in range(n_modalities)]
        y = torch.randint(0, c, (n,), generator=gen)
        sec = _median_time(lambda p=log_probas, e=embs, t=y: difficulty_score(p, e, t),
                           repeats)
        rows.append({"n_samples": n, "n_classes": c, "n_modalities": n_modalities,
                     "dim": dim, "seconds": sec})
        del log_probas, embs
    return rows
