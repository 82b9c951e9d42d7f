"""Seeded synthetic multimodal classification data."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ._base import _modality_name_list

__all__ = ["make_multimodal_classification"]

#: Scale of the class centroids in the latent space (root mean square distance between two
#: centroids, restricted to one modality's latent dimensions, is about sqrt(2) * _CLASS_SEP).
_CLASS_SEP = 2.5
#: Minimum number of latent dimensions seen by each modality.
_MIN_LATENT_PER_MODALITY = 10


def _per_modality(value: Any, n_modalities: int, name: str) -> list[Any]:
    """Broadcast a scalar to one value per modality, or check a sequence's length."""
    if isinstance(value, str) or np.ndim(value) == 0:
        return [value] * n_modalities
    values = list(value)
    if len(values) != n_modalities:
        raise ValueError(
            f"{name} must be a scalar or hold one value per modality ({n_modalities}); "
            f"got {len(values)} values."
        )
    return values


def _is_int(value: Any) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _class_counts(n_samples: int, n_classes: int, weights: Sequence[float] | None) -> np.ndarray:
    """Split ``n_samples`` into per-class counts following ``weights`` (each at least 1)."""
    if weights is None:
        w = np.full(n_classes, 1.0 / n_classes)
    else:
        try:
            ndim = np.ndim(weights)
        except ValueError:  # a ragged nesting
            ndim = None
        if isinstance(weights, str) or ndim != 1:
            raise ValueError(
                "weights must be a 1-D sequence of class proportions; got "
                f"{weights!r}."
            )
        values = list(weights)
        if not all(isinstance(v, Real) and not isinstance(v, bool | np.bool_) for v in values):
            raise TypeError(f"weights must hold numbers; got {weights!r}.")
        w = np.asarray(values, dtype=np.float64)
        if len(w) == n_classes - 1:
            w = np.append(w, 1.0 - w.sum())
        elif len(w) != n_classes:
            raise ValueError(
                f"weights must hold n_classes ({n_classes}) or n_classes - 1 values; got {len(w)}."
            )
        if not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise ValueError(f"weights must be positive (the implied last one too); got {w}.")
        if not np.isclose(w.sum(), 1.0, atol=1e-6):
            raise ValueError(f"weights must sum to 1; got a sum of {w.sum()}.")
    raw = n_samples * w
    counts = np.floor(raw).astype(np.int64)
    # give the remaining samples to the largest fractional parts (ties: lowest class first)
    remainder = n_samples - int(counts.sum())
    counts[np.argsort(-(raw - counts), kind="stable")[:remainder]] += 1
    # every class gets at least one sample, taken from the largest class
    for k in np.flatnonzero(counts == 0):
        counts[np.argmax(counts)] -= 1
        counts[k] = 1
    return counts


def make_multimodal_classification(
    n_samples: int = 500,
    *,
    n_modalities: int = 3,
    n_features: int | Sequence[int] = 20,
    n_classes: int = 2,
    weights: Sequence[float] | None = None,
    informativeness: float | Sequence[float] = 1.0,
    complementarity: float = 0.5,
    noise: float = 1.0,
    modality_names: Sequence[str] | None = None,
    random_state: int | np.random.RandomState | None = None,
    return_frame: bool = False,
) -> tuple[dict[str, Any], Any]:
    """Generate a seeded synthetic multimodal classification problem.

    **Generative model.** Each modality ``m`` sees ``d = max(10, n_classes)`` dimensions
    ``S_m`` of a latent space. Every class ``k`` has a centroid ``mu_k`` in that space (entries
    drawn from a normal distribution), and sample ``i`` of class ``y_i`` has the latent code
    ``z_i = mu_{y_i} + e_i``, where the within-class variation ``e_i ~ N(0, I)`` is common to all
    modalities. Modality ``m`` observes

    .. math:: x_i^m = (a_m\\, z_{i, S_m} + h_i^m)\\, W_m + \\sigma\\, n_i^m,

    with ``a_m`` the modality's ``informativeness``, ``h_i^m ~ N(0, I_d)`` private latent noise,
    ``W_m`` a random ``d x n_features_m`` projection (entries ``N(0, 1/d)``) and
    ``sigma = noise`` the feature noise. ``a_m = 0`` makes the modality pure noise, independent
    of the class and of the other modalities; larger ``a_m`` separates the classes better.

    **Complementarity.** Of the ``d`` latent dimensions of each modality,
    ``p = round(complementarity * d)`` are private to it and ``d - p`` are shared by all
    modalities (the latent space has ``d - p + n_modalities * p`` dimensions). With
    ``complementarity=0`` every modality sees the same latent dimensions: the modalities are
    redundant, noisy views of one class code whose errors are correlated through ``e``. With
    ``complementarity=1`` the modalities see disjoint parts of the class code with independent
    variation: each separates the classes along different directions, their errors are
    independent, and combining them helps most. In between, the shared part shrinks linearly.
    Each modality's own class separation does not depend on ``complementarity`` (in
    distribution); only the overlap between modalities does. It has no effect with one modality.

    Samples are shuffled; class ``k`` gets ``round(n_samples * weights[k])`` samples (largest
    remainders first, each class at least one).

    Parameters
    ----------
    n_samples : int, default=500
        Number of samples, at least ``n_classes``.
    n_modalities : int, default=3
        Number of modalities, at least 1.
    n_features : int or sequence of int, default=20
        Number of features of every modality, or one number per modality.
    n_classes : int, default=2
        Number of classes, at least 2. The labels are ``0, ..., n_classes - 1``.
    weights : sequence of float or None, default=None
        Class proportions, as in :func:`sklearn.datasets.make_classification`: ``n_classes``
        positive values summing to 1, or ``n_classes - 1`` values (the last class gets the
        rest). ``None`` gives balanced classes.
    informativeness : float or sequence of float, default=1.0
        Class-separation strength ``a_m >= 0`` of every modality, or one value per modality.
        ``0`` gives a pure-noise modality.
    complementarity : float, default=0.5
        In ``[0, 1]``: the fraction of each modality's latent dimensions that are private to it
        (0: redundant modalities, 1: complementary modalities).
    noise : float, default=1.0
        Standard deviation ``sigma >= 0`` of the Gaussian noise added to every feature.
    modality_names : sequence of str or None, default=None
        Unique modality names; ``None`` gives ``"m0", "m1", ...``.
    random_state : int, RandomState instance or None, default=None
        Seed of every random draw; an int gives reproducible data.
    return_frame : bool, default=False
        If True, each modality is a pandas DataFrame with columns ``"<name>_<j>"`` and ``y`` is
        a pandas Series named ``"target"``.

    Returns
    -------
    X : dict of str to ndarray of shape (n_samples, n_features_m) or DataFrame
        The modalities (float64), keyed by modality name, in order.
    y : ndarray of shape (n_samples,) or Series
        The integer class labels (int64).

    Raises
    ------
    ValueError
        If an argument is out of range, has the wrong type, or a per-modality sequence does not
        hold one value per modality, ``weights`` is not 1-D or ``modality_names`` is one
        string.
    TypeError
        If ``weights`` holds a value that is not a number, ``modality_names`` a name that is
        not a string, or ``return_frame`` is not a bool.

    Examples
    --------
    >>> from climd_sklearn.datasets import make_multimodal_classification
    >>> X, y = make_multimodal_classification(
    ...     200, n_modalities=2, n_features=[5, 8], weights=[0.8], random_state=0
    ... )
    >>> {name: view.shape for name, view in X.items()}
    {'m0': (200, 5), 'm1': (200, 8)}
    >>> [int((y == k).sum()) for k in (0, 1)]
    [160, 40]
    """
    if not _is_int(n_classes) or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2; got {n_classes!r}.")
    if not _is_int(n_samples) or n_samples < n_classes:
        raise ValueError(
            f"n_samples must be an integer >= n_classes ({n_classes}); got {n_samples!r}."
        )
    if not _is_int(n_modalities) or n_modalities < 1:
        raise ValueError(f"n_modalities must be an integer >= 1; got {n_modalities!r}.")
    widths = _per_modality(n_features, n_modalities, "n_features")
    for width in widths:
        if not _is_int(width) or width < 1:
            raise ValueError(f"n_features must be integers >= 1; got {n_features!r}.")
    strengths = _per_modality(informativeness, n_modalities, "informativeness")
    for strength in strengths:
        if not _is_real(strength) or strength < 0:
            raise ValueError(
                f"informativeness must be finite numbers >= 0; got {informativeness!r}."
            )
    if not _is_real(complementarity) or not 0 <= complementarity <= 1:
        raise ValueError(f"complementarity must be a number in [0, 1]; got {complementarity!r}.")
    if not _is_real(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0; got {noise!r}.")
    if modality_names is None:
        names = [f"m{m}" for m in range(n_modalities)]
    else:
        names = _modality_name_list(modality_names)
        if len(names) != n_modalities:
            raise ValueError(
                f"modality_names must hold n_modalities ({n_modalities}) names; got {len(names)}."
            )
        if len(set(names)) != n_modalities:
            raise ValueError(f"modality_names must be unique; got {names}.")
    if not isinstance(return_frame, bool | np.bool_):
        raise TypeError(f"return_frame must be True or False; got {return_frame!r}.")
    counts = _class_counts(n_samples, n_classes, weights)

    rng = check_random_state(random_state)
    d = max(_MIN_LATENT_PER_MODALITY, n_classes)
    n_private = int(round(complementarity * d)) if n_modalities > 1 else 0
    n_shared = d - n_private
    n_latent = n_shared + n_modalities * n_private
    shared_dims = np.arange(n_shared)
    dims = [
        np.concatenate([shared_dims, n_shared + m * n_private + np.arange(n_private)])
        for m in range(n_modalities)
    ]

    centroids = rng.normal(scale=_CLASS_SEP / math.sqrt(d), size=(n_classes, n_latent))
    y = rng.permutation(np.repeat(np.arange(n_classes, dtype=np.int64), counts))
    z = centroids[y] + rng.normal(size=(n_samples, n_latent))

    X: dict[str, Any] = {}
    for name, width, strength, seen in zip(names, widths, strengths, dims):
        latent = strength * z[:, seen] + rng.normal(size=(n_samples, d))
        projection = rng.normal(scale=1.0 / math.sqrt(d), size=(d, width))
        values = latent @ projection + noise * rng.normal(size=(n_samples, width))
        if return_frame:
            X[name] = pd.DataFrame(values, columns=[f"{name}_{j}" for j in range(width)])
        else:
            X[name] = values
    y_out: Any = pd.Series(y, name="target") if return_frame else y
    return X, y_out
