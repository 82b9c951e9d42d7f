"""Private helpers shared by the data-set functions.

A multimodal ``X`` is a mapping ``{modality_name: 2-D array or DataFrame}`` whose values all
have the same number of rows (a :class:`skorch.helper.SliceDict` is such a mapping), or a single
2-D array or DataFrame.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import _safe_indexing

#: ``pandas.read_csv`` options that parse floats exactly (correctly rounded). pandas 3 does
#: that by default and deprecates the option; pandas 2's default parser can be 1 ulp off.
EXACT_FLOATS: dict[str, str] = (
    {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
)

__all__: list[str] = []


def _n_rows(value: Any, what: str) -> int:
    """Return the number of rows of ``value`` or raise a ValueError naming ``what``."""
    shape = getattr(value, "shape", None)
    if shape is None:
        raise ValueError(f"{what} must be a 2-D array or DataFrame; got {type(value).__name__}.")
    if len(shape) != 2:
        raise ValueError(f"{what} must be 2-D; got shape {tuple(shape)}.")
    return int(shape[0])


def _check_multimodal_rows(X: Any, n_samples: int | None = None) -> int:
    """Check that every modality of ``X`` has the same number of rows.

    Returns the common number of rows. When ``n_samples`` is given, every modality must have
    exactly that many rows (the number of labels).
    """
    if isinstance(X, Mapping):
        if len(X) == 0:
            raise ValueError("X is an empty mapping; it needs at least one modality.")
        items = list(X.items())
    else:
        items = [(None, X)]
    reference: tuple[str, int] | None = None
    for name, value in items:
        what = "X" if name is None else f"Modality {name!r}"
        n = _n_rows(value, what)
        if n_samples is not None and n != n_samples:
            raise ValueError(f"{what} has {n} rows but y has {n_samples} samples.")
        if reference is None:
            reference = (what, n)
        elif n != reference[1]:
            raise ValueError(
                f"{what} has {n} rows but {reference[0]} has {reference[1]} rows; all "
                "modalities must have the same number of rows."
            )
    assert reference is not None
    return reference[1]


def _take_rows(X: Any, indices: np.ndarray) -> Any:
    """Select ``indices`` rows of every modality of ``X`` and return the same form.

    Arrays give arrays, DataFrames give DataFrames (original index labels kept) and a mapping
    gives a mapping of the same type (``dict``, ``SliceDict``, ...), keys in the same order.
    """
    if not isinstance(X, Mapping):
        return _safe_indexing(X, indices, axis=0)
    selected = {name: _safe_indexing(value, indices, axis=0) for name, value in X.items()}
    cls = type(X)
    if cls is dict:
        return selected
    try:  # SliceDict and other keyword-constructed mappings
        return cls(**selected)
    except TypeError:
        return cls(selected)


def _modality_name_list(modality_names: Any) -> list[str]:
    """``modality_names`` as a list of plain strings: not one string, every entry a string."""
    if isinstance(modality_names, str):
        raise ValueError("modality_names must be a sequence of strings, not one string; "
                         f"got {modality_names!r}.")
    names = list(modality_names)
    not_str = [name for name in names if not isinstance(name, str)]
    if not_str:
        raise TypeError(
            f"modality_names must hold strings; got {not_str[0]!r} ({type(not_str[0]).__name__})."
        )
    return [str(name) for name in names]  # numpy strings become plain ones
