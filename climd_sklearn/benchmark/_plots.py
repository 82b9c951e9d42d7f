"""Figures (matplotlib is imported lazily; it is an optional dependency)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._stats import rank_cliques

__all__ = [
    "have_matplotlib",
    "plot_critical_difference",
    "plot_class_counts",
    "plot_macro_f1",
    "plot_schedule",
    "schedule_counts",
]


def have_matplotlib() -> bool:
    """Whether matplotlib can be imported.

    Returns
    -------
    available : bool
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def schedule_counts(
    class_counts: Sequence[int],
    n_epochs: int,
    gamma: float = 0.3,
    alpha: float | None = None,
    exponent_rule: str = "zipf",
) -> np.ndarray:
    """Per-epoch per-class sample counts of CLIMD's scheduler (no training needed).

    Parameters
    ----------
    class_counts : sequence of int
        Training samples per class.
    n_epochs : int
        T.
    gamma : float, default=0.3
        Smoothing hyperparameter.
    alpha : float or None, default=None
        alpha(T); None fits it (Eq. 6).
    exponent_rule : {"zipf", "eq6"}, default="zipf"
        The exponent rule of :func:`~climd_sklearn.curriculum.class_quotas`.

    Returns
    -------
    counts : ndarray of shape (n_epochs, n_classes)
    """
    from ..curriculum import class_quotas

    return np.array([class_quotas(class_counts, t, n_epochs, gamma, alpha,
                                  exponent_rule=exponent_rule)
                     for t in range(1, n_epochs + 1)])


def _stacked(ax: Any, plt: Any, values: np.ndarray, legend: bool) -> None:
    epochs = np.arange(1, values.shape[0] + 1)
    cmap = plt.get_cmap("viridis")
    bottom = np.zeros(values.shape[0])
    n_classes = values.shape[1]
    for c in range(n_classes):
        ax.bar(epochs, values[:, c], bottom=bottom, width=0.85,
               color=cmap(c / max(1, n_classes - 1)), label=f"rank {c + 1}")
        bottom += values[:, c]
    ax.set_xlabel("curriculum epoch t")
    if legend and n_classes <= 10:
        ax.legend(fontsize=7, ncol=1, loc="center left", bbox_to_anchor=(1.0, 0.5))


def plot_schedule(q: np.ndarray, counts: np.ndarray, path: str, title: str) -> str:
    """Two panels: the target class distribution q_t (Eq. 7) and the integer quotas.

    Parameters
    ----------
    q : ndarray of shape (n_epochs, n_classes)
        q_t per epoch, classes in frequency-rank order.
    counts : ndarray of shape (n_epochs, n_classes)
        Samples taken from each class per epoch (after the shortfall rule).
    path : str
        PNG file to write.
    title : str
        Figure title.

    Returns
    -------
    path : str
    """
    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.6, 3.4), dpi=100)
    _stacked(ax1, plt, np.asarray(q, dtype=float), legend=False)
    ax1.set_ylabel("q_t(c) (Eq. 7)")
    ax1.set_title("target class distribution", fontsize=9)
    _stacked(ax2, plt, np.asarray(counts, dtype=float), legend=True)
    ax2.set_ylabel("samples in subset")
    ax2.set_title("per-class quotas (S_t = t/T N, shortfall moved)", fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_class_counts(
    counts: np.ndarray, path: str, title: str, normalize: bool = False
) -> str:
    """Stacked bars of the per-epoch class composition of the training subset.

    Parameters
    ----------
    counts : ndarray of shape (n_epochs, n_classes)
        Samples of each class per epoch.
    path : str
        PNG file to write.
    title : str
        Figure title.
    normalize : bool, default=False
        Plot proportions instead of counts.

    Returns
    -------
    path : str
    """
    plt = _pyplot()
    counts = np.asarray(counts, dtype=float)
    values = counts / counts.sum(axis=1, keepdims=True) if normalize else counts
    fig, ax = plt.subplots(figsize=(6.4, 3.4), dpi=100)
    _stacked(ax, plt, values, legend=True)
    ax.set_ylabel("share of subset" if normalize else "samples in subset")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_macro_f1(
    rows: Sequence[Mapping[str, Any]],
    path: str,
    panels: Sequence[tuple[str, str]] | None = None,
    regime: str | None = None,
) -> str:
    """Macro F1 (mean and std over splits) per method, one panel per (setting, eval).

    Parameters
    ----------
    rows : sequence of dict
        Output of :func:`~climd_sklearn.benchmark.aggregate`.
    path : str
        PNG file to write.
    panels : sequence of (setting, eval) or None, default=None
        Which panels; None draws all (at most 6).
    regime : str or None, default=None
        Keep only this regime.

    Returns
    -------
    path : str
    """
    plt = _pyplot()
    rows = [r for r in rows if regime is None or r["regime"] == regime]
    if panels is None:
        panels = list(dict.fromkeys((r["setting"], r["eval"]) for r in rows))[:6]
    n = len(panels)
    ncols = min(3, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.2 * nrows), dpi=90,
                             squeeze=False)
    for ax, (setting, ev) in zip(axes.ravel(), panels):
        group = [r for r in rows if r["setting"] == setting and r["eval"] == ev]
        names = [r["method"] for r in group]
        means = [100 * r["mean_f1_macro"] for r in group]
        stds = [100 * r["std_f1_macro"] for r in group]
        colors = ["tab:red" if "CLIMD" in name else "tab:gray" for name in names]
        ax.barh(range(len(names)), means, xerr=stds, color=colors, capsize=2)
        ax.set_yticks(range(len(names)))
        ax.set_yticklabels(names, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel("macro F1 (%)", fontsize=8)
        ax.set_title(f"{setting} / {ev}", fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_critical_difference(
    mean_ranks: Mapping[str, float], cd: float, path: str, title: str = ""
) -> str | None:
    """Draw a critical-difference diagram in Demšar's style and save it.

    A rank axis (1 on the left), each method placed at its mean rank with its label on the
    nearer side, a bar of length ``cd`` above the axis, and a thick line joining each group
    of methods whose mean ranks differ by less than ``cd``
    (:func:`~climd_sklearn.benchmark._stats.rank_cliques`).

    Parameters
    ----------
    mean_ranks : mapping of str to float
        Method -> mean rank.
    cd : float
        The critical difference.
    path : str
        Where to save the figure (PNG); the folder is created.
    title : str, default=""
        Optional title.

    Returns
    -------
    path : str or None
        The file written, or None when matplotlib is not installed.
    """
    if not have_matplotlib():
        return None
    plt = _pyplot()
    names = sorted(mean_ranks, key=lambda m: mean_ranks[m])
    k = len(names)
    low, high = 1, max(k, int(np.ceil(max(mean_ranks.values()))))
    half = (k + 1) // 2
    cliques = rank_cliques(mean_ranks, cd)
    height = 1.6 + 0.28 * max(half, k - half) + 0.12 * len(cliques)
    fig, ax = plt.subplots(figsize=(9, height))
    ax.set_xlim(low - 0.6, high + 0.6)
    ax.set_ylim(-0.3 - 0.28 * max(half, k - half) - 0.12 * len(cliques), 1.1)
    ax.axis("off")
    ax.hlines(0, low, high, color="black", lw=1)
    for tick in range(low, high + 1):
        ax.vlines(tick, 0, 0.08, color="black", lw=1)
        ax.text(tick, 0.14, str(tick), ha="center", va="bottom", fontsize=9)
    ax.hlines(0.75, low, low + cd, color="black", lw=1.5)
    ax.vlines([low, low + cd], 0.7, 0.8, color="black", lw=1.5)
    ax.text(low + cd / 2, 0.83, f"CD = {cd:.2f}", ha="center", va="bottom", fontsize=9)
    for i, name in enumerate(names):
        rank = mean_ranks[name]
        left = i < half
        level = -0.28 * ((i if left else k - 1 - i) + 1) - 0.12 * len(cliques)
        x_text = low - 0.5 if left else high + 0.5
        ax.plot([rank, rank, x_text], [0, level, level], color="black", lw=0.8)
        ax.text(x_text, level, f"{name} ({rank:.2f}) " if left else f" ({rank:.2f}) {name}",
                ha="right" if left else "left", va="center", fontsize=8)
    for j, clique in enumerate(cliques):
        y_bar = -0.1 - 0.12 * j
        ax.hlines(y_bar, mean_ranks[clique[0]] - 0.03, mean_ranks[clique[-1]] + 0.03,
                  color="tab:red", lw=3)
    if title:
        ax.set_title(title, fontsize=10)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return path
