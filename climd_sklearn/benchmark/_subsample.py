"""Scores averaged over the random subsamples of an evaluation set (research rounds 29-30).

A test set subsampled to the training ratio scores differently from draw to draw, by chance
alone. The functions here score the mean over the draws instead of one draw: exactly where one
class of a binary set is subsampled (:func:`expected_subsample_score`), by a seeded Monte Carlo
mean where several classes are (:func:`monte_carlo_subsample_score`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._data import Split
from ._runner import METRICS, score

__all__ = [
    "MONTE_CARLO_DRAWS",
    "expected_scores",
    "expected_subsample_score",
    "monte_carlo_subsample_score",
]

#: Draws of :func:`monte_carlo_subsample_score` in the like-for-like protocol (round 30).
MONTE_CARLO_DRAWS = 10_000


def _check_labels(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"y_true and y_pred must be 1-D of one length, got shapes "
                         f"{y_true.shape} and {y_pred.shape}")
    return y_true, y_pred


def expected_subsample_score(
    y_true: Any, y_pred: Any, label: Any, n_keep: int
) -> dict[str, float]:
    """The exact mean of :func:`score` over every subsample of one class, the rest kept.

    A subsampled test set (``n_keep`` rows of class ``label`` drawn without replacement,
    every other row kept) scores differently from draw to draw, by chance alone. Every
    metric of :func:`score` depends on the draw only through ``k``, the number of kept
    ``label`` rows that were predicted ``label``, which is hypergeometric. So the mean over
    all draws, each equally likely, is the sum over ``k`` of its probability times the
    score of any subsample with that ``k``: the estimand of one random draw without its
    draw-to-draw variance (research round 29).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels of the whole evaluation set; binary.
    label : int or str
        The subsampled class.
    n_keep : int
        Rows of ``label`` each subsample keeps (all of them if it has no more).

    Returns
    -------
    scores : dict of str to float
        Keys of :data:`METRICS`, each the exact mean over the subsamples.
    """
    from scipy.stats import hypergeom

    y_true, y_pred = _check_labels(y_true, y_pred)
    classes = np.unique(y_true)
    if classes.size != 2 or label not in classes:
        raise ValueError(f"expected binary labels including the subsampled class {label!r}, "
                         f"got classes {classes.tolist()}")
    if isinstance(n_keep, bool) or not isinstance(n_keep, (int, np.integer)) or n_keep < 1:
        raise ValueError(f"n_keep must be an integer >= 1, got {n_keep!r}")
    rows = np.flatnonzero(y_true == label)
    hits, misses = rows[y_pred[rows] == label], rows[y_pred[rows] != label]
    others = np.flatnonzero(y_true != label)
    n_keep = min(int(n_keep), rows.size)
    # k ~ Hypergeometric(population rows.size, successes hits.size, draws n_keep)
    ks = np.arange(max(0, n_keep - misses.size), min(hits.size, n_keep) + 1)
    weights = hypergeom.pmf(ks, rows.size, hits.size, n_keep)
    mean = dict.fromkeys(METRICS, 0.0)
    for k, weight in zip(ks, weights):
        idx = np.concatenate([others, hits[:k], misses[:n_keep - k]])
        for name, value in score(y_true[idx], y_pred[idx]).items():
            mean[name] += float(weight) * value
    return mean


def monte_carlo_subsample_score(
    y_true: Any, y_pred: Any, keep: Mapping[Any, int], *, n_draws: int = MONTE_CARLO_DRAWS,
    random_state: int | None = None,
) -> dict[str, float]:
    """The mean of :func:`score` over random subsamples of several classes at once.

    Each draw keeps ``keep[label]`` rows of every class named in ``keep``, chosen uniformly
    without replacement and independently per class (as
    :func:`~climd_sklearn.datasets.make_long_tailed` subsamples a held-out set), and every
    row of the other classes. With several classes subsampled the metrics depend on the
    draw through a whole confusion matrix, so the mean over all draws has no small closed
    form; this is its Monte Carlo estimate (research round 30). The draws depend only on
    ``y_true``, ``keep``, ``n_draws`` and ``random_state``, never on ``y_pred``: several
    methods scored with the same seed are scored on the same subsamples, so the Monte Carlo
    error largely cancels from their paired differences.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels of the whole evaluation set.
    keep : mapping
        ``{label: n_keep}``: rows of each subsampled class that each draw keeps (all of them
        if the class has no more); every ``n_keep`` an integer >= 1.
    n_draws : int, default=MONTE_CARLO_DRAWS
        Random subsamples averaged.
    random_state : int or None, default=None
        Seed of the draws (:func:`numpy.random.default_rng`).

    Returns
    -------
    scores : dict of str to float
        Keys of :data:`METRICS`, each the mean over the draws.

    Raises
    ------
    ValueError
        If the labels are not 1-D of one length, a class of ``keep`` is not in ``y_true``, an
        ``n_keep`` is not an integer >= 1, or ``n_draws`` is not an integer >= 1.
    """
    y_true, y_pred = _check_labels(y_true, y_pred)
    if isinstance(n_draws, bool) or not isinstance(n_draws, (int, np.integer)) or n_draws < 1:
        raise ValueError(f"n_draws must be an integer >= 1, got {n_draws!r}")
    for label, n_keep in keep.items():
        if label not in y_true:
            raise ValueError(f"class {label!r} of keep is not in y_true, whose classes are "
                             f"{np.unique(y_true).tolist()}")
        if isinstance(n_keep, bool) or not isinstance(n_keep, (int, np.integer)) or n_keep < 1:
            raise ValueError(f"n_keep of class {label!r} must be an integer >= 1, got "
                             f"{n_keep!r}")
    labels = np.unique(np.concatenate([y_true, y_pred]))
    n_labels = labels.size
    cell = np.searchsorted(labels, y_true) * n_labels + np.searchsorted(labels, y_pred)
    kept_whole = ~np.isin(y_true, list(keep))
    counts = np.tile(np.bincount(cell[kept_whole], minlength=n_labels**2), (n_draws, 1))
    offsets = (np.arange(n_draws) * n_labels**2)[:, None]
    rng = np.random.default_rng(random_state)
    for label in sorted(keep):  # a fixed order: the same draws whatever y_pred is
        rows = np.flatnonzero(y_true == label)
        n_keep = min(int(keep[label]), rows.size)
        chosen = rows[np.argsort(rng.random((n_draws, rows.size)), axis=1)[:, :n_keep]]
        counts += np.bincount((cell[chosen] + offsets).ravel(),
                              minlength=n_draws * n_labels**2).reshape(n_draws, -1)
    confusion = counts.reshape(n_draws, n_labels, n_labels)
    support, predicted = confusion.sum(axis=2), confusion.sum(axis=1)
    hits = np.diagonal(confusion, axis1=1, axis2=2)
    denominator = support + predicted
    f1 = np.divide(2 * hits, denominator, out=np.zeros(hits.shape), where=denominator > 0)
    present = np.isin(labels, y_true)  # sklearn's labels=np.unique(y_true): every draw has them
    total = support.sum(axis=1)
    return {
        "accuracy": float(np.mean(hits.sum(axis=1) / total)),
        "f1_weighted": float(np.mean((f1 * support)[:, present].sum(axis=1) / total)),
        "f1_macro": float(np.mean(f1[:, present].mean(axis=1))),
    }


def expected_scores(split: Split, predictions: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """The expected evaluations of a split (:attr:`Split.expected`), from the predictions.

    An evaluation that subsamples one class of a binary set is scored exactly
    (:func:`expected_subsample_score`, round 29); one that subsamples several classes by the
    Monte Carlo mean of :func:`monte_carlo_subsample_score` over
    :data:`MONTE_CARLO_DRAWS` draws seeded with the split number (round 30).

    Parameters
    ----------
    split : ~climd_sklearn.benchmark._data.Split
        The split; ``split.evals[base]`` holds the labels of each expected evaluation's base.
    predictions : mapping
        ``{eval: predicted labels}``, the base evaluations included.

    Returns
    -------
    scores : dict
        ``{expected eval: metrics}``.
    """
    scores = {}
    for ev, (base, keep) in split.expected.items():
        y_true = split.evals[base][1]
        if len(keep) == 1 and np.unique(y_true).size == 2:
            [(label, n_keep)] = keep.items()
            scores[ev] = expected_subsample_score(y_true, predictions[base], label, n_keep)
        else:
            scores[ev] = monte_carlo_subsample_score(y_true, predictions[base], keep,
                                                     random_state=split.index)
    return scores
