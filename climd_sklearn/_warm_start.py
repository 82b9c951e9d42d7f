"""A ``fit`` with ``warm_start=True`` on a fitted estimator: more epochs of the same network.

The first fit builds the network, its optimizer, its loss and the curriculum from the
constructor parameters, and records them. A warm-start fit continues that network, so a
parameter changed since (the architecture, the learning rate, the loss, the modalities) could
not act; it is an error that names the parameter, not a silent no-op. Only the parameters a
continued fit does read may change: ``max_epochs`` (how many more epochs), ``random_state``,
``device``, ``verbose`` and ``warm_start`` itself.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import numpy as np
from sklearn.utils.multiclass import check_classification_targets

__all__ = ["WARM_START_FREE", "check_params_unchanged", "params_at_fit"]

#: The parameters a warm-start fit reads again; every other one must keep its first value.
WARM_START_FREE = ("max_epochs", "random_state", "device", "verbose", "warm_start")


def params_at_fit(estimator: Any) -> dict[str, Any]:
    """A copy of the constructor parameters a warm-start fit may not change."""
    params = estimator.get_params(deep=False)
    return {name: copy.deepcopy(value) for name, value in params.items()
            if name not in WARM_START_FREE}


def _same(first: Any, second: Any) -> bool:
    """Equality that also holds for arrays, and for containers of them."""
    if first is second:
        return True
    if isinstance(first, np.ndarray) or isinstance(second, np.ndarray):
        return np.shape(first) == np.shape(second) and bool(np.all(first == second))
    if isinstance(first, Mapping) and isinstance(second, Mapping):
        return first.keys() == second.keys() and all(_same(first[k], second[k]) for k in first)
    if isinstance(first, list | tuple) and isinstance(second, list | tuple):
        return (type(first) is type(second) and len(first) == len(second)
                and all(_same(a, b) for a, b in zip(first, second)))
    if type(first) is not type(second):
        return False
    if hasattr(first, "get_params"):  # a scheduler or a callback: compare its parameters
        return _same(first.get_params(), second.get_params())
    try:
        return bool(first == second)
    except (TypeError, ValueError):
        return False


def check_params_unchanged(estimator: Any, y: Any, n_samples: int) -> None:
    """Refuse a warm-start fit whose parameters or targets the fitted network cannot take.

    Parameters
    ----------
    estimator : CLIMDClassifier
        A fitted estimator with ``warm_start=True``.
    y : array-like
        The labels of the warm-start fit.
    n_samples : int
        The number of rows of its X.

    Raises
    ------
    ValueError
        Naming each parameter changed since the first fit (with both values), or if y has
        another length than X or is not a classification target.
    """
    first = getattr(estimator, "_params_at_fit", None)
    if first is not None:  # None: a model pickled before this check
        now = params_at_fit(estimator)
        changed = [f"{name} ({first[name]!r} -> {now[name]!r})"
                   for name in first if not _same(first[name], now[name])]
        if changed:
            raise ValueError(
                "warm_start=True continues the fitted network, which cannot take parameters "
                f"changed since its first fit: {', '.join(changed)}. Set warm_start=False to "
                "fit a new network with them, or set them back."
            )
    if len(y) != n_samples:
        raise ValueError(f"X has {n_samples} samples, but y has {len(y)}.")
    check_classification_targets(y)
