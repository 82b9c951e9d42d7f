"""Data settings: each yields train/evaluation splits as concatenated arrays."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedShuffleSplit

from ..datasets import (
    load_mfeat,
    load_mogonet,
    make_long_tailed,
    make_multimodal_classification,
)
from ..datasets._fetch import _fetch_folder

__all__ = ["DEFAULT_ROSMAP", "LONG_TAILED_EXPECTED", "MATCHED_EXPECTED", "Setting", "Split",
           "make_setting"]

_REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
#: ROSMAP in the MOGONET layout: ``../shared/data/ROSMAP`` relative to the repository root.
DEFAULT_ROSMAP = os.path.normpath(os.path.join(_REPO_ROOT, "..", "shared", "data", "ROSMAP"))

#: The evaluation that scores the matched fold as the exact mean over every draw of its
#: subsample (research round 29), beside the one seeded draw ``"matched"``.
MATCHED_EXPECTED = "matched, expected"
#: The evaluation that scores the long-tailed held-out set as a seeded Monte Carlo mean over
#: draws of its subsample (research round 30), beside the one seeded draw ``"long-tailed"``.
LONG_TAILED_EXPECTED = "long-tailed, expected"


@dataclass
class Split:
    """One outer split: training data and one or more evaluation sets.

    Attributes
    ----------
    index : int
        Split number (a seed or a CV fold).
    X_train, y_train : ndarray
        Concatenated training features and labels.
    evals : dict
        ``{eval name: (X_eval, y_eval)}``.
    expected : dict
        ``{eval name: (base eval, {label: n_keep})}``: evaluations scored as the mean over the
        subsamples of ``base eval`` that keep ``n_keep`` random rows of each class named and
        every other row, from the predictions on ``base eval``
        (:func:`~climd_sklearn.benchmark._subsample.expected_scores`: exact for one class of
        a binary set, a seeded Monte Carlo mean otherwise).
    """

    index: int
    X_train: np.ndarray
    y_train: np.ndarray
    evals: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    expected: dict[str, tuple[str, dict[Any, int]]] = field(default_factory=dict)


@dataclass
class Setting:
    """A benchmark data setting.

    Attributes
    ----------
    name : str
        Display name, e.g. ``"ROSMAP IR 10"``.
    layout : dict of str to int
        Modality widths in column order.
    splits : callable
        ``splits(n)`` yields ``n`` :class:`Split` objects.
    description : str
        One line for the documentation.
    """

    name: str
    layout: dict[str, int]
    splits: Any
    description: str = ""


def _concat(X: dict[str, Any]) -> np.ndarray:
    return np.hstack([np.asarray(v, dtype=np.float64) for v in X.values()])


def _subsample_class(
    y: np.ndarray, label: int, n_keep: int, rng: np.random.RandomState
) -> np.ndarray:
    """Row indices keeping ``n_keep`` random rows of ``label`` and every other row."""
    idx = np.flatnonzero(y == label)
    keep = rng.choice(idx, size=min(n_keep, idx.size), replace=False)
    return np.sort(np.concatenate([np.flatnonzero(y != label), keep]))


def rosmap_setting(imbalance_ratio: float, path: str = DEFAULT_ROSMAP) -> Setting:
    """ROSMAP with the training AD class (label 1) subsampled to ``n_NC / imbalance_ratio``.

    Each seed draws a new subsample. Evaluations: ``"balanced"`` is the untouched test split
    (label shift between training and test), ``"matched"`` the test split with its AD class
    subsampled to the same ratio (the paper's setting), and ``"matched, expected"`` (in
    :attr:`Split.expected`; the like-for-like runner scores it) the exact mean over every
    such subsample.

    Parameters
    ----------
    imbalance_ratio : float
        NC:AD ratio of the training data (>= 1).
    path : str
        The ROSMAP folder in the MOGONET layout.

    Returns
    -------
    setting : Setting
    """
    data = load_mogonet(path)
    X_tr, X_te = _concat(data.X_train), _concat(data.X_test)
    y_tr, y_te = np.asarray(data.y_train), np.asarray(data.y_test)
    layout = {k: int(np.asarray(v).shape[1]) for k, v in data.X_train.items()}

    def splits(n: int) -> Iterator[Split]:
        for seed in range(n):
            rng = np.random.RandomState(seed)
            n_tr = int(round(np.sum(y_tr == 0) / imbalance_ratio))
            tr = _subsample_class(y_tr, 1, n_tr, rng)
            n_te = int(round(np.sum(y_te == 0) / imbalance_ratio))
            te = _subsample_class(y_te, 1, n_te, rng)
            yield Split(seed, X_tr[tr], y_tr[tr], {
                "balanced": (X_te, y_te), "matched": (X_te[te], y_te[te])},
                {MATCHED_EXPECTED: ("balanced", {1: n_te})})

    return Setting(f"ROSMAP IR {imbalance_ratio:g}", layout, splits,
                   f"ROSMAP, training AD subsampled to NC:AD = {imbalance_ratio:g}")


def rosmap_pooled_setting(
    imbalance_ratio: float, path: str = DEFAULT_ROSMAP, n_folds: int = 5,
    noise_features: int = 0,
) -> Setting:
    """ROSMAP with training and test pooled, repeated stratified CV, training folds imbalanced.

    The 351 samples of MOGONET's ROSMAP split (training and test together) are split by
    ``RepeatedStratifiedKFold(n_splits=n_folds, n_repeats, random_state=0)``. On each
    training fold the AD class (label 1, as in :func:`rosmap_setting`) is subsampled to
    ``round(n_NC / imbalance_ratio)`` samples (a new draw per split, seeded by the split
    number); ``imbalance_ratio=1`` keeps the training fold as it is.

    Parameters
    ----------
    imbalance_ratio : float
        NC:AD ratio of the training folds (>= 1); 1 means no subsampling.
    path : str
        The ROSMAP folder in the MOGONET layout.
    n_folds : int, default=5
        Folds per repetition; ``splits(n)`` runs ``ceil(n / n_folds)`` repetitions and yields
        the first ``n`` splits.
    noise_features : int, default=0
        Standard-normal columns appended to every modality (seeded, the same for every
        split), so that each modality has ``200 + noise_features`` features of which 200
        carry the signal: a small-n, large-p version of the same splits (the setting is
        then named ``"ROSMAP wide IR <ratio>"``).

    Returns
    -------
    setting : Setting
        Evaluations: ``"untouched"``, the held-out fold as it is, and (for
        ``imbalance_ratio > 1``) ``"matched"``, the held-out fold with its AD class subsampled
        to the same NC:AD ratio (seeded), and ``"matched, expected"``, the exact mean of the
        matched score over every such subsample (:attr:`Split.expected`). At ratio 1 the
        matched fold would be the untouched one, so both are left out rather than counted
        twice.
    """
    if imbalance_ratio < 1:
        raise ValueError(f"imbalance_ratio must be >= 1, got {imbalance_ratio}")
    data = load_mogonet(path)
    X = np.vstack([_concat(data.X_train), _concat(data.X_test)])
    y = np.concatenate([np.asarray(data.y_train), np.asarray(data.y_test)])
    layout = {k: int(np.asarray(v).shape[1]) for k, v in data.X_train.items()}
    name = f"ROSMAP IR {imbalance_ratio:g}"
    if noise_features:
        noise = np.random.RandomState(0).standard_normal((len(layout), y.size, noise_features))
        blocks = np.split(X, np.cumsum(list(layout.values()))[:-1], axis=1)
        X = np.hstack([part for block, extra in zip(blocks, noise) for part in (block, extra)])
        layout = {k: width + noise_features for k, width in layout.items()}
        name = f"ROSMAP wide IR {imbalance_ratio:g}"

    return Setting(name, layout, lambda n: pooled_cv_splits(X, y, imbalance_ratio, n, n_folds),
                   f"ROSMAP pooled ({y.size} samples), repeated stratified {n_folds}-fold CV, "
                   f"training AD subsampled to NC:AD = {imbalance_ratio:g}"
                   + (f", {noise_features} noise features added to each modality"
                      if noise_features else ""))


def pooled_cv_splits(
    X: np.ndarray, y: np.ndarray, imbalance_ratio: float, n: int, n_folds: int = 5
) -> Iterator[Split]:
    """The first ``n`` splits of repeated stratified CV, class 1 subsampled on training folds.

    ``RepeatedStratifiedKFold(n_splits=n_folds, n_repeats=ceil(n / n_folds),
    random_state=0)``; on each training fold class 1 keeps ``round(n_0 / imbalance_ratio)``
    samples (a new draw per split, seeded by the split number), and for
    ``imbalance_ratio > 1`` the ``"matched"`` evaluation is the held-out fold subsampled the
    same way, beside the ``"untouched"`` one, and ``"matched, expected"`` (in
    :attr:`Split.expected`) the exact mean over every such subsample.

    Parameters
    ----------
    X : ndarray
        Concatenated features.
    y : ndarray
        Binary labels, 1 the class made rare.
    imbalance_ratio : float
        Class 0 to class 1 ratio of the training folds; 1 keeps them as they are.
    n : int
        Number of splits.
    n_folds : int, default=5
        Folds per repetition.

    Yields
    ------
    split : Split
    """
    n_repeats = max(1, -(-n // n_folds))
    cv = RepeatedStratifiedKFold(n_splits=n_folds, n_repeats=n_repeats, random_state=0)
    for i, (tr, te) in enumerate(cv.split(X, y)):
        if i >= n:
            return
        evals = {"untouched": (X[te], y[te])}
        expected = {}
        if imbalance_ratio > 1:
            rng = np.random.RandomState(i)
            n_rare_train = int(round(np.sum(y[tr] == 0) / imbalance_ratio))
            tr = tr[_subsample_class(y[tr], 1, n_rare_train, rng)]
            n_rare_test = int(round(np.sum(y[te] == 0) / imbalance_ratio))
            matched = te[_subsample_class(y[te], 1, n_rare_test, rng)]
            evals["matched"] = (X[matched], y[matched])
            expected[MATCHED_EXPECTED] = ("untouched", {1: n_rare_test})
        yield Split(i, X[tr], y[tr], evals, expected)


def _long_tailed_expected(
    y_balanced: np.ndarray, y_long_tailed: np.ndarray
) -> dict[str, tuple[str, dict[Any, int]]]:
    """The ``"long-tailed, expected"`` spec: each class subsampled as in the one draw."""
    labels, n_kept = np.unique(y_long_tailed, return_counts=True)
    keep = {label.item(): int(n) for label, n in zip(labels, n_kept)
            if n < np.sum(y_balanced == label)}
    return {LONG_TAILED_EXPECTED: ("balanced", keep)}


def _cv_lt_splits(
    X: np.ndarray, y: np.ndarray, rho: float, n: int, n_folds: int = 5
) -> Iterator[Split]:
    n_repeats = max(1, -(-n // n_folds))
    cv = RepeatedStratifiedKFold(n_splits=n_folds, n_repeats=n_repeats, random_state=0)
    for i, (tr, te) in enumerate(cv.split(X, y)):
        if i >= n:
            return
        X_tr, y_tr = make_long_tailed(X[tr], y[tr], rho, random_state=i)
        X_lt, y_lt = make_long_tailed(X[te], y[te], rho, random_state=i)
        yield Split(i, X_tr, y_tr, {"balanced": (X[te], y[te]), "long-tailed": (X_lt, y_lt)},
                    _long_tailed_expected(y[te], y_lt))


def mfeat_setting(rho: float) -> Setting:
    """mfeat (6 views, 10 digits): repeated stratified 5-fold CV, training folds long-tailed.

    Parameters
    ----------
    rho : float
        Imbalance ratio of :func:`~climd_sklearn.datasets.make_long_tailed` (head = digit 0).

    Returns
    -------
    setting : Setting
        Evaluations ``"balanced"`` (the held-out fold), ``"long-tailed"`` (the held-out
        fold made long-tailed with the same ``rho``, one seeded draw) and
        ``"long-tailed, expected"`` (in :attr:`Split.expected`; the like-for-like runner
        scores it) the Monte Carlo mean over draws of that subsample.
    """
    Xd, y = load_mfeat(return_X_y=True)
    X = _concat(Xd)
    layout = {k: int(v.shape[1]) for k, v in Xd.items()}
    return Setting(f"mfeat LT rho {rho:g}", layout,
                   lambda n: _cv_lt_splits(X, np.asarray(y), rho, n),
                   f"mfeat, 5-fold CV, training folds long-tailed at rho = {rho:g}")


def synthetic_setting(rho: float = 10.0) -> Setting:
    """Synthetic 3-modality, 5-class data: a new draw per seed, half for training.

    The training half is made long-tailed with ``rho``; evaluation on the balanced other half,
    on its long-tailed version (one seeded draw) and, as ``"long-tailed, expected"`` (in
    :attr:`Split.expected`), on the Monte Carlo mean over draws of that version.

    Parameters
    ----------
    rho : float, default=10.0
        Imbalance ratio of the training half.

    Returns
    -------
    setting : Setting
    """
    layout = {"m0": 20, "m1": 20, "m2": 20}

    def splits(n: int) -> Iterator[Split]:
        for seed in range(n):
            Xd, y = make_multimodal_classification(
                1500, n_modalities=3, n_features=20, n_classes=5, informativeness=0.5,
                complementarity=0.7, noise=1.0, random_state=seed)
            X = _concat(Xd)
            tr, te = next(StratifiedShuffleSplit(1, test_size=0.5, random_state=seed)
                          .split(X, y))
            X_tr, y_tr = make_long_tailed(X[tr], y[tr], rho, random_state=seed)
            X_lt, y_lt = make_long_tailed(X[te], y[te], rho, random_state=seed)
            yield Split(seed, X_tr, y_tr, {"balanced": (X[te], y[te]),
                                           "long-tailed": (X_lt, y_lt)},
                        _long_tailed_expected(y[te], y_lt))

    return Setting(f"Synthetic LT rho {rho:g}", layout, splits,
                   "make_multimodal_classification (3 x 20 features, 5 classes, "
                   f"informativeness 0.5, complementarity 0.7), training half LT rho {rho:g}")


def mogonet_setting(path: str, imbalance_ratio: float | None = None) -> Setting:
    """Any MOGONET-layout folder with its fixed split.

    Parameters
    ----------
    path : str
        The folder.
    imbalance_ratio : float or None, default=None
        If given, the training split is made long-tailed (classes ranked by training
        frequency) with this ratio, a new draw per seed.

    Returns
    -------
    setting : Setting
        Evaluation ``"test"``: the test split as given.
    """
    data = load_mogonet(path)
    X_tr, X_te = _concat(data.X_train), _concat(data.X_test)
    y_tr, y_te = np.asarray(data.y_train), np.asarray(data.y_test)
    layout = {k: int(np.asarray(v).shape[1]) for k, v in data.X_train.items()}
    labels, counts = np.unique(y_tr, return_counts=True)
    order = labels[np.argsort(-counts, kind="stable")].tolist()

    def splits(n: int) -> Iterator[Split]:
        for seed in range(n):
            Xs, ys = X_tr, y_tr
            if imbalance_ratio is not None and imbalance_ratio > 1:
                Xs, ys = make_long_tailed(X_tr, y_tr, imbalance_ratio, random_state=seed,
                                          class_order=order)
            yield Split(seed, Xs, ys, {"test": (X_te, y_te)})

    name = os.path.basename(os.path.normpath(path))
    suffix = f" LT rho {imbalance_ratio:g}" if imbalance_ratio else ""
    return Setting(f"{name}{suffix}", layout, splits, f"MOGONET-layout folder {path}")


def make_setting(spec: str, rosmap_path: str = DEFAULT_ROSMAP) -> Setting:
    """Build a setting from a short spec.

    Parameters
    ----------
    spec : str
        ``"rosmap:<IR>"``, ``"mfeat:<rho>"``, ``"synthetic:<rho>"``,
        ``"mogonet:<path>[:<rho>]"`` or ``"brca[:<rho>]"`` (MOGONET's BRCA, 5 PAM50 classes,
        its fixed split, fetched into the default cache by
        :func:`~climd_sklearn.datasets.fetch_mogonet`; ``rho`` as for ``"mogonet"``).
    rosmap_path : str
        Where ROSMAP lives.

    Returns
    -------
    setting : Setting
    """
    kind, _, arg = spec.partition(":")
    if kind == "rosmap":
        return rosmap_setting(float(arg), rosmap_path)
    if kind == "mfeat":
        return mfeat_setting(float(arg))
    if kind == "synthetic":
        return synthetic_setting(float(arg or 10))
    if kind == "brca":
        return mogonet_setting(str(_fetch_folder("BRCA")), float(arg) if arg else None)
    if kind == "mogonet":
        path, _, rho = arg.rpartition(":") if arg.count(":") else (arg, "", "")
        return mogonet_setting(path or arg, float(rho) if rho else None)
    raise ValueError(f"Unknown setting spec {spec!r}")
