"""Argument checks of :mod:`climd_sklearn.curriculum`, built on :func:`sklearn.utils.check_scalar`.

A wrong type raises TypeError and a bad value ValueError, both naming the parameter and the
value (``"n_epochs == 0, must be >= 1."``). On top of ``check_scalar`` these helpers reject
booleans (``True`` is an ``Integral`` to Python) and NaN (which passes every comparison).
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.utils import check_scalar

#: Values of ``exponent_rule`` (see :func:`climd_sklearn.curriculum.class_distribution`).
EXPONENT_RULES: tuple[str, ...] = ("zipf", "eq6")


def check_int(value: Any, name: str, min_val: int, max_val: int | None = None) -> int:
    """Return ``value`` as an int in ``[min_val, max_val]``; TypeError/ValueError otherwise."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an instance of int, not bool.")
    check_scalar(value, name, Integral, min_val=min_val, max_val=max_val)
    return int(value)


def check_real(
    value: Any,
    name: str,
    *,
    min_val: float | None = None,
    max_val: float | None = None,
    include_boundaries: str = "both",
    allow_inf: bool = False,
) -> float:
    """Return ``value`` as a float within the bounds; NaN (and inf unless allowed) is rejected."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an instance of float, not bool.")
    check_scalar(
        value,
        name,
        Real,
        min_val=min_val,
        max_val=max_val,
        include_boundaries=include_boundaries,
    )
    value = float(value)
    if math.isnan(value) or (math.isinf(value) and not allow_inf):
        allowed = "a real number (or inf)" if allow_inf else "a finite real number"
        raise ValueError(f"{name} == {value}, must be {allowed}.")
    return value


def check_gamma(gamma: Any) -> float:
    """``gamma`` of Eq. 6-7: a finite real number > 0."""
    return check_real(gamma, "gamma", min_val=0, include_boundaries="neither")


def check_alpha(alpha: Any, name: str = "alpha") -> float:
    """An exponent ``alpha(T)``: a real number > 0, or ``math.inf``."""
    return check_real(alpha, name, min_val=0, include_boundaries="neither", allow_inf=True)


def check_exponent_rule(exponent_rule: Any) -> str:
    """``exponent_rule``: one of :data:`EXPONENT_RULES`."""
    if not (isinstance(exponent_rule, str) and exponent_rule in EXPONENT_RULES):
        valid = " or ".join(repr(rule) for rule in EXPONENT_RULES)
        raise ValueError(f"exponent_rule must be {valid}, got {exponent_rule!r}.")
    return exponent_rule


def check_epoch_pair(t: Any, T: Any) -> tuple[int, int]:
    """A 1-based curriculum epoch ``t`` and the number of curriculum epochs ``T >= t``."""
    T = check_int(T, "T", 1)
    t = check_int(t, "t", 1, max_val=T)
    return t, T


def check_class_counts(class_counts: Any) -> np.ndarray:
    """Per-class sample counts (integers >= 1, at least one class) as an int64 array."""
    counts = np.asarray(class_counts)
    if counts.ndim != 1:
        raise ValueError(f"class_counts must be 1-D, got shape {counts.shape}")
    if counts.size < 1:
        raise ValueError("class_counts must contain at least 1 class, got 0")
    if counts.dtype.kind not in "iuf":
        raise ValueError(f"class_counts must be numeric, got dtype {counts.dtype}")
    if counts.dtype.kind == "f":
        if not np.all(np.isfinite(counts)) or np.any(counts != np.round(counts)):
            raise ValueError(f"class_counts must be integers, got {counts.tolist()}")
    if np.any(counts < 1):
        raise ValueError(f"class_counts must all be >= 1, got {counts.tolist()}")
    return counts.astype(np.int64)


def check_select_inputs(priority: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """The ``priority`` (None: all zeros) and ``y`` arrays of a scheduler's ``select``."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    if y.size < 1:
        raise ValueError("y must contain at least 1 sample, got 0")
    if y.dtype.kind not in "iu":
        raise ValueError(f"y must hold integer-encoded labels 0..C-1, got dtype {y.dtype}")
    if y.min() < 0:
        raise ValueError(f"y must hold integer-encoded labels 0..C-1, got minimum {y.min()}")
    y = y.astype(np.int64)
    if priority is None:
        return np.zeros(y.shape[0]), y
    priority = np.asarray(priority)
    if priority.ndim != 1:
        raise ValueError(f"priority must be 1-D, got shape {priority.shape}")
    if priority.shape[0] != y.shape[0]:
        raise ValueError(f"priority has {priority.shape[0]} entries but y has {y.shape[0]}")
    if priority.dtype.kind not in "iuf":
        raise ValueError(f"priority must be numeric, got dtype {priority.dtype}")
    priority = priority.astype(np.float64)
    if np.any(np.isnan(priority)):
        raise ValueError("priority must not contain NaN")
    return priority, y
